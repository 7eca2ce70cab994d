//! What becomes a delivery: each order change once per endpoint that takes it (its events,
//! its account), `account.needs_reauth` and `sync.failed` in the transaction that records them.

use allegro_backup::{
    config::WebhookConfig,
    db::models::{
        account::AccountRow,
        order,
        sync::{RunKind, RunTrigger, SyncRun},
    },
    domain::RunReport,
};
use diesel::{Connection, RunQueryDsl};

use super::{ALL_EVENTS, register};
use crate::{
    helpers::{TestApp, spawn_app_with},
    storage::{create_account, form, new_orders},
};

fn deliveries(app: &TestApp, endpoint: allegro_backup::domain::WebhookId, kind: &str) -> i64 {
    app.count(&format!(
        "SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = {endpoint} \
         AND event_type = '{kind}'"
    ))
}

#[tokio::test]
async fn each_endpoint_gets_its_events_of_its_accounts_once() {
    // Nothing is sent here: the workers would only fail against port 9.
    let app = spawn_app_with(|c| {
        c.webhooks = WebhookConfig {
            poll_interval: std::time::Duration::from_secs(3600),
            ..c.webhooks
        }
    })
    .await;
    let mut conn = app.db.connect();
    let (a, b) = (
        create_account(&mut conn, "81"),
        create_account(&mut conn, "82"),
    );
    let (only_a, _) = register(&app, "http://127.0.0.1:9/a", ALL_EVENTS, Some("seller_81"));
    let (created, _) = register(&app, "http://127.0.0.1:9/all", "order.created", None);
    conn.transaction(|c| order::upsert_orders(c, a, &new_orders(0..2)))
        .unwrap();
    conn.transaction(|c| order::upsert_orders(c, b, &new_orders(2..5)))
        .unwrap();
    let revised = [allegro_backup::sync::map::new_order(&form(0, "aaaa0002"))];
    conn.transaction(|c| order::upsert_orders(c, a, &revised))
        .unwrap();

    let worker = super::worker(&app);
    // Twice (a second replica, a restart; the app's own worker may run too): nothing twice.
    worker.fan_out().await.unwrap();
    assert_eq!(worker.fan_out().await.unwrap(), 0);
    assert_eq!(deliveries(&app, only_a.id, "order.created"), 2);
    assert_eq!(deliveries(&app, only_a.id, "order.updated"), 1);
    assert_eq!(deliveries(&app, created.id, "order.created"), 5);
    assert_eq!(deliveries(&app, created.id, "order.updated"), 0);

    // Losing the authorisation is told once, to the endpoints that take it.
    AccountRow::mark_needs_reauth(&mut conn, a, "refresh refused").unwrap();
    AccountRow::mark_needs_reauth(&mut conn, a, "refresh refused").unwrap();
    AccountRow::mark_needs_reauth(&mut conn, b, "refresh refused").unwrap();
    assert_eq!(deliveries(&app, only_a.id, "account.needs_reauth"), 1);
    assert_eq!(deliveries(&app, created.id, "account.needs_reauth"), 0);

    // A failed run of account b is not a's; a's failed run is; a succeeded one is nothing.
    for (account, status) in [(b, "failed"), (a, "failed"), (a, "succeeded")] {
        let run =
            SyncRun::start(&mut conn, account, RunKind::Incremental, RunTrigger::Cli).unwrap();
        SyncRun::finish(
            &mut conn,
            run.id,
            status,
            Some("Allegro answered 500"),
            &RunReport::default(),
        )
        .unwrap();
    }
    assert_eq!(deliveries(&app, only_a.id, "sync.failed"), 1);
    let body = app.count(&format!(
        "SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = {} \
         AND event_type = 'sync.failed' AND body::jsonb -> 'data' ->> 'account_login' = 'seller_81' \
         AND body::jsonb -> 'data' ->> 'reason' = 'Allegro answered 500'",
        only_a.id
    ));
    assert_eq!(body, 1);

    // Rolled back with the write it reports, the delivery is gone too.
    let rolled_back: Result<(), diesel::result::Error> = conn.transaction(|c| {
        let run = SyncRun::start(c, a, RunKind::Incremental, RunTrigger::Cli)?;
        SyncRun::finish(c, run.id, "failed", None, &RunReport::default())?;
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert!(rolled_back.is_err());
    assert_eq!(deliveries(&app, only_a.id, "sync.failed"), 1);
}

#[tokio::test]
async fn finished_deliveries_are_kept_thirty_days_and_pending_ones_until_sent() {
    let app =
        spawn_app_with(|c| c.webhooks.poll_interval = std::time::Duration::from_secs(3600)).await;
    let (row, _) = register(&app, "http://127.0.0.1:9/h", ALL_EVENTS, None);
    let mut conn = app.db.connect();
    for _ in 0..3 {
        allegro_backup::db::models::webhook_delivery::enqueue_test(&mut conn, row.id).unwrap();
    }
    diesel::sql_query(
        "UPDATE webhook_deliveries SET queued_at = now() - interval '31 days', \
         status = CASE id % 3 WHEN 0 THEN 'delivered' WHEN 1 THEN 'failed' ELSE 'pending' END",
    )
    .execute(&mut conn)
    .unwrap();
    let worker = super::worker(&app);
    assert_eq!(worker.prune().await.unwrap(), 2);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending'"),
        1
    );
}
