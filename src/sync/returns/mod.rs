//! Customer returns, in the same run and under the same lease as the orders
//! (allegro-api-money.md §2.5). The list is oldest first and pages by `from` (the last return
//! seen), so no offset cap applies and no date window needs splitting:
//!
//! - **First pass**: every return created since the later of the configured history start and
//!   Allegro's retention (about 2.5 years), page after page until a short page.
//! - **Then, every run**: new returns from the cursor on; the last 60 days listed again (status,
//!   parcels and rejection change in place); older returns not final yet read again by id.
//!
//! Each page is stored with its checkpoint in one transaction (see `store`). An account whose
//! authorisation does not allow reading returns is skipped with a note, and its orders are
//! backed up as usual.

mod store;

use chrono::{DateTime, Duration, Utc};

use self::store::{ReturnsPage, store_page};
use super::{
    context::{RunContext, SyncError},
    scope,
};
use crate::{
    allegro::{
        CustomerReturnQuery, CustomerReturnsPage, RETURNS_PAGE_MAX, RETURNS_PER_SECOND,
        RETURNS_SCOPE,
    },
    db::{
        self, DbError,
        models::customer_return::{self, ReturnSyncState},
    },
    domain::{CustomerReturnId, RunNote, RunPhase, ScopedResource},
};

/// How long Allegro keeps returns (about 2.5 years).
const RETENTION: Duration = Duration::days(913);
/// How far back every run lists returns again, for their changes.
const RELIST: Duration = Duration::days(60);
/// Older returns not final yet, read by id per request.
const BY_ID: i64 = 50;

/// Backs up the account's returns; a note when they were skipped for want of authorisation.
pub(super) async fn back_up(ctx: &RunContext<'_>) -> Result<Option<RunNote>, SyncError> {
    let resource = (ScopedResource::Returns, RETURNS_SCOPE);
    scope::back_up_if_allowed(ctx, resource, Some(RunPhase::Returns), |ctx| async move {
        let account_id = ctx.account_id;
        let state = db::run(&ctx.accounts.pool, move |conn| {
            ReturnSyncState::get_or_create(conn, account_id).map_err(DbError::from)
        })
        .await?;
        pass(&mut Reader::new(ctx), &state).await
    })
    .await
}

/// Reads pages at most at Allegro's per-user pace of the endpoint.
struct Reader<'c, 'a> {
    ctx: &'c RunContext<'a>,
    pace: tokio::time::Interval,
}

impl<'c, 'a> Reader<'c, 'a> {
    fn new(ctx: &'c RunContext<'a>) -> Self {
        // A little over 1/25 s, so that timer jitter never puts 26 calls in one second.
        let spacing = std::time::Duration::from_millis(1000 / u64::from(RETURNS_PER_SECOND) + 1);
        let mut pace = tokio::time::interval(spacing);
        pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Self { ctx, pace }
    }

    async fn page(
        &mut self,
        query: &CustomerReturnQuery,
    ) -> Result<CustomerReturnsPage, SyncError> {
        self.ctx.check_stop()?;
        self.pace.tick().await;
        let page = self.ctx.api.customer_returns(query).await?;
        self.ctx
            .warn_unreadable(page.unreadable(), "customer returns without a readable id");
        Ok(page)
    }
}

/// The first pass (or the rest of it), else one incremental round.
async fn pass(reader: &mut Reader<'_, '_>, state: &ReturnSyncState) -> Result<(), SyncError> {
    let ctx = reader.ctx;
    let now = Utc::now();
    let account_id = ctx.account_id;
    let start = now - ctx.options.history.min(RETENTION);
    let from = db::run(&ctx.accounts.pool, move |conn| {
        ReturnSyncState::begin_first_pass(conn, account_id, start).map_err(DbError::from)
    })
    .await?;
    let first_pass = state.first_pass_completed_at.is_none();
    follow(reader, from, state.last_return_id.clone(), first_pass).await?;
    if first_pass {
        return Ok(());
    }
    let recent = (now - RELIST).max(from);
    relist(reader, recent).await?;
    reread_older(reader, recent).await
}

/// The list query from `cursor` on, of returns created since `since`.
fn listing(since: DateTime<Utc>, cursor: Option<CustomerReturnId>) -> CustomerReturnQuery {
    CustomerReturnQuery {
        limit: RETURNS_PAGE_MAX,
        from: cursor,
        created_at_gte: Some(since),
        ..CustomerReturnQuery::default()
    }
}

fn is_last(page: &CustomerReturnsPage) -> bool {
    page.listed() < usize::try_from(RETURNS_PAGE_MAX).unwrap_or(usize::MAX)
}

/// Lists the returns after `cursor` until a short page, moving the checkpoint with each page.
async fn follow(
    reader: &mut Reader<'_, '_>,
    since: DateTime<Utc>,
    mut cursor: Option<CustomerReturnId>,
    first_pass: bool,
) -> Result<(), SyncError> {
    loop {
        let page = reader.page(&listing(since, cursor.clone())).await?;
        let last_page = is_last(&page);
        let returns = page.into_returns();
        let last = returns.last().map(|r| r.id.clone());
        let batch = ReturnsPage {
            returns,
            cursor: last.clone(),
            completes_first_pass: first_pass && last_page,
        };
        store_page(reader.ctx, batch).await?;
        match last {
            Some(id) if !last_page => cursor = Some(id),
            // A full page without one readable id cannot be paged past; the next re-listing
            // reads on.
            _ => return Ok(()),
        }
    }
}

/// Lists the returns created since `since` again; at the end the cursor moves to the newest
/// (so a cursor Allegro no longer knows, which lists nothing, is replaced).
async fn relist(reader: &mut Reader<'_, '_>, since: DateTime<Utc>) -> Result<(), SyncError> {
    let mut cursor: Option<CustomerReturnId> = None;
    loop {
        let page = reader.page(&listing(since, cursor.clone())).await?;
        let last_page = is_last(&page);
        let returns = page.into_returns();
        let newest = returns.last().map(|r| r.id.clone()).or(cursor.clone());
        let done = last_page || newest == cursor;
        let batch = ReturnsPage {
            returns,
            cursor: if done { newest.clone() } else { None },
            completes_first_pass: false,
        };
        store_page(reader.ctx, batch).await?;
        if done {
            break;
        }
        cursor = newest;
    }
    let account_id = reader.ctx.account_id;
    db::run(&reader.ctx.accounts.pool, move |conn| {
        ReturnSyncState::mark_relisted(conn, account_id).map_err(DbError::from)
    })
    .await?;
    Ok(())
}

/// Reads the account's returns created before `before` and not final yet, by id.
async fn reread_older(reader: &mut Reader<'_, '_>, before: DateTime<Utc>) -> Result<(), SyncError> {
    let account_id = reader.ctx.account_id;
    let mut after = 0;
    loop {
        let batch = db::run(&reader.ctx.accounts.pool, move |conn| {
            customer_return::open_created_before(conn, account_id, before, after, BY_ID)
                .map_err(DbError::from)
        })
        .await?;
        let Some((last_row, _)) = batch.last() else {
            return Ok(());
        };
        after = *last_row;
        let query = CustomerReturnQuery {
            limit: RETURNS_PAGE_MAX,
            ids: batch.into_iter().map(|(_, id)| id).collect(),
            ..CustomerReturnQuery::default()
        };
        let page = reader.page(&query).await?;
        let batch = ReturnsPage {
            returns: page.into_returns(),
            ..ReturnsPage::default()
        };
        store_page(reader.ctx, batch).await?;
    }
}
