//! Commission refund claims, in the same run and under the same lease as the orders
//! (allegro-api-money.md §4). The list has no date filter, no total and no sort parameter, and
//! stays small (a few claims per hundred orders), so every run pages the **whole list** by
//! offset until a short page: that reads every claim again, which is how a changed status is
//! seen (claims have no `updatedAt`). The pass is one window of `windowed_listings` whose
//! offset moves with each stored page, so a crash resumes where the last page left it; a claim
//! listed twice (a new one pushed the others along) is stored once. Each claim is linked to
//! its order through its line item.

use chrono::Utc;

use crate::{
    allegro::{REFUND_CLAIMS_PAGE_MAX, RefundClaim, RefundClaimQuery, RefundClaimsPage},
    db::{
        self, DbError,
        models::{
            listing::{ListingKey, ListingState, WindowStep},
            refund_claim::{NewRefundClaim, link_orders},
            sync::RunCounters,
        },
    },
    domain::RunPhase,
    sync::{
        context::{RunContext, SyncError},
        versioned,
    },
};

/// Backs up the account's claims (their scope is the orders').
pub(super) async fn back_up(ctx: &RunContext<'_>) -> Result<(), SyncError> {
    ctx.enter_phase(RunPhase::RefundClaims, None).await?;
    let account_id = ctx.account_id;
    let now = Utc::now();
    let listing = db::run(&ctx.accounts.pool, move |conn| {
        ListingState::get_or_create(conn, account_id, &ListingKey::RefundClaims)?;
        ListingState::begin_listing(conn, account_id, &ListingKey::RefundClaims, now, now)
            .map_err(DbError::from)
    })
    .await?;
    let (end, mut offset) = (listing.to, listing.offset);
    loop {
        let page = fetch(ctx, offset).await?;
        let listed = u32::try_from(page.listed()).unwrap_or(u32::MAX);
        let step = if listed < REFUND_CLAIMS_PAGE_MAX {
            WindowStep::Done { end }
        } else {
            WindowStep::Within {
                end,
                offset: offset + listed,
            }
        };
        store_page(ctx, page.into_refund_claims(), step).await?;
        match step {
            WindowStep::Within { offset: next, .. } => offset = next,
            WindowStep::Done { .. } => return Ok(()),
        }
    }
}

async fn fetch(ctx: &RunContext<'_>, offset: u32) -> Result<RefundClaimsPage, SyncError> {
    ctx.check_stop()?;
    let query = RefundClaimQuery {
        limit: REFUND_CLAIMS_PAGE_MAX,
        offset,
        ..RefundClaimQuery::default()
    };
    let page = ctx.api.refund_claims(&query).await?;
    ctx.warn_unreadable(page.unreadable(), "refund claims without a readable id");
    Ok(page)
}

fn new_row(claim: RefundClaim) -> NewRefundClaim {
    let (commission_amount, currency) = match claim.commission {
        Some(money) => (Some(money.amount.as_str().to_owned()), Some(money.currency)),
        None => (None, None),
    };
    NewRefundClaim {
        raw: claim.document.to_value(),
        content_hash: claim.document.hash().to_owned(),
        claim_id: claim.id,
        line_item_id: claim.line_item_id,
        offer_id: claim.offer_id,
        status: claim.status,
        claim_type: claim.kind,
        quantity: claim.quantity.and_then(|q| i32::try_from(q).ok()),
        currency,
        created_at: claim.created_at,
        commission_amount,
    }
}

fn counters(fetched: i64, changed: i64) -> RunCounters {
    let mut counters = RunCounters::default();
    (
        counters.refund_claims_fetched,
        counters.refund_claims_changed,
    ) = (fetched, changed);
    counters
}

/// Stores a page of claims with the step it moves the pass by, links them to their orders,
/// and counts them, in one transaction; then renews the lease.
async fn store_page(
    ctx: &RunContext<'_>,
    claims: Vec<RefundClaim>,
    step: WindowStep,
) -> Result<(), SyncError> {
    let account_id = ctx.account_id;
    let fetched = claims.len();
    let rows = versioned::rows_of(ctx, claims, new_row);
    versioned::store_page(ctx, rows, fetched, counters, move |conn| {
        link_orders(conn, account_id)?;
        ListingState::advance(conn, account_id, &ListingKey::RefundClaims, step).map(drop)
    })
    .await
}
