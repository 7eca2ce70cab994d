//! Reconcile runs: catch what the event journal missed. Allegro's journal loses events now and
//! then, and a fulfillment change moves `revision` but not `updatedAt`, so a reconcile never
//! trusts either: it
//! 1. lists the `boughtAt` windows of the last `reconcile_days` days again,
//! 2. re-reads every older stored order that is still open (see [`open_orders`] for the
//!    rule): by id when they are few (404 meaning merged away or gone); when fetching each
//!    would take more requests than listing every order of their span (100 per page), by
//!    listing that span again, then fetching by id only the open ones it did not show,
//! 3. verifies the coverage grid over the backed-up history, lists every mismatched day again
//!    (and fetches by id what that listing no longer shows), then verifies those days again.
//!
//! Everything fetched is stored; the storage compares revision and content, so an unchanged
//! form adds nothing.

use chrono::{DateTime, Duration, Utc};

use super::{
    backfill,
    context::{RunContext, SyncError, windows},
    coverage,
    events::fetch_forms,
    store::store_page,
};
use crate::{
    db::{
        self, DbError,
        models::coverage::{
            OpenOrders, database_now, held_between, open_orders, unseen_held_ids, unseen_since,
        },
    },
    domain::{CheckoutFormId, RunNote, RunPhase},
};

/// Forms fetched by id, then stored, per transaction.
const BY_ID_BATCH: usize = 100;
/// Forms per page of a listing (Allegro's largest).
const LIST_PAGE: usize = 100;
/// Listing a span starts this much before its earliest open order: an order's stored
/// `bought_at` is its latest line item's, and an earlier item also places it in the listing.
const SPAN_MARGIN_DAYS: i64 = 1;

/// Runs the reconcile steps; returns the run's notes.
pub(super) async fn run(ctx: &RunContext<'_>) -> Result<Vec<RunNote>, SyncError> {
    let now = Utc::now();
    let since = now - Duration::days(i64::from(ctx.options.reconcile_days));
    ctx.enter_phase(RunPhase::Orders, None).await?;
    backfill::relist(ctx, windows(since, now, ctx.options.window)).await?;

    let open = refresh_open(ctx, since).await?;
    let grid = check_coverage(ctx).await?;
    Ok(vec![
        RunNote::Relisted {
            days: ctx.options.reconcile_days,
        },
        open,
        grid,
    ])
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Whether listing `held` orders over `windows` windows takes fewer requests than fetching
/// `open` orders one by one.
fn listing_is_cheaper(open: usize, held: i64, windows: usize) -> bool {
    let held = usize::try_from(held).unwrap_or(usize::MAX);
    held.div_ceil(LIST_PAGE).saturating_add(windows) < open
}

/// Re-reads the stored orders bought before `since` that are still open (step 2).
async fn refresh_open(ctx: &RunContext<'_>, since: DateTime<Utc>) -> Result<RunNote, SyncError> {
    let account_id = ctx.account_id;
    let (open, span) = db::run(&ctx.accounts.pool, move |conn| {
        let open = open_orders(conn, account_id, since)?;
        let from = open
            .earliest
            .map(|at| at - Duration::days(SPAN_MARGIN_DAYS));
        let held = from
            .map(|from| held_between(conn, account_id, from, since))
            .transpose()?;
        Ok::<_, DbError>((open, from.zip(held)))
    })
    .await?;
    let OpenOrders { ids, .. } = open;
    let Some((from, held)) = span else {
        return Ok(RunNote::OpenOrdersFetched { open: 0, gone: 0 });
    };
    let count = ids.len();
    let planned = windows(from, since, ctx.options.window);
    if !listing_is_cheaper(count, held, planned.len()) {
        let gone = refresh_by_id(ctx, ids).await?;
        return Ok(RunNote::OpenOrdersFetched {
            open: self::count(count),
            gone: self::count(gone),
        });
    }
    let began = db::run(&ctx.accounts.pool, |conn| {
        database_now(conn).map_err(DbError::from)
    })
    .await?;
    backfill::relist(ctx, planned).await?;
    let unseen = db::run(&ctx.accounts.pool, move |conn| {
        unseen_since(conn, account_id, &ids, began).map_err(DbError::from)
    })
    .await?;
    let fetched_by_id = unseen.len();
    let gone = refresh_by_id(ctx, unseen).await?;
    Ok(RunNote::OpenOrdersRelisted {
        listed_days: (since - from).num_days().max(1),
        open: self::count(count),
        fetched: self::count(fetched_by_id),
        gone: self::count(gone),
    })
}

/// Fetches checkout forms by id in batches and stores them; ids that answer 404 are marked
/// gone from Allegro. Returns how many were gone.
async fn refresh_by_id(ctx: &RunContext<'_>, ids: Vec<CheckoutFormId>) -> Result<usize, SyncError> {
    let mut gone_total = 0;
    for ids in ids.chunks(BY_ID_BATCH) {
        // The batch carries the forms, the ids that answer 404 and the requests made.
        let batch = fetch_forms(ctx, ids.iter().cloned()).await?;
        gone_total += batch.gone.len();
        store_page(ctx, batch).await?;
    }
    Ok(gone_total)
}

/// Verifies every day of the backed-up history, heals the mismatched ones and verifies them
/// again.
async fn check_coverage(ctx: &RunContext<'_>) -> Result<RunNote, SyncError> {
    let account_id = ctx.account_id;
    let (days, mismatched) = coverage::verify_history(ctx).await?;
    if mismatched.is_empty() {
        return Ok(RunNote::CoverageHealed {
            verified: count(days.len()),
            mismatched: 0,
            still_mismatched: 0,
        });
    }
    heal(ctx, &mismatched).await?;
    let still = coverage::verify(ctx, &mismatched).await?;
    if !still.is_empty() {
        tracing::warn!(
            account.id = account_id.0,
            days = still.len(),
            "coverage: days still mismatched after re-listing"
        );
    }
    Ok(RunNote::CoverageHealed {
        verified: count(days.len()),
        mismatched: count(mismatched.len()),
        still_mismatched: count(still.len()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_is_listed_only_when_that_takes_fewer_requests_than_fetching_each_open_order() {
        // 1,000 held over 6 windows: 16 requests.
        assert!(listing_is_cheaper(17, 1_000, 6));
        assert!(!listing_is_cheaper(16, 1_000, 6));
        assert!(!listing_is_cheaper(3, 250, 1));
        // A seller who never marks orders sent: most old orders open.
        assert!(listing_is_cheaper(800_000, 1_000_000, 52));
        assert!(!listing_is_cheaper(0, 0, 0));
    }
}
