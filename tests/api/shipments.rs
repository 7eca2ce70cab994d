//! Tracking numbers are backed up for orders whose items were sent, read again only when the
//! order changes, and never deleted.

use allegro_backup::domain::{AccountId, CheckoutFormId};
use allegro_backup::{
    db::models::{shipment, sync::RunTrigger},
    sync::{RunSummary, SyncMode},
};
use serde_json::Value;

use crate::helpers::{
    TestApp,
    backup::{options_with_shipments, sync_with, truth},
    spawn_app_with_orders,
};

/// A successful sync that also reads shipments (the other tests' options skip them: the
/// endpoint's pacing would slow every test down).
async fn sync_once(app: &TestApp, account: AccountId, trigger: RunTrigger) -> RunSummary {
    sync_with(
        app,
        account,
        trigger,
        SyncMode::Auto,
        &options_with_shipments(),
    )
    .await
    .unwrap()
}

fn stored_waybills(app: &TestApp, account: AccountId, id: &str) -> Vec<String> {
    let mut rows =
        shipment::for_order(&mut app.db.connect(), account, &CheckoutFormId::from(id)).unwrap();
    rows.retain(|r| r.removed_at.is_none());
    let mut waybills: Vec<String> = rows
        .into_iter()
        .filter_map(|r| r.shipment.waybill)
        .collect();
    waybills.sort();
    waybills
}

fn served_waybills(app: &TestApp, id: &str) -> Vec<String> {
    let served = app.simulator.world().shipments(0, id).unwrap();
    let mut waybills: Vec<String> = served["shipments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["waybill"].as_str().unwrap().to_owned())
        .collect();
    waybills.sort();
    waybills
}

fn sent(order: &Value) -> bool {
    matches!(
        order
            .pointer("/fulfillment/shipmentSummary/lineItemsSent")
            .and_then(Value::as_str),
        Some("SOME" | "ALL")
    )
}

#[tokio::test]
async fn shipments_of_sent_orders_equal_what_allegro_lists() {
    let app = spawn_app_with_orders(300).await;
    let account = app.link_account(0).await;
    let summary = sync_once(&app, account, RunTrigger::Cli).await;
    let truth = truth(&app);
    let sent_ids: Vec<&String> = truth
        .iter()
        .filter(|(_, o)| sent(o))
        .map(|(id, _)| id)
        .collect();
    assert!(!sent_ids.is_empty(), "the simulator serves sent orders");
    assert_eq!(summary.counters.shipments_checked, sent_ids.len() as i64);
    for id in &sent_ids {
        let served = served_waybills(&app, id);
        assert!(!served.is_empty());
        assert_eq!(stored_waybills(&app, account, id), served, "order {id}");
    }

    // Nothing changed: no order is read again.
    let again = sync_once(&app, account, RunTrigger::Schedule).await;
    assert_eq!(again.counters.shipments_checked, 0);
}

#[tokio::test]
async fn an_order_sent_later_gets_its_shipments_on_the_next_run() {
    let app = spawn_app_with_orders(150).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    let truth = truth(&app);
    let (id, _) = truth
        .iter()
        .find(|(_, o)| !sent(o) && o["status"] == "READY_FOR_PROCESSING")
        .expect("an order not sent yet");
    assert!(stored_waybills(&app, account, id).is_empty());

    assert!(app.simulator.world().change_fulfillment(id, "SENT"));
    let summary = sync_once(&app, account, RunTrigger::Schedule).await;
    assert_eq!(summary.counters.shipments_checked, 1);
    assert_eq!(
        stored_waybills(&app, account, id),
        served_waybills(&app, id)
    );
}
