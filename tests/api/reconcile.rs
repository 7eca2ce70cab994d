//! Reconcile runs against the simulator: changes the event journal missed are found by
//! re-listing recent days and re-fetching open orders; a reconcile with nothing to find adds
//! nothing.

use allegro_backup::domain::{AccountId, CheckoutFormId, RunId};
use allegro_backup::{
    db::models::sync::{RunKind, RunTrigger},
    simulator::SimulatorConfig,
    sync::{RunSummary, SyncMode, SyncOptions},
};
use chrono::{DateTime, Duration, Utc};
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{
    TestApp,
    backup::{stored, sync_with, truth},
    location, spawn_app_with_simulator,
};

/// An app whose simulator's clock is today, so "the last 30 days" hold orders.
pub(crate) async fn app_with_orders_until_now(orders: u32) -> TestApp {
    let config = SimulatorConfig {
        auto_approve: false,
        start: Utc::now(),
        ..SimulatorConfig::for_tests(orders)
    };
    spawn_app_with_simulator(config, |_| {}).await
}

pub(crate) async fn sync(app: &TestApp, account: AccountId, mode: SyncMode) -> RunSummary {
    sync_with_window(app, account, mode, Duration::days(60)).await
}

/// [`sync`] listing windows of `window`.
pub(crate) async fn sync_with_window(
    app: &TestApp,
    account: AccountId,
    mode: SyncMode,
    window: Duration,
) -> RunSummary {
    let options = SyncOptions {
        window,
        ..SyncOptions::default()
    };
    sync_with(app, account, RunTrigger::Manual, mode, &options)
        .await
        .unwrap()
}

/// The notes a run recorded ("" when none).
pub(crate) fn run_notes(app: &TestApp, run: RunId) -> String {
    use allegro_backup::db::schema::sync_runs::dsl::*;
    let mut conn = app.db.connect();
    sync_runs
        .find(run)
        .select(notes)
        .first::<Option<String>>(&mut conn)
        .unwrap()
        .unwrap_or_default()
}

/// The latest `lineItems[].boughtAt` of a simulator order.
pub(crate) fn bought_at(order: &Value) -> DateTime<Utc> {
    order["lineItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|li| li["boughtAt"].as_str().unwrap().parse().unwrap())
        .max()
        .unwrap()
}

/// The first simulator order bought more than 100 days ago that `matches`.
pub(crate) fn old_order(app: &TestApp, matches: impl Fn(&Value) -> bool) -> Option<Value> {
    app.simulator
        .world()
        .orders(0)
        .into_iter()
        .find(|o| bought_at(o) < Utc::now() - Duration::days(100) && matches(o))
}

/// Stores a copy of `order` under new ids (form and line items): a form we hold that Allegro
/// does not serve, as a merged-away one whose event was lost. Returns its id.
pub(crate) fn store_ghost(app: &TestApp, account: AccountId, mut order: Value) -> CheckoutFormId {
    use allegro_backup::{allegro::CheckoutForm, db::models::order, sync::map::new_order};
    let ghost_id = uuid::Uuid::new_v4().to_string();
    order["id"] = ghost_id.clone().into();
    for item in order["lineItems"].as_array_mut().unwrap() {
        item["id"] = uuid::Uuid::new_v4().to_string().into();
    }
    let form: CheckoutForm = serde_json::from_value(order).unwrap();
    order::upsert_orders(&mut app.db.connect(), account, &[new_order(&form)]).unwrap();
    CheckoutFormId(ghost_id)
}

fn id(order: &Value) -> String {
    order["id"].as_str().unwrap().to_owned()
}

fn revisions(app: &TestApp, form: Option<&str>) -> i64 {
    use allegro_backup::db::schema::{order_revisions, orders};
    let mut conn = app.db.connect();
    let mut query = order_revisions::table
        .inner_join(orders::table)
        .into_boxed();
    if let Some(form) = form {
        query = query.filter(orders::checkout_form_id.eq(form.to_owned()));
    }
    query.count().get_result(&mut conn).unwrap()
}

fn stored_fulfillment(app: &TestApp, account: AccountId, form: &str) -> Value {
    stored(app, account)[form]["fulfillment"]["status"].clone()
}

#[tokio::test]
async fn a_fulfillment_change_the_journal_missed_is_picked_up_by_reconcile() {
    let app = app_with_orders_until_now(300).await;
    let account = app.link_account(0).await;
    sync(&app, account, SyncMode::Auto).await;
    let world = app.simulator.world();
    let orders = world.orders(0);
    // Bought within the last 30 days: found by re-listing.
    let recent = id(&orders[0]);
    assert!(bought_at(&orders[0]) > Utc::now() - Duration::days(30));
    // Bought long ago and still being processed: found by re-reading the older open orders
    // (here by listing their span: cheaper than fetching each of them).
    let old = orders
        .iter()
        .find(|o| bought_at(o) < Utc::now() - Duration::days(90) && o["status"] != "CANCELLED")
        .map(id)
        .unwrap();
    assert!(world.change_fulfillment(&old, "PROCESSING"));
    sync(&app, account, SyncMode::Auto).await;

    assert!(world.change_fulfillment_without_event(&recent, "SENT"));
    assert!(world.change_fulfillment_without_event(&old, "READY_FOR_SHIPMENT"));
    // Following the journal cannot see either change.
    sync(&app, account, SyncMode::Auto).await;
    assert_ne!(stored_fulfillment(&app, account, &recent), "SENT");
    assert_eq!(stored_fulfillment(&app, account, &old), "PROCESSING");
    let (recent_before, old_before) = (revisions(&app, Some(&recent)), revisions(&app, Some(&old)));

    let summary = sync(&app, account, SyncMode::Reconcile).await;
    assert_eq!(summary.kind, RunKind::Reconcile);
    let notes = run_notes(&app, summary.run_id);
    assert!(
        notes.contains("days holding") && notes.contains("older open orders"),
        "{notes}"
    );
    assert_eq!(summary.counters.orders_updated, 2);
    assert_eq!(revisions(&app, Some(&recent)), recent_before + 1);
    assert_eq!(revisions(&app, Some(&old)), old_before + 1);
    assert_eq!(stored(&app, account), truth(&app));
}

#[tokio::test]
async fn a_reconcile_with_nothing_changed_adds_nothing() {
    let app = app_with_orders_until_now(200).await;
    let account = app.link_account(0).await;
    sync(&app, account, SyncMode::Auto).await;
    let before = revisions(&app, None);

    for _ in 0..2 {
        let summary = sync(&app, account, SyncMode::Reconcile).await;
        let c = summary.counters;
        assert_eq!((c.orders_created, c.orders_updated, c.events), (0, 0, 0));
        assert!(c.orders_unchanged > 0, "the last 30 days were listed again");
        assert_eq!(revisions(&app, None), before);
    }
    let (total, mismatched): (i64, i64) = {
        use allegro_backup::db::schema::coverage_days::dsl::*;
        let mut conn = app.db.connect();
        (
            coverage_days.count().get_result(&mut conn).unwrap(),
            coverage_days
                .filter(allegro_count.ne(held_count))
                .count()
                .get_result(&mut conn)
                .unwrap(),
        )
    };
    assert!(
        total >= 365,
        "every day of the history is verified: {total}"
    );
    assert_eq!(mismatched, 0);
}

#[tokio::test]
async fn a_reconcile_of_an_account_never_backed_up_completes_the_first_backup_first() {
    let app = app_with_orders_until_now(150).await;
    let account = app.link_account(0).await;
    let summary = sync(&app, account, SyncMode::Reconcile).await;
    assert_eq!(summary.kind, RunKind::Reconcile);
    assert_eq!(stored(&app, account), truth(&app));
    let notes = run_notes(&app, summary.run_id);
    assert!(notes.contains("completed it first"), "{notes}");
    assert!(notes.contains(", 0 mismatched and re-listed"), "{notes}");
}

#[tokio::test]
async fn an_operator_starts_a_reconcile_and_a_mixed_request_is_refused() {
    let app = app_with_orders_until_now(20).await;
    let account = app.link_account(0).await;
    let operator = app
        .signed_in_client("op@example.com", allegro_backup::domain::Role::Operator)
        .await;
    let path = format!("/accounts/{account}/sync");

    let both = app
        .post_form_with(&operator, &path, &[("full", "1"), ("reconcile", "1")])
        .await;
    assert_eq!(both.status(), StatusCode::BAD_REQUEST);

    let started = app
        .post_form_with(&operator, &path, &[("reconcile", "1")])
        .await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&started), "/sync");
    let page = crate::helpers::html_of(app.get_with(&operator, "/sync").await).await;
    let flashes = crate::helpers::select_text(&page, ".flash");
    assert!(
        flashes.iter().any(|f| f.contains("A reconcile of")),
        "{flashes:?}"
    );
}

#[tokio::test]
async fn an_old_open_order_allegro_no_longer_lists_is_fetched_by_id_and_marked_gone() {
    let app = app_with_orders_until_now(300).await;
    let account = app.link_account(0).await;
    sync(&app, account, SyncMode::Auto).await;
    // A form we hold as open (payment never finished) that Allegro does not serve any more
    // (as a merged-away one whose event was lost): a copy of an old open order under a new id.
    let old = old_order(&app, |o| {
        ["BOUGHT", "FILLED_IN"].contains(&o["status"].as_str().unwrap())
    })
    .expect("the generator leaves some old checkouts unpaid");
    let ghost_id = store_ghost(&app, account, old);

    let summary = sync(&app, account, SyncMode::Reconcile).await;
    let notes = run_notes(&app, summary.run_id);
    assert!(
        notes.contains("fetched 1 of them the listing did not show (1 no longer on Allegro)"),
        "{notes}"
    );
    let gone: Option<DateTime<Utc>> = {
        use allegro_backup::db::schema::orders::dsl::*;
        orders
            .filter(checkout_form_id.eq(&ghost_id))
            .select(gone_from_allegro_at)
            .first(&mut app.db.connect())
            .unwrap()
    };
    assert!(gone.is_some(), "the ghost is kept, marked gone");
}
