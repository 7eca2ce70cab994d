//! Listing a resource Allegro pages by offset within a time filter, where one query reaches
//! only so far (payment refunds, the billing entries of a marketplace): time windows are split
//! until each fits, and every page is stored with the checkpoint it reaches (`windowed_listings`),
//! so a listing resumes at the window and offset the last stored page reached.
//!
//! - **First pass**: everything since the history start, window after window, up to the moment
//!   the pass began.
//! - **Then, every run**: from where the resource says (the high-water mark less an overlap,
//!   or earlier) to now.

use chrono::{DateTime, Duration, SubsecRound, Utc};
use diesel::{PgConnection, QueryResult};

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

    /// Whether the window is complete once `reached` of its entries are listed (besides a
    /// short page and the reach).
    fn complete(_page: &Self::Page, _reached: u32) -> bool {
        false
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
/// the listing is complete. While a page is stored, the next page of its window is already
/// asked for: Allegro answers while PostgreSQL writes.
async fn follow<L: WindowedList>(
    ctx: &RunContext<'_>,
    list: &L,
    listing: Listing,
) -> Result<(), SyncError> {
    let mut listing = Some(listing);
    let mut prefetched: Option<(Window, L::Page)> = None;
    while let Some(Listing {
        from,
        to,
        window_end,
        offset,
    }) = listing
    {
        ctx.check_stop()?;
        let (end, page) = match window_end {
            Some(end) => {
                let window = Window {
                    from,
                    end,
                    to,
                    offset,
                };
                let page = match prefetched.take() {
                    Some((fetched, page)) if fetched == window => page,
                    _ => list.fetch(ctx, window).await?,
                };
                (end, page)
            }
            None => open_window(ctx, list, from, to, to).await?,
        };
        let reached = offset.saturating_add(L::listed(&page));
        if window_done::<L>(&page, reached) {
            listing = list.store(ctx, page, WindowStep::Done { end }).await?;
            continue;
        }
        let step = WindowStep::Within {
            end,
            offset: reached,
        };
        let next = Window {
            from,
            end,
            to,
            offset: reached,
        };
        let (stored, fetched) = tokio::join!(list.store(ctx, page, step), list.fetch(ctx, next));
        listing = stored?;
        // A failed read ahead is asked again when its page is due (and fails the run then).
        prefetched = fetched.ok().map(|page| (next, page));
    }
    Ok(())
}

/// Whether `page`, which brings the entries listed in its window to `reached`, is its
/// window's last: a short page, the reach, or what the resource says.
fn window_done<L: WindowedList>(page: &L::Page, reached: u32) -> bool {
    L::listed(page) < L::PAGE_MAX || reached >= L::REACH || L::complete(page, reached)
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
