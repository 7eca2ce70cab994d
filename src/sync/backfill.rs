//! The first pass: every order in the history, listed by `lineItems.boughtAt` windows small
//! enough for Allegro's offset cap, each window checkpointed when all its pages are stored.

use chrono::{DateTime, Utc};
use diesel::Connection;
use futures_util::{StreamExt, stream};

use super::{
    context::{RunContext, SyncError, windows},
    store::{Batch, store_page},
};
use crate::{
    allegro::{CheckoutFormQuery, CheckoutFormSort},
    db::{
        self, DbError,
        models::sync::{BackfillWindow, SyncRun, SyncState},
    },
};

/// Allegro refuses offset + limit beyond this.
const OFFSET_CAP: u64 = 10_000;
/// Largest page Allegro serves.
const PAGE_SIZE: u32 = 100;

/// Plans the windows (first time, or again for a full resync) and lists every pending one.
pub(super) async fn run(
    ctx: &RunContext<'_>,
    state: &SyncState,
    full: bool,
) -> Result<(), SyncError> {
    if state.backfill_until.is_none() || full {
        plan(ctx, state).await?;
    }
    process_pending(ctx).await?;
    let account_id = ctx.account_id;
    db::run(&ctx.accounts.pool, move |conn| {
        SyncState::complete_backfill(conn, account_id).map_err(DbError::from)
    })
    .await?;
    Ok(())
}

/// Lists every planned window not done yet; a window too full for offset paging is split and
/// its halves are picked up by the next round.
async fn process_pending(ctx: &RunContext<'_>) -> Result<(), SyncError> {
    loop {
        let account_id = ctx.account_id;
        let pending = db::run(&ctx.accounts.pool, move |conn| {
            BackfillWindow::pending(conn, account_id).map_err(DbError::from)
        })
        .await?;
        if pending.is_empty() {
            return Ok(());
        }
        // Windows run concurrently within the client's rate limits.
        let results: Vec<Result<(), SyncError>> = stream::iter(pending)
            .map(|window| process_window(ctx, window))
            .buffer_unordered(ctx.options.concurrency.max(1))
            .collect()
            .await;
        results
            .into_iter()
            .collect::<Result<Vec<()>, SyncError>>()?;
    }
}

/// Re-lists every order bought since `since` (when the event journal no longer reaches back
/// to the cursor); stored revisions make unchanged orders cost nothing.
pub(super) async fn resync_since(
    ctx: &RunContext<'_>,
    since: DateTime<Utc>,
) -> Result<(), SyncError> {
    relist(ctx, windows(since, Utc::now(), ctx.options.window)).await
}

/// Lists the given `boughtAt` windows (again, if they were listed before) and stores every
/// form on them: the storage compares revisions and content, so unchanged orders add nothing.
/// Too full windows are split as in the first pass.
pub(super) async fn relist(
    ctx: &RunContext<'_>,
    planned: Vec<(DateTime<Utc>, DateTime<Utc>)>,
) -> Result<(), SyncError> {
    let account_id = ctx.account_id;
    db::run(&ctx.accounts.pool, move |conn| {
        BackfillWindow::plan_again(conn, account_id, &planned).map_err(DbError::from)
    })
    .await?;
    process_pending(ctx).await
}

/// Reads the event cursor first (so nothing that happens during the pass is missed), then
/// plans the windows from the history start to now. The pass's start and its windows are one
/// transaction: a run stopped between the two would otherwise leave a pass that has begun with
/// nothing to list, which the next run would call complete.
async fn plan(ctx: &RunContext<'_>, state: &SyncState) -> Result<(), SyncError> {
    let latest = ctx.api.event_stats().await?;
    let cursor = state
        .event_cursor
        .clone()
        .or_else(|| latest.map(|e| e.id.as_str().to_owned()));
    let until = Utc::now();
    let from = until - ctx.options.history;
    let planned = windows(from, until, ctx.options.window);
    let account_id = ctx.account_id;
    db::run(&ctx.accounts.pool, move |conn| {
        conn.transaction(|conn| {
            SyncState::begin_backfill(conn, account_id, from, until, cursor.as_deref())?;
            BackfillWindow::plan(conn, account_id, &planned)
        })
        .map_err(DbError::from)
    })
    .await?;
    Ok(())
}

fn query(window: &BackfillWindow, offset: u32) -> CheckoutFormQuery {
    CheckoutFormQuery {
        offset,
        limit: PAGE_SIZE,
        bought_at_gte: Some(window.window_start),
        bought_at_lte: Some(window.window_end),
        sort: Some(CheckoutFormSort::BoughtAtAsc),
        ..CheckoutFormQuery::default()
    }
}

async fn process_window(ctx: &RunContext<'_>, window: BackfillWindow) -> Result<(), SyncError> {
    // Windows queued behind a shutdown are not started.
    ctx.check_stop()?;
    let first = ctx.api.checkout_forms(&query(&window, 0)).await?;
    let total = first.total_count;
    let (id, total_i64) = (window.id, i64::try_from(total).unwrap_or(i64::MAX));
    let too_full = total > OFFSET_CAP
        && window.window_end - window.window_start > chrono::Duration::seconds(1);
    if too_full {
        let w = window.clone();
        db::run(&ctx.accounts.pool, move |conn| {
            BackfillWindow::split(conn, &w).map_err(DbError::from)
        })
        .await?;
        return Ok(());
    }
    let (run_id, account_id) = (ctx.run_id, ctx.account_id);
    db::run(&ctx.accounts.pool, move |conn| {
        BackfillWindow::set_total(conn, id, total_i64)?;
        let known = BackfillWindow::known_total(conn, account_id, run_id)?;
        SyncRun::add_progress(conn, run_id, &Default::default(), Some(known)).map_err(DbError::from)
    })
    .await?;
    let reachable = total.min(OFFSET_CAP);
    let mut offset = u64::from(PAGE_SIZE);
    let mut page = first;
    loop {
        let (forms, rejected) = page.into_parts();
        let last = offset >= reachable || (forms.is_empty() && rejected.is_empty());
        let batch = Batch {
            forms,
            rejected,
            done_window: last.then_some(id),
            requests: 1,
            ..Batch::default()
        };
        let store = store_page(ctx, batch);
        if last {
            return store.await;
        }
        // The next page is fetched while this one is stored, so that API latency and the
        // write overlap. Only the last page's store marks the window done, so a failure in
        // either leaves the window to be listed again, as before.
        let next = async {
            let offset = u32::try_from(offset).unwrap_or(u32::MAX);
            Ok(ctx.api.checkout_forms(&query(&window, offset)).await?)
        };
        ((), page) = tokio::try_join!(store, next)?;
        offset += u64::from(PAGE_SIZE);
    }
}
