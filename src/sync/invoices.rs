//! The invoices of orders (allegro-api-money.md §7), in the same run and under the same lease
//! as the orders. Allegro lists them per order only, with no feed and no change time, so each
//! run reads the orders due (`db::models::invoice::due`: paid orders never read, read at another revision, with an invoice still open, or young enough for a
//! correction to come), up to `SyncOptions::invoices_per_run`, so a long history catches up
//! over a few runs. A batch of reads is stored with the reads' marks in one transaction: a
//! crash reads those orders again, nothing more.

use std::time::Duration;

use chrono::Utc;

use super::{
    context::{RunContext, SyncError},
    per_order::{Pace, read_each},
    versioned,
};
use crate::{
    allegro::{Invoice, OrderInvoices},
    db::{
        self, DbError,
        models::{
            invoice::{DueInvoices, InvoiceRead, InvoicesDue, NewInvoice, due},
            sync::RunCounters,
            versioned::store,
        },
    },
    domain::{CheckoutFormId, RunPhase, invoice::INVOICES_REREAD_DAYS},
};

/// Orders read and stored per transaction.
const BATCH: i64 = 50;
/// The spacing of two calls: well within the global 9,000 requests a minute, so the orders'
/// own calls keep their room.
const SPACING: Duration = Duration::from_millis(10);
/// How long Allegro keeps an order (and so its invoices).
const RETENTION: chrono::Duration = chrono::Duration::days(365);
/// An open invoice (no file yet, scan WAITING) is read again after this at most.
const OPEN_REREAD: chrono::Duration = chrono::Duration::hours(1);

/// Reads the invoices of the orders due, up to the run's budget.
pub(super) async fn back_up(ctx: &RunContext<'_>) -> Result<(), SyncError> {
    ctx.enter_phase(RunPhase::Invoices, None).await?;
    let now = Utc::now();
    let when = InvoicesDue {
        bought_since: now - ctx.options.history.min(RETENTION),
        open_before: now - OPEN_REREAD.min(ctx.options.invoices_reread_after),
        young_since: now - chrono::Duration::days(INVOICES_REREAD_DAYS),
        young_before: now - ctx.options.invoices_reread_after,
    };
    let pace = Pace::every(SPACING);
    let (mut budget, mut after) = (ctx.options.invoices_per_run, 0);
    while budget > 0 {
        let (account_id, limit) = (ctx.account_id, BATCH.min(budget));
        let batch = db::run(&ctx.accounts.pool, move |conn| {
            due(conn, account_id, when, after, limit).map_err(DbError::from)
        })
        .await?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.order_row;
        budget -= i64::try_from(batch.len()).unwrap_or(i64::MAX);
        ctx.check_stop()?;
        let read = read_each(ctx, batch, &pace, |order: &DueInvoices| {
            let id = order.checkout_form_id.clone();
            async move { ctx.api.order_invoices(&id).await }
        })
        .await?;
        store_batch(ctx, read).await?;
    }
    Ok(())
}

fn new_row(id: &CheckoutFormId, invoice: Invoice) -> NewInvoice {
    let file = invoice.file.as_ref();
    NewInvoice {
        raw: invoice.document.to_value(),
        content_hash: invoice.document.hash().to_owned(),
        checkout_form_id: id.clone(),
        invoice_number: invoice.invoice_number,
        created_at: invoice.created_at,
        file_name: file.and_then(|f| f.name.clone()),
        uploaded_at: file.and_then(|f| f.uploaded_at),
        status: file.and_then(|f| f.security_status().map(str::to_owned)),
        invoice_id: invoice.id,
    }
}

/// The answer's parts besides the invoices.
fn answer_of(found: &OrderInvoices) -> serde_json::Value {
    let raw = found.document.to_value();
    serde_json::json!({
        "orderMode": raw.get("orderMode"),
        "hasExternalInvoices": raw.get("hasExternalInvoices"),
        "links": raw.get("links"),
    })
}

fn counters(fetched: i64, changed: i64) -> RunCounters {
    let mut counters = RunCounters::default();
    (counters.invoices_fetched, counters.invoices_changed) = (fetched, changed);
    counters
}

/// Stores the invoices read and the reads' marks (and the run's counters) in one transaction,
/// then renews the lease.
async fn store_batch(
    ctx: &RunContext<'_>,
    read: Vec<(DueInvoices, Option<OrderInvoices>)>,
) -> Result<(), SyncError> {
    let account_id = ctx.account_id;
    let mut rows = Vec::new();
    let mut reads = Vec::new();
    for (order, found) in read {
        let (open, answer) = match &found {
            Some(found) => (found.needs_reread(), Some(answer_of(found))),
            None => (false, None),
        };
        reads.push(InvoiceRead {
            account_id,
            checkout_form_id: order.checkout_form_id.clone(),
            revision: order.revision,
            open,
            gone: found.is_none(),
            answer,
        });
        let invoices = found.map(|f| f.invoices).unwrap_or_default();
        let id = order.checkout_form_id;
        rows.extend(versioned::rows_of(ctx, invoices, |i| new_row(&id, i)));
    }
    let fetched = rows.len();
    versioned::store_page_with(ctx, fetched, counters, move |conn| {
        let stored = store(conn, account_id, &rows)?;
        InvoiceRead::record(conn, &reads)?;
        stored.record_changes::<NewInvoice>(conn, account_id)?;
        Ok((stored.counts.changed_or_created(), ()))
    })
    .await
}
