//! Faults for whole runs: the server process killed again and again during a 100,000-order
//! backup, PostgreSQL restarted under a sync, and an Allegro that errs, throttles, stalls or
//! revokes the account's tokens. Every backup ends exactly equal to the simulator's ground truth,
//! and every run ends with a status that says what happened.
//!
//! Here what the tests share; the tests by fault: the server killed, PostgreSQL restarted,
//! Allegro misbehaving.

mod allegro;
mod killed;
mod postgres;

use allegro_backup::domain::AccountId;
use std::time::Duration;

use allegro_backup::{
    db::models::sync::{RunTrigger, SyncRun},
    domain::AccountScope,
    simulator::Faults,
    sync::{RunSummary, SyncError, SyncMode},
};
use diesel::PgConnection;
use serde_json::Value;
use tokio::task::JoinHandle;

use crate::helpers::{
    TestApp,
    backup::{pages_stored, spawn_sync},
};

/// `POST /__simulator/faults` with `body` (a partial update of the faults in force).
async fn post_faults(app: &TestApp, body: Value) -> reqwest::Response {
    app.client
        .post(format!("{}/__simulator/faults", app.simulator.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Starts a sync with every Allegro call taking `latency`, and returns once it has stored
/// `pages` pages and is still running.
async fn start_slow_run(
    app: &TestApp,
    account: AccountId,
    latency: Duration,
    pages: i64,
) -> JoinHandle<Result<RunSummary, SyncError>> {
    app.simulator.world().set_faults(Faults {
        latency,
        ..Faults::default()
    });
    let run = spawn_sync(app, account, RunTrigger::Manual, SyncMode::Auto);
    let mut conn = app.db.connect();
    while pages_stored(&mut conn) < pages && !run.is_finished() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!run.is_finished(), "the run outlived its first pages");
    run
}

/// The account's latest run ended `failed` with `error`'s message, which is returned.
fn recorded_failure(conn: &mut PgConnection, account: AccountId, error: &SyncError) -> String {
    let recorded = &SyncRun::recent(conn, &AccountScope::All, Some(account), 1).unwrap()[0];
    assert_eq!(recorded.status, "failed");
    assert!(recorded.finished_at.is_some());
    let message = recorded.error.clone().unwrap();
    assert_eq!(message, error.to_string());
    message
}
