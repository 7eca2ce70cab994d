//! The fees' coverage per day (allegro-api-money.md §5.4): a marketplace's day is paged whole
//! (the list has no count) and its entries counted and summed per currency against what the
//! backup holds; a differing day is read again and stored (see `sync::money_coverage`).

use std::collections::HashSet;

use chrono::Duration;

use super::{Fees, RETENTION, marketplaces, store::store_entries};
use crate::{
    allegro::{BillingEntriesPage, HOME_MARKETPLACE},
    db::models::{
        coverage::DayWindow,
        listing::ListingKey,
        money_coverage::{Sums, Tally, held_fees},
    },
    domain::{RunNote, signed_cents},
    sync::{
        context::{RunContext, SyncError},
        money_coverage::{self, Checks, DayList, HeldQuery, Outcome},
        windowed::{self, WindowedList},
    },
};

/// Checks the fees' days of every marketplace; the run's note.
pub(in crate::sync) async fn check_coverage(
    ctx: &RunContext<'_>,
    checks: Checks,
) -> Result<RunNote, SyncError> {
    let mut outcome = Outcome::default();
    for marketplace in marketplaces(ctx).await? {
        outcome += money_coverage::check(ctx, &Fees { marketplace }, checks).await?;
    }
    Ok(RunNote::FeesCoverageChecked {
        verified: outcome.verified,
        mismatched: outcome.mismatched,
        still_mismatched: outcome.still_mismatched,
    })
}

/// The entries of a day's pages, each once, counted and summed per currency.
fn tally(pages: &[BillingEntriesPage]) -> Tally {
    let mut seen = HashSet::new();
    let mut sums = Sums::new();
    for entry in pages.iter().flat_map(BillingEntriesPage::items) {
        if !seen.insert(entry.id.as_str()) {
            continue;
        }
        if let Some(value) = &entry.value {
            let cents = i64::try_from(signed_cents(value.amount.as_str())).unwrap_or(i64::MAX);
            *sums.entry(value.currency.clone()).or_default() += cents;
        }
    }
    Tally {
        count: i64::try_from(seen.len()).unwrap_or(i64::MAX),
        sums: Some(sums),
    }
}

impl DayList for Fees {
    /// A day of fees may take a dozen pages: two weeks of older days a night.
    const OLDER_PER_RUN: usize = 14;

    fn listing(&self) -> ListingKey {
        self.key()
    }

    fn history(ctx: &RunContext<'_>) -> Duration {
        ctx.options.history.min(RETENTION)
    }

    async fn on_allegro(
        &self,
        ctx: &RunContext<'_>,
        day: DayWindow,
    ) -> Result<(Tally, i64), SyncError> {
        let pages = windowed::read_span(ctx, self, day.start, day.end).await?;
        let requests = i64::try_from(pages.len()).unwrap_or(i64::MAX);
        Ok((tally(&pages), requests))
    }

    fn held(&self) -> HeldQuery {
        let marketplace = self.marketplace.clone();
        Box::new(move |conn, account_id, days| {
            let home = marketplace == HOME_MARKETPLACE;
            held_fees(conn, account_id, &marketplace, home, days)
        })
    }

    async fn relist(&self, ctx: &RunContext<'_>, day: DayWindow) -> Result<(), SyncError> {
        for page in windowed::read_span(ctx, self, day.start, day.end).await? {
            store_entries(ctx, page.into_items(), |_| Ok(())).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(entries: serde_json::Value) -> BillingEntriesPage {
        BillingEntriesPage::read(serde_json::from_value(entries).unwrap())
    }

    #[test]
    fn a_day_counts_each_entry_once_and_sums_it_in_its_own_currency() {
        let first = page(serde_json::json!([
            {"id": "a", "value": {"amount": "-1.50", "currency": "PLN"}},
            {"id": "b", "value": {"amount": "0.25", "currency": "PLN"}},
            {"id": "c", "value": {"amount": "-3", "currency": "CZK"}},
        ]));
        // An entry booked meanwhile moved "b" onto the next page too; "d" has no value.
        let second = page(serde_json::json!([
            {"id": "b", "value": {"amount": "0.25", "currency": "PLN"}},
            {"id": "d"},
        ]));
        let tally = tally(&[first, second]);
        assert_eq!(tally.count, 4);
        let sums = tally.sums.unwrap();
        assert_eq!(sums.get("PLN"), Some(&-125));
        assert_eq!(sums.get("CZK"), Some(&-300));
        assert_eq!(sums.len(), 2);
    }
}
