//! Writing a page of returns: the returns (a new version for each one that changed), the
//! checkpoint the page reaches and the run's counters, in one transaction, then a lease
//! renewal. A crash before the commit leaves the checkpoint where the last stored page put it,
//! so nothing is lost; storing a page again adds nothing, so nothing is duplicated.

use std::collections::HashSet;

use diesel::Connection;

use crate::{
    allegro::CustomerReturn,
    db::{
        self, DbError,
        models::{
            customer_return::{self, NewCustomerReturn, ReturnSyncState},
            sync::{RunCounters, SyncRun},
        },
    },
    domain::CustomerReturnId,
    sync::context::{RunContext, SyncError},
};

/// One page of returns and the checkpoint it reaches.
#[derive(Debug, Default)]
pub(super) struct ReturnsPage {
    pub returns: Vec<CustomerReturn>,
    /// The list's cursor after this page (`None`: it stays where it is).
    pub cursor: Option<CustomerReturnId>,
    /// The first pass ends with this page.
    pub completes_first_pass: bool,
}

/// The row of `item`; `None` (logged) for one PostgreSQL cannot store (NUL characters).
fn new_row(ctx: &RunContext<'_>, item: CustomerReturn) -> Option<NewCustomerReturn> {
    if item.document.holds_nul() {
        tracing::warn!(
            account.id = ctx.account_id.0,
            customer_return.id = item.id.as_str(),
            "customer return skipped: it holds NUL characters, which PostgreSQL cannot store"
        );
        return None;
    }
    Some(NewCustomerReturn {
        raw: item.document.to_value(),
        content_hash: item.document.hash().to_owned(),
        return_id: item.id,
        checkout_form_id: item.order_id,
        reference_number: item.reference_number,
        status: item.status,
        created_at: item.created_at,
    })
}

/// The rows of a page, each return once (the last copy wins, should a page list one twice).
fn rows_of(ctx: &RunContext<'_>, returns: Vec<CustomerReturn>) -> Vec<NewCustomerReturn> {
    let mut seen = HashSet::new();
    let mut rows: Vec<NewCustomerReturn> = returns
        .into_iter()
        .rev()
        .filter(|r| seen.insert(r.id.clone()))
        .filter_map(|r| new_row(ctx, r))
        .collect();
    rows.reverse();
    rows
}

/// Stores `page` with its checkpoint and counters in one transaction, then renews the lease.
pub(super) async fn store_page(ctx: &RunContext<'_>, page: ReturnsPage) -> Result<(), SyncError> {
    let (account_id, run_id) = (ctx.account_id, ctx.run_id);
    let fetched = i64::try_from(page.returns.len()).unwrap_or(i64::MAX);
    let rows = rows_of(ctx, page.returns);
    let (cursor, completes) = (page.cursor, page.completes_first_pass);
    db::run(&ctx.accounts.pool, move |conn| {
        conn.transaction(|conn| {
            let counts = customer_return::store(conn, account_id, &rows)?;
            if cursor.is_some() || completes {
                ReturnSyncState::advance(conn, account_id, cursor.as_ref(), completes)?;
            }
            let delta = RunCounters {
                requests: 1,
                returns_fetched: fetched,
                returns_changed: i64::try_from(counts.created + counts.changed).unwrap_or(i64::MAX),
                ..RunCounters::default()
            };
            SyncRun::add_progress(conn, run_id, &delta, None)?;
            SyncRun::advance_phase(conn, run_id, fetched)
        })
        .map_err(DbError::from)
    })
    .await?;
    ctx.renew_lease().await
}
