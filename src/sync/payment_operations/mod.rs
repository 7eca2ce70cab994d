//! Payment operations (the wallet history), in the same run and under the same lease as the
//! orders, after the fees (allegro-api-money.md §6). Both wallets are listed, each with its
//! type named (Allegro's default shows only `AVAILABLE`), by offset in occurrence-time windows
//! (see `sync::windowed`): a query matching more than 10,000 operations is refused (422) or
//! counted above it, and the window is halved.
//!
//! - `AVAILABLE`: the first pass reaches back to the history start; then every run lists from
//!   the high-water mark less an hour's overlap to now. Released money arrives with a fresh
//!   occurrence time, so the forward listing meets it.
//! - `WAITING` holds only what is held back now: it is listed whole every run.
//!
//! Operations have no id: each is stored once under the hash of its document (see
//! `db::models::payment_operation`); a held operation whose release the available wallet shows
//! is marked released. An account whose authorisation does not allow reading payments is
//! skipped with a note; its orders are backed up as usual.

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
        AllegroError, PAYMENT_OPERATIONS_PAGE_MAX, PAYMENT_OPERATIONS_QUERY_MAX,
        PAYMENT_OPERATIONS_SCOPE, PaymentOperationQuery, PaymentOperationsPage,
        TOO_MANY_OPERATIONS, WalletType,
    },
    db::{
        self, DbError,
        models::{
            listing::{Listing, ListingKey, ListingState, WindowStep},
            payment_operation,
        },
    },
    domain::{AccountId, RunNote, ScopedResource},
};

/// How far before the high-water mark each listing of the available wallet starts again.
const OVERLAP: Duration = Duration::hours(1);

pub(super) use self::coverage::check_coverage;

/// Backs up the account's wallet history; a note when it was skipped for want of
/// authorisation.
pub(super) async fn back_up(ctx: &RunContext<'_>) -> Result<Option<RunNote>, SyncError> {
    let resource = (ScopedResource::PaymentOperations, PAYMENT_OPERATIONS_SCOPE);
    scope::back_up_if_allowed(ctx, resource, None, pass).await
}

/// Both wallets, then the held operations the available wallet shows released.
async fn pass(ctx: &RunContext<'_>) -> Result<(), SyncError> {
    for wallet in WalletType::ALL {
        windowed::list_to_now(ctx, &Wallet(wallet), ctx.options.history).await?;
    }
    let account_id = ctx.account_id;
    let released = db::run(&ctx.accounts.pool, move |conn| {
        payment_operation::mark_released(conn, account_id).map_err(DbError::from)
    })
    .await?;
    if released > 0 {
        tracing::info!(
            account.id = account_id.0,
            released,
            "held payments released"
        );
    }
    Ok(())
}

/// The operations of one wallet type.
struct Wallet(WalletType);

impl WindowedList for Wallet {
    type Page = PaymentOperationsPage;
    const PAGE_MAX: u32 = PAYMENT_OPERATIONS_PAGE_MAX;
    const REACH: u32 = PAYMENT_OPERATIONS_QUERY_MAX;

    fn key(&self) -> ListingKey {
        ListingKey::PaymentOperations {
            wallet: self.0.as_str(),
        }
    }

    /// The held wallet from the history start every time (what it holds changes as a whole);
    /// the available one from the high-water mark less the overlap.
    fn listing_start(
        _conn: &mut PgConnection,
        _account_id: AccountId,
        key: &ListingKey,
        state: &ListingState,
        history_start: DateTime<Utc>,
    ) -> QueryResult<DateTime<Utc>> {
        let waiting = ListingKey::PaymentOperations {
            wallet: WalletType::Waiting.as_str(),
        };
        Ok(match state.listed_through {
            Some(high_water) if *key != waiting => high_water - OVERLAP,
            _ => history_start,
        })
    }

    /// The window that ends where the listing does is left open: it reaches to now by
    /// Allegro's clock, not ours.
    async fn fetch(&self, ctx: &RunContext<'_>, w: Window) -> Result<Self::Page, SyncError> {
        ctx.check_stop()?;
        let query = PaymentOperationQuery {
            offset: w.offset,
            occurred_at_gte: Some(w.from),
            occurred_at_lte: (w.end < w.to).then_some(w.end),
            ..PaymentOperationQuery::of(self.0)
        };
        let page = ctx.api.payment_operations(&query).await?;
        ctx.warn_unreadable(page.unreadable(), "payment operations that are not objects");
        Ok(page)
    }

    /// A window matching more operations than a query may is refused (422) or, should
    /// Allegro count them instead, counted above the limit.
    async fn open(&self, ctx: &RunContext<'_>, w: Window) -> Result<Option<Self::Page>, SyncError> {
        match self.fetch(ctx, w).await {
            Ok(page) => {
                let fits = page.total_count.unwrap_or(0) <= u64::from(Self::REACH);
                Ok(fits.then_some(page))
            }
            Err(SyncError::Allegro(e)) if too_many(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn listed(page: &Self::Page) -> u32 {
        u32::try_from(page.listed()).unwrap_or(u32::MAX)
    }

    fn total(page: &Self::Page) -> Option<u32> {
        windowed::counted(page.total_count)
    }

    async fn store(
        &self,
        ctx: &RunContext<'_>,
        page: Self::Page,
        step: WindowStep,
    ) -> Result<Option<Listing>, SyncError> {
        store_page(ctx, self.0, page.into_operations(), self.key(), step).await
    }
}

/// Whether Allegro refused a query for matching more operations than a query may.
fn too_many(e: &AllegroError) -> bool {
    matches!(e, AllegroError::Client {
        status: 422,
        code: Some(code),
        ..
    } if code == TOO_MANY_OPERATIONS)
}
