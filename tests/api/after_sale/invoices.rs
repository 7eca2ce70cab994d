//! The invoices step of a backup: every invoice of every paid order once, each version (a
//! file uploaded later, Allegro's check decided) kept; the order page's part; the export of
//! each invoice with its order's id.

use std::collections::HashSet;

use allegro_backup::{db::models::sync::RunTrigger, sync::SyncMode};
use chrono::Utc;
use serde_json::{Value, json};

use super::INVOICES;
use crate::{
    export::cli_export,
    helpers::{
        backup::{options_with_invoices, sync_with},
        select_text,
        versioned::{Seen, spawn_app_with_returns},
    },
};

#[tokio::test]
async fn a_backup_keeps_every_invoice_once_with_each_version_and_shows_it() {
    let app = spawn_app_with_returns(200, 5, Utc::now()).await;
    let account = app.link_account(0).await;
    let options = options_with_invoices();
    let sync = || sync_with(&app, account, RunTrigger::Cli, SyncMode::Auto, &options);
    let first = sync().await.unwrap();
    let at_first = INVOICES.truth(&app);
    assert!(at_first.len() >= 10, "{} invoices", at_first.len());
    INVOICES.assert_stored_equals_truth(&app, account);
    assert_eq!(first.counters.invoices_changed, at_first.len() as i64);

    // Days on: new orders are invoiced, files are uploaded, checks decided.
    let mut seen = Seen::default();
    seen.remember(&at_first);
    let world = app.simulator.world();
    for _ in 0..40 {
        let id = world.create_order(0);
        assert!(world.edit_order(&id, |o| o["invoice"]["required"] = json!(true)));
        assert!(world.pay(&id));
    }
    // Six days by half days: invoices are made within days of the payment, some PDFs come
    // later, and each is checked within hours.
    for _ in 0..12 {
        world.advance(chrono::Duration::hours(12));
        sync().await.unwrap();
        seen.remember(&INVOICES.truth(&app));
        INVOICES.assert_stored_equals_truth(&app, account);
    }
    assert!(INVOICES.truth(&app).len() > at_first.len(), "new invoices");
    INVOICES.assert_versions_kept(&app, &seen);
    assert!(seen.moved() > 0, "an invoice changed (file, check)");
    INVOICES.assert_no_duplicates(&mut app.db.connect());

    // The order page lists the invoice by its number.
    let (order, invoice) = world
        .invoices(0)
        .into_iter()
        .find(|(_, i)| i["invoiceNumber"].is_string())
        .unwrap();
    app.sign_in("admin@example.com", allegro_backup::domain::Role::Admin)
        .await;
    for (lang, heading) in [("pl", "Faktury"), ("en", "Invoices")] {
        let (status, page) = app
            .get_html_in(&app.client, &format!("/orders/{order}"), lang)
            .await;
        assert_eq!(status, reqwest::StatusCode::OK);
        assert_eq!(select_text(&page, "#invoices-h"), [heading]);
        let id = invoice["id"].as_str().unwrap();
        assert_eq!(
            select_text(&page, &format!("#invoice-{id} .od-invoice-number")),
            [invoice["invoiceNumber"].as_str().unwrap()]
        );
    }

    // The export: each invoice with the id of its order, as Allegro sent it.
    let output = cli_export(&app, &["--format", "ndjson", "--resource", "invoices"]);
    assert!(output.status.success(), "{output:?}");
    let exported: HashSet<(String, String)> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|l| {
            (
                l["checkoutFormId"].as_str().unwrap().to_owned(),
                l["invoice"].to_string(),
            )
        })
        .collect();
    let truth: HashSet<(String, String)> = world
        .invoices(0)
        .into_iter()
        .map(|(order, invoice)| (order, invoice.to_string()))
        .collect();
    assert_eq!(exported, truth);
}

/// `GET /api/v1/orders/{id}/money`: every record of the order the backup holds, as sent.
#[tokio::test]
async fn the_api_gives_each_orders_money_and_after_sale_records_as_sent() {
    let app = spawn_app_with_returns(300, 30, Utc::now()).await;
    let account = app.link_account(0).await;
    sync_with(
        &app,
        account,
        RunTrigger::Cli,
        SyncMode::Auto,
        &options_with_invoices(),
    )
    .await
    .unwrap();
    let world = app.simulator.world();
    let api = crate::api_v1::admin_api(&app).await;
    let by_order = |list: Vec<Value>, pointer: &str, order: &str| -> HashSet<String> {
        list.into_iter()
            .filter(|d| d.pointer(pointer).and_then(Value::as_str) == Some(order))
            .map(|d| d.to_string())
            .collect()
    };
    let documents = |body: &Value, key: &str| -> HashSet<String> {
        body[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["document"].to_string())
            .collect()
    };
    let returned = world.customer_returns(0);
    let order = returned[0]["orderId"].as_str().unwrap().to_owned();
    let body = api.ok(&format!("/api/v1/orders/{order}/money")).await;
    assert_eq!(
        documents(&body, "returns"),
        by_order(returned, "/orderId", &order)
    );
    assert_eq!(
        documents(&body, "refunds"),
        by_order(world.refunds(0), "/order/id", &order)
    );
    let fees = documents(&body, "billing_entries");
    assert!(!fees.is_empty(), "the order's fees");
    assert_eq!(
        fees,
        by_order(world.billing_entries(0), "/order/id", &order)
    );
    let invoiced = world.invoices(0);
    let (order, _) = invoiced.first().unwrap();
    let body = api.ok(&format!("/api/v1/orders/{order}/money")).await;
    let expected: HashSet<String> = invoiced
        .iter()
        .filter(|(o, _)| o == order)
        .map(|(_, i)| i.to_string())
        .collect();
    assert_eq!(documents(&body, "invoices"), expected);
    assert!(
        !body["payment_operations"].as_array().unwrap().is_empty(),
        "{body}"
    );
}

/// Invoices follow the payment, not the purchase: an order paid months after it was bought is
/// read again until its invoice has come (read right after the payment, it had none yet).
#[tokio::test]
async fn an_order_paid_months_after_its_purchase_has_its_invoice_backed_up() {
    let app = spawn_app_with_returns(300, 5, Utc::now()).await;
    let account = app.link_account(0).await;
    let world = app.simulator.world();
    let long_ago = world.now() - chrono::Duration::days(90);
    let unpaid: Vec<String> = world
        .orders(0)
        .into_iter()
        .filter(|o| ["BOUGHT", "FILLED_IN"].contains(&o["status"].as_str().unwrap()))
        .filter(|o| {
            let bought = o["lineItems"][0]["boughtAt"].as_str().unwrap();
            bought.parse::<chrono::DateTime<Utc>>().unwrap() < long_ago
        })
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .take(10)
        .collect();
    assert!(unpaid.len() >= 3, "{} old unpaid orders", unpaid.len());
    let options = options_with_invoices();
    let sync = || sync_with(&app, account, RunTrigger::Cli, SyncMode::Auto, &options);
    for id in &unpaid {
        assert!(world.edit_order(id, |o| o["invoice"]["required"] = json!(true)));
        assert!(world.pay(id));
    }
    // Read at once: no invoice yet.
    sync().await.unwrap();
    let of_paid = |truth: Vec<(String, Value)>| {
        truth
            .into_iter()
            .filter(|(order, _)| unpaid.contains(order))
            .count()
    };
    assert_eq!(of_paid(world.invoices(0)), 0, "invoices come hours later");
    INVOICES.assert_stored_equals_truth(&app, account);

    world.advance(chrono::Duration::days(5));
    sync().await.unwrap();
    assert!(
        of_paid(world.invoices(0)) > 0,
        "the paid orders were invoiced"
    );
    INVOICES.assert_stored_equals_truth(&app, account);
}
