//! One bad order never stops a backup: it is kept raw in quarantine with its error, the
//! checkpoint moves on for the others, and it is retried (and released) on later runs.

use allegro_backup::domain::{AccountId, CheckoutFormId};
use allegro_backup::{
    db::{models::quarantine, models::sync::RunTrigger},
    domain::Role,
};
use serde_json::json;

use crate::helpers::{
    TestApp,
    backup::{stored, sync_once, truth},
    spawn_app_with_orders,
};

fn quarantined(app: &TestApp, account: AccountId) -> Vec<quarantine::QuarantineRow> {
    quarantine::list(&mut app.db.connect(), account).unwrap()
}

fn some_order(app: &TestApp, n: usize) -> String {
    let mut ids: Vec<String> = truth(app).into_keys().collect();
    ids.sort();
    ids.swap_remove(n)
}

#[tokio::test]
async fn an_unreadable_order_is_quarantined_without_stopping_the_others() {
    let app = spawn_app_with_orders(250).await;
    let account = app.link_account(0).await;
    let world = app.simulator.world();
    let bad = some_order(&app, 7);
    // A buyer that is not an object: this version cannot read the form.
    assert!(world.edit_order(&bad, |o| o["buyer"] = json!(42)));

    let summary = sync_once(&app, account, RunTrigger::Cli).await;
    assert_eq!(summary.counters.orders_quarantined, 1);
    let held = stored(&app, account);
    assert_eq!(held.len(), truth(&app).len() - 1);
    assert!(!held.contains_key(&bad));
    let rows = quarantined(&app, account);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0]
            .checkout_form_id
            .as_ref()
            .map(CheckoutFormId::as_str),
        Some(bad.as_str())
    );
    assert!(rows[0].raw.contains("\"buyer\":42"), "{}", rows[0].raw);
    assert!(!rows[0].error.is_empty());

    // Still broken: the next run tries again and counts the attempt.
    sync_once(&app, account, RunTrigger::Schedule).await;
    assert_eq!(quarantined(&app, account)[0].attempts, 2);

    // Allegro serves it readable again: the retry stores it and empties the quarantine.
    assert!(world.edit_order(&bad, |o| {
        o["buyer"] =
            json!({"id": "9999", "login": "fixed", "email": "f@example.com", "guest": false})
    }));
    sync_once(&app, account, RunTrigger::Schedule).await;
    assert!(quarantined(&app, account).is_empty());
    let (held, truth) = (stored(&app, account), truth(&app));
    assert_eq!(held.len(), truth.len());
    assert_eq!(held.get(&bad), truth.get(&bad));
}

#[tokio::test]
async fn an_order_the_database_refuses_is_quarantined_and_the_cursor_moves_on() {
    let app = spawn_app_with_orders(120).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    let world = app.simulator.world();
    let (bad, good) = (some_order(&app, 3), some_order(&app, 4));
    // Valid JSON the client reads, but PostgreSQL refuses NUL characters in text and jsonb.
    assert!(world.edit_order(&bad, |o| o["buyer"]["login"] = json!("nul\u{0}byte")));
    assert!(world.modify_buyer_address(&good));

    let summary = sync_once(&app, account, RunTrigger::Schedule).await;
    assert_eq!(summary.counters.orders_quarantined, 1);
    let held = stored(&app, account);
    let truth = truth(&app);
    assert_eq!(
        held.get(&good),
        truth.get(&good),
        "the other change was stored"
    );
    assert_ne!(held.get(&bad), truth.get(&bad));
    let rows = quarantined(&app, account);
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0].error.contains("database refused"),
        "{}",
        rows[0].error
    );

    // The cursor moved past the bad order's event: a run with nothing new reads no forms.
    let quiet = sync_once(&app, account, RunTrigger::Schedule).await;
    assert_eq!(quiet.counters.orders_updated, 0);
    assert_eq!(quiet.counters.orders_created, 0);
}

#[tokio::test]
async fn the_quarantine_page_lists_set_aside_orders_for_operators_only() {
    let app = spawn_app_with_orders(60).await;
    let account = app.link_account(0).await;
    let bad = some_order(&app, 2);
    assert!(
        app.simulator
            .world()
            .edit_order(&bad, |o| o["summary"] = json!("not a summary"))
    );
    sync_once(&app, account, RunTrigger::Cli).await;

    let viewer = app
        .signed_in_client("viewer@example.com", Role::Viewer)
        .await;
    let denied = app.get_with(&viewer, "/quarantine").await;
    assert_eq!(denied.status(), reqwest::StatusCode::FORBIDDEN);

    let operator = app.signed_in_client("op@example.com", Role::Operator).await;
    let page = app.get_with(&operator, "/quarantine").await;
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let body = page.text().await.unwrap();
    assert!(body.contains(&bad), "the order id is listed");
    assert!(body.contains("not a summary"), "the payload is shown");
}

#[tokio::test]
async fn a_page_where_every_order_holds_nul_is_quarantined_and_the_run_succeeds() {
    let app = spawn_app_with_orders(3).await;
    let account = app.link_account(0).await;
    let world = app.simulator.world();
    let ids: Vec<String> = truth(&app).into_keys().collect();
    for id in &ids {
        assert!(world.edit_order(id, |o| o["buyer"]["firstName"] = json!("Ja\u{0}n")));
    }

    let summary = sync_once(&app, account, RunTrigger::Cli).await;
    assert_eq!(summary.counters.orders_quarantined, 3, "{summary:?}");
    assert!(stored(&app, account).is_empty());
    let rows = quarantined(&app, account);
    assert_eq!(rows.len(), 3);
    // Kept as received: the escaped NUL is in the stored text.
    assert!(
        rows.iter().all(|r| r.raw.contains("Ja\\u0000n")),
        "{rows:?}"
    );
    assert!(rows[0].error.contains("NUL"), "{}", rows[0].error);
}
