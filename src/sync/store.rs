//! Writing a batch: orders, their merges, events, and the checkpoint they complete, in one
//! transaction.

use chrono::Utc;
use diesel::Connection;

use super::{
    engine::{RunContext, SyncError},
    map::{into_new_order, new_event},
};
use crate::{
    allegro::{CheckoutForm, OrderEvent},
    db::{
        self, DbError,
        models::{
            order, order_event,
            sync::{BackfillWindow, RunCounters, SyncRun, SyncState},
        },
    },
};

/// Stores `forms` (and `events`), marks `gone` ids, then — in the same transaction — marks
/// window `done_window` complete or moves the event cursor to `cursor`.
pub(super) async fn store_page(
    ctx: &RunContext<'_>,
    forms: Vec<CheckoutForm>,
    events: Vec<OrderEvent>,
    done_window: Option<i64>,
    cursor: Option<(String, Vec<String>)>,
) -> Result<(), SyncError> {
    let merges: Vec<(String, Vec<String>)> = forms
        .iter()
        .filter(|_| ctx.detect_merges)
        .map(|f| {
            (
                f.id.clone(),
                f.line_items.iter().map(|l| l.id.clone()).collect(),
            )
        })
        .collect();
    let new_events: Vec<_> = events.iter().map(new_event).collect();
    let (account_id, run_id) = (ctx.account_id, ctx.run_id);
    let fetched = i64::try_from(forms.len()).unwrap_or(i64::MAX);
    let orders: Vec<_> = forms.into_iter().map(into_new_order).collect();
    db::run(&ctx.accounts.pool, move |conn| {
        conn.transaction(|conn| {
            let counts = order::upsert_orders(conn, account_id, &orders)?;
            mark_merges(conn, account_id, &merges)?;
            let stored_events = order_event::insert_events(conn, account_id, &new_events)?;
            if let Some(window) = done_window {
                BackfillWindow::mark_done(conn, window)?;
            }
            if let Some((cursor, gone)) = &cursor {
                order::mark_gone(conn, account_id, gone, Utc::now())?;
                SyncState::set_cursor(conn, account_id, cursor)?;
            }
            let delta = RunCounters {
                requests: 1,
                pages: 1,
                orders_fetched: fetched,
                orders_created: counts.created as i64,
                orders_updated: counts.updated as i64,
                orders_unchanged: counts.unchanged as i64,
                events: stored_events as i64,
                progress_done: fetched,
            };
            SyncRun::add_progress(conn, run_id, &delta, None)
        })
        .map_err(DbError::from)
    })
    .await?;
    // Each stored page renews the lease, so a slow window cannot let it lapse mid-run.
    ctx.renew_lease().await
}

/// A new checkout form holding line items stored under other ids replaced them (a merged
/// purchase): the old orders are kept and marked merged into the new one. One lookup per page.
fn mark_merges(
    conn: &mut diesel::PgConnection,
    account_id: i64,
    forms: &[(String, Vec<String>)],
) -> diesel::QueryResult<()> {
    let all: Vec<String> = forms
        .iter()
        .flat_map(|(_, items)| items.iter().cloned())
        .collect();
    let holders = order::find_by_line_item_ids(conn, account_id, &all)?;
    for (form_id, line_items) in forms {
        let mut old: Vec<String> = holders
            .iter()
            .filter(|(holder, item)| holder != form_id && line_items.contains(item))
            .map(|(holder, _)| holder.clone())
            .collect();
        old.sort();
        old.dedup();
        if !old.is_empty() {
            order::mark_merged(conn, account_id, &old, form_id)?;
        }
    }
    Ok(())
}
