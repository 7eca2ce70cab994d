//! One simulated commission refund claim: filed for one line item of a seller's order, with the
//! order's buyer, currency and line item, the commission claimed and its planned timeline (see
//! `plan`); what it shows is read at the simulated clock (allegro-api-money.md §4.3).

use chrono::{DateTime, Utc};
use rand_chacha::ChaCha8Rng;
use serde_json::{Number, Value, json};

use super::plan::Plan;
use crate::simulator::{
    billing::fees::Grant,
    data::{amount, format_time, uuid_v4},
};

/// A claim, with its whole planned life.
pub(crate) struct ClaimRecord {
    pub id: String,
    /// The order of the line item (Allegro does not show it; the simulator needs it).
    pub order_id: String,
    pub line_item_id: String,
    pub created_at: DateTime<Utc>,
    /// `commission.amount` in minor units.
    pub amount: i64,
    /// The part that never changes (everything but `status`).
    fixed: Value,
    plan: Plan,
}

/// What a claim is filed for, and how it goes: everything but its id.
pub(super) struct Filing<'a> {
    pub order: &'a Value,
    /// The line item's place in the order's `lineItems`.
    pub line: usize,
    /// The units claimed for.
    pub quantity: i64,
    /// The commission claimed, in minor units.
    pub amount: i64,
    /// `MANUAL` or `AUTOMATIC`.
    pub kind: &'static str,
    pub created_at: DateTime<Utc>,
    pub plan: Plan,
}

/// `minor` units as the JSON number a claim's commission is written with (`2.89`), read from
/// the decimal text rather than divided.
fn number(minor: i64) -> Value {
    amount(minor)
        .parse::<Number>()
        .map_or(Value::Null, Value::Number)
}

impl ClaimRecord {
    /// The claim `filing` describes, its id drawn from `rng`; `None` for a line item the order
    /// does not have.
    pub(super) fn file(rng: &mut ChaCha8Rng, filing: Filing<'_>) -> Option<Self> {
        let order = filing.order;
        let line = order["lineItems"].get(filing.line)?;
        let line_item_id = line["id"].as_str()?.to_owned();
        let id = uuid_v4(rng);
        let fixed = json!({
            "id": id,
            "quantity": filing.quantity,
            "commission": {
                "amount": number(filing.amount),
                "currency": order["summary"]["totalToPay"]["currency"],
            },
            "buyer": {"id": order["buyer"]["id"], "login": order["buyer"]["login"]},
            "createdAt": format_time(filing.created_at, 3),
            "lineItem": {
                "id": line_item_id,
                "quantity": line["quantity"],
                "boughtAt": line["boughtAt"],
                "offer": {"id": line["offer"]["id"]},
            },
            "type": filing.kind,
        });
        Some(Self {
            id,
            order_id: order["id"].as_str()?.to_owned(),
            line_item_id,
            created_at: filing.created_at,
            amount: filing.amount,
            fixed,
            plan: filing.plan,
        })
    }

    /// The status the claim shows at `now`.
    pub(crate) fn status_at(&self, now: DateTime<Utc>) -> &'static str {
        self.plan.status_at(now)
    }

    /// The claim as `GET /order/refund-claims` shows it at `now`.
    pub(crate) fn json_at(&self, now: DateTime<Utc>) -> Value {
        let mut json = self.fixed.clone();
        json["status"] = json!(self.status_at(now));
        json
    }

    /// `lineItem.offer.id`.
    pub(super) fn offer_id(&self) -> &str {
        self.fixed["lineItem"]["offer"]["id"]
            .as_str()
            .unwrap_or_default()
    }

    /// `buyer.id`.
    pub(super) fn buyer_id(&self) -> &str {
        self.fixed["buyer"]["id"].as_str().unwrap_or_default()
    }

    /// The commission `order` (the claim's own) gets back when the claim is granted, if it is.
    pub(crate) fn grant(&self, order: &Value) -> Option<Grant> {
        let at = self.plan.reached_at("GRANTED")?;
        let lines = order["lineItems"].as_array()?;
        let line = lines
            .iter()
            .position(|li| li["id"].as_str() == Some(&self.line_item_id))?;
        Some(Grant {
            line,
            value: self.amount,
            at,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use rand::SeedableRng;

    use super::{super::plan::BuyersMoney, *};
    use crate::simulator::data::parse_time;

    #[test]
    fn a_claim_shows_its_order_line_item_and_buyer_and_a_number_commission() {
        let order = json!({
            "id": "o-1", "buyer": {"id": "23123123", "login": "Jan_Kowalski_88", "email": "x"},
            "summary": {"totalToPay": {"amount": "99.00", "currency": "CZK"}},
            "lineItems": [
                {"id": "li-1", "quantity": 1, "boughtAt": "2026-07-14T09:10:05.481Z",
                 "offer": {"id": "1"}},
                {"id": "li-2", "quantity": 2, "boughtAt": "2026-07-14T09:10:05.481Z",
                 "offer": {"id": "17412345678", "name": "Kubek"}}
            ]
        });
        let created_at = parse_time("2026-07-25T09:30:11.402Z").unwrap();
        let mut plan = Plan::filed(created_at, BuyersMoney::Back);
        plan.then(created_at + Duration::days(3), "GRANTED");
        let filing = Filing {
            order: &order,
            line: 1,
            quantity: 1,
            amount: 289,
            kind: "AUTOMATIC",
            created_at,
            plan,
        };
        let claim = ClaimRecord::file(&mut ChaCha8Rng::seed_from_u64(1), filing).unwrap();
        let shown = claim.json_at(created_at);
        assert_eq!(shown["status"], "IN_PROGRESS");
        assert_eq!(
            shown["commission"],
            json!({"amount": 2.89, "currency": "CZK"})
        );
        assert_eq!(shown["commission"]["amount"].to_string(), "2.89");
        assert_eq!(
            shown["buyer"],
            json!({"id": "23123123", "login": "Jan_Kowalski_88"})
        );
        assert_eq!(shown["createdAt"], "2026-07-25T09:30:11.402Z");
        assert_eq!(
            shown["lineItem"],
            json!({"id": "li-2", "quantity": 2, "boughtAt": "2026-07-14T09:10:05.481Z",
                   "offer": {"id": "17412345678"}})
        );
        assert_eq!(
            (shown["type"].as_str(), shown["quantity"].as_i64()),
            (Some("AUTOMATIC"), Some(1))
        );
        assert_eq!(
            (claim.offer_id(), claim.buyer_id()),
            ("17412345678", "23123123")
        );
        assert_eq!(
            claim.json_at(created_at + Duration::days(3))["status"],
            "GRANTED"
        );
        let grant = claim.grant(&order).unwrap();
        assert_eq!((grant.line, grant.value), (1, 289));
        assert_eq!(grant.at, created_at + Duration::days(3));
        assert_eq!(number(700).to_string(), "7.0");
        assert_eq!(number(5).to_string(), "0.05");
    }
}
