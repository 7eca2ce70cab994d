//! Backups in tests: syncs run directly (never waited for through the scheduler), what they
//! stored, and the simulator's ground truth they must equal.

use std::collections::HashMap;

use allegro_backup::{
    db::models::sync::RunTrigger,
    domain::AccountId,
    simulator::SimulatorConfig,
    sync::{RunSummary, SyncError, SyncMode, SyncOptions, sync_account},
};
use diesel::{ExpressionMethods, PgConnection, QueryDsl, RunQueryDsl};
use serde_json::Value;
use tokio::task::JoinHandle;

use super::{TestApp, seed::count};

/// The history reaches back from today to two days before the first order of the test world
/// (whose clock starts in July 2026, [`SimulatorConfig::for_tests`]); worlds that start at
/// today's clock begin later. No further: a first backup counts every day of its history on
/// Allegro (the coverage check), and days before the world hold nothing to find.
/// Shipments and invoices are not read (a call per order at their pace made every sync test
/// much longer); their tests turn them on.
pub fn options() -> SyncOptions {
    let earliest = SimulatorConfig::for_tests(0).first_order_at() - chrono::Duration::days(2);
    let history = chrono::Utc::now() - earliest;
    SyncOptions {
        history,
        window: history,
        shipments_per_run: 0,
        invoices_per_run: 0,
        ..SyncOptions::default()
    }
}

/// [`options`] that read invoices too: those of young orders (by the simulated clock, which
/// runs ahead of the real one) at every run.
pub fn options_with_invoices() -> SyncOptions {
    SyncOptions {
        invoices_per_run: SyncOptions::default().invoices_per_run,
        invoices_reread_after: chrono::Duration::zero(),
        ..options()
    }
}

/// [`options`] that read shipments too (the shipments tests, and where waybills are needed).
pub fn options_with_shipments() -> SyncOptions {
    SyncOptions {
        shipments_per_run: SyncOptions::default().shipments_per_run,
        ..options()
    }
}

/// One sync of `account` through the app's accounts service, as it went.
pub async fn sync_with(
    app: &TestApp,
    account: AccountId,
    trigger: RunTrigger,
    mode: SyncMode,
    options: &SyncOptions,
) -> Result<RunSummary, SyncError> {
    sync_account(&app.state.accounts, account, trigger, mode, options).await
}

/// One sync of `account` with the test options, as it went.
pub async fn sync_attempt(app: &TestApp, account: AccountId) -> Result<RunSummary, SyncError> {
    sync_with(app, account, RunTrigger::Cli, SyncMode::Auto, &options()).await
}

/// One successful sync of `account` with the test options.
pub async fn sync_once(app: &TestApp, account: AccountId, trigger: RunTrigger) -> RunSummary {
    sync_with(app, account, trigger, SyncMode::Auto, &options())
        .await
        .unwrap()
}

/// Starts a sync of `account` with the test options in the background, as a button would.
pub fn spawn_sync(
    app: &TestApp,
    account: AccountId,
    trigger: RunTrigger,
    mode: SyncMode,
) -> JoinHandle<Result<RunSummary, SyncError>> {
    let accounts = app.state.accounts.clone();
    tokio::spawn(async move { sync_account(&accounts, account, trigger, mode, &options()).await })
}

/// Stored orders of the account: checkout form id → raw JSON.
pub fn stored(app: &TestApp, account: AccountId) -> HashMap<String, Value> {
    use allegro_backup::db::schema::orders::dsl::*;
    let mut conn = app.db.connect();
    orders
        .filter(account_id.eq(account))
        .select((checkout_form_id, raw))
        .load::<(String, Value)>(&mut conn)
        .unwrap()
        .into_iter()
        .collect()
}

/// The simulator's orders of seller 0: checkout form id → JSON.
pub fn truth(app: &TestApp) -> HashMap<String, Value> {
    app.simulator
        .world()
        .orders(0)
        .into_iter()
        .map(|o| (o["id"].as_str().unwrap().to_owned(), o))
        .collect()
}

/// The account holds as many orders as Allegro serves, each with Allegro's exact JSON.
pub fn assert_stored_equals_truth(app: &TestApp, account: AccountId) {
    let (stored, truth) = (stored(app, account), truth(app));
    assert_eq!(stored.len(), truth.len());
    for (id, json) in &truth {
        assert_eq!(stored.get(id), Some(json), "order {id}");
    }
}

/// Every order Allegro serves is held with its exact JSON; the only other orders held are
/// purchases merged into a new one (kept, and marked so).
pub fn assert_exactly_allegro(app: &TestApp, account: AccountId) {
    let (held, truth) = (stored(app, account), truth(app));
    for (id, json) in &truth {
        assert_eq!(held.get(id), Some(json), "order {id}");
    }
    let extra = held.len() - truth.len();
    let marked = app.count("SELECT count(*) AS n FROM orders WHERE merged_into IS NOT NULL");
    assert_eq!(
        extra as i64, marked,
        "held orders Allegro no longer serves are marked merged"
    );
}

/// Nothing is stored twice: one row per order, one per event, one revision per distinct
/// version of an order.
pub fn assert_no_duplicates(conn: &mut PgConnection) {
    let orders = count(conn, "SELECT count(*) AS n FROM orders");
    let distinct = count(
        conn,
        "SELECT count(DISTINCT (account_id, checkout_form_id)) AS n FROM orders",
    );
    assert_eq!(orders, distinct);
    let events = count(conn, "SELECT count(*) AS n FROM order_events");
    let distinct = count(
        conn,
        "SELECT count(DISTINCT (account_id, event_id)) AS n FROM order_events",
    );
    assert_eq!(events, distinct);
    let twins = count(
        conn,
        "SELECT count(*) AS n FROM (SELECT order_id, content_hash FROM order_revisions \
         GROUP BY order_id, content_hash HAVING count(*) > 1) t",
    );
    assert_eq!(twins, 0, "a revision was stored twice");
}

/// Pages stored so far by all runs.
pub fn pages_stored(conn: &mut PgConnection) -> i64 {
    count(
        conn,
        "SELECT coalesce(sum(pages), 0)::bigint AS n FROM sync_runs",
    )
}

/// How many runs have `status`.
pub fn runs_with_status(conn: &mut PgConnection, status: &str) -> i64 {
    count(
        conn,
        &format!("SELECT count(*) AS n FROM sync_runs WHERE status = '{status}'"),
    )
}
