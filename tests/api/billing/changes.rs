//! The changes feed and webhooks tell of an order's documents: fees and wallet operations stored
//! anew are one `order.documents_changed` change per order and resource per stored page, read
//! through the API with the resource named, and delivered to an endpoint that takes the event.

use std::collections::HashSet;

use allegro_backup::db::models::sync::RunTrigger;

use super::money_app;
use crate::{
    api_v1::admin_api,
    helpers::{TestApp, backup::sync_once},
    webhooks::{register, worker},
};

/// The checkout form ids `sql` selects (as `t`).
fn ids(app: &TestApp, sql: &str) -> HashSet<String> {
    crate::helpers::seed::texts(&mut app.db.connect(), sql)
        .into_iter()
        .collect()
}

fn changed_orders(app: &TestApp, resource: &str) -> HashSet<String> {
    ids(
        app,
        &format!(
            "SELECT o.checkout_form_id AS t FROM order_changes c JOIN orders o ON o.id = c.order_id \
             WHERE c.kind = 'order.documents_changed' AND c.resource = '{resource}'"
        ),
    )
}

fn documents_changes(app: &TestApp) -> i64 {
    app.count("SELECT count(*) AS n FROM order_changes WHERE kind = 'order.documents_changed'")
}

#[tokio::test]
async fn stored_fees_and_wallet_operations_are_changes_of_their_orders() {
    let app = money_app(60).await;
    let (endpoint, _) = register(
        &app,
        "http://127.0.0.1:9/documents",
        "order.documents_changed",
        None,
    );
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;

    let with_fees = ids(
        &app,
        "SELECT DISTINCT o.checkout_form_id AS t FROM billing_entries b JOIN orders o \
         ON o.account_id = b.account_id AND o.checkout_form_id = b.checkout_form_id",
    );
    assert!(with_fees.len() > 20, "{} orders with fees", with_fees.len());
    assert_eq!(changed_orders(&app, "billing-entries"), with_fees);
    let paid_through_wallet = ids(
        &app,
        "SELECT DISTINCT o.checkout_form_id AS t FROM payment_operations p JOIN orders o \
         ON o.account_id = p.account_id AND o.raw #>> '{payment,id}' = p.payment_id",
    );
    assert!(!paid_through_wallet.is_empty());
    assert_eq!(
        changed_orders(&app, "payment-operations"),
        paid_through_wallet
    );
    // At most one change per order and resource per stored page.
    let repeated = app.count(
        "SELECT count(*) AS n FROM (SELECT 1 FROM order_changes \
         WHERE kind = 'order.documents_changed' \
         GROUP BY order_id, resource, changed_at HAVING count(*) > 1) t",
    );
    assert_eq!(repeated, 0);

    // Through the API: the type, the order's checkout form id and the resource.
    let api = admin_api(&app).await;
    let page = api.ok("/api/v1/changes?after=0&limit=1000").await;
    let documents: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "order.documents_changed")
        .collect();
    assert!(!documents.is_empty());
    assert!(documents.iter().all(|c| {
        [
            "billing-entries",
            "payment-operations",
            "returns",
            "refunds",
            "refund-claims",
        ]
        .contains(&c["resource"].as_str().unwrap_or_default())
            && c["revision"].is_null()
    }));
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["type"] == "order.created")
            .all(|c| c.get("resource").is_none()),
        "an order's own changes name no resource"
    );

    // A run that reads nothing new records no change.
    let before = documents_changes(&app);
    let again = sync_once(&app, account, RunTrigger::Cli).await;
    if again.counters.billing_changed == 0 && again.counters.payment_operations_changed == 0 {
        assert_eq!(documents_changes(&app), before);
    }

    // An endpoint taking the event gets each change once, with the resource in its data.
    worker(&app).fan_out().await.unwrap();
    let delivered = app.count(&format!(
        "SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = {} \
         AND event_type = 'order.documents_changed' \
         AND body::jsonb -> 'data' ->> 'resource' IS NOT NULL",
        endpoint.id
    ));
    assert_eq!(delivered, documents_changes(&app));
}
