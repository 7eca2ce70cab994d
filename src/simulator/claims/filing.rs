//! Which line items get a commission refund claim and how each claim goes, decided from the
//! order (its line items, buyer and the commission its sale was charged), its return and its
//! refund, with generators seeded by the world's seed and the order's id, so the same seed
//! always gives the same claims (allegro-api-money.md §4.3, §8, §9). At most one claim per line
//! item; each filed within 45 days of the line item's purchase and never for more commission
//! than was charged:
//!
//! - the return's: a return that reaches `COMMISSION_REFUND_CLAIMED` is the seller claiming the
//!   commission of its items back, one claim per returned line item for the units returned,
//!   granted when the return shows `COMMISSION_REFUNDED` (waiting for the buyer's refund first
//!   if it has not gone through yet);
//! - a sample: one in fifty other paid orders, never returned, gets a claim on one of its line
//!   items, filed by the seller (one in five by Allegro) days or weeks after the purchase and
//!   decided days later: granted, rejected (some appealed), or cancelled;
//! - the cancellation's: when a paid order is cancelled, Allegro files one for each line item
//!   whose commission was charged and not claimed yet, for what was charged; it waits for the
//!   buyer's refund and is granted a day or two later, or rejected if the refund never goes
//!   through.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::{
    plan::{BuyersMoney, Plan, decide},
    record::{ClaimRecord, Filing},
};
use crate::simulator::{
    billing::fees::{LineCommission, line_commissions},
    data::{millis, parse_time, seeded},
    refunds::record::RefundRecord,
    returns::record::ReturnRecord,
};

/// Of every thousand paid orders without a return, how many get a claim of the sample.
const SAMPLED_PER_MILLE: u32 = 20;
/// How long after a purchase its commission may be claimed.
const FILING_DAYS: i64 = 45;

/// The line items of `order`.
fn lines(order: &Value) -> &[Value] {
    order["lineItems"].as_array().map_or(&[], Vec::as_slice)
}

/// Whether a claim on `line` may be filed at `at` (within 45 days of its purchase).
fn in_time(line: &Value, at: DateTime<Utc>) -> bool {
    let bought = line["boughtAt"].as_str().and_then(parse_time);
    bought.is_some_and(|bought| at <= bought + Duration::days(FILING_DAYS))
}

/// Some seconds (drawn from `seconds`) and milliseconds after `t`.
fn moments_after(
    rng: &mut ChaCha8Rng,
    t: DateTime<Utc>,
    seconds: std::ops::Range<i64>,
) -> DateTime<Utc> {
    millis(
        t + Duration::seconds(rng.random_range(seconds))
            + Duration::milliseconds(rng.random_range(0..1000)),
    )
}

/// The buyer's money, as the order's refund (if any) pays it back.
fn buyers_money(refund: Option<&RefundRecord>) -> BuyersMoney {
    match refund {
        None => BuyersMoney::Back,
        Some(r) => r
            .succeeded_at()
            .map_or(BuyersMoney::NeverBack, BuyersMoney::BackAt),
    }
}

/// The claims of `order`, paid at `paid_at`, with the return `ret` and the refund `refund` the
/// world plans for it: the return's, or the sample's.
pub(crate) fn at_payment(
    order: &Value,
    paid_at: DateTime<Utc>,
    ret: Option<&ReturnRecord>,
    refund: Option<&RefundRecord>,
    seed: u64,
) -> Vec<ClaimRecord> {
    let Some(id) = order["id"].as_str() else {
        return Vec::new();
    };
    let mut rng = seeded(seed, "refund-claim", id);
    // The commissions are reckoned only for the few orders that get a claim.
    let commissions = || line_commissions(order, seed);
    match ret {
        Some(ret) => of_return(&mut rng, order, ret, refund, commissions),
        None => sampled(&mut rng, order, paid_at, commissions)
            .into_iter()
            .collect(),
    }
}

fn of_return(
    rng: &mut ChaCha8Rng,
    order: &Value,
    ret: &ReturnRecord,
    refund: Option<&RefundRecord>,
    commissions: impl FnOnce() -> Vec<LineCommission>,
) -> Vec<ClaimRecord> {
    let claimed = ret.reached_at("COMMISSION_REFUND_CLAIMED");
    let (Some(claimed), Some(granted)) = (claimed, ret.reached_at("COMMISSION_REFUNDED")) else {
        return Vec::new();
    };
    let commissions = commissions();
    // A refund the seller never got through does not hold up what the return says.
    let money = refund
        .and_then(RefundRecord::succeeded_at)
        .map_or(BuyersMoney::Back, BuyersMoney::BackAt);
    let mut claims: Vec<ClaimRecord> = Vec::new();
    for (offer, quantity) in ret.returned_items() {
        let found = lines(order)
            .iter()
            .position(|li| li["offer"]["id"].as_str() == Some(offer.as_str()));
        let Some((line, item)) = found.map(|at| (at, &lines(order)[at])) else {
            continue;
        };
        let taken = claims.iter().any(|c| item["id"] == c.line_item_id.as_str());
        let Some(commission) = commissions.get(line).filter(|_| !taken) else {
            continue;
        };
        let created_at = moments_after(rng, claimed, 1..600);
        if !in_time(item, created_at) {
            continue;
        }
        let mut plan = Plan::filed(created_at, money);
        plan.then(granted, "GRANTED");
        let quantity = i64::try_from(quantity).unwrap_or(1);
        let filing = Filing {
            order,
            line,
            quantity,
            amount: commission.of(quantity),
            kind: "MANUAL",
            created_at,
            plan,
        };
        claims.extend(ClaimRecord::file(rng, filing));
    }
    claims
}

fn sampled(
    rng: &mut ChaCha8Rng,
    order: &Value,
    paid_at: DateTime<Utc>,
    commissions: impl FnOnce() -> Vec<LineCommission>,
) -> Option<ClaimRecord> {
    if rng.random_range(0..1000) >= SAMPLED_PER_MILLE {
        return None;
    }
    let commissions = commissions();
    if commissions.is_empty() {
        return None;
    }
    let line = rng.random_range(0..commissions.len());
    let item = lines(order).get(line)?;
    let bought = item["boughtAt"].as_str().and_then(parse_time)?;
    let filed = bought + Duration::days(rng.random_range(2..FILING_DAYS - 1));
    // Not before the commission (booked in two parts a day apart at times) is all charged.
    let created_at = moments_after(rng, filed, 0..86_400).max(paid_at + Duration::days(2));
    let bought_units = item["quantity"].as_i64().unwrap_or(1).max(1);
    let quantity = if rng.random_bool(0.8) {
        bought_units
    } else {
        rng.random_range(1..=bought_units)
    };
    let kind = if rng.random_range(0..5) == 0 {
        "AUTOMATIC"
    } else {
        "MANUAL"
    };
    if !in_time(item, created_at) {
        return None;
    }
    let mut plan = Plan::filed(created_at, BuyersMoney::Back);
    decide(rng, &mut plan);
    let filing = Filing {
        order,
        line,
        quantity,
        amount: commissions[line].of(quantity),
        kind,
        created_at,
        plan,
    };
    ClaimRecord::file(rng, filing)
}

/// The claims Allegro files for `order`, cancelled at `at`: one per line item whose commission
/// was charged (`charged`, line by line) and that has no claim yet (`claimed`: line-item ids),
/// waiting for the buyer's `refund`, if any.
pub(super) fn at_cancellation(
    order: &Value,
    at: DateTime<Utc>,
    refund: Option<&RefundRecord>,
    charged: &[i64],
    claimed: &[String],
    seed: u64,
) -> Vec<ClaimRecord> {
    let Some(id) = order["id"].as_str() else {
        return Vec::new();
    };
    let mut rng = seeded(seed, "refund-claim-cancelled", id);
    let money = buyers_money(refund);
    let mut claims = Vec::new();
    for (line, (item, &amount)) in lines(order).iter().zip(charged).enumerate() {
        let created_at = moments_after(&mut rng, at, 300..7_200);
        let mut plan = Plan::filed(created_at, money);
        match money {
            BuyersMoney::NeverBack => plan.after(&mut rng, 48..120, "REJECTED"),
            _ => plan.after(&mut rng, 1..48, "GRANTED"),
        }
        let open = amount > 0 && !claimed.iter().any(|c| item["id"] == c.as_str());
        if !open || !in_time(item, created_at) {
            continue;
        }
        let filing = Filing {
            order,
            line,
            quantity: item["quantity"].as_i64().unwrap_or(1),
            amount,
            kind: "AUTOMATIC",
            created_at,
            plan,
        };
        claims.extend(ClaimRecord::file(&mut rng, filing));
    }
    claims
}
