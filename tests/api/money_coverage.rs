//! The coverage of the money listings (issue 18): a day of fees or of the available wallet
//! that the backup lost is found by a reconcile run, read again and matches after it; the
//! first backup checks only its latest days; the coverage page shows both grids.

use allegro_backup::{
    db::models::sync::RunTrigger,
    domain::AccountId,
    sync::{
        SyncMode,
        coverage::{day_window, warsaw_day},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use crate::{
    helpers::{
        TestApp,
        backup::{options, sync_with},
        select_attr, select_text,
        versioned::spawn_app_with_returns,
    },
    reconcile::run_notes,
};

/// An app whose simulator holds `orders` orders of seller 0, and its account backed up once.
async fn backed_up(orders: u32) -> (TestApp, AccountId, String) {
    let app = spawn_app_with_returns(orders, 3, Utc::now()).await;
    let account = app.link_account(0).await;
    let first = sync_with(&app, account, RunTrigger::Cli, SyncMode::Auto, &options())
        .await
        .unwrap();
    let notes = run_notes(&app, first.run_id);
    (app, account, notes)
}

async fn reconcile(app: &TestApp, account: AccountId) -> String {
    let run = sync_with(
        app,
        account,
        RunTrigger::Cli,
        SyncMode::Reconcile,
        &options(),
    )
    .await
    .unwrap();
    run_notes(app, run.run_id)
}

/// The sentence of `notes` that starts with `prefix`.
fn sentence<'a>(notes: &'a str, prefix: &str) -> &'a str {
    let start = notes
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix} in {notes}"));
    let rest = &notes[start..];
    &rest[..rest.find('.').map_or(rest.len(), |end| end + 1)]
}

/// The day (older than the three a reconcile checks anyway, within the fortnight after
/// them) on which most of `served` occurred, of those `keep` keeps.
fn busy_day(served: &[Value], keep: impl Fn(&Value) -> bool) -> NaiveDate {
    let today = warsaw_day(Utc::now());
    let mut per_day = std::collections::BTreeMap::<NaiveDate, usize>::new();
    for item in served.iter().filter(|v| keep(v)) {
        let at: DateTime<Utc> = item["occurredAt"].as_str().unwrap().parse().unwrap();
        let day = warsaw_day(at);
        let age = (today - day).num_days();
        if (4..=16).contains(&age) {
            *per_day.entry(day).or_default() += 1;
        }
    }
    per_day
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(day, _)| day)
        .expect("a day with something on it")
}

/// Deletes what `table` holds of the account for `day` (filtered by `extra`); how many.
fn lose_day(app: &TestApp, account: AccountId, table: &str, extra: &str, day: NaiveDate) -> i64 {
    let w = day_window(day);
    app.count(&format!(
        "WITH gone AS (DELETE FROM {table} WHERE account_id = {account} AND {extra} \
         AND occurred_at >= '{}' AND occurred_at <= '{}' RETURNING 1) \
         SELECT count(*) AS n FROM gone",
        w.start.to_rfc3339(),
        w.end.to_rfc3339()
    ))
}

/// The recorded counts of `listing`'s `day`: (on Allegro, held).
fn recorded(app: &TestApp, account: AccountId, listing: &str, day: NaiveDate) -> (i64, i64) {
    let on = |column: &str| {
        app.count(&format!(
            "SELECT {column} AS n FROM money_coverage_days WHERE account_id = {account} \
             AND listing = '{listing}' AND day = '{day}'"
        ))
    };
    (on("allegro_count"), on("held_count"))
}

fn mismatched_rows(app: &TestApp) -> i64 {
    app.count(
        "SELECT count(*) AS n FROM money_coverage_days \
         WHERE allegro_count <> held_count OR allegro_sums IS DISTINCT FROM held_sums",
    )
}

/// The coverage page's cell of `day` in the grid `grid`, as a viewer sees it.
async fn cell_class(app: &TestApp, account: AccountId, grid: &str, day: NaiveDate) -> String {
    let page = app
        .html_as_viewer(&format!("/accounts/{account}/coverage"))
        .await;
    assert_eq!(
        select_text(&page, &format!("#{grid}-days-mismatched")),
        ["0"]
    );
    select_attr(
        &page,
        &format!(r#"#{grid}-coverage-grid td[data-day="{day}"]"#),
        "class",
    )
    .unwrap()
}

/// A money listing as a test loses and heals one of its days.
struct Case {
    /// How the run's note starts.
    note: &'static str,
    /// The stored table, and which of its rows belong to the listing.
    table: &'static str,
    rows: &'static str,
    listing: &'static str,
    /// The grid's prefix on the page.
    grid: &'static str,
    /// What the simulator serves of the listing.
    served: fn(&allegro_backup::simulator::World) -> Vec<Value>,
    keep: fn(&Value) -> bool,
}

const FEES: Case = Case {
    note: "Fees coverage:",
    table: "billing_entries",
    rows: "marketplace_id = 'allegro-pl'",
    listing: "billing:allegro-pl",
    grid: "fees",
    served: |world| world.billing_entries(0),
    keep: |entry| entry["marketplaceId"] == "allegro-pl",
};

const WALLET: Case = Case {
    note: "Wallet coverage:",
    table: "payment_operations",
    rows: "wallet_type = 'AVAILABLE'",
    listing: "payment_operations:AVAILABLE",
    grid: "wallet",
    served: |world| world.payment_operations(0),
    keep: |op| op["wallet"]["type"] == "AVAILABLE",
};

/// Backs up an account of `orders` orders, loses a day of `case`'s listing, and checks that
/// a reconcile run finds and heals it (the first backup having checked its latest days).
async fn lose_and_heal(orders: u32, case: Case) -> (TestApp, AccountId) {
    let (app, account, first) = backed_up(orders).await;
    let latest = sentence(&first, case.note);
    assert!(latest.contains(" 0 mismatched"), "{first}");
    // Two days per listing (a wallet; a fee listing per marketplace, four at most).
    let days: u32 = latest[case.note.len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(days % 2 == 0 && (2..=8).contains(&days), "{latest}");
    assert_eq!(mismatched_rows(&app), 0);
    let served = (case.served)(&app.simulator.world());
    let day = busy_day(&served, case.keep);
    let lost = lose_day(&app, account, case.table, case.rows, day);
    assert!(lost >= 1);

    let notes = reconcile(&app, account).await;
    let checked = sentence(&notes, case.note);
    assert!(!checked.contains(" 0 mismatched"), "{checked}");
    assert!(checked.ends_with(", 0 still mismatched."), "{checked}");
    let (allegro, held) = recorded(&app, account, case.listing, day);
    assert!(allegro >= lost);
    assert_eq!(held, allegro, "healed");
    assert_eq!(mismatched_rows(&app), 0);
    assert_eq!(
        cell_class(&app, account, case.grid, day).await,
        "cov-day cov-match"
    );
    (app, account)
}

#[tokio::test]
async fn a_day_of_fees_lost_from_the_backup_is_found_and_read_again_by_a_reconcile() {
    let (app, _) = lose_and_heal(600, FEES).await;
    let served = app.simulator.world().billing_entries(0).len() as i64;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM billing_entries"),
        served
    );
}

#[tokio::test]
async fn a_day_of_wallet_operations_lost_from_the_backup_is_found_and_read_again_by_a_reconcile() {
    lose_and_heal(400, WALLET).await;
}
