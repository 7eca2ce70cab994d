//! Writing a page of refunds with the checkpoint it reaches (see `sync::versioned`).

use crate::{
    allegro::Refund,
    db::models::{
        listing::{Listing, ListingKey, ListingState, WindowStep},
        refund::NewRefund,
        sync::RunCounters,
    },
    sync::{
        context::{RunContext, SyncError},
        versioned,
    },
};

/// One page of refunds and the checkpoint it reaches.
#[derive(Debug, Default)]
pub(super) struct RefundsPage {
    pub refunds: Vec<Refund>,
    /// Where the page leaves the listing (`None`: a refund read by id, outside any listing).
    pub step: Option<WindowStep>,
}

fn new_row(item: Refund) -> NewRefund {
    let (total_amount, currency) = match item.total_value {
        Some(money) => (Some(money.amount.as_str().to_owned()), Some(money.currency)),
        None => (None, None),
    };
    NewRefund {
        raw: item.document.to_value(),
        content_hash: item.document.hash().to_owned(),
        refund_id: item.id,
        checkout_form_id: item.order_id,
        payment_id: item.payment_id,
        reason: item.reason,
        status: item.status,
        created_at: item.created_at,
        currency,
        total_amount,
    }
}

fn counters(fetched: i64, changed: i64) -> RunCounters {
    let mut counters = RunCounters::default();
    (counters.refunds_fetched, counters.refunds_changed) = (fetched, changed);
    counters
}

/// Stores `page` with its checkpoint and counters in one transaction, then renews the lease.
/// The listing that remains after it (`None`: complete, or the page was no part of one).
pub(super) async fn store_page(
    ctx: &RunContext<'_>,
    page: RefundsPage,
) -> Result<Option<Listing>, SyncError> {
    let account_id = ctx.account_id;
    let fetched = page.refunds.len();
    let rows = versioned::rows_of(ctx, page.refunds, new_row);
    let step = page.step;
    versioned::store_page(ctx, rows, fetched, counters, move |conn| match step {
        Some(step) => ListingState::advance(conn, account_id, &ListingKey::Refunds, step),
        None => Ok(None),
    })
    .await
}
