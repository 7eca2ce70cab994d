//! One simulated customer return: decided once from its order (the order's own items, buyer,
//! marketplace and payment) with a generator seeded by the world's seed and the order's id, so
//! the same seed always gives the same returns. Its timeline is planned at once; what it shows
//! is read at the simulated clock, so a return moves through its statuses as time passes
//! (allegro-api-money.md §2.3, §9).

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::{
    domain::customer_return::{REJECTION_CODES, RETURN_REASONS},
    simulator::data::{bought_at, format_time, millis, seeded, uuid_v4},
};

/// What buyers write next to a reason (or nothing).
const COMMENTS: [&str; 5] = [
    "Ucho odklejone po rozpakowaniu",
    "Rozmiar nie pasuje",
    "Kolor inny niż na zdjęciu",
    "Przyszło porysowane",
    "",
];

/// One step of a return's life: from `at` on it shows `status`.
#[derive(Debug, Clone)]
struct Step {
    at: DateTime<Utc>,
    status: &'static str,
}

/// A customer return of one order, with its whole planned life.
pub(crate) struct ReturnRecord {
    pub id: String,
    pub order_id: String,
    pub created_at: DateTime<Utc>,
    /// The part that never changes (id, order, buyer, items, refund account …).
    fixed: Value,
    plan: Vec<Step>,
    /// Shown from the `DISPATCHED` step on.
    parcel: Value,
    /// Shown from the `REJECTED` step on.
    rejection: Value,
}

/// A millisecond timestamp as Allegro writes it.
fn at_text(t: DateTime<Utc>) -> String {
    format_time(t, 3)
}

/// The generator of `order_id`'s return in a world of `seed`.
fn rng_for(seed: u64, order_id: &str) -> ChaCha8Rng {
    seeded(seed, "customer-return", order_id)
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

impl ReturnRecord {
    /// The return of `order`, if it gets one: `percent` of paid orders do, some days after the
    /// purchase. `None` for unpaid orders and the others.
    pub(crate) fn for_order(order: &Value, seed: u64, percent: u32) -> Option<Self> {
        let order_id = order["id"].as_str()?;
        let items = order["lineItems"].as_array().filter(|i| !i.is_empty())?;
        if order["status"] != "READY_FOR_PROCESSING" {
            return None;
        }
        let mut rng = rng_for(seed, order_id);
        if rng.random_range(0..100) >= percent {
            return None;
        }
        let bought = bought_at(order)?;
        let created_at = millis(
            bought
                + Duration::days(rng.random_range(2..15))
                + Duration::seconds(rng.random_range(0..86_400)),
        );
        let id = uuid_v4(&mut rng);
        let fixed = fixed_part(&mut rng, order, &id, created_at, items);
        let plan = plan(&mut rng, created_at);
        let dispatched = plan.get(1).map_or(created_at, |s| s.at);
        let rejected = plan.last().map_or(created_at, |s| s.at);
        Some(Self {
            parcel: parcel(&mut rng, order, dispatched),
            rejection: rejection(&mut rng, rejected),
            id,
            order_id: order_id.to_owned(),
            created_at,
            fixed,
            plan,
        })
    }

    /// When the return reaches `FINISHED` (the money is due back), if it does.
    pub(crate) fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.reached_at("FINISHED")
    }

    /// When the return reaches `status`, if it does.
    pub(crate) fn reached_at(&self, status: &str) -> Option<DateTime<Utc>> {
        self.plan.iter().find(|s| s.status == status).map(|s| s.at)
    }

    /// The returned items: (offer id, quantity).
    pub(crate) fn returned_items(&self) -> Vec<(String, u64)> {
        self.fixed["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| {
                let offer = i["offerId"].as_str().unwrap_or_default().to_owned();
                (offer, i["quantity"].as_u64().unwrap_or(1))
            })
            .collect()
    }

    /// The status the return shows at `now`.
    pub(crate) fn status_at(&self, now: DateTime<Utc>) -> &'static str {
        self.plan
            .iter()
            .rev()
            .find(|s| s.at <= now)
            .map_or("CREATED", |s| s.status)
    }

    /// The return as `GET /order/customer-returns` shows it at `now`.
    pub(crate) fn json_at(&self, now: DateTime<Utc>) -> Value {
        let status = self.status_at(now);
        let sent = self.plan.get(1).is_some_and(|s| s.at <= now);
        let mut json = self.fixed.clone();
        json["status"] = json!(status);
        json["parcels"] = if sent {
            json!([self.parcel])
        } else {
            json!([])
        };
        json["rejection"] = if status == "REJECTED" {
            self.rejection.clone()
        } else {
            Value::Null
        };
        json
    }

    /// The fields the list filters on, at `now`.
    pub(crate) fn matches(&self, field: &str, value: &str, now: DateTime<Utc>) -> bool {
        let json = self.json_at(now);
        let any_of = |list: &str, key: &str| {
            json[list]
                .as_array()
                .into_iter()
                .flatten()
                .any(|x| x[key].as_str() == Some(value))
        };
        match field {
            "status" => self.status_at(now) == value,
            "customerReturnId" => self.id == value,
            "orderId" => self.order_id == value,
            "buyer.email" => text(&json, "/buyer/email") == value,
            "buyer.login" => text(&json, "/buyer/login") == value,
            "referenceNumber" => text(&json, "/referenceNumber") == value,
            "marketplaceId" => text(&json, "/marketplaceId") == value,
            "items.offerId" => any_of("items", "offerId"),
            "items.name" => any_of("items", "name"),
            "parcels.waybill" => any_of("parcels", "waybill"),
            "parcels.transportingWaybill" => any_of("parcels", "transportingWaybill"),
            "parcels.carrierId" => any_of("parcels", "carrierId"),
            "parcels.transportingCarrierId" => any_of("parcels", "transportingCarrierId"),
            _ => true,
        }
    }
}

/// Id, order, buyer, the returned items (real line items of the order, up to their quantity)
/// and, for payments Allegro does not refund itself, the bank account.
fn fixed_part(
    rng: &mut ChaCha8Rng,
    order: &Value,
    id: &str,
    created_at: DateTime<Utc>,
    line_items: &[Value],
) -> Value {
    let returned = rng.random_range(1..=line_items.len());
    let items: Vec<Value> = line_items[..returned]
        .iter()
        .map(|li| {
            let bought = li["quantity"].as_u64().unwrap_or(1).max(1);
            let reasons = &RETURN_REASONS[1..];
            let comment = COMMENTS[rng.random_range(0..COMMENTS.len())];
            let offer_id = text(li, "/offer/id");
            let name = text(li, "/offer/name");
            json!({
                "offerId": offer_id,
                "quantity": rng.random_range(1..=bought),
                "name": name,
                "price": li["price"],
                "url": format!("https://allegro.pl/oferta/{offer_id}"),
                "reason": {
                    "type": reasons[rng.random_range(0..reasons.len())],
                    "userComment": if comment.is_empty() { Value::Null } else { json!(comment) },
                },
            })
        })
        .collect();
    let reference = format!(
        "{}/Z{:02}{}",
        rng.random_range(1000..10_000),
        rng.random_range(1..100),
        char::from(b'A' + rng.random_range(0..26u8))
    );
    json!({
        "id": id,
        "isFulfillment": false,
        "createdAt": at_text(created_at),
        "referenceNumber": reference,
        "orderId": order["id"],
        "buyer": {"email": order["buyer"]["email"], "login": order["buyer"]["login"]},
        "items": items,
        "refund": refund_account(rng, order),
        "marketplaceId": order["marketplace"]["id"],
    })
}

/// The account the buyer wants the money on: only cash on delivery, bank transfers and
/// Allegro Pay orders have one.
fn refund_account(rng: &mut ChaCha8Rng, order: &Value) -> Value {
    let kind = text(order, "/payment/type");
    if !matches!(kind, "CASH_ON_DELIVERY" | "WIRE_TRANSFER" | "EXTENDED_TERM") {
        return Value::Null;
    }
    let number: String = (0..26)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect();
    let buyer = &order["buyer"];
    json!({"bankAccount": {
        "owner": format!("{} {}", text(buyer, "/firstName"), text(buyer, "/lastName")),
        "accountNumber": number,
        "iban": format!("PL{number}"),
        "swift": null,
        "address": {
            "street": buyer["address"]["street"], "city": buyer["address"]["city"],
            "postCode": buyer["address"]["postCode"], "countryCode": buyer["address"]["countryCode"],
        },
    }})
}

/// The timeline: created; then (unless the buyer never sends it) dispatched, in transit,
/// delivered, and refunded or rejected; some refunded returns go on to a commission claim.
fn plan(rng: &mut ChaCha8Rng, created_at: DateTime<Utc>) -> Vec<Step> {
    let mut at = created_at;
    let mut steps = vec![Step {
        at,
        status: "CREATED",
    }];
    if rng.random_range(0..100) < 10 {
        return steps;
    }
    let mut then = |rng: &mut ChaCha8Rng, hours: std::ops::Range<i64>, status| {
        at = millis(
            at + Duration::hours(rng.random_range(hours))
                + Duration::seconds(rng.random_range(0..3600)),
        );
        steps.push(Step { at, status });
    };
    then(rng, 6..48, "DISPATCHED");
    then(rng, 4..30, "IN_TRANSIT");
    then(rng, 20..72, "DELIVERED");
    match rng.random_range(0..100) {
        0..=14 => then(rng, 24..96, "REJECTED"),
        15..=19 => then(rng, 24..96, "FINISHED_APT"),
        outcome => {
            then(rng, 24..96, "FINISHED");
            if outcome >= 60 {
                then(rng, 24..120, "COMMISSION_REFUND_CLAIMED");
                then(rng, 120..336, "COMMISSION_REFUNDED");
            }
        }
    }
    steps
}

/// The parcel the buyer sends: Allegro's own waybill, moved by another carrier half the time.
fn parcel(rng: &mut ChaCha8Rng, order: &Value, at: DateTime<Utc>) -> Value {
    const SET: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
    let code: String = (0..8)
        .map(|_| char::from(SET[rng.random_range(0..SET.len())]))
        .collect();
    let by_other = rng.random_bool(0.5);
    let other: String = (0..13)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect();
    json!({
        "createdAt": at_text(at),
        "waybill": format!("AD{code}"),
        "transportingWaybill": if by_other { json!(other) } else { Value::Null },
        "carrierId": "ALLEGRO",
        "transportingCarrierId": if by_other { json!("ORLEN") } else { Value::Null },
        "sender": {"phoneNumber": order["buyer"]["phoneNumber"]},
    })
}

/// Why the seller refused the refund (shown only once the return is `REJECTED`).
fn rejection(rng: &mut ChaCha8Rng, at: DateTime<Utc>) -> Value {
    json!({
        "code": REJECTION_CODES[rng.random_range(0..REJECTION_CODES.len())],
        "reason": "Towar nosi ślady użytkowania",
        "createdAt": at_text(at),
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::customer_return::RETURN_STATUSES;

    fn order(id: &str) -> Value {
        json!({
            "id": id, "status": "READY_FOR_PROCESSING",
            "buyer": {"login": "jan", "email": "jan@allegromail.pl", "phoneNumber": "600100200",
                      "firstName": "Jan", "lastName": "Kowalski", "address": {}},
            "payment": {"type": "CASH_ON_DELIVERY"},
            "marketplace": {"id": "allegro-pl"},
            "lineItems": [{"offer": {"id": "174", "name": "Kubek"}, "quantity": 3,
                           "price": {"amount": "29.99", "currency": "PLN"},
                           "boughtAt": "2026-07-01T10:00:00.000Z"}]
        })
    }

    #[test]
    fn every_timeline_moves_forward_through_known_statuses() {
        for n in 0..300 {
            let r = ReturnRecord::for_order(&order(&format!("order-{n}")), 42, 100).unwrap();
            assert!(r.plan.windows(2).all(|w| w[0].at < w[1].at));
            assert!(r.plan.iter().all(|s| RETURN_STATUSES.contains(&s.status)));
            let before = r.json_at(r.created_at);
            assert_eq!(before["status"], "CREATED");
            assert_eq!(before["parcels"], json!([]));
            assert!(
                before["refund"]["bankAccount"].is_object(),
                "cash on delivery"
            );
            let later = r.json_at(r.created_at + Duration::days(60));
            let last = r.plan.last().unwrap().status;
            assert_eq!(later["status"], last);
            assert_eq!(later["rejection"].is_object(), last == "REJECTED");
            assert!(later["items"][0]["quantity"].as_u64().unwrap() <= 3);
        }
    }

    #[test]
    fn unpaid_orders_are_not_returned_and_the_rate_holds_roughly() {
        let mut unpaid = order("x");
        unpaid["status"] = json!("BOUGHT");
        assert!(ReturnRecord::for_order(&unpaid, 42, 100).is_none());
        let returned = (0..1000)
            .filter(|n| ReturnRecord::for_order(&order(&format!("o-{n}")), 7, 3).is_some())
            .count();
        assert!((10..=60).contains(&returned), "{returned} of 1000");
        let at = Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap();
        let r = ReturnRecord::for_order(&order("y"), 42, 100).unwrap();
        assert!(r.created_at >= at + Duration::days(2));
        assert!(r.created_at < at + Duration::days(15));
    }
}
