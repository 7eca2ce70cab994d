//! What a granted commission refund claim gives back (allegro-api-money.md §4.3, §5.3): the
//! commission each line item of a sale was charged, so that a claim never asks for more than
//! that, and the credit (`REF`) booked when the claim is granted.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Charges, Entry, FeeBasis, commission};
use crate::simulator::billing::types::{REF, SUC};

/// A line item's commission: its unit price, units bought and the rate the sale charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineCommission {
    unit: i64,
    quantity: i64,
    rate: i64,
}

impl LineCommission {
    /// The commission of `quantity` of the line's units (at most all of them): the rate applied
    /// to their value, rounded on its own. For every unit it is what the sale charged.
    pub(crate) fn of(&self, quantity: i64) -> i64 {
        commission(
            self.unit * quantity.clamp(1, self.quantity.max(1)),
            self.rate,
        )
    }
}

/// A commission given back: `value` minor units on the offer of line item `line` (its place in
/// the order's `lineItems`), at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Grant {
    pub line: usize,
    pub value: i64,
    pub at: DateTime<Utc>,
}

/// The commission of each line item of `order`, as its sale is charged (none for an order the
/// billing cannot place).
pub(crate) fn line_commissions(order: &Value, seed: u64) -> Vec<LineCommission> {
    FeeBasis::of(order).map_or_else(Vec::new, |basis| basis.commissions(seed))
}

impl FeeBasis {
    /// The commission of each line item, in the order's `lineItems` order (the rates are the
    /// sale's first draws: they do not depend on when it was paid).
    pub(crate) fn commissions(&self, seed: u64) -> Vec<LineCommission> {
        let (_, rates) = self.commissions_charged(self.bought_at, seed);
        self.lines
            .iter()
            .zip(rates)
            .map(|(line, rate)| LineCommission {
                unit: line.unit,
                quantity: line.quantity,
                rate,
            })
            .collect()
    }

    /// The credit (`REF`) of `grant`, naming the order and the line's offer; `None` for a line
    /// the order does not have. Its id is drawn from the order and the line: one per line.
    pub(crate) fn credit(&self, grant: &Grant, seed: u64) -> Option<Entry> {
        let offer = &self.lines.get(grant.line)?.offer;
        let purpose = format!("claim-credit-{}", grant.line);
        let mut charges = Charges::new(seed, &purpose, self, true);
        charges.charge(grant.at, &REF, grant.value, Some(offer));
        charges.entries.pop()
    }

    /// The commission charged so far for each line item, from `charged` (the order's entries):
    /// an offer's commissions count once, on its first line item.
    pub(crate) fn charged_per_line(&self, charged: &[&Entry]) -> Vec<i64> {
        let mut counted: Vec<&str> = Vec::new();
        self.lines
            .iter()
            .map(|line| {
                let offer = &*line.offer.id;
                if counted.contains(&offer) {
                    return 0;
                }
                counted.push(offer);
                charged
                    .iter()
                    .filter(|e| e.kind == &SUC && e.offer.as_ref().is_some_and(|o| *o.id == *offer))
                    .map(|e| -e.value)
                    .sum()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::{super::fixtures::order, *};
    use crate::simulator::data::parse_time;

    #[test]
    fn a_whole_line_is_given_back_what_the_sale_charged_and_a_share_no_more() {
        let paid = parse_time("2026-07-01T10:05:00Z").unwrap();
        for n in 0..300 {
            let basis = FeeBasis::of(&order(&format!("o-{n}"))).unwrap();
            let fees = basis.sale_fees(paid, 42);
            let charged = basis.charged_per_line(&fees.iter().collect::<Vec<_>>());
            let lines = basis.commissions(42);
            assert_eq!(lines[0].of(3), charged[0], "three mugs, split or not");
            assert_eq!(lines[1].of(1), charged[1]);
            assert!((1..=charged[0]).contains(&lines[0].of(1)));
            assert_eq!(lines[0].of(9), charged[0], "never more units than bought");
        }
    }

    #[test]
    fn a_grant_is_credited_on_its_lines_offer_and_the_order_once_per_line() {
        let basis = FeeBasis::of(&order("c-1")).unwrap();
        let at = parse_time("2026-07-20T08:00:00Z").unwrap();
        let grant = |line| Grant {
            line,
            value: 250,
            at,
        };
        let first = basis.credit(&grant(0), 42).unwrap();
        assert_eq!((first.kind, first.value, first.at), (&REF, 250, at));
        assert_eq!(first.order.as_deref(), Some("c-1"));
        assert_eq!(first.offer.as_ref().map(|o| &*o.id), Some("174"));
        assert_eq!(
            basis.credit(&grant(0), 42).unwrap().id,
            first.id,
            "drawn again alike"
        );
        assert_ne!(basis.credit(&grant(1), 42).unwrap().id, first.id);
        assert!(basis.credit(&grant(2), 42).is_none());
        let later = Grant {
            at: at + Duration::days(1),
            ..grant(1)
        };
        assert_eq!(basis.credit(&later, 42).unwrap().at, later.at);
    }
}
