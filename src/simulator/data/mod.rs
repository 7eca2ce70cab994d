//! Deterministic data generator: sellers, checkout forms and their event history, all drawn from
//! a seeded `ChaCha8Rng` so the same seed always gives the same world.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};

mod values;

use values::{alnum, digits, pick};
pub(crate) use values::{price, revision, stamp, uuid_v1ish, uuid_v4};

use super::names::{
    CITIES, COMPANY_SUFFIXES, DELIVERY_METHODS, FIRST_NAMES, LAST_NAMES, MESSAGES, NOTES,
    PICKUP_DESCRIPTIONS, PRODUCTS, STREETS, VARIANTS, ascii_fold,
};

/// One marketplace: id, currency, buyer language, country, price multiplier (×num/den).
struct Market {
    id: &'static str,
    currency: &'static str,
    language: &'static str,
    country: &'static str,
    num: i64,
    den: i64,
}

const MARKETS: &[Market] = &[
    Market {
        id: "allegro-pl",
        currency: "PLN",
        language: "pl-PL",
        country: "PL",
        num: 1,
        den: 1,
    },
    Market {
        id: "allegro-cz",
        currency: "CZK",
        language: "cs-CZ",
        country: "CZ",
        num: 11,
        den: 2,
    },
    Market {
        id: "allegro-sk",
        currency: "EUR",
        language: "sk-SK",
        country: "SK",
        num: 10,
        den: 43,
    },
    Market {
        id: "allegro-hu",
        currency: "HUF",
        language: "hu-HU",
        country: "HU",
        num: 90,
        den: 1,
    },
];

/// The public profile of a simulated seller (`GET /me`).
#[derive(Debug, Clone)]
pub(crate) struct SellerProfile {
    pub id: String,
    pub login: String,
    pub me: Value,
}

/// A generated checkout form plus the events that led to its current state.
pub(crate) struct Generated {
    pub order: Value,
    /// (event type, occurredAt as served, occurredAt, written at)
    pub history: Vec<(&'static str, String, DateTime<Utc>, DateTime<Utc>)>,
}

pub(crate) fn seller(rng: &mut ChaCha8Rng, index: usize) -> SellerProfile {
    let first = *pick(rng, FIRST_NAMES);
    let last = *pick(rng, LAST_NAMES);
    let id = digits(rng, 9);
    let login = format!("{}_sklep_{}", ascii_fold(last).to_lowercase(), index + 1);
    let company = format!("{} {}", ascii_fold(last), pick(rng, COMPANY_SUFFIXES));
    let me = json!({
        "id": id,
        "login": login,
        "firstName": first,
        "lastName": last,
        "email": format!("{login}@example.pl"),
        "baseMarketplace": {"id": "allegro-pl"},
        "company": {"name": company, "taxId": digits(rng, 10)},
        "features": if index == 0 { json!(["SUPER_SELLER"]) } else { json!([]) },
    });
    SellerProfile { id, login, me }
}

/// Removes a null field half of the time: Allegro sends optional fields either way.
fn maybe_drop_null(rng: &mut ChaCha8Rng, obj: &mut Map<String, Value>, key: &str) {
    if obj.get(key).is_some_and(Value::is_null) && rng.random_bool(0.5) {
        obj.remove(key);
    }
}

struct Person {
    first: &'static str,
    last: &'static str,
    street: String,
    city: &'static str,
    post_code: String,
    pickup_prefix: &'static str,
    phone: String,
}

fn person(rng: &mut ChaCha8Rng) -> Person {
    let (city, prefix, pickup_prefix) = *pick(rng, CITIES);
    Person {
        first: pick::<&str>(rng, FIRST_NAMES),
        last: pick::<&str>(rng, LAST_NAMES),
        street: format!(
            "{} {}/{}",
            pick(rng, STREETS),
            rng.random_range(1..150),
            rng.random_range(1..40)
        ),
        city,
        post_code: format!(
            "{prefix}{}-{:03}",
            rng.random_range(0..10),
            rng.random_range(0..1000)
        ),
        pickup_prefix,
        phone: format!(
            "+48 {} {:03} {:03}",
            rng.random_range(500..900),
            rng.random_range(0..1000),
            rng.random_range(0..1000)
        ),
    }
}

/// A new checkout form bought at `t0`; its status depends on how long ago that was from `now`.
/// `fresh` forces a just-created `BOUGHT` form (the moving world).
pub(crate) fn order(
    rng: &mut ChaCha8Rng,
    t0: DateTime<Utc>,
    now: DateTime<Utc>,
    fresh: bool,
) -> Generated {
    let age = now - t0;
    let market = match rng.random_range(0..100) {
        0..=87 => &MARKETS[0],
        88..=92 => &MARKETS[1],
        93..=96 => &MARKETS[2],
        _ => &MARKETS[3],
    };
    let cur = market.currency;
    let r = rng.random_range(0..100);
    let status = if fresh {
        "BOUGHT"
    } else if age > Duration::days(3) {
        match r {
            0..=5 => "CANCELLED",
            6..=7 => "BOUGHT",
            8..=10 => "FILLED_IN",
            _ => "READY_FOR_PROCESSING",
        }
    } else {
        match r {
            0..=14 => "BOUGHT",
            15..=29 => "FILLED_IN",
            30..=32 => "CANCELLED",
            _ => "READY_FOR_PROCESSING",
        }
    };
    let fulfillment = match status {
        "CANCELLED" => "CANCELLED",
        "READY_FOR_PROCESSING" if age > Duration::days(5) => match rng.random_range(0..100) {
            0..=39 => "SENT",
            40..=89 => "PICKED_UP",
            90..=93 => "RETURNED",
            94..=96 => "CANCELLED",
            _ => "SUSPENDED",
        },
        "READY_FOR_PROCESSING" => *pick(
            rng,
            &[
                "NEW",
                "PROCESSING",
                "READY_FOR_SHIPMENT",
                "READY_FOR_PICKUP",
                "SENT",
            ],
        ),
        _ => "NEW",
    };
    let sent = match fulfillment {
        "SENT" | "PICKED_UP" | "RETURNED" => "ALL",
        "READY_FOR_PICKUP" if rng.random_bool(0.3) => "SOME",
        _ => "NONE",
    };

    // Line items, with prices in minor units so the totals add up exactly.
    let mut history = Vec::new();
    let item_count = match rng.random_range(0..100) {
        0..=69 => 1,
        70..=87 => 2,
        88..=95 => 3,
        _ => 4,
    };
    let (bought_str, bought_at) = stamp(rng, t0);
    let mut items = Vec::with_capacity(item_count);
    let mut sum: i64 = 0;
    for i in 0..item_count {
        let (name, base) = *pick(rng, PRODUCTS);
        let unit = (i64::from(base) * market.num / market.den).max(1);
        let quantity: i64 = if rng.random_bool(0.8) {
            1
        } else {
            rng.random_range(2..6)
        };
        let original = if rng.random_bool(0.15) {
            unit + unit / 10
        } else {
            unit
        };
        sum += unit * quantity;
        let variant = *pick(rng, VARIANTS);
        // An earlier item of a multi-item form may have been bought a bit before the last one.
        let item_bought = if i + 1 < item_count && rng.random_bool(0.3) {
            let earlier = t0 - Duration::seconds(rng.random_range(5..600));
            let (s, _) = stamp(rng, earlier);
            s
        } else {
            bought_str.clone()
        };
        let mut offer = json!({
            "id": digits(rng, 11),
            "name": format!("{name}{variant}"),
        });
        if rng.random_bool(0.6) {
            offer["external"] = json!({"id": format!("SKU-{}", alnum(rng, 6).to_uppercase())});
        }
        if rng.random_bool(0.3) {
            offer["productSet"] = json!({"products": [{"id": uuid_v4(rng), "quantity": 1}]});
        }
        let tax = match rng.random_range(0..10) {
            0 => Value::Null,
            1 => json!({"rate": "8.00", "subject": "GOODS", "exemption": null}),
            _ => json!({"rate": "23.00", "subject": "GOODS", "exemption": null}),
        };
        items.push(json!({
            "id": uuid_v4(rng),
            "offer": offer,
            "quantity": quantity,
            "originalPrice": price(original, cur),
            "price": price(unit, cur),
            "reconciliation": null,
            "selectedAdditionalServices": [],
            "vouchers": [],
            "tax": tax,
            "boughtAt": item_bought,
            "discounts": [],
        }));
    }

    let buyer_p = person(rng);
    let guest = rng.random_bool(0.05);
    let company_buyer = !guest && rng.random_bool(0.12);
    let login = if guest {
        format!("Gość_{}", digits(rng, 6))
    } else {
        format!(
            "{}_{}{}",
            ascii_fold(buyer_p.first),
            ascii_fold(buyer_p.last),
            rng.random_range(1..100)
        )
    };
    let company_name = format!("{} {}", buyer_p.last, pick(rng, COMPANY_SUFFIXES));
    let mut buyer = json!({
        "id": digits(rng, 8),
        "email": format!("{}+{:08x}@allegromail.pl", alnum(rng, 9), rng.random::<u32>()),
        "login": login,
        "firstName": buyer_p.first,
        "lastName": buyer_p.last,
        "companyName": if company_buyer { json!(company_name) } else { Value::Null },
        "guest": guest,
        "personalIdentity": null,
        "phoneNumber": buyer_p.phone,
        "preferences": {"language": market.language},
        "address": {"street": buyer_p.street, "city": buyer_p.city,
                    "postCode": buyer_p.post_code, "countryCode": market.country},
    });
    if let Some(obj) = buyer.as_object_mut() {
        maybe_drop_null(rng, obj, "personalIdentity");
        maybe_drop_null(rng, obj, "companyName");
    }

    let (method_id, method_name, base_cost, pickup) = *pick(rng, DELIVERY_METHODS);
    let cost = base_cost * market.num / market.den;
    let total = sum + cost;

    // Payment.
    let paid = status == "READY_FOR_PROCESSING";
    let (pay_type, provider) = match rng.random_range(0..100) {
        0..=79 => ("ONLINE", *pick(rng, &["P24", "PAYU", "PAYU", "P24"])),
        80..=89 => ("CASH_ON_DELIVERY", "OFFLINE"),
        90..=94 => ("WIRE_TRANSFER", "PAYU"),
        _ => ("EXTENDED_TERM", "AF"),
    };
    let filled_at = t0 + Duration::seconds(rng.random_range(20..300));
    let paid_at = filled_at + Duration::seconds(rng.random_range(10..900));
    let (paid_str, paid_at) = stamp(rng, paid_at);
    let online_paid = paid && pay_type != "CASH_ON_DELIVERY";
    let payment = json!({
        "id": uuid_v1ish(rng),
        "type": pay_type,
        "provider": provider,
        "finishedAt": if online_paid { json!(paid_str) } else { Value::Null },
        "paidAmount": if online_paid { price(total, cur) } else { Value::Null },
        "reconciliation": null,
        "features": if pay_type == "EXTENDED_TERM" { json!(["ALLEGRO_PAY"]) } else { json!([]) },
    });

    // Delivery; the address is visible only once the form is ready for processing.
    let recipient = if rng.random_bool(0.85) {
        None
    } else {
        Some(person(rng))
    };
    let rp = recipient.as_ref().unwrap_or(&buyer_p);
    let dispatch_from = (t0 + Duration::days(1)).date_naive();
    let day = |d: chrono::NaiveDate, end: bool| -> String {
        if end {
            format!("{}T21:59:59.999Z", d)
        } else {
            format!("{}T22:00:00Z", d - chrono::Days::new(1))
        }
    };
    let mut delivery = json!({
        "method": {"id": method_id, "name": method_name},
        "cost": price(cost, cur),
        "time": {
            "from": day(dispatch_from + chrono::Days::new(1), false),
            "to": day(dispatch_from + chrono::Days::new(2), true),
            "guaranteed": null,
            "dispatch": {"from": day(dispatch_from, false), "to": day(dispatch_from, true)},
        },
        "smart": rng.random_bool(0.6),
        "cancellation": null,
        "calculatedNumberOfPackages": item_count.min(2),
    });
    if paid || status == "CANCELLED" {
        delivery["address"] = json!({
            "firstName": rp.first, "lastName": rp.last, "street": rp.street, "city": rp.city,
            "zipCode": rp.post_code, "countryCode": market.country,
            "companyName": if company_buyer { json!(company_name) } else { Value::Null },
            "phoneNumber": rp.phone, "modifiedAt": null,
        });
    }
    if pickup {
        let code = format!(
            "{}{:02}{}",
            rp.pickup_prefix,
            rng.random_range(1..99),
            pick(rng, &["A", "M", "N"])
        );
        delivery["pickupPoint"] = json!({
            "id": code,
            "name": format!("Paczkomat {code}"),
            "description": pick(rng, PICKUP_DESCRIPTIONS),
            "address": {"street": format!("{} {}", pick(rng, STREETS), rng.random_range(1..200)),
                        "zipCode": rp.post_code, "city": rp.city, "countryCode": market.country},
        });
    }
    if let Some(obj) = delivery.as_object_mut() {
        maybe_drop_null(rng, obj, "cancellation");
    }

    // Invoice.
    let invoice = if company_buyer {
        let nip = digits(rng, 10);
        json!({
            "required": true,
            "address": {
                "street": buyer_p.street, "city": buyer_p.city, "zipCode": buyer_p.post_code,
                "countryCode": market.country,
                "company": {"name": company_name, "ids": [{"type": "PL_NIP", "value": nip}],
                            "vatPayerStatus": "ACTIVE", "taxId": nip},
                "naturalPerson": null,
            },
            "dueDate": if pay_type == "EXTENDED_TERM" {
                json!((t0 + Duration::days(30)).format("%Y-%m-%d").to_string())
            } else { Value::Null },
            "features": [],
        })
    } else if rng.random_bool(0.03) {
        json!({
            "required": true,
            "address": {
                "street": buyer_p.street, "city": buyer_p.city, "zipCode": buyer_p.post_code,
                "countryCode": market.country, "company": null,
                "naturalPerson": {"firstName": buyer_p.first, "lastName": buyer_p.last},
            },
            "dueDate": null,
            "features": [],
        })
    } else {
        json!({"required": false, "address": null, "dueDate": null, "features": []})
    };

    // Timeline: events and updatedAt.
    let mut updated_at = bought_at;
    history.push(("BOUGHT", bought_str, bought_at, bought_at));
    if status != "BOUGHT" {
        let (s, t) = stamp(rng, filled_at);
        history.push(("FILLED_IN", s, t, t));
        updated_at = t;
    }
    if paid {
        history.push(("READY_FOR_PROCESSING", paid_str, paid_at, paid_at));
        updated_at = paid_at;
    }
    if status == "CANCELLED" {
        let after =
            Duration::minutes(rng.random_range(30..3000)).min(age.max(Duration::seconds(1)));
        let (s, t) = stamp(rng, t0 + after);
        let kind = if rng.random_bool(0.3) {
            "AUTO_CANCELLED"
        } else {
            "BUYER_CANCELLED"
        };
        history.push((kind, s, t, t));
        updated_at = t;
    }
    if fulfillment != "NEW" && status != "CANCELLED" {
        let hours = rng.random_range(2..48).min(age.num_hours().max(1));
        let (s, t) = stamp(rng, paid_at + Duration::hours(hours));
        history.push(("FULFILLMENT_STATUS_CHANGED", s, t, t));
    }
    // The journal sometimes writes BOUGHT after later events (ids grow in write order, not in
    // occurredAt order), as Allegro does.
    if history.len() > 1 && rng.random_bool(0.2) {
        let last_written = history.iter().map(|h| h.3).max().unwrap_or(bought_at);
        history[0].3 = last_written + Duration::milliseconds(rng.random_range(5..5000));
    }
    for h in &mut history {
        h.3 = (h.3 + Duration::milliseconds(rng.random_range(0..1500))).min(now);
    }
    let (updated_str, _) = stamp(rng, updated_at);

    let mut order = json!({
        "id": uuid_v1ish(rng),
        "messageToSeller": if rng.random_bool(0.2) { json!(pick(rng, MESSAGES)) } else { Value::Null },
        "buyer": buyer,
        "payment": payment,
        "status": status,
        "fulfillment": {
            "status": fulfillment,
            "shipmentSummary": {"lineItemsSent": sent},
            "provider": {"id": if rng.random_bool(0.05) { "ALLEGRO" } else { "SELLER" }},
        },
        "delivery": delivery,
        "invoice": invoice,
        "lineItems": items,
        "surcharges": [],
        "note": if rng.random_bool(0.1) { json!({"text": pick(rng, NOTES)}) } else { Value::Null },
        "marketplace": {"id": market.id},
        "summary": {"totalToPay": price(total, cur)},
        "updatedAt": updated_str,
        "revision": revision(rng),
    });
    if let Some(obj) = order.as_object_mut() {
        maybe_drop_null(rng, obj, "messageToSeller");
        maybe_drop_null(rng, obj, "note");
        if rng.random_bool(0.02) {
            obj.insert(
                "x-sim-extension".to_owned(),
                json!({"reason": "a field added by Allegro without notice", "level": 1}),
            );
        }
    }
    Generated { order, history }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn amounts_have_exactly_two_decimals() {
        use super::values::amount;
        assert_eq!(amount(7297), "72.97");
        assert_eq!(amount(5), "0.05");
        assert_eq!(amount(0), "0.00");
        assert_eq!(amount(-150), "-1.50");
    }

    #[test]
    fn stamps_round_trip_through_rfc3339() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let t = Utc::now();
        for _ in 0..50 {
            let (s, exact) = stamp(&mut rng, t);
            let parsed = DateTime::parse_from_rfc3339(&s).unwrap();
            assert_eq!(parsed, exact, "{s}");
        }
    }

    #[test]
    fn a_generated_order_has_totals_that_add_up() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let now = Utc::now();
        for i in 0..200 {
            let g = order(&mut rng, now - Duration::hours(i * 7), now, false);
            let o = g.order;
            let minor =
                |v: &Value| -> i64 { v.as_str().unwrap().replace('.', "").parse::<i64>().unwrap() };
            let items: i64 = o["lineItems"]
                .as_array()
                .unwrap()
                .iter()
                .map(|li| minor(&li["price"]["amount"]) * li["quantity"].as_i64().unwrap())
                .sum();
            let cost = minor(&o["delivery"]["cost"]["amount"]);
            assert_eq!(items + cost, minor(&o["summary"]["totalToPay"]["amount"]));
        }
    }
}
