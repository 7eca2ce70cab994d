//! Payment refunds, in the same run and under the same lease as the orders, after the returns
//! (allegro-api-money.md §3). The list pages by offset and reports `totalCount`; one query
//! reaches at most 10,000 refunds, so creation-time windows are split until each fits (see
//! `sync::windowed`): the first pass lists every refund created since the history start, then
//! every run lists from the high-water mark less an hour's overlap to now, and reads again by
//! id every refund not final yet (`NEW`, `VALIDATED`, `IN_PROGRESS`) the listing did not meet.
//!
//! Each page is stored with its checkpoint in one transaction (see `store`). An account whose
//! authorisation does not allow reading payments is skipped with a note; its orders are backed
//! up as usual.

mod store;

use chrono::{DateTime, Duration, Utc};
use diesel::{PgConnection, QueryResult};

use self::store::{RefundsPage, store_page};
use super::{
    context::{RunContext, SyncError},
    scope,
    windowed::{self, Window, WindowedList},
};
use crate::{
    allegro::{
        REFUNDS_PAGE_MAX, REFUNDS_QUERY_MAX, REFUNDS_SCOPE, RefundQuery, RefundsPage as Page,
    },
    db::{
        self, DbError,
        models::{
            listing::{Listing, ListingKey, ListingState, WindowStep},
            refund,
        },
    },
    domain::{AccountId, RunNote, RunPhase, ScopedResource},
};

/// How far before the high-water mark each listing starts again (refunds Allegro lists late).
const OVERLAP: Duration = Duration::hours(1);
/// Refunds not final yet, read by id per database batch.
const BY_ID: i64 = 50;

/// Backs up the account's refunds; a note when they were skipped for want of authorisation.
pub(super) async fn back_up(ctx: &RunContext<'_>) -> Result<Option<RunNote>, SyncError> {
    let resource = (ScopedResource::Refunds, REFUNDS_SCOPE);
    scope::back_up_if_allowed(ctx, resource, Some(RunPhase::Refunds), pass).await
}

/// The listing (in progress, or a new one: the first pass, else from the high-water mark),
/// then the re-reading of what it did not meet and is not final.
async fn pass(ctx: &RunContext<'_>) -> Result<(), SyncError> {
    // Refunds this run reads get a later `last_seen_at`; those it does not are read by id.
    let started = Utc::now();
    windowed::list_to_now(ctx, &Refunds, ctx.options.history).await?;
    reread_open(ctx, started).await
}

/// The refunds' listing: by creation time, with `totalCount` telling when a window is too full.
struct Refunds;

impl WindowedList for Refunds {
    type Page = Page;
    const PAGE_MAX: u32 = REFUNDS_PAGE_MAX;
    const REACH: u32 = REFUNDS_QUERY_MAX;

    fn key(&self) -> ListingKey {
        ListingKey::Refunds
    }

    fn listing_start(
        _conn: &mut PgConnection,
        _account_id: AccountId,
        _key: &ListingKey,
        state: &ListingState,
        history_start: DateTime<Utc>,
    ) -> QueryResult<DateTime<Utc>> {
        Ok(state
            .listed_through
            .map_or(history_start, |high_water| high_water - OVERLAP))
    }

    /// The window that ends where the listing does is left open: it reaches to now by
    /// Allegro's clock, not ours (a refund created while the window is paged only moves the
    /// others along, which reads one again; the next listing's overlap covers it either way).
    async fn fetch(&self, ctx: &RunContext<'_>, w: Window) -> Result<Page, SyncError> {
        let query = RefundQuery {
            limit: REFUNDS_PAGE_MAX,
            offset: w.offset,
            occurred_at_gte: Some(w.from),
            occurred_at_lte: (w.end < w.to).then_some(w.end),
            ..RefundQuery::default()
        };
        fetch(ctx, &query).await
    }

    async fn open(&self, ctx: &RunContext<'_>, w: Window) -> Result<Option<Page>, SyncError> {
        let page = self.fetch(ctx, w).await?;
        let fits = page.total_count.unwrap_or(0) <= u64::from(REFUNDS_QUERY_MAX);
        Ok(fits.then_some(page))
    }

    fn listed(page: &Page) -> u32 {
        u32::try_from(page.listed()).unwrap_or(u32::MAX)
    }

    fn total(page: &Page) -> Option<u32> {
        windowed::counted(page.total_count)
    }

    async fn store(
        &self,
        ctx: &RunContext<'_>,
        page: Page,
        step: WindowStep,
    ) -> Result<Option<Listing>, SyncError> {
        let page = RefundsPage {
            refunds: page.into_refunds(),
            step: Some(step),
        };
        store_page(ctx, page).await
    }
}

async fn fetch(ctx: &RunContext<'_>, query: &RefundQuery) -> Result<Page, SyncError> {
    ctx.check_stop()?;
    let page = ctx.api.refunds(query).await?;
    ctx.warn_unreadable(page.unreadable(), "payment refunds without a readable id");
    Ok(page)
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
