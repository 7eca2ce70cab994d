//! Listing a resource Allegro pages by offset within a time filter, where one query reaches
//! only so far (payment refunds, the billing entries of a marketplace): time windows are split
//! until each fits, and every page is stored with the checkpoint it reaches (`windowed_listings`),
//! so a listing resumes at the window and offset the last stored page reached.
//!
//! - **First pass**: everything since the history start, window after window, up to the moment
//!   the pass began.
//! - **Then, every run**: from where the resource says (the high-water mark less an overlap,
//!   or earlier) to now.

use std::pin::Pin;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use diesel::{PgConnection, QueryResult};
use futures_util::{
    Stream, StreamExt,
    stream::{self, Peekable},
};

use super::context::{RunContext, SyncError};
use crate::{
    db::{
        self, DbError,
        models::listing::{Listing, ListingKey, ListingState, WindowStep},
    },
    domain::AccountId,
};

/// A time window of a listing and how far into it a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Window {
    pub from: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Where the listing ends: a window ending there may be left open by the resource.
    pub to: DateTime<Utc>,
    pub offset: u32,
}

/// A resource listed in time windows.
pub(super) trait WindowedList: Sync + 'static {
    type Page: Send;
    /// The largest page.
    const PAGE_MAX: u32;
    /// Most entries one query reaches by offset.
    const REACH: u32;

    /// The listing's key among the account's.
    fn key(&self) -> ListingKey;

    /// Where a new listing starts, given the state (`listed_through` is the high-water mark)
    /// and the history start it may not pass.
    fn listing_start(
        conn: &mut PgConnection,
        account_id: AccountId,
        key: &ListingKey,
        state: &ListingState,
        history_start: DateTime<Utc>,
    ) -> QueryResult<DateTime<Utc>>;

    /// One page of `window`.
    fn fetch(
        &self,
        ctx: &RunContext<'_>,
        window: Window,
    ) -> impl Future<Output = Result<Self::Page, SyncError>> + Send;

    /// The first page of a new window, or `None` when the window holds more than one query
    /// reaches (it is then halved).
    fn open(
        &self,
        ctx: &RunContext<'_>,
        window: Window,
    ) -> impl Future<Output = Result<Option<Self::Page>, SyncError>> + Send;

    /// Entries the page lists, readable or not.
    fn listed(page: &Self::Page) -> u32;

    /// How many entries the page's window holds, where the resource counts them.
    fn total(_page: &Self::Page) -> Option<u32> {
        None
    }

    /// Stores `page` with the checkpoint `step` in one transaction; the listing that remains.
    fn store(
        &self,
        ctx: &RunContext<'_>,
        page: Self::Page,
        step: WindowStep,
    ) -> impl Future<Output = Result<Option<Listing>, SyncError>> + Send;
}

/// Lists `list` up to now: the listing an earlier run left unfinished first, then a new one
/// from where `list` says. `now` is kept to the millisecond (how Allegro's times are).
pub(super) async fn list_to_now<L: WindowedList>(
    ctx: &RunContext<'_>,
    list: &L,
    history: Duration,
) -> Result<(), SyncError> {
    let now = Utc::now().trunc_subsecs(3);
    let history_start = (now - history).trunc_subsecs(3);
    loop {
        let listing = begin(ctx, list, history_start, now).await?;
        let reaches_now = listing.to >= now;
        follow(ctx, list, listing).await?;
        if reaches_now {
            return Ok(());
        }
    }
}

async fn begin<L: WindowedList>(
    ctx: &RunContext<'_>,
    list: &L,
    history_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Listing, SyncError> {
    let (account_id, key) = (ctx.account_id, list.key());
    let listing = db::run(&ctx.accounts.pool, move |conn| {
        start_listing::<L>(conn, account_id, &key, history_start, now).map_err(DbError::from)
    })
    .await?;
    Ok(listing)
}

/// The listing in progress, or a new one from where `L` says to `now`.
fn start_listing<L: WindowedList>(
    conn: &mut PgConnection,
    account_id: AccountId,
    key: &ListingKey,
    history_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryResult<Listing> {
    let state = ListingState::get_or_create(conn, account_id, key)?;
    if let Some(listing) = state.listing() {
        return Ok(listing);
    }
    let from = L::listing_start(conn, account_id, key, &state, history_start)?;
    ListingState::begin_listing(conn, account_id, key, from.max(history_start), now)
}

/// Lists `listing` window by window, storing each page with the checkpoint it reaches, until
/// the listing is complete.
async fn follow<L: WindowedList>(
    ctx: &RunContext<'_>,
    list: &L,
    listing: Listing,
) -> Result<(), SyncError> {
    let mut listing = Some(listing);
    while let Some(current) = listing {
        ctx.check_stop()?;
        listing = follow_window(ctx, list, current).await?;
    }
    Ok(())
}

/// Lists the window `listing` is in, from its checkpoint to the window's end; the listing
/// that remains. Its first page comes alone (it tells how many entries the window holds,
/// where the resource counts them); the pages after it are asked for up to the run's
/// concurrency at a time while the pages before them are stored in order, so Allegro answers
/// while PostgreSQL writes and a crash still resumes at the last stored page. Where the
/// resource does not count, at most that many pages past the window's end are asked for in
/// vain.
async fn follow_window<L: WindowedList>(
    ctx: &RunContext<'_>,
    list: &L,
    listing: Listing,
) -> Result<Option<Listing>, SyncError> {
    let Listing {
        from,
        to,
        window_end,
        offset,
    } = listing;
    let (end, mut page) = match window_end {
        Some(end) => {
            let window = Window {
                from,
                end,
                to,
                offset,
            };
            (end, list.fetch(ctx, window).await?)
        }
        None => open_window(ctx, list, from, to, to).await?,
    };
    let window = move |offset| Window {
        from,
        end,
        to,
        offset,
    };
    let mut reached = offset.saturating_add(L::listed(&page));
    let mut ahead = Some(read_ahead(ctx, list, &page, reached, window));
    loop {
        if window_done::<L>(&page, reached) {
            return list.store(ctx, page, WindowStep::Done { end }).await;
        }
        let step = WindowStep::Within {
            end,
            offset: reached,
        };
        // The listing that remains is this window from `reached`, which is known here.
        let read = match ahead.as_mut() {
            Some(pages) => {
                let (stored, _) = tokio::join!(list.store(ctx, page, step), pages.as_mut().peek());
                stored?;
                pages.next().await
            }
            None => {
                list.store(ctx, page, step).await?;
                None
            }
        };
        page = match read {
            Some((at, Ok(page))) if at == reached => page,
            // A failed read ahead is asked again now (and fails the run if it fails again).
            Some((at, Err(_))) if at == reached => list.fetch(ctx, window(reached)).await?,
            // Pages shorter than full, or more entries than the first page counted: the rest
            // of the window one page at a time.
            _ => {
                ahead = None;
                list.fetch(ctx, window(reached)).await?
            }
        };
        reached = reached.saturating_add(L::listed(&page));
    }
}

/// A window's count as Allegro sent it (`totalCount`), for [`WindowedList::total`].
pub(super) fn counted(total_count: Option<u64>) -> Option<u32> {
    total_count.map(|total| u32::try_from(total).unwrap_or(u32::MAX))
}

/// A page asked for ahead: its offset, and what Allegro answered.
type PageRead<P> = (u32, Result<P, SyncError>);

/// The pages of a window after its first (which brought it to `reached`), in order, up to
/// the run's concurrency of them asked for at a time, each with its offset: to the entries
/// the first page counted, or to the reach.
fn read_ahead<'a, L: WindowedList>(
    ctx: &'a RunContext<'_>,
    list: &'a L,
    first: &L::Page,
    reached: u32,
    window: impl Fn(u32) -> Window + Send + 'a,
) -> Pin<Box<Peekable<impl Stream<Item = PageRead<L::Page>> + Send + 'a>>> {
    let last = L::total(first).map_or(L::REACH, |total| total.min(L::REACH));
    let offsets = (reached..last).step_by(usize::try_from(L::PAGE_MAX).unwrap_or(1).max(1));
    Box::pin(
        stream::iter(offsets)
            .map(move |offset| {
                let window = window(offset);
                async move { (offset, list.fetch(ctx, window).await) }
            })
            .buffered(ctx.options.concurrency.max(1))
            .peekable(),
    )
}

/// Whether `page`, which brings the entries listed in its window to `reached`, is its
/// window's last: a short page, the reach, or the entries the resource counts.
fn window_done<L: WindowedList>(page: &L::Page, reached: u32) -> bool {
    L::listed(page) < L::PAGE_MAX
        || reached >= L::REACH
        || L::total(page).is_some_and(|total| reached >= total)
}

/// The first page of a new window from `from`: the window ends at `end` (of a listing that
/// ends at `to`), halved (towards `from`) while it holds more than one query reaches.
async fn open_window<L: WindowedList>(
    ctx: &RunContext<'_>,
    list: &L,
    from: DateTime<Utc>,
    mut end: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(DateTime<Utc>, L::Page), SyncError> {
    loop {
        let window = Window {
            from,
            end,
            to,
            offset: 0,
        };
        let span = end - from;
        let narrowest = span <= Duration::milliseconds(1);
        match list.open(ctx, window).await? {
            Some(page) => return Ok((end, page)),
            None if narrowest => {
                tracing::warn!(
                    account.id = ctx.account_id.0,
                    listing = list.key().stored(),
                    "more entries in one millisecond than a query reaches"
                );
                return Ok((end, list.fetch(ctx, window).await?));
            }
            None => end = (from + span / 2).trunc_subsecs(3),
        }
    }
}

/// Every page of the closed span `[from, end]` (both inclusive, `end` sent to Allegro), read
/// apart from the listing's checkpoint (a day checked or read again for the coverage): windows
/// split as a listing splits them, each paged to its end.
pub(super) async fn read_span<L: WindowedList>(
    ctx: &RunContext<'_>,
    list: &L,
    from: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<L::Page>, SyncError> {
    // A listing "ends" after the span, so that every window's end goes to Allegro.
    let to = DateTime::<Utc>::MAX_UTC;
    let mut pages = vec![];
    let mut from = from;
    while from <= end {
        let (window_end, mut page) = open_window(ctx, list, from, end, to).await?;
        let mut reached = L::listed(&page);
        while !window_done::<L>(&page, reached) {
            pages.push(page);
            let window = Window {
                from,
                end: window_end,
                to,
                offset: reached,
            };
            page = list.fetch(ctx, window).await?;
            reached = reached.saturating_add(L::listed(&page));
        }
        pages.push(page);
        from = window_end + Duration::milliseconds(1);
    }
    Ok(pages)
}
