//! A seller's billing accounts (one ledger per marketplace it has fees on), and the fees of the
//! generated world staged before the accounts open. Kept apart from the endpoint so that the
//! world can hold them without depending on it.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{
    fees::{Entry, FeeBasis, Grant},
    ledger::Ledger,
};
use crate::simulator::data::{Generated, Market, paid_at};

/// A seller's billing accounts, one per marketplace it has fees on.
#[derive(Default)]
pub(crate) struct Billing {
    pub(super) ledgers: Vec<Ledger>,
}

impl Billing {
    pub(super) fn ledger_mut(&mut self, market: &'static Market) -> &mut Ledger {
        let at = match self.ledgers.iter().position(|l| l.market.id == market.id) {
            Some(at) => at,
            None => {
                self.ledgers
                    .push(Ledger::new(market, Vec::new(), DateTime::<Utc>::MIN_UTC));
                self.ledgers.len() - 1
            }
        };
        &mut self.ledgers[at]
    }

    /// Adds `entries` to the account of `market`.
    pub(super) fn charge(&mut self, market: &'static Market, entries: Vec<Entry>) {
        if !entries.is_empty() {
            let ledger = self.ledger_mut(market);
            entries.into_iter().for_each(|e| ledger.add(e));
        }
    }

    /// Credits `grants` (the commission of `order` its granted claims give back): each is booked
    /// in its place, the balances after it moving with it, or planned for its time. A credit
    /// held already is not added again.
    pub(crate) fn credit(&mut self, order: &Value, grants: &[Grant], seed: u64) {
        if let Some(basis) = FeeBasis::of(order) {
            let credits = grants.iter().filter_map(|g| basis.credit(g, seed));
            self.charge(basis.market, credits.collect());
        }
    }

    /// The commission charged so far for each line item of `order` (none for an order without
    /// fees).
    pub(crate) fn commission_charged(&mut self, order: &Value) -> Vec<i64> {
        let Some(basis) = FeeBasis::of(order) else {
            return Vec::new();
        };
        let ledger = self.ledger_mut(basis.market);
        let booked = ledger.of(&[basis.order_id().to_owned()], &[]);
        let charged: Vec<&Entry> = booked.into_iter().map(|b| &b.entry).collect();
        basis.charged_per_line(&charged)
    }

    /// The account of `market` with everything due by `now` booked, if it has any fees.
    pub(super) fn settled(&mut self, market: &Market, now: DateTime<Utc>) -> Option<&mut Ledger> {
        let ledger = self.ledgers.iter_mut().find(|l| l.market.id == market.id)?;
        ledger.settle(now);
        Some(ledger)
    }
}

/// The fees of the generated world, gathered per marketplace before the accounts open (one
/// sort per account instead of a sorted insert per fee).
#[derive(Default)]
pub(crate) struct StagedFees(Vec<(&'static Market, Vec<Entry>)>);

impl StagedFees {
    /// Stages the fees of a generated order: its listing fees and, when it is paid, its sale's.
    /// Returns the sale's charges, `(occurredAt, value)`: the seller's wallet pays them.
    pub(crate) fn add(&mut self, generated: &Generated, seed: u64) -> Vec<(DateTime<Utc>, i64)> {
        let Some(basis) = FeeBasis::of(&generated.order) else {
            return Vec::new();
        };
        let mut entries = basis.listing_fees(seed);
        let listed = entries.len();
        if let Some(paid_at) = paid_at(generated) {
            entries.extend(basis.sale_fees(paid_at, seed));
        }
        let sale = entries.get(listed..).unwrap_or_default();
        let charged = sale.iter().map(|e| (e.at, e.value)).collect();
        self.stage(basis.market, entries);
        charged
    }

    /// Stages the credits of `grants` on `order` (see [`Billing::credit`]).
    pub(crate) fn credit(&mut self, order: &Value, grants: &[Grant], seed: u64) {
        if let Some(basis) = FeeBasis::of(order) {
            let credits = grants.iter().filter_map(|g| basis.credit(g, seed));
            self.stage(basis.market, credits.collect());
        }
    }

    fn stage(&mut self, market: &'static Market, entries: Vec<Entry>) {
        match self.0.iter_mut().find(|(m, _)| m.id == market.id) {
            Some((_, staged)) => staged.extend(entries),
            None => self.0.push((market, entries)),
        }
    }

    /// The accounts, with what is due by `now` booked.
    pub(crate) fn open(self, now: DateTime<Utc>) -> Billing {
        let ledgers = self
            .0
            .into_iter()
            .map(|(market, entries)| Ledger::new(market, entries, now))
            .collect();
        Billing { ledgers }
    }
}
