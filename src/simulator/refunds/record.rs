//! One simulated payment refund: decided once from its order (the order's payment id, its own
//! line items and their prices) with a generator seeded by the world's seed and the order's id,
//! so the same seed always gives the same refunds. Its timeline is planned at once
//! (`NEW` → `VALIDATED` → `IN_PROGRESS` → `SUCCESS`, or `CANCELED` when the balance does not
//! cover it); what it shows is read at the simulated clock (allegro-api-money.md §3, §8, §9).

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::simulator::{
    data::{format_time, millis, minor, price, seeded, uuid_v4},
    returns::record::ReturnRecord,
};

/// One step of a refund's life: from `at` on it shows `status`.
#[derive(Debug, Clone)]
struct Step {
    at: DateTime<Utc>,
    status: &'static str,
}

/// A refund of one order's payment, with its whole planned life.
pub(crate) struct RefundRecord {
    pub id: String,
    pub order_id: String,
    pub payment_id: String,
    pub created_at: DateTime<Utc>,
    /// The part that never changes (id, payment, order, reason, amounts, line items).
    fixed: Value,
    plan: Vec<Step>,
}

/// The generator of `order_id`'s refund in a world of `seed`.
fn rng_for(seed: u64, order_id: &str) -> ChaCha8Rng {
    seeded(seed, "payment-refund", order_id)
}

/// The line items refunded and their sum in minor units.
struct Refunded {
    items: Vec<Value>,
    sum: i64,
    currency: String,
}

/// `(line item, quantity)` pairs as refund lines.
fn refunded(lines: &[(&Value, u64)]) -> Refunded {
    let mut sum = 0;
    let mut currency = String::new();
    let items = lines
        .iter()
        .map(|(li, quantity)| {
            sum += minor(&li["price"]["amount"]) * i64::try_from(*quantity).unwrap_or(0);
            if currency.is_empty() {
                li["price"]["currency"]
                    .as_str()
                    .unwrap_or("PLN")
                    .clone_into(&mut currency);
            }
            json!({"id": li["id"], "type": "QUANTITY", "quantity": quantity, "value": null})
        })
        .collect();
    Refunded {
        items,
        sum,
        currency,
    }
}

impl RefundRecord {
    /// The refund that follows `ret`, a return of `order` that reaches `FINISHED`: the returned
    /// items (the order's line items of their offers), paid back shortly before the return is
    /// marked finished. `None` for a return that is never refunded by the seller.
    pub(crate) fn for_return(order: &Value, ret: &ReturnRecord, seed: u64) -> Option<Self> {
        let finished = ret.finished_at()?;
        let line_items = order["lineItems"].as_array()?;
        let lines: Vec<(&Value, u64)> = ret
            .returned_items()
            .into_iter()
            .filter_map(|(offer, quantity)| {
                let li = line_items
                    .iter()
                    .find(|li| li["offer"]["id"].as_str() == Some(offer.as_str()))?;
                Some((li, quantity))
            })
            .collect();
        let mut rng = rng_for(seed, &ret.order_id);
        let created_at = millis(
            (finished - Duration::hours(rng.random_range(2..20))).max(ret.created_at)
                + Duration::seconds(rng.random_range(1..600)),
        );
        let comment =
            ["Zwrot za zwrócony towar", "Zwrot środków po zwrocie", ""][rng.random_range(0..3)];
        Self::build(
            rng,
            order,
            created_at,
            "REFUND",
            refunded(&lines),
            None,
            comment,
        )
    }

    /// The refund of `order`, paid and then cancelled at `at`: everything paid back (line
    /// items and delivery). `None` for an order that was not paid online.
    pub(crate) fn for_cancelled(order: &Value, at: DateTime<Utc>, seed: u64) -> Option<Self> {
        if order["payment"]["paidAmount"].is_null() {
            return None;
        }
        let line_items = order["lineItems"].as_array()?;
        let lines: Vec<(&Value, u64)> = line_items
            .iter()
            .map(|li| (li, li["quantity"].as_u64().unwrap_or(1)))
            .collect();
        let mut rng = rng_for(seed, order["id"].as_str()?);
        let created_at = millis(at + Duration::minutes(rng.random_range(5..240)));
        let delivery = order["delivery"]["cost"].clone();
        Self::build(
            rng,
            order,
            created_at,
            "CANCELLED_BY_BUYER",
            refunded(&lines),
            Some(delivery),
            "",
        )
    }

    fn build(
        mut rng: ChaCha8Rng,
        order: &Value,
        created_at: DateTime<Utc>,
        reason: &str,
        refunded: Refunded,
        delivery: Option<Value>,
        comment: &str,
    ) -> Option<Self> {
        let order_id = order["id"].as_str()?.to_owned();
        let payment_id = order["payment"]["id"].as_str()?.to_owned();
        if refunded.items.is_empty() {
            return None;
        }
        let id = uuid_v4(&mut rng);
        let delivery_minor = delivery.as_ref().map_or(0, |d| minor(&d["amount"]));
        let mut fixed = json!({
            "id": id,
            "payment": {"id": payment_id},
            "order": {"id": order_id},
            "reason": reason,
            "createdAt": format_time(created_at, 3),
            "totalValue": price(refunded.sum + delivery_minor, &refunded.currency),
            "lineItems": refunded.items,
            "surcharges": [],
        });
        if let Some(delivery) = delivery.filter(|d| d.is_object()) {
            fixed["delivery"] = json!({"value": delivery});
        }
        if !comment.is_empty() {
            fixed["sellerComment"] = json!(comment);
        }
        Some(Self {
            plan: plan(&mut rng, created_at),
            id,
            order_id,
            payment_id,
            created_at,
            fixed,
        })
    }

    /// The status the refund shows at `now`.
    pub(crate) fn status_at(&self, now: DateTime<Utc>) -> &'static str {
        self.plan
            .iter()
            .rev()
            .find(|s| s.at <= now)
            .map_or("NEW", |s| s.status)
    }

    /// When the refund reaches `SUCCESS` (the seller's wallet is charged then), if it does.
    pub(crate) fn succeeded_at(&self) -> Option<DateTime<Utc>> {
        self.plan
            .iter()
            .find(|s| s.status == "SUCCESS")
            .map(|s| s.at)
    }

    /// The whole refund (`totalValue`), in minor units.
    pub(crate) fn total(&self) -> i64 {
        minor(&self.fixed["totalValue"]["amount"])
    }

    /// The refund as `GET /payments/refunds` shows it at `now`.
    pub(crate) fn json_at(&self, now: DateTime<Utc>) -> Value {
        let mut json = self.fixed.clone();
        json["status"] = json!(self.status_at(now));
        json
    }
}

/// The timeline: accepted, validated within the hour, paid out within a day; one in twelve is
/// cancelled a day or two after validation (the balance did not cover it).
fn plan(rng: &mut ChaCha8Rng, created_at: DateTime<Utc>) -> Vec<Step> {
    let mut at = created_at;
    let mut steps = vec![Step { at, status: "NEW" }];
    let mut then = |rng: &mut ChaCha8Rng, minutes: std::ops::Range<i64>, status| {
        at = millis(at + Duration::minutes(rng.random_range(minutes)));
        steps.push(Step { at, status });
    };
    then(rng, 5..60, "VALIDATED");
    if rng.random_range(0..12) == 0 {
        then(rng, 24 * 60..48 * 60, "CANCELED");
    } else {
        then(rng, 30..12 * 60, "IN_PROGRESS");
        then(rng, 60..24 * 60, "SUCCESS");
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::refund::REFUND_STATUSES;

    fn order(id: &str) -> Value {
        json!({
            "id": id, "status": "READY_FOR_PROCESSING",
            "payment": {"id": "pay-1", "paidAmount": {"amount": "99.97", "currency": "PLN"}},
            "delivery": {"cost": {"amount": "9.99", "currency": "PLN"}},
            "lineItems": [
                {"id": "li-1", "offer": {"id": "174"}, "quantity": 3,
                 "price": {"amount": "29.99", "currency": "PLN"}},
                {"id": "li-2", "offer": {"id": "175"}, "quantity": 1,
                 "price": {"amount": "0.05", "currency": "PLN"}}
            ]
        })
    }

    #[test]
    fn a_cancelled_paid_order_is_paid_back_whole_and_the_refund_ends_final() {
        let at = DateTime::parse_from_rfc3339("2026-07-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        for n in 0..200 {
            let o = order(&format!("o-{n}"));
            let r = RefundRecord::for_cancelled(&o, at, 42).unwrap();
            let json = r.json_at(r.created_at);
            assert_eq!(json["status"], "NEW");
            assert_eq!(json["payment"]["id"], "pay-1");
            assert_eq!(json["reason"], "CANCELLED_BY_BUYER");
            assert_eq!(
                json["totalValue"]["amount"], "100.01",
                "3 × 29.99 + 0.05 + 9.99"
            );
            assert_eq!(json["lineItems"][0]["quantity"], 3);
            assert!(r.plan.windows(2).all(|w| w[0].at < w[1].at));
            assert!(r.plan.iter().all(|s| REFUND_STATUSES.contains(&s.status)));
            let last = r.json_at(r.created_at + Duration::days(5));
            assert!(matches!(
                last["status"].as_str().unwrap(),
                "SUCCESS" | "CANCELED"
            ));
        }
        let mut unpaid = order("u");
        unpaid["payment"]["paidAmount"] = Value::Null;
        assert!(RefundRecord::for_cancelled(&unpaid, at, 42).is_none());
    }
}
