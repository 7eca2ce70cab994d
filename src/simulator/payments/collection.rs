//! Allegro collecting the seller's fees from its wallets: a `DEDUCTION_CHARGE` in `AVAILABLE`
//! with its `deduction{id}` and no payment (allegro-api-money.md §6.2).
//!
//! Allegro has taken its fees from the sellers' proceeds since 2023 (ISS-7411), about every
//! hour, in sums that name no order (ISS-8552, ISS-9092). How many collections a seller's
//! history shows per order thus depends on how busy it is: one or two per order for a seller
//! with fewer than an order an hour (its commission at payment, its parcel's fee days later),
//! far fewer for a large one. The simulator keeps to the middle at any size of world (issue
//! 18: about two operations per order, its payment and one more): Allegro settles each paid
//! order's sale fees once they are all charged (its commissions, its parcel's fee and
//! surcharge), in one deduction at the next payout run, just before the payout. An order's fees
//! are owed by the wallet its payment goes to (operator and currency); a deduction takes no
//! more than the wallet's `AVAILABLE` balance holds, and what does not fit waits for the next
//! run. A cancelled order's fees not charged by then are never owed. Credits (`REF`) do not go
//! through the wallet. Allegro also books each collection in the billing, as a `PAD` entry
//! (ISS-8552); the reference lists no such type and the simulator makes none, so a billing
//! `balance` sums the fees and credits alone.

use std::{
    collections::{HashMap, hash_map::Entry},
    sync::Arc,
};

use chrono::{DateTime, Utc};

use super::operation::Operator;

/// A fee charged to an order, owed by the wallet its payment goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Owed {
    pub order: Arc<str>,
    pub operator: Operator,
    pub currency: &'static str,
    pub marketplace: &'static str,
    /// Minor units, positive.
    pub value: i64,
    /// When the fee was charged.
    pub charged_at: DateTime<Utc>,
}

/// The fees charged and not collected yet, oldest first.
#[derive(Default)]
pub(super) struct Collection {
    owed: Vec<Owed>,
}

impl Collection {
    pub(super) fn owe(&mut self, owed: Owed) {
        self.owed.push(owed);
    }

    /// Everything owed, taken out of the collection: one sum per order and wallet, in the
    /// order each was first owed.
    pub(super) fn take(&mut self) -> Vec<Owed> {
        let mut sums: Vec<Owed> = Vec::with_capacity(self.owed.len());
        let mut place: HashMap<(Arc<str>, Operator, &'static str), usize> = HashMap::new();
        for owed in self.owed.drain(..) {
            match place.entry((owed.order.clone(), owed.operator, owed.currency)) {
                Entry::Occupied(at) => {
                    if let Some(sum) = sums.get_mut(*at.get()) {
                        sum.value += owed.value;
                    }
                }
                Entry::Vacant(at) => {
                    at.insert(sums.len());
                    sums.push(owed);
                }
            }
        }
        sums
    }

    /// What is owed and not collected yet (tests).
    #[cfg(test)]
    pub(super) fn owed(&self) -> &[Owed] {
        &self.owed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::billing::fees::fixtures::minutes;

    #[test]
    fn what_is_owed_is_summed_per_order_and_wallet_in_the_order_first_owed() {
        let owed = |order: &str, operator, value| Owed {
            order: Arc::from(order),
            operator,
            currency: "PLN",
            marketplace: "allegro-pl",
            value,
            charged_at: minutes(0),
        };
        let mut c = Collection::default();
        c.owe(owed("b", Operator::P24, 100));
        c.owe(owed("a", Operator::P24, 5));
        c.owe(owed("b", Operator::P24, 20));
        c.owe(owed("b", Operator::Payu, 7));
        assert_eq!(
            c.take(),
            [
                owed("b", Operator::P24, 120),
                owed("a", Operator::P24, 5),
                owed("b", Operator::Payu, 7)
            ]
        );
        assert!(c.owed().is_empty() && c.take().is_empty());
    }
}
