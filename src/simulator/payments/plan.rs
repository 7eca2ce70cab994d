//! What the world's orders and refunds bring into the wallets and take out of them, decided
//! from the order's own JSON (payment id, amount, provider, buyer, marketplace) and generators
//! seeded by the world's seed and the payment's id, so the same seed always gives the same
//! operations (allegro-api-money.md §6, §8, §9):
//!
//! - a paid order's payment comes in as a `CONTRIBUTION` at its `finishedAt`, each paid
//!   surcharge as a `SURCHARGE`; cash on delivery comes in to Allegro Finance (`AF`) when the
//!   parcel is delivered, two to six days after the order is ready, unless it is cancelled
//!   first;
//! - one payment in ten is held in `WAITING` for three to fourteen days first;
//! - a refund that reaches `SUCCESS` is a `REFUND_CHARGE` of its whole value at that moment;
//! - the sale fees charged to a paid order are owed, once the last is charged, by the wallet
//!   the order's payment goes to, and collected at the next payout run (see `collection`).

use std::{ops::RangeInclusive, sync::Arc};

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde_json::Value;

use super::{
    collection::Owed,
    operation::{Kind, Operation, Operator, Participant},
    wallets::{Planned, Wallets},
};
use crate::simulator::{
    data::{Market, marketplace, millis, minor, parse_time, seeded},
    refunds::record::RefundRecord,
};

/// Of every hundred payments, how many are held in `WAITING` first.
pub(crate) const WAITING_PERCENT: u32 = 10;
/// How long held money waits.
const HOLD_DAYS: RangeInclusive<i64> = 3..=14;
/// When cash on delivery is collected, in days after the order is ready.
const COLLECTED_DAYS: RangeInclusive<i64> = 2..=6;

/// Who pays for an order, and whose wallets the money lands in.
struct Payer {
    order: Arc<str>,
    payment: Arc<str>,
    operator: Operator,
    market: &'static Market,
    participant: Arc<Participant>,
}

/// The wallet the money of a payment `id` of `kind` (`ONLINE`, `CASH_ON_DELIVERY`, …) through
/// `provider` lands in: Allegro Finance for cash on delivery, the provider's own when it names
/// an operator, else PayU or Przelewy24 (drawn from the id).
fn operator(kind: &str, provider: &str, seed: u64, id: &str) -> Operator {
    if kind == "CASH_ON_DELIVERY" {
        return Operator::Af;
    }
    Operator::named(provider).unwrap_or_else(|| {
        if seeded(seed, "wallet-operator", id).random_bool(0.5) {
            Operator::P24
        } else {
            Operator::Payu
        }
    })
}

impl Payer {
    fn of(order: &Value, seed: u64) -> Option<Self> {
        let payment = &order["payment"];
        let id = payment["id"].as_str()?;
        let kind = payment["type"].as_str().unwrap_or_default();
        let provider = payment["provider"].as_str().unwrap_or_default();
        Some(Self {
            order: Arc::from(order["id"].as_str()?),
            payment: Arc::from(id),
            operator: operator(kind, provider, seed, id),
            market: marketplace(order["marketplace"]["id"].as_str()?)?,
            participant: Arc::new(Participant::of(&order["buyer"])),
        })
    }

    /// An operation of this payer's payment.
    fn operation(&self, kind: Kind, operator: Operator, value: i64) -> Operation {
        Operation {
            kind,
            operator,
            currency: self.market.currency,
            value,
            marketplace: Some(self.market.id),
            payment: Some(self.payment.clone()),
            surcharge: None,
            payout: None,
            deduction: None,
            participant: Some(self.participant.clone()),
        }
    }
}

impl Wallets {
    /// Plans the money `order` brings in: its payment once paid (online at its `finishedAt`;
    /// cash on delivery days after `paid_at`, when the order became ready) and each paid
    /// surcharge. Each comes in once, however often the order is considered.
    pub(crate) fn plan_order(&mut self, order: &Value, paid_at: DateTime<Utc>) {
        let Some(payer) = Payer::of(order, self.seed()) else {
            return;
        };
        let payment = &order["payment"];
        let finished = |v: &Value| v["finishedAt"].as_str().and_then(parse_time);
        if !payment["paidAmount"].is_null() {
            let value = minor(&payment["paidAmount"]["amount"]);
            let op = payer.operation(Kind::Contribution, payer.operator, value);
            let at = finished(payment).unwrap_or(paid_at);
            self.plan_in(&payer, payer.payment.clone(), op, at);
        } else if payment["type"] == "CASH_ON_DELIVERY"
            && order["status"] == "READY_FOR_PROCESSING"
            && order["fulfillment"]["status"] != "CANCELLED"
        {
            let mut rng = seeded(self.seed(), "cash-on-delivery", &payer.payment);
            let at = paid_at
                + Duration::days(rng.random_range(COLLECTED_DAYS))
                + Duration::seconds(rng.random_range(0..86_400));
            let value = minor(&order["summary"]["totalToPay"]["amount"]);
            let op = payer.operation(Kind::Contribution, payer.operator, value);
            self.plan_collection(&payer, op, at);
        }
        for surcharge in order["surcharges"].as_array().into_iter().flatten() {
            let Some(id) = surcharge["id"]
                .as_str()
                .filter(|_| !surcharge["paidAmount"].is_null())
            else {
                continue;
            };
            let provider = surcharge["provider"].as_str().unwrap_or_default();
            let kind = surcharge["type"].as_str().unwrap_or_default();
            let operator = operator(kind, provider, self.seed(), id);
            let value = minor(&surcharge["paidAmount"]["amount"]);
            let mut op = payer.operation(Kind::Surcharge, operator, value);
            op.surcharge = Some(Arc::from(id));
            let at = finished(surcharge).unwrap_or(paid_at);
            self.plan_in(&payer, Arc::from(id), op, at);
        }
    }

    /// Plans `op`, money paid online as income `id` at `at`: held first one time in ten.
    fn plan_in(&mut self, payer: &Payer, id: Arc<str>, op: Operation, at: DateTime<Utc>) {
        if op.value <= 0 {
            return;
        }
        let mut rng = seeded(self.seed(), "wallet-hold", &id);
        let release = (rng.random_range(0..100) < WAITING_PERCENT).then(|| {
            let held = Duration::days(rng.random_range(HOLD_DAYS))
                + Duration::seconds(rng.random_range(0..86_400))
                + Duration::milliseconds(rng.random_range(0..1000));
            millis(at + held)
        });
        let income = Planned::Income {
            op,
            release,
            order: payer.order.clone(),
            on_delivery: false,
        };
        self.plan_income(&id, millis(at), income);
    }

    /// Plans `op`, cash on delivery collected at `at`.
    fn plan_collection(&mut self, payer: &Payer, op: Operation, at: DateTime<Utc>) {
        if op.value <= 0 {
            return;
        }
        let income = Planned::Income {
            op,
            release: None,
            order: payer.order.clone(),
            on_delivery: true,
        };
        self.plan_income(&payer.payment.clone(), millis(at), income);
    }

    /// Plans the charge of `refund` (of `order`) when it reaches `SUCCESS`, if it does.
    pub(crate) fn plan_refund(&mut self, refund: &RefundRecord, order: &Value) {
        let (Some(at), Some(payer)) = (refund.succeeded_at(), Payer::of(order, self.seed())) else {
            return;
        };
        let mut op = payer.operation(Kind::RefundCharge, payer.operator, -refund.total());
        op.payment = Some(Arc::from(refund.payment_id.as_str()));
        let refund = Arc::from(refund.id.as_str());
        self.plan(at, Planned::Charge { op, refund });
    }

    /// Plans the collection of the sale fees charged to `order`: each `(at, value)` (a charge
    /// made at `at`, in minor units of the order's currency, negative) is owed once the last
    /// of them is charged. Credits are not.
    pub(crate) fn plan_fees(&mut self, order: &Value, fees: &[(DateTime<Utc>, i64)]) {
        let charges = || fees.iter().filter(|(_, value)| *value < 0);
        let (Some(payer), Some(last)) =
            (Payer::of(order, self.seed()), charges().map(|f| f.0).max())
        else {
            return;
        };
        for &(charged_at, value) in charges() {
            let owed = Owed {
                order: payer.order.clone(),
                operator: payer.operator,
                currency: payer.market.currency,
                marketplace: payer.market.id,
                value: -value,
                charged_at,
            };
            self.plan(last, Planned::Fee(owed));
        }
    }

    /// `order` was cancelled at `at`: its fees charged later (not at all, now) are not owed.
    pub(crate) fn drop_fees(&mut self, order: &str, at: DateTime<Utc>) {
        self.drop_planned(
            |p| matches!(p, Planned::Fee(owed) if *owed.order == *order && owed.charged_at > at),
        );
    }

    /// `order` was cancelled: cash on delivery not collected yet never will be.
    pub(crate) fn drop_collection(&mut self, order: &str) {
        self.drop_planned(
            |p| matches!(p, Planned::Income { order: o, on_delivery: true, .. } if **o == *order),
        );
    }

    /// `refund` will not be made: its charge is dropped.
    pub(crate) fn drop_refund(&mut self, refund: &str) {
        self.drop_planned(|p| matches!(p, Planned::Charge { refund: r, .. } if **r == *refund));
    }
}
