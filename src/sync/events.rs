//! Incremental sync: read the event journal from the cursor, re-fetch every checkout form the
//! events touch (state comes from the form, never from the partial event payloads), store
//! them with the events and move the cursor in the same transaction.

use std::collections::BTreeSet;

use futures_util::{StreamExt, stream};

use super::{
    backfill,
    context::{RunContext, SyncError},
    store::{Batch, store_page},
};
use crate::{
    accounts::TokenError,
    allegro::{AllegroError, CheckoutForm, EventId, EventQuery, RejectedForm},
    db::{self, DbError, models::sync::SyncState},
    domain::{CheckoutFormId, RunNote},
};

/// Largest event page Allegro serves.
const EVENT_PAGE: u32 = 1000;
/// How far before the last success a fallback re-listing starts.
const RESYNC_MARGIN: chrono::Duration = chrono::Duration::days(1);

/// When the account was last known complete: the last success, else the first pass's end.
fn state_since(state: &SyncState) -> chrono::DateTime<chrono::Utc> {
    state
        .last_success_at
        .or(state.backfill_until)
        .unwrap_or_else(chrono::Utc::now)
}

/// Follows the journal to its end. Returns a note when the cursor had to be replaced.
pub(super) async fn follow(ctx: &RunContext<'_>) -> Result<Option<RunNote>, SyncError> {
    let account_id = ctx.account_id;
    let state = db::run(&ctx.accounts.pool, move |conn| {
        SyncState::get_or_create(conn, account_id).map_err(DbError::from)
    })
    .await?;
    let state_snapshot = state.clone();
    let mut cursor = state.event_cursor.and_then(|c| c.parse::<EventId>().ok());
    let mut note = None;
    loop {
        let query = EventQuery {
            from: cursor.clone(),
            types: vec![],
            limit: EVENT_PAGE,
        };
        let events = match ctx.api.events(&query).await {
            Ok(events) => events,
            Err(TokenError::Allegro(AllegroError::Client { status: 422, .. }))
                if cursor.is_some() =>
            {
                // The cursor is older than the journal keeps (60 days): take the newest event
                // as the new starting point, then re-list every order bought since the last
                // success (minus a margin) so no change in the gap is lost.
                let restart = ctx.api.event_stats().await?.map(|e| e.id);
                let since = state_since(&state_snapshot) - RESYNC_MARGIN;
                backfill::resync_since(ctx, since).await?;
                note = Some(RunNote::EventCursorExpired { since });
                cursor = restart;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let Some(last) = events.last().map(|e| e.id.clone()) else {
            return Ok(note);
        };
        let ids: BTreeSet<CheckoutFormId> = events
            .iter()
            .filter_map(|e| e.checkout_form_id.clone())
            .collect();
        let fetched = fetch_forms(ctx, ids).await?;
        let batch = Batch {
            events,
            cursor: Some(last.as_str().to_owned()),
            requests: fetched.requests + 1,
            ..fetched
        };
        store_page(ctx, batch).await?;
        cursor = Some(last);
    }
}

/// A form as read, or unreadable, or the call's error.
type FetchResult = Result<Result<CheckoutForm, RejectedForm>, TokenError>;

/// Fetches each checkout form once: readable ones, unreadable ones (kept raw for quarantine)
/// and ids that answer 404 (merged away or too old).
pub(super) async fn fetch_forms(
    ctx: &RunContext<'_>,
    ids: impl IntoIterator<Item = CheckoutFormId>,
) -> Result<Batch, SyncError> {
    let results: Vec<(CheckoutFormId, FetchResult)> = stream::iter(ids)
        .map(|id| async move {
            let result = ctx.api.checkout_form_or_rejected(&id).await;
            (id, result)
        })
        .buffer_unordered(ctx.options.concurrency.max(1))
        .collect()
        .await;
    let mut batch = Batch {
        requests: i64::try_from(results.len()).unwrap_or(i64::MAX),
        ..Batch::default()
    };
    for (id, result) in results {
        match result {
            Ok(Ok(form)) => batch.forms.push(form),
            Ok(Err(rejected)) => batch.rejected.push(RejectedForm {
                id: rejected.id.or(Some(id)),
                ..rejected
            }),
            Err(TokenError::Allegro(AllegroError::NotFound)) => batch.gone.push(id),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(batch)
}
