//! Writing a page of refunds: the refunds (a new version for each one that changed), the
//! checkpoint the page reaches and the run's counters, in one transaction, then a lease
//! renewal. A crash before the commit leaves the checkpoint where the last stored page put it,
//! so nothing is lost; storing a page again adds nothing, so nothing is duplicated.

use std::collections::HashSet;

use diesel::Connection;

use crate::{
    allegro::Refund,
    db::{
        self, DbError,
        models::{
            refund::{self, Listing, NewRefund, RefundSyncState, WindowStep},
            sync::{RunCounters, SyncRun},
        },
    },
    sync::context::{RunContext, SyncError},
};

/// One page of refunds and the checkpoint it reaches.
#[derive(Debug, Default)]
pub(super) struct RefundsPage {
    pub refunds: Vec<Refund>,
    /// Where the page leaves the listing (`None`: a refund read by id, outside any listing).
    pub step: Option<WindowStep>,
}

/// The row of `item`; `None` (logged) for one PostgreSQL cannot store (NUL characters).
fn new_row(ctx: &RunContext<'_>, item: Refund) -> Option<NewRefund> {
    if item.document.holds_nul() {
        tracing::warn!(
            account.id = ctx.account_id.0,
            refund.id = item.id.as_str(),
            "payment refund skipped: it holds NUL characters, which PostgreSQL cannot store"
        );
        return None;
    }
    let (total_amount, currency) = match item.total_value {
        Some(money) => (Some(money.amount.as_str().to_owned()), Some(money.currency)),
        None => (None, None),
    };
    Some(NewRefund {
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
    })
}

/// The rows of a page, each refund once (the last copy wins, should a page list one twice).
fn rows_of(ctx: &RunContext<'_>, refunds: Vec<Refund>) -> Vec<NewRefund> {
    let mut seen = HashSet::new();
    let mut rows: Vec<NewRefund> = refunds
        .into_iter()
        .rev()
        .filter(|r| seen.insert(r.id.clone()))
        .filter_map(|r| new_row(ctx, r))
        .collect();
    rows.reverse();
    rows
}

/// Stores `page` with its checkpoint and counters in one transaction, then renews the lease.
/// The listing that remains after it (`None`: complete, or the page was no part of one).
pub(super) async fn store_page(
    ctx: &RunContext<'_>,
    page: RefundsPage,
) -> Result<Option<Listing>, SyncError> {
    let (account_id, run_id) = (ctx.account_id, ctx.run_id);
    let fetched = i64::try_from(page.refunds.len()).unwrap_or(i64::MAX);
    let rows = rows_of(ctx, page.refunds);
    let step = page.step;
    let listing = db::run(&ctx.accounts.pool, move |conn| {
        conn.transaction(|conn| {
            let counts = refund::store(conn, account_id, &rows)?;
            let listing = match step {
                Some(step) => RefundSyncState::advance(conn, account_id, step)?,
                None => None,
            };
            let delta = RunCounters {
                requests: 1,
                refunds_fetched: fetched,
                refunds_changed: i64::try_from(counts.created + counts.changed).unwrap_or(i64::MAX),
                ..RunCounters::default()
            };
            SyncRun::add_progress(conn, run_id, &delta, None)?;
            SyncRun::advance_phase(conn, run_id, fetched)?;
            Ok::<_, diesel::result::Error>(listing)
        })
        .map_err(DbError::from)
    })
    .await?;
    ctx.renew_lease().await?;
    Ok(listing)
}
