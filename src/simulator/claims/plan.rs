//! A claim's timeline, planned at once when it is filed: the statuses it shows and from when,
//! so that what a claim shows is a function of the simulated clock alone
//! (allegro-api-money.md §4.3).

use std::ops::Range;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::simulator::data::millis;

/// When the buyer's money is back: a claim waits for it (`WAITING_FOR_PAYMENT_REFUND`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BuyersMoney {
    /// Back already, or nothing paid online to give back.
    Back,
    /// Back at this moment (the refund succeeds then).
    BackAt(DateTime<Utc>),
    /// Never (the refund is cancelled).
    NeverBack,
}

/// One step of a claim's life: from `at` on it shows `status`.
#[derive(Debug, Clone)]
struct Step {
    at: DateTime<Utc>,
    status: &'static str,
}

/// A claim's whole planned life, its steps in time order.
#[derive(Debug, Clone)]
pub(crate) struct Plan(Vec<Step>);

impl Plan {
    /// Filed at `created_at`: waiting while the buyer's money is not back, then in progress.
    pub(super) fn filed(created_at: DateTime<Utc>, money: BuyersMoney) -> Self {
        let step = |at, status| Step { at, status };
        Self(match money {
            BuyersMoney::BackAt(back) if back > created_at => vec![
                step(created_at, "WAITING_FOR_PAYMENT_REFUND"),
                step(back, "IN_PROGRESS"),
            ],
            BuyersMoney::NeverBack => vec![step(created_at, "WAITING_FOR_PAYMENT_REFUND")],
            _ => vec![step(created_at, "IN_PROGRESS")],
        })
    }

    /// The claim shows `status` from `at` on (a millisecond after the last step, if `at` is
    /// not later).
    pub(super) fn then(&mut self, at: DateTime<Utc>, status: &'static str) {
        let at = at.max(self.last_at() + Duration::milliseconds(1));
        self.0.push(Step { at, status });
    }

    /// [`Self::then`], `hours` (drawn from the range) and some seconds after the last step.
    pub(super) fn after(&mut self, rng: &mut ChaCha8Rng, hours: Range<i64>, status: &'static str) {
        let wait =
            Duration::hours(rng.random_range(hours)) + Duration::seconds(rng.random_range(0..3600));
        self.then(millis(self.last_at() + wait), status);
    }

    fn last_at(&self) -> DateTime<Utc> {
        self.0.last().map_or(DateTime::<Utc>::MIN_UTC, |s| s.at)
    }

    /// The status shown at `now` (the first one before the claim is filed).
    pub(crate) fn status_at(&self, now: DateTime<Utc>) -> &'static str {
        let shown = self.0.iter().rev().find(|s| s.at <= now).or(self.0.first());
        shown.map_or("IN_PROGRESS", |s| s.status)
    }

    /// When the claim reaches `status`, if it does.
    pub(crate) fn reached_at(&self, status: &str) -> Option<DateTime<Utc>> {
        self.0.iter().find(|s| s.status == status).map(|s| s.at)
    }

    /// The statuses in order (tests).
    #[cfg(test)]
    pub(super) fn statuses(&self) -> Vec<&'static str> {
        self.0.iter().map(|s| s.status).collect()
    }
}

/// How a claim the seller files on a sale is decided, once in progress: one in ten cancelled
/// by the seller within three days; the others decided two to ten days on, a little under
/// half granted; two in five of the rejected appealed within days, and the appeal decided one
/// way or the other within two weeks.
pub(super) fn decide(rng: &mut ChaCha8Rng, plan: &mut Plan) {
    const DAYS: Range<i64> = 48..240;
    match rng.random_range(0..100) {
        0..=9 => plan.after(rng, 1..72, "CANCELLED"),
        10..=54 => plan.after(rng, DAYS, "GRANTED"),
        _ => {
            plan.after(rng, DAYS, "REJECTED");
            if rng.random_range(0..100) < 40 {
                plan.after(rng, 24..120, "APPEALED");
                let outcome = if rng.random_bool(0.5) {
                    "GRANTED"
                } else {
                    "REJECTED_AFTER_APPEAL"
                };
                plan.after(rng, 72..336, outcome);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::{domain::refund_claim::REFUND_CLAIM_STATUSES, simulator::data::parse_time};

    fn t(text: &str) -> DateTime<Utc> {
        parse_time(text).unwrap()
    }

    #[test]
    fn a_claim_waits_for_the_buyers_money_then_is_in_progress() {
        let filed = t("2026-07-01T10:00:00Z");
        let back = t("2026-07-02T10:00:00Z");
        let waiting = Plan::filed(filed, BuyersMoney::BackAt(back));
        assert_eq!(waiting.status_at(filed), "WAITING_FOR_PAYMENT_REFUND");
        assert_eq!(waiting.status_at(back), "IN_PROGRESS");
        let paid = Plan::filed(filed, BuyersMoney::BackAt(filed - Duration::hours(1)));
        assert_eq!(paid.statuses(), ["IN_PROGRESS"]);
        let mut never = Plan::filed(filed, BuyersMoney::NeverBack);
        never.then(filed, "REJECTED");
        assert_eq!(never.statuses(), ["WAITING_FOR_PAYMENT_REFUND", "REJECTED"]);
        assert_eq!(
            never.reached_at("REJECTED"),
            Some(filed + Duration::milliseconds(1)),
            "never at the same moment as the step before"
        );
        assert_eq!(
            never.status_at(filed - Duration::days(1)),
            "WAITING_FOR_PAYMENT_REFUND"
        );
    }

    #[test]
    fn decisions_move_forward_and_end_in_every_outcome() {
        let filed = t("2026-07-01T10:00:00Z");
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut last = std::collections::HashMap::new();
        for _ in 0..1000 {
            let mut plan = Plan::filed(filed, BuyersMoney::Back);
            decide(&mut rng, &mut plan);
            assert!(plan.0.windows(2).all(|w| w[0].at < w[1].at));
            assert!(
                plan.statuses()
                    .iter()
                    .all(|s| REFUND_CLAIM_STATUSES.contains(s))
            );
            *last
                .entry(plan.status_at(filed + Duration::days(60)))
                .or_insert(0) += 1;
        }
        for status in ["GRANTED", "REJECTED", "REJECTED_AFTER_APPEAL", "CANCELLED"] {
            assert!(
                last.get(status).is_some_and(|n| *n > 30),
                "{status}: {last:?}"
            );
        }
        assert_eq!(last.values().sum::<i32>(), 1000);
    }
}
