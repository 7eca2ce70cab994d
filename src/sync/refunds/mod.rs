//! Payment refunds, in the same run and under the same lease as the orders, after the returns
//! (allegro-api-money.md §3). The list pages by offset and reports `totalCount`; one query
//! reaches at most 10,000 refunds, so creation-time windows are split until each fits:
//!
//! - **First pass**: every refund created since the configured history start, window after
//!   window up to the moment the pass began.
//! - **Then, every run**: a window from the high-water mark (everything created before it was
//!   listed) less an hour's overlap, to now; then every refund not final yet (`NEW`,
//!   `VALIDATED`, `IN_PROGRESS`) that this listing did not meet, read again by id.
//!
//! Each page is stored with its checkpoint in one transaction (see `store`): a listing resumes
//! at the window and offset the last stored page reached. An account whose authorisation does
//! not allow reading payments is skipped with a note; its orders are backed up as usual.

mod store;

use chrono::{DateTime, Duration, SubsecRound, Utc};

use self::store::{RefundsPage, store_page};
use super::{
    context::{RunContext, SyncError},
    scope,
};
use crate::{
    allegro::{
        AllegroError, REFUNDS_PAGE_MAX, REFUNDS_QUERY_MAX, REFUNDS_SCOPE, RefundQuery,
        RefundsPage as Page,
    },
    db::{
        self, DbError,
        models::refund::{self, Listing, RefundSyncState, WindowStep},
    },
    domain::{RunNote, RunPhase, ScopedResource},
};

/// How far before the high-water mark each listing starts again (refunds Allegro lists late).
const OVERLAP: Duration = Duration::hours(1);
/// Refunds not final yet, read by id per database batch.
const BY_ID: i64 = 50;

/// Backs up the account's refunds; a note when they were skipped for want of authorisation.
pub(super) async fn back_up(ctx: &RunContext<'_>) -> Result<Option<RunNote>, SyncError> {
    if !scope::granted(ctx, REFUNDS_SCOPE).await? {
        return skip(ctx).await;
    }
    ctx.enter_phase(RunPhase::Refunds, None).await?;
    match pass(ctx).await {
        Err(SyncError::Allegro(AllegroError::Client { status: 403, .. })) => skip(ctx).await,
        Err(e) => Err(e),
        Ok(()) => {
            scope::record(ctx, ScopedResource::Refunds, false).await?;
            Ok(None)
        }
    }
}

async fn skip(ctx: &RunContext<'_>) -> Result<Option<RunNote>, SyncError> {
    scope::record(ctx, ScopedResource::Refunds, true).await?;
    Ok(Some(RunNote::RefundsNeedScope))
}

/// The listing in progress (or a new one: the first pass, else from the high-water mark), then
/// the re-reading of what it did not meet and is not final.
async fn pass(ctx: &RunContext<'_>) -> Result<(), SyncError> {
    let account_id = ctx.account_id;
    // Refunds this run reads get a later `last_seen_at`; those it does not are read by id.
    let started = Utc::now();
    let now = started.trunc_subsecs(3);
    let history_start = (now - ctx.options.history).trunc_subsecs(3);
    // A listing an earlier run left unfinished is completed first, then one reaches to now.
    loop {
        let listing = db::run(&ctx.accounts.pool, move |conn| {
            let state = RefundSyncState::get_or_create(conn, account_id)?;
            let from = match state.listed_through {
                Some(high_water) => (high_water - OVERLAP).max(history_start),
                None => history_start,
            };
            RefundSyncState::begin_listing(conn, account_id, from, now).map_err(DbError::from)
        })
        .await?;
        let reaches_now = listing.to >= now;
        follow(ctx, listing).await?;
        if reaches_now {
            break;
        }
    }
    reread_open(ctx, started).await
}

/// The query of refunds created in `[from, end]`, from `offset` on. The window that ends
/// where the listing does (`to`) is left open: it reaches to now by Allegro's clock, not ours
/// (a refund created while the window is paged only moves the others along, which reads one
/// again; the next listing's overlap covers it either way).
fn window(from: DateTime<Utc>, end: DateTime<Utc>, to: DateTime<Utc>, offset: u32) -> RefundQuery {
    RefundQuery {
        limit: REFUNDS_PAGE_MAX,
        offset,
        occurred_at_gte: Some(from),
        occurred_at_lte: (end < to).then_some(end),
        ..RefundQuery::default()
    }
}

async fn fetch(ctx: &RunContext<'_>, query: &RefundQuery) -> Result<Page, SyncError> {
    ctx.check_stop()?;
    let page = ctx.api.refunds(query).await?;
    if !page.unreadable().is_empty() {
        tracing::warn!(
            account.id = ctx.account_id.0,
            entries = page.unreadable().len(),
            "payment refunds without a readable id left out"
        );
    }
    Ok(page)
}

/// The first page of a new window from `from`: the window ends at `end`, halved (towards
/// `from`) while it holds more refunds than one query reaches.
async fn open_window(
    ctx: &RunContext<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(DateTime<Utc>, Page), SyncError> {
    let mut end = to;
    loop {
        let page = fetch(ctx, &window(from, end, to, 0)).await?;
        let total = page.total_count.unwrap_or(0);
        let span = end - from;
        if total <= u64::from(REFUNDS_QUERY_MAX) || span <= Duration::milliseconds(1) {
            if total > u64::from(REFUNDS_QUERY_MAX) {
                tracing::warn!(
                    account.id = ctx.account_id.0,
                    refunds = total,
                    "more payment refunds in one millisecond than a query reaches"
                );
            }
            return Ok((end, page));
        }
        end = (from + span / 2).trunc_subsecs(3);
    }
}

/// Lists the refunds of `listing` window by window, storing each page with the checkpoint it
/// reaches, until the listing is complete.
async fn follow(ctx: &RunContext<'_>, listing: Listing) -> Result<(), SyncError> {
    let mut listing = Some(listing);
    while let Some(Listing {
        from,
        to,
        window_end,
        offset,
    }) = listing
    {
        let (end, page) = match window_end {
            Some(end) => (end, fetch(ctx, &window(from, end, to, offset)).await?),
            None => open_window(ctx, from, to).await?,
        };
        let listed = u32::try_from(page.listed()).unwrap_or(u32::MAX);
        let reached = offset.saturating_add(listed);
        let total = page.total_count.unwrap_or(0);
        let done = listed < REFUNDS_PAGE_MAX
            || u64::from(reached) >= total
            || reached >= REFUNDS_QUERY_MAX;
        let step = if done {
            WindowStep::Done { end }
        } else {
            WindowStep::Within {
                end,
                offset: reached,
            }
        };
        listing = store_page(
            ctx,
            RefundsPage {
                refunds: page.into_refunds(),
                step: Some(step),
            },
        )
        .await?;
    }
    Ok(())
}

/// Reads again, by id, every refund of the account not final yet that this run has not read.
async fn reread_open(ctx: &RunContext<'_>, started: DateTime<Utc>) -> Result<(), SyncError> {
    let account_id = ctx.account_id;
    let mut after = 0;
    loop {
        let batch = db::run(&ctx.accounts.pool, move |conn| {
            refund::open_not_seen_since(conn, account_id, started, after, BY_ID)
                .map_err(DbError::from)
        })
        .await?;
        let Some((last_row, _)) = batch.last() else {
            return Ok(());
        };
        after = *last_row;
        for (_, id) in batch {
            let query = RefundQuery {
                id: Some(id),
                ..RefundQuery::default()
            };
            let page = fetch(ctx, &query).await?;
            store_page(
                ctx,
                RefundsPage {
                    refunds: page.into_refunds(),
                    step: None,
                },
            )
            .await?;
        }
    }
}
