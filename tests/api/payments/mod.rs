//! Payment operations (the wallet history) backed up with the orders (issue 18): every
//! operation of both wallets stored once under the hash of its document (they have no id),
//! money held back marked released when the available wallet shows it, windows split past
//! the 10,000 operations a query may match, a pass that fails mid-way resuming exactly, and
//! an account whose authorisation leaves payments out still backing up its orders.
//!
//! Here what the tests share; the tests by theme: the backup, the pages.

mod backup;
mod page;

use std::collections::{HashMap, HashSet};

use allegro_backup::domain::{AccountId, content_hash};
use chrono::Utc;
use serde_json::Value;

use crate::helpers::{TestApp, seed::count, versioned::spawn_app_with_returns};

/// An app whose simulator holds `orders` orders of seller 0 (a few returned and refunded),
/// its clock starting now.
async fn wallet_app(orders: u32) -> TestApp {
    spawn_app_with_returns(orders, 3, Utc::now()).await
}

/// What the simulator lists now in both wallets of seller 0, by the hash of each document.
fn truth(app: &TestApp) -> HashMap<String, Value> {
    app.simulator
        .world()
        .payment_operations(0)
        .into_iter()
        .map(|op| (content_hash(&op), op))
        .collect()
}

/// The hashes the backup holds for `account`, each checked against its stored document.
fn stored(app: &TestApp, account: AccountId) -> HashSet<String> {
    use allegro_backup::db::schema::payment_operations::dsl as p;
    use diesel::prelude::*;
    let rows: Vec<(String, Value)> = p::payment_operations
        .filter(p::account_id.eq(account))
        .select((p::content_hash, p::raw))
        .load(&mut app.db.connect())
        .unwrap();
    rows.into_iter()
        .map(|(hash, raw)| {
            assert_eq!(hash, content_hash(&raw), "the hash is the document's");
            hash
        })
        .collect()
}

fn stored_count(app: &TestApp) -> i64 {
    count(
        &mut app.db.connect(),
        "SELECT count(*) AS n FROM payment_operations",
    )
}
