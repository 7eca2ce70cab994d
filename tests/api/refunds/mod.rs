//! Payment refunds backed up with the orders (issue 18): every simulated refund stored once
//! with each of its versions, a pass that fails mid-way resuming exactly, an account whose
//! authorisation leaves payments out still backing up its orders, and the order page's
//! "Refunds" part in both languages, masked for a user who must not see personal data.
//!
//! Here what the tests share; the tests by theme: the backup, the order page.

mod backup;
mod page;

use std::collections::HashMap;

use allegro_backup::{
    db::schema::{payment_refund_versions, payment_refunds},
    domain::AccountId,
    simulator::SimulatorConfig,
};
use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, PgConnection, QueryDsl, RunQueryDsl};
use serde_json::Value;

use crate::helpers::{TestApp, seed::count, spawn_app_with_simulator};

/// An app whose simulator holds `orders` orders of seller 0, every paid one returned (the
/// returns that end refunded have their refund), its clock starting at `start`.
async fn refunds_app(orders: u32, start: DateTime<Utc>) -> TestApp {
    let simulator = SimulatorConfig {
        auto_approve: false,
        returns_percent: 100,
        start,
        ..SimulatorConfig::for_tests(orders)
    };
    spawn_app_with_simulator(simulator, |_| {}).await
}

/// The stored refunds of `account`: refund id → the JSON as last read.
fn stored(app: &TestApp, account: AccountId) -> HashMap<String, Value> {
    payment_refunds::table
        .filter(payment_refunds::account_id.eq(account))
        .select((payment_refunds::refund_id, payment_refunds::raw))
        .load::<(String, Value)>(&mut app.db.connect())
        .unwrap()
        .into_iter()
        .collect()
}

/// The refunds the simulator serves for seller 0 now: id → JSON.
fn truth(app: &TestApp) -> HashMap<String, Value> {
    app.simulator
        .world()
        .refunds(0)
        .into_iter()
        .map(|r| (r["id"].as_str().unwrap().to_owned(), r))
        .collect()
}

/// The account holds exactly the refunds Allegro serves, each as served now.
fn assert_stored_equals_truth(app: &TestApp, account: AccountId) {
    let (stored, truth) = (stored(app, account), truth(app));
    assert_eq!(
        stored.len(),
        truth.len(),
        "as many refunds as Allegro serves"
    );
    for (id, json) in &truth {
        assert_eq!(stored.get(id), Some(json), "refund {id}");
    }
}

/// Versions kept per refund id.
fn versions(app: &TestApp) -> HashMap<String, i64> {
    payment_refund_versions::table
        .inner_join(payment_refunds::table)
        .group_by(payment_refunds::refund_id)
        .select((payment_refunds::refund_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(&mut app.db.connect())
        .unwrap()
        .into_iter()
        .collect()
}

/// No refund is stored twice, and no version of a refund twice.
fn assert_no_duplicates(conn: &mut PgConnection) {
    let rows = count(conn, "SELECT count(*) AS n FROM payment_refunds");
    let distinct = count(
        conn,
        "SELECT count(DISTINCT (account_id, refund_id)) AS n FROM payment_refunds",
    );
    assert_eq!(rows, distinct, "a refund was stored twice");
    let twins = count(
        conn,
        "SELECT count(*) AS n FROM (SELECT refund_row_id, content_hash \
         FROM payment_refund_versions GROUP BY 1, 2 HAVING count(*) > 1) t",
    );
    assert_eq!(twins, 0, "a version was stored twice");
}
