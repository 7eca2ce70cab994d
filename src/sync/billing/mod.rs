//! Billing entries (fees), in the same run and under the same lease as the orders, after the
//! refunds (allegro-api-money.md §5). Allegro lists them per marketplace, newest first, by
//! offset up to 10,000 and without counts, so each marketplace the account's orders were
//! bought on (and the home marketplace) is one listing of time windows (see
//! `sync::windowed`): a window is probed at the end of its reach and halved while entries lie
//! beyond it. The first pass reaches back to the history start (at most the six years Allegro
//! keeps fees); then every run lists from the high-water mark less an hour's overlap, or from
//! the oldest entry of the last days whose offer Allegro had not named yet, to now.
//!
//! Each page is stored with its checkpoint in one transaction (see `store`). An account whose
//! authorisation does not allow reading its billing is skipped with a note; its orders are
//! backed up as usual.

mod coverage;
mod store;

use chrono::{DateTime, Duration, Utc};
use diesel::{PgConnection, QueryResult};

use self::store::store_page;
use super::{
    context::{RunContext, SyncError},
    scope,
    windowed::{self, Window, WindowedList},
};
use crate::{
    allegro::{
        BILLING_OFFSET_MAX, BILLING_PAGE_MAX, BILLING_SCOPE, BillingEntriesPage, BillingQuery,
        HOME_MARKETPLACE,
    },
    db::{
        self, DbError,
        models::{
            billing_entry,
            listing::{Listing, ListingKey, ListingState, WindowStep},
        },
    },
    domain::{AccountId, RunNote, ScopedResource},
};

/// How long Allegro keeps billing entries.
const RETENTION: Duration = Duration::days(6 * 365);
/// How far before the high-water mark each listing starts again (entries Allegro books late).
const OVERLAP: Duration = Duration::hours(1);
/// How long an entry whose offer has no name yet is listed again for it.
const NAME_WAIT: Duration = Duration::days(3);

/// Backs up the account's fees; a note when they were skipped for want of authorisation.
pub(super) async fn back_up(ctx: &RunContext<'_>) -> Result<Option<RunNote>, SyncError> {
    let resource = (ScopedResource::Billing, BILLING_SCOPE);
    scope::back_up_if_allowed(ctx, resource, None, pass).await
}

pub(super) use self::coverage::check_coverage;

/// One listing per marketplace.
async fn pass(ctx: &RunContext<'_>) -> Result<(), SyncError> {
    let history = ctx.options.history.min(RETENTION);
    for marketplace in marketplaces(ctx).await? {
        windowed::list_to_now(ctx, &Fees { marketplace }, history).await?;
    }
    Ok(())
}

/// The marketplaces the account's orders were bought on and the home marketplace, each once.
async fn marketplaces(ctx: &RunContext<'_>) -> Result<Vec<String>, SyncError> {
    let account_id = ctx.account_id;
    let mut marketplaces = db::run(&ctx.accounts.pool, move |conn| {
        billing_entry::order_marketplaces(conn, account_id).map_err(DbError::from)
    })
    .await?;
    marketplaces.push(HOME_MARKETPLACE.to_owned());
    marketplaces.sort();
    marketplaces.dedup();
    Ok(marketplaces)
}

/// The fees of one marketplace.
struct Fees {
    marketplace: String,
}

impl Fees {
    fn query(&self, w: Window, offset: u32, limit: u32) -> BillingQuery {
        BillingQuery {
            marketplace_id: Some(self.marketplace.clone()),
            limit,
            offset,
            occurred_at_gte: Some(w.from),
            occurred_at_lte: (w.end < w.to).then_some(w.end),
            ..BillingQuery::default()
        }
    }
}

impl WindowedList for Fees {
    type Page = BillingEntriesPage;
    const PAGE_MAX: u32 = BILLING_PAGE_MAX;
    const REACH: u32 = BILLING_OFFSET_MAX;

    fn key(&self) -> ListingKey {
        ListingKey::Billing {
            marketplace: self.marketplace.clone(),
        }
    }

    fn listing_start(
        conn: &mut PgConnection,
        account_id: AccountId,
        key: &ListingKey,
        state: &ListingState,
        history_start: DateTime<Utc>,
    ) -> QueryResult<DateTime<Utc>> {
        let Some(high_water) = state.listed_through else {
            return Ok(history_start);
        };
        let ListingKey::Billing { marketplace } = key else {
            return Ok(high_water - OVERLAP);
        };
        let unnamed = billing_entry::oldest_unnamed_offer(
            conn,
            account_id,
            marketplace,
            high_water - NAME_WAIT,
        )?;
        Ok(unnamed.map_or(high_water - OVERLAP, |at| at.min(high_water - OVERLAP)))
    }

    /// The window that ends where the listing does is left open: it reaches to now by
    /// Allegro's clock, not ours. An entry booked while it is paged moves the others along
    /// (newest first), which reads one again; the next listing's overlap covers it either way.
    async fn fetch(&self, ctx: &RunContext<'_>, w: Window) -> Result<Self::Page, SyncError> {
        fetch(ctx, &self.query(w, w.offset, BILLING_PAGE_MAX)).await
    }

    /// A short first page fits; a full one, when an entry lies at the end of the reach, does
    /// not (there is no count to tell).
    async fn open(&self, ctx: &RunContext<'_>, w: Window) -> Result<Option<Self::Page>, SyncError> {
        let first = self.fetch(ctx, w).await?;
        if Self::listed(&first) < BILLING_PAGE_MAX {
            return Ok(Some(first));
        }
        let beyond = fetch(ctx, &self.query(w, BILLING_OFFSET_MAX, 1)).await?;
        Ok(beyond.is_empty().then_some(first))
    }

    fn listed(page: &Self::Page) -> u32 {
        u32::try_from(page.len()).unwrap_or(u32::MAX)
    }

    async fn store(
        &self,
        ctx: &RunContext<'_>,
        page: Self::Page,
        step: WindowStep,
    ) -> Result<Option<Listing>, SyncError> {
        store_page(ctx, page.into_items(), self.key(), step).await
    }
}

async fn fetch(
    ctx: &RunContext<'_>,
    query: &BillingQuery,
) -> Result<BillingEntriesPage, SyncError> {
    ctx.check_stop()?;
    let page = ctx.api.billing_entries(query).await?;
    ctx.warn_unreadable(page.unreadable(), "billing entries without a readable id");
    Ok(page)
}
