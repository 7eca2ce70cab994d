//! Tracking numbers: for orders whose items were sent, read
//! `/order/checkout-forms/{id}/shipments` whenever the order's revision moved on since the last
//! read. Allegro allows this endpoint 50 requests per second; each run reads at most
//! `SyncOptions::shipments_per_run` orders (newest first), so a large history catches up over
//! a few runs without holding up the order backup.

use std::time::Duration;

use diesel::Connection;

use super::{
    context::{RunContext, SyncError},
    per_order::{Pace, read_each},
};
use crate::{
    allegro::Shipment,
    db::{
        self, DbError,
        models::{
            shipment::{self, DueOrder, NewShipment},
            sync::{RunCounters, SyncRun},
        },
    },
    domain::{AccountId, CheckoutFormId, RunPhase},
};

/// Orders read and stored per transaction, followed by a lease renewal: at the endpoint's
/// pace (50 per second) a batch takes about a second, well within the shortest lease.
const BATCH: i64 = 50;
/// Allegro's limit for the endpoint (50 per second), as the spacing between two calls, with a
/// little room so that timer jitter never puts 51 calls in one second.
const SPACING: Duration = Duration::from_millis(21);

/// Reads the shipments of the orders due, up to the run's budget.
pub(super) async fn back_up(ctx: &RunContext<'_>) -> Result<(), SyncError> {
    let pace = Pace::every(SPACING);
    let mut budget = ctx.options.shipments_per_run;
    let (account_id, cap) = (ctx.account_id, budget);
    let due = db::run(&ctx.accounts.pool, move |conn| {
        shipment::due_count(conn, account_id, cap).map_err(DbError::from)
    })
    .await?;
    ctx.enter_phase(RunPhase::Shipments, Some(due)).await?;
    while budget > 0 {
        let (account_id, limit) = (ctx.account_id, BATCH.min(budget));
        let due = db::run(&ctx.accounts.pool, move |conn| {
            shipment::due(conn, account_id, limit).map_err(DbError::from)
        })
        .await?;
        if due.is_empty() {
            return Ok(());
        }
        budget -= i64::try_from(due.len()).unwrap_or(i64::MAX);
        let read = read_all(ctx, due, &pace).await?;
        store(ctx, read).await?;
        ctx.renew_lease().await?;
    }
    Ok(())
}

type Read = (DueOrder, Option<Vec<Shipment>>);

/// Reads each due order's shipments; `None` for an order that answers 404 (gone).
async fn read_all(
    ctx: &RunContext<'_>,
    due: Vec<DueOrder>,
    pace: &Pace,
) -> Result<Vec<Read>, SyncError> {
    read_each(ctx, due, pace, |order: &DueOrder| {
        let id = order.checkout_form_id.clone();
        async move { ctx.api.shipments(&id).await.map(Some) }
    })
    .await
}

async fn store(ctx: &RunContext<'_>, read: Vec<Read>) -> Result<(), SyncError> {
    let (account_id, run_id) = (ctx.account_id, ctx.run_id);
    let checked = i64::try_from(read.len()).unwrap_or(i64::MAX);
    db::run(&ctx.accounts.pool, move |conn| {
        conn.transaction(|conn| {
            for (order, listed) in &read {
                let rows = listed
                    .iter()
                    .flatten()
                    .map(|s| new_shipment(account_id, &order.checkout_form_id, s))
                    .collect::<Vec<_>>();
                let revision = order.revision.as_deref();
                match listed {
                    Some(_) => {
                        shipment::record(conn, account_id, &order.checkout_form_id, revision, &rows)
                            .map(drop)?
                    }
                    None => {
                        shipment::mark_checked(conn, account_id, &order.checkout_form_id, revision)?
                    }
                }
            }
            let delta = RunCounters {
                requests: checked,
                shipments_checked: checked,
                ..RunCounters::default()
            };
            SyncRun::add_progress(conn, run_id, &delta, None)?;
            SyncRun::advance_phase(conn, run_id, checked)
        })
        .map_err(DbError::from)
    })
    .await?;
    Ok(())
}

fn new_shipment(
    account_id: AccountId,
    checkout_form_id: &CheckoutFormId,
    s: &Shipment,
) -> NewShipment {
    NewShipment {
        account_id,
        checkout_form_id: checkout_form_id.clone(),
        shipment_id: s.id.clone(),
        waybill: s.waybill.clone(),
        carrier_id: s.carrier_id.clone(),
        carrier_name: s.carrier_name.clone(),
        created_at: s.created_at,
        raw: s.raw.clone(),
    }
}
