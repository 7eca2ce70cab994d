//! Writing a batch: orders, their merges, events, and the checkpoint they complete, in one
//! transaction. An order the database refuses is quarantined (kept raw, with the error) so it
//! never holds back the checkpoint of the others.

use chrono::Utc;
use diesel::{Connection, PgConnection};

use super::{
    context::{RunContext, SyncError},
    map::{into_new_order, new_event},
};
use crate::{
    allegro::{CheckoutForm, OrderEvent, RejectedForm},
    db::{
        self, DbError,
        models::{
            order::{self, NewOrder, UpsertCounts},
            order_event::{self, NewOrderEvent},
            quarantine,
            sync::{BackfillWindow, RunCounters, SyncRun, SyncState},
        },
    },
    domain::{AccountId, CheckoutFormId, RunId, text::strip_control_chars},
};

/// What one page of work stores, and the checkpoint it completes.
#[derive(Debug, Default)]
pub(super) struct Batch {
    pub forms: Vec<CheckoutForm>,
    /// Forms that could not be read: quarantined.
    pub rejected: Vec<RejectedForm>,
    pub events: Vec<OrderEvent>,
    /// Backfill window completed by this batch.
    pub done_window: Option<i64>,
    /// Event cursor reached by this batch.
    pub cursor: Option<String>,
    /// Ids that answer 404 now (merged away or too old).
    pub gone: Vec<CheckoutFormId>,
    /// API requests the batch took.
    pub requests: i64,
}

/// Stores `batch` and its checkpoint in one transaction, then renews the lease.
pub(super) async fn store_page(ctx: &RunContext<'_>, batch: Batch) -> Result<(), SyncError> {
    let prepared = Prepared::new(batch, ctx.detect_merges);
    let (account_id, run_id) = (ctx.account_id, ctx.run_id);
    db::run(&ctx.accounts.pool, move |conn| {
        conn.transaction(|conn| prepared.write(conn, account_id, run_id))
            .map_err(DbError::from)
    })
    .await?;
    // Each stored page renews the lease, so a slow window cannot let it lapse mid-run.
    ctx.renew_lease().await
}

/// A batch as rows to write, made before the transaction.
struct Prepared {
    orders: Vec<NewOrder>,
    rejected: Vec<RejectedForm>,
    /// Each form with its line items' ids, when merges are looked for.
    merges: Vec<(CheckoutFormId, Vec<String>)>,
    events: Vec<NewOrderEvent>,
    done_window: Option<i64>,
    cursor: Option<String>,
    gone: Vec<CheckoutFormId>,
    requests: i64,
    fetched: i64,
}

impl Prepared {
    fn new(batch: Batch, detect_merges: bool) -> Self {
        let merges = if detect_merges {
            batch.forms.iter().map(line_item_ids).collect()
        } else {
            vec![]
        };
        let fetched = len_i64(batch.forms.len() + batch.rejected.len());
        // The forms' JSON documents move into the rows (a copy was the largest single cost).
        let (orders, with_nul): (Vec<_>, Vec<_>) = batch
            .forms
            .into_iter()
            .map(into_new_order)
            .partition(|o| !o.document.holds_nul());
        let mut rejected = batch.rejected;
        // PostgreSQL cannot store NUL: such an order goes to quarantine as received (its
        // escaped text) without asking the database, so a page of them cannot fail as a whole.
        rejected.extend(with_nul.iter().map(nul_form));
        Self {
            orders,
            rejected,
            merges,
            events: batch.events.iter().map(new_event).collect(),
            done_window: batch.done_window,
            cursor: batch.cursor,
            gone: batch.gone,
            requests: batch.requests,
            fetched,
        }
    }

    /// Writes the batch and its checkpoint, and adds it to run `run_id`'s counters.
    fn write(
        &self,
        conn: &mut PgConnection,
        account_id: AccountId,
        run_id: RunId,
    ) -> diesel::QueryResult<()> {
        let (counts, refused) = write_orders(conn, account_id, &self.orders)?;
        let stored: Vec<CheckoutFormId> = self
            .orders
            .iter()
            .map(|o| &o.columns.checkout_form_id)
            .filter(|id| !refused.iter().any(|r| r.id.as_ref() == Some(*id)))
            .cloned()
            .collect();
        quarantine::clear_many(conn, account_id, &stored)?;
        let quarantined = quarantine_all(conn, account_id, self.rejected.iter().chain(&refused))?;
        mark_merges(conn, account_id, &self.merges)?;
        let stored_events = order_event::insert_events(conn, account_id, &self.events)?;
        if let Some(window) = self.done_window {
            BackfillWindow::mark_done(conn, window)?;
        }
        if !self.gone.is_empty() {
            order::mark_gone(conn, account_id, &self.gone, Utc::now())?;
        }
        if let Some(cursor) = &self.cursor {
            SyncState::set_cursor(conn, account_id, cursor)?;
        }
        let delta = RunCounters {
            requests: self.requests,
            pages: 1,
            orders_fetched: self.fetched,
            orders_created: len_i64(counts.created),
            orders_updated: len_i64(counts.updated),
            orders_unchanged: len_i64(counts.unchanged),
            orders_quarantined: quarantined,
            events: len_i64(stored_events),
            progress_done: self.fetched,
            ..RunCounters::default()
        };
        SyncRun::add_progress(conn, run_id, &delta, None)
    }
}

fn line_item_ids(form: &CheckoutForm) -> (CheckoutFormId, Vec<String>) {
    let items = form.line_items.iter().map(|l| l.id.clone()).collect();
    (form.id.clone(), items)
}

/// An order holding NUL characters, for the quarantine.
fn nul_form(order: &NewOrder) -> RejectedForm {
    RejectedForm {
        id: Some(order.columns.checkout_form_id.clone()),
        raw: order.document.to_value(),
        error: "The database refused the order: it holds NUL characters, which PostgreSQL \
            cannot store in text or jsonb."
            .to_owned(),
    }
}

fn len_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Upserts `orders`, isolating those the database refuses (see
/// [`order::upsert_orders_isolating`]), and returns the refused ones as rejected forms.
fn write_orders(
    conn: &mut PgConnection,
    account_id: AccountId,
    orders: &[NewOrder],
) -> diesel::QueryResult<(UpsertCounts, Vec<RejectedForm>)> {
    let (counts, refused) = order::upsert_orders_isolating(conn, account_id, orders)?;
    Ok((
        counts,
        refused.iter().map(|(o, e)| refused_form(o, e)).collect(),
    ))
}

fn refused_form(order: &NewOrder, error: &diesel::result::Error) -> RejectedForm {
    RejectedForm {
        id: Some(order.columns.checkout_form_id.clone()),
        raw: order.document.to_value(),
        error: format!("The database refused the order: {error}"),
    }
}

fn quarantine_all<'a>(
    conn: &mut PgConnection,
    account_id: AccountId,
    forms: impl Iterator<Item = &'a RejectedForm>,
) -> diesel::QueryResult<i64> {
    let mut n = 0;
    for form in forms {
        // Even the id may hold what the database refuses.
        let id = form
            .id
            .as_ref()
            .map(|id| CheckoutFormId(strip_control_chars(id.as_str()).into_owned()));
        tracing::warn!(
            account.id = account_id.0,
            checkout_form.id = id.as_ref().map_or("?", CheckoutFormId::as_str),
            error = %form.error,
            "order quarantined"
        );
        quarantine::add(
            conn,
            account_id,
            id.as_ref(),
            &form.raw.to_string(),
            &form.error,
        )?;
        n += 1;
    }
    Ok(n)
}

/// A new checkout form holding line items stored under other ids replaced them (a merged
/// purchase): the old orders are kept and marked merged into the new one. One lookup per page.
fn mark_merges(
    conn: &mut PgConnection,
    account_id: AccountId,
    forms: &[(CheckoutFormId, Vec<String>)],
) -> diesel::QueryResult<()> {
    let all: Vec<String> = forms
        .iter()
        .flat_map(|(_, items)| items.iter().cloned())
        .collect();
    let holders = order::find_by_line_item_ids(conn, account_id, &all)?;
    for (form_id, line_items) in forms {
        let mut old: Vec<CheckoutFormId> = holders
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
