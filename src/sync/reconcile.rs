//! Reconcile runs: catch what the event journal missed. Allegro's journal loses events now and
//! then, and a fulfillment change moves `revision` but not `updatedAt`, so a reconcile never
//! trusts either: it
//! 1. lists the `boughtAt` windows of the last `reconcile_days` days again,
//! 2. fetches by id every older stored order that is still open (see
//!    [`open_order_ids`] for the rule), 404 meaning merged away or gone,
//! 3. verifies the coverage grid over the backed-up history, lists every mismatched day again
//!    (and fetches by id what that listing no longer shows), then verifies those days again.
//!
//! Everything fetched is stored; the storage compares revision and content, so an unchanged
//! form adds nothing.

use chrono::{Duration, Utc};

use super::{
    backfill, coverage,
    engine::{RunContext, SyncError, windows},
    events::fetch_forms,
    store::store_page,
};
use crate::db::{
    self, DbError,
    models::{
        coverage::{database_now, open_order_ids, unseen_held_ids},
        sync::SyncState,
    },
};

/// Forms fetched by id, then stored, per transaction.
const BY_ID_BATCH: usize = 100;

/// Runs the reconcile steps; returns the note for the run.
pub(super) async fn run(ctx: &RunContext<'_>) -> Result<String, SyncError> {
    let now = Utc::now();
    let since = now - Duration::days(i64::from(ctx.options.reconcile_days));
    backfill::relist(ctx, windows(since, now, ctx.options.window)).await?;

    let account_id = ctx.account_id;
    let open = db::run(&ctx.accounts.pool, move |conn| {
        open_order_ids(conn, account_id, since).map_err(DbError::from)
    })
    .await?;
    let open_count = open.len();
    let open_gone = refresh_by_id(ctx, open).await?;

    let grid = check_coverage(ctx).await?;
    Ok(format!(
        "Reconcile: re-listed the last {} days, re-fetched {open_count} older open orders \
         ({open_gone} no longer on Allegro); coverage: {} days verified, {} mismatched and \
         re-listed, {} still mismatched.",
        ctx.options.reconcile_days, grid.verified, grid.mismatched, grid.still_mismatched
    ))
}

/// Fetches checkout forms by id in batches and stores them; ids that answer 404 are marked
/// gone from Allegro. Returns how many were gone.
async fn refresh_by_id(ctx: &RunContext<'_>, ids: Vec<String>) -> Result<usize, SyncError> {
    let mut gone_total = 0;
    for ids in ids.chunks(BY_ID_BATCH) {
        // The batch carries the forms, the ids that answer 404 and the requests made.
        let batch = fetch_forms(ctx, ids.iter().cloned()).await?;
        gone_total += batch.gone.len();
        store_page(ctx, batch).await?;
    }
    Ok(gone_total)
}

/// What the coverage check found.
struct GridOutcome {
    verified: usize,
    mismatched: usize,
    still_mismatched: usize,
}

/// Verifies every day of the backed-up history, heals the mismatched ones and verifies them
/// again.
async fn check_coverage(ctx: &RunContext<'_>) -> Result<GridOutcome, SyncError> {
    let account_id = ctx.account_id;
    let state = db::run(&ctx.accounts.pool, move |conn| {
        SyncState::get_or_create(conn, account_id).map_err(DbError::from)
    })
    .await?;
    let days = coverage::history_days(state.backfill_from, ctx.options.history, Utc::now());
    let mismatched = coverage::verify(ctx, &days).await?;
    if mismatched.is_empty() {
        return Ok(GridOutcome {
            verified: days.len(),
            mismatched: 0,
            still_mismatched: 0,
        });
    }
    heal(ctx, &mismatched).await?;
    let still = coverage::verify(ctx, &mismatched).await?;
    if !still.is_empty() {
        tracing::warn!(
            account.id = account_id,
            days = still.len(),
            "coverage: days still mismatched after re-listing"
        );
    }
    Ok(GridOutcome {
        verified: days.len(),
        mismatched: mismatched.len(),
        still_mismatched: still.len(),
    })
}

/// Lists mismatched days again: forms we miss are stored, merged purchases found. Forms we
/// hold for those days that the listing did not show (not stored since it began) are fetched
/// by id, so those Allegro no longer serves are marked gone and stop being counted.
async fn heal(ctx: &RunContext<'_>, days: &[chrono::NaiveDate]) -> Result<(), SyncError> {
    let windows: Vec<_> = days.iter().copied().map(coverage::day_window).collect();
    let began = db::run(&ctx.accounts.pool, |conn| {
        database_now(conn).map_err(DbError::from)
    })
    .await?;
    backfill::relist(ctx, windows.iter().map(|w| (w.start, w.end)).collect()).await?;
    let account_id = ctx.account_id;
    let unseen = db::run(&ctx.accounts.pool, move |conn| {
        unseen_held_ids(conn, account_id, &windows, began).map_err(DbError::from)
    })
    .await?;
    refresh_by_id(ctx, unseen).await.map(drop)
}
