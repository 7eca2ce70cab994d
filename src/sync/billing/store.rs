//! Writing a page of billing entries with the checkpoint it reaches (see `sync::versioned`).

use diesel::{PgConnection, QueryResult};

use crate::{
    allegro::BillingEntry,
    db::models::{
        billing_entry::NewBillingEntry,
        listing::{Listing, ListingKey, ListingState, WindowStep},
        sync::RunCounters,
    },
    sync::{
        context::{RunContext, SyncError},
        versioned,
    },
};

fn new_row(entry: BillingEntry) -> NewBillingEntry {
    let (amount, currency) = match entry.value {
        Some(money) => (Some(money.amount.as_str().to_owned()), Some(money.currency)),
        None => (None, None),
    };
    NewBillingEntry {
        raw: entry.document.to_value(),
        content_hash: entry.document.hash().to_owned(),
        entry_id: entry.id,
        occurred_at: entry.occurred_at,
        type_id: entry.type_id,
        type_name: entry.type_name,
        offer_id: entry.offer_id,
        offer_name: entry.offer_name,
        checkout_form_id: entry.order_id,
        marketplace_id: entry.marketplace_id,
        currency,
        amount,
    }
}

fn counters(fetched: i64, changed: i64) -> RunCounters {
    let mut counters = RunCounters::default();
    (counters.billing_fetched, counters.billing_changed) = (fetched, changed);
    counters
}

/// Stores `entries` (a page of listing `key`) with the checkpoint `step` and the run's counters
/// in one transaction, then renews the lease. The listing that remains after it.
pub(super) async fn store_page(
    ctx: &RunContext<'_>,
    entries: Vec<BillingEntry>,
    key: ListingKey,
    step: WindowStep,
) -> Result<Option<Listing>, SyncError> {
    let account_id = ctx.account_id;
    store_entries(ctx, entries, move |conn| {
        ListingState::advance(conn, account_id, &key, step)
    })
    .await
}

/// Stores `entries` with what `checkpoint` writes and the run's counters in one transaction,
/// then renews the lease. What `checkpoint` returns.
pub(super) async fn store_entries<R: Send + 'static>(
    ctx: &RunContext<'_>,
    entries: Vec<BillingEntry>,
    checkpoint: impl FnOnce(&mut PgConnection) -> QueryResult<R> + Send + 'static,
) -> Result<R, SyncError> {
    let fetched = entries.len();
    let rows = versioned::rows_of(ctx, entries, new_row);
    versioned::store_page(ctx, rows, fetched, counters, checkpoint).await
}
