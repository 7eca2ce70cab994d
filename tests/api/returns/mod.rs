//! Customer returns backed up with the orders (issue 18): every simulated return stored once
//! with each of its versions, a pass that fails mid-way resuming exactly, an account whose
//! authorisation leaves returns out still backing up its orders, and the order page's
//! "Returns" section in both languages, masked for a user who must not see personal data.
//!
//! Here what the tests share; the tests by theme: the backup, the order page.

mod backup;
mod page;

pub(crate) use page::backed_up_with_returns;

use std::collections::HashMap;

use allegro_backup::{
    db::schema::{customer_return_versions, customer_returns},
    domain::AccountId,
    simulator::SimulatorConfig,
};
use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, PgConnection, QueryDsl, RunQueryDsl};
use serde_json::Value;

use crate::helpers::{TestApp, seed::count, spawn_app_with_simulator};

/// An app whose simulator holds `orders` orders of seller 0, `percent` of the paid ones
/// returned, its clock starting at `start`.
async fn returns_app(orders: u32, percent: u32, start: DateTime<Utc>) -> TestApp {
    let simulator = SimulatorConfig {
        auto_approve: false,
        returns_percent: percent,
        start,
        ..SimulatorConfig::for_tests(orders)
    };
    spawn_app_with_simulator(simulator, |_| {}).await
}

/// The stored returns of `account`: return id → the JSON as last read.
fn stored(app: &TestApp, account: AccountId) -> HashMap<String, Value> {
    customer_returns::table
        .filter(customer_returns::account_id.eq(account))
        .select((customer_returns::return_id, customer_returns::raw))
        .load::<(String, Value)>(&mut app.db.connect())
        .unwrap()
        .into_iter()
        .collect()
}

/// The returns the simulator serves for seller 0 now: id → JSON.
fn truth(app: &TestApp) -> HashMap<String, Value> {
    app.simulator
        .world()
        .customer_returns(0)
        .into_iter()
        .map(|r| (r["id"].as_str().unwrap().to_owned(), r))
        .collect()
}

/// The account holds exactly the returns Allegro serves, each as served now.
fn assert_stored_equals_truth(app: &TestApp, account: AccountId) {
    let (stored, truth) = (stored(app, account), truth(app));
    assert_eq!(
        stored.len(),
        truth.len(),
        "as many returns as Allegro serves"
    );
    for (id, json) in &truth {
        assert_eq!(stored.get(id), Some(json), "return {id}");
    }
}

/// Versions kept per return id.
fn versions(app: &TestApp) -> HashMap<String, i64> {
    customer_return_versions::table
        .inner_join(customer_returns::table)
        .group_by(customer_returns::return_id)
        .select((customer_returns::return_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(&mut app.db.connect())
        .unwrap()
        .into_iter()
        .collect()
}

/// No return is stored twice, and no version of a return twice.
fn assert_no_duplicates(conn: &mut PgConnection) {
    let rows = count(conn, "SELECT count(*) AS n FROM customer_returns");
    let distinct = count(
        conn,
        "SELECT count(DISTINCT (account_id, return_id)) AS n FROM customer_returns",
    );
    assert_eq!(rows, distinct, "a return was stored twice");
    let twins = count(
        conn,
        "SELECT count(*) AS n FROM (SELECT return_row_id, content_hash \
         FROM customer_return_versions GROUP BY 1, 2 HAVING count(*) > 1) t",
    );
    assert_eq!(twins, 0, "a version was stored twice");
}
