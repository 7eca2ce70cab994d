//! `allegro-backup export --format ndjson --resource returns|refunds|billing-entries`: each
//! document as Allegro sent it, one per line, filtered by account and day, recorded in the
//! audit log; an unknown resource, or another format, is refused with a message.

use std::collections::HashMap;

use allegro_backup::db::models::sync::RunTrigger;
use chrono::{DateTime, NaiveDate};
use chrono_tz::Europe::Warsaw;
use serde_json::Value;

use super::{FEES, money_app};
use crate::{
    export::{cli_export, csv_table},
    helpers::{TestApp, backup::sync_once, seed::count, versioned::Resource},
};

/// The Warsaw day a fee was booked on.
fn booked_day(fee: &Value) -> NaiveDate {
    DateTime::parse_from_rfc3339(fee["occurredAt"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Warsaw)
        .date_naive()
}

fn exported(app: &TestApp, args: &[&str]) -> HashMap<String, Value> {
    let output = cli_export(app, args);
    assert!(output.status.success(), "{output:?}");
    let body = String::from_utf8(output.stdout).unwrap();
    body.lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|doc| (doc["id"].as_str().unwrap().to_owned(), doc))
        .collect()
}

#[tokio::test]
async fn each_resource_exports_its_documents_as_allegro_sent_them() {
    let app = money_app(300).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    let fees = exported(
        &app,
        &["--format", "ndjson", "--resource", "billing-entries"],
    );
    assert_eq!(fees, FEES.truth(&app));
    let refunds = Resource {
        served: |world| world.refunds(0),
        ..FEES
    };
    let refunds_out = exported(&app, &["--format", "ndjson", "--resource", "refunds"]);
    assert_eq!(refunds_out, refunds.truth(&app));
    let returns = Resource {
        served: |world| world.customer_returns(0),
        ..FEES
    };
    let returns_out = exported(&app, &["--format", "ndjson", "--resource", "returns"]);
    assert_eq!(returns_out, returns.truth(&app));

    // One account's, and only what happened since a day.
    let login = app.simulator.world().sellers()[0].login.clone();
    let mine = exported(
        &app,
        &[
            "--format",
            "ndjson",
            "--resource",
            "billing-entries",
            "--account",
            &login,
        ],
    );
    assert_eq!(mine.len(), fees.len());
    // `--since` is a day of the display zone (Warsaw): a fee booked at 23:30 UTC is on the
    // next day there.
    let newest = fees.values().map(booked_day).max().unwrap();
    let recent = exported(
        &app,
        &[
            "--format",
            "ndjson",
            "--resource",
            "billing-entries",
            "--since",
            &newest.to_string(),
        ],
    );
    assert!(!recent.is_empty() && recent.len() < fees.len());
    assert!(recent.values().all(|f| booked_day(f) >= newest));
    let audited = count(
        &mut app.db.connect(),
        "SELECT count(*) AS n FROM audit_log WHERE action = 'documents_exported'",
    );
    assert_eq!(audited, 5);
}

#[tokio::test]
async fn what_is_not_a_resource_or_format_is_refused_with_a_message() {
    let app = money_app(20).await;
    for (args, says) in [
        (
            vec!["--format", "csv-items", "--resource", "refunds"],
            "or csv (a row each)",
        ),
        (
            vec!["--format", "ndjson", "--resource", "fees"],
            "billing-entries",
        ),
        (
            vec![
                "--format",
                "ndjson",
                "--resource",
                "returns",
                "--account",
                "nobody",
            ],
            "no account with login nobody",
        ),
        (
            vec![
                "--format",
                "ndjson",
                "--resource",
                "returns",
                "--since",
                "soon",
            ],
            "--since",
        ),
    ] {
        let output = cli_export(&app, &args);
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[tokio::test]
async fn the_dashboard_exports_the_documents_of_the_accounts_a_user_may_see() {
    let app = money_app(120).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    app.sign_in("admin@example.com", allegro_backup::domain::Role::Admin)
        .await;
    let (_, fees_page) = app.get_html_in(&app.client, "/fees", "en").await;
    let link =
        crate::helpers::select_attr(&fees_page, ".export-documents.export-ndjson", "href").unwrap();
    assert!(
        link.starts_with("/export?resource=billing-entries&format=ndjson"),
        "{link}"
    );

    let response = app
        .get(&format!(
            "/export?resource=billing-entries&format=ndjson&account={account}"
        ))
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("allegro-billing-entries-"),
        "{disposition}"
    );
    let body = response.text().await.unwrap();
    let fees: HashMap<String, Value> = body
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .map(|doc| (doc["id"].as_str().unwrap().to_owned(), doc))
        .collect();
    assert_eq!(fees, FEES.truth(&app), "every fee, as Allegro sent it");
    let audited = count(
        &mut app.db.connect(),
        "SELECT count(*) AS n FROM audit_log WHERE action = 'documents_exported' \
         AND details->>'documents' IS NOT NULL",
    );
    assert_eq!(audited, 1);

    // The orders are the orders export; the rest is refused with a message.
    let orders = app.get("/export?resource=orders&format=csv").await;
    assert_eq!(orders.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(
        orders.headers()["location"].to_str().unwrap(),
        "/orders/export?format=csv"
    );
    for (query, says) in [
        ("resource=refunds&format=xml", "not as “xml”"),
        ("resource=refunds&format=csv&dialect=xls", "xls"),
        ("resource=fees&format=ndjson", "Unknown resource: fees"),
        (
            "resource=refunds&format=ndjson&since=yesterday",
            "yesterday",
        ),
    ] {
        let response = app.get(&format!("/export?{query}")).await;
        assert_eq!(
            response.status(),
            reqwest::StatusCode::BAD_REQUEST,
            "{query}"
        );
        assert!(response.text().await.unwrap().contains(says), "{query}");
    }

    // Documents as sent hold personal data throughout: not for a user who must not see it.
    let masked = app.masked_viewer("masked@example.com").await;
    let (_, page) = app.get_html_in(&masked, "/fees", "en").await;
    assert!(crate::helpers::select_attr(&page, ".export-ndjson", "href").is_none());
    assert!(crate::helpers::select_attr(&page, ".export-documents.export-csv", "href").is_some());
    let refused = app
        .get_with(&masked, "/export?resource=returns&format=ndjson")
        .await;
    assert_eq!(refused.status(), reqwest::StatusCode::FORBIDDEN);
}

/// The CSV of a resource: a row per document in either dialect, the buyer's data masked for a
/// user who must not see it, from the dashboard and the command line alike.
#[tokio::test]
async fn documents_export_as_csv_a_row_each_in_both_dialects() {
    use crate::export::parse_csv_as;
    let app = money_app(150).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    app.sign_in("admin@example.com", allegro_backup::domain::Role::Admin)
        .await;
    let (_, fees_page) = app.get_html_in(&app.client, "/fees", "pl").await;
    let excel_link = crate::helpers::select_attr(&fees_page, ".export-csv", "href").unwrap();
    assert!(
        excel_link.starts_with("/export?resource=billing-entries&format=csv&dialect=excel"),
        "{excel_link}"
    );

    // Plain: a row per fee, its amount as Allegro wrote it.
    let plain = app.get("/export?resource=billing-entries&format=csv").await;
    assert_eq!(plain.status(), reqwest::StatusCode::OK);
    assert!(
        plain.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let rows = parse_csv_as(&plain.bytes().await.unwrap(), b',');
    let truth = FEES.truth(&app);
    assert_eq!(rows.len(), truth.len(), "a row per fee");
    for row in &rows {
        let fee = &truth[&row["entry_id"]];
        assert_eq!(row["amount"], fee["value"]["amount"].as_str().unwrap());
        assert_eq!(row["currency"], fee["value"]["currency"].as_str().unwrap());
        assert_eq!(row["fee_type"], fee["type"]["id"].as_str().unwrap());
        assert_eq!(
            row["order_id"],
            fee["order"]["id"].as_str().unwrap_or_default()
        );
        let at = chrono::DateTime::parse_from_rfc3339(&row["occurred_at_utc"]).unwrap();
        let sent = chrono::DateTime::parse_from_rfc3339(fee["occurredAt"].as_str().unwrap());
        assert_eq!(at, sent.unwrap());
    }

    // Excel, in Polish: semicolons, decimal commas, local minutes.
    let excel = app
        .client
        .get(app.url("/export?resource=billing-entries&format=csv&dialect=excel"))
        .header("Accept-Language", "pl")
        .send()
        .await
        .unwrap();
    let excel = parse_csv_as(&excel.bytes().await.unwrap(), b';');
    assert_eq!(excel.len(), truth.len());
    let first = &excel[0];
    assert!(first["Kwota"].contains(','), "{first:?}");
    assert!(!first["Kwota"].contains('.'), "{first:?}");
    assert_eq!(first["Data"].len(), "2026-11-03 00:30".len(), "{first:?}");

    // The buyer's login is masked for a user who must not see personal data.
    let returns_csv = |client| {
        let app = &app;
        async move {
            let response = app
                .get_with(client, "/export?resource=returns&format=csv")
                .await;
            assert_eq!(response.status(), reqwest::StatusCode::OK);
            parse_csv_as(&response.bytes().await.unwrap(), b',')
        }
    };
    let seen = returns_csv(&app.client).await;
    assert!(!seen.is_empty(), "the world has returns");
    let masked = app.masked_viewer("masked@example.com").await;
    let hidden = returns_csv(&masked).await;
    assert_eq!(hidden.len(), seen.len());
    for (plain, masked) in seen.iter().zip(&hidden) {
        assert_eq!(plain["return_id"], masked["return_id"]);
        assert!(!plain["buyer_login"].is_empty());
        assert_ne!(plain["buyer_login"], masked["buyer_login"], "masked");
        assert!(masked["buyer_login"].contains('*'), "{masked:?}");
    }

    // The command line writes the same rows.
    let output = cli_export(&app, &["--format", "csv", "--resource", "billing-entries"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(parse_csv_as(&output.stdout, b','), rows);
}

/// The cents of a decimal amount as the plain dialect writes it (`-12.30`).
fn cents(amount: &str) -> i64 {
    allegro_backup::domain::signed_cents(amount) as i64
}

#[tokio::test]
async fn the_accounting_csv_sums_each_orders_money_per_currency_and_lists_fees_of_no_order() {
    use chrono::DateTime;
    let app = money_app(200).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    let orders = app.simulator.world().orders(0);
    let bought = |o: &Value| {
        DateTime::parse_from_rfc3339(o["lineItems"][0]["boughtAt"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono_tz::Europe::Warsaw)
    };
    // The month most orders were bought in.
    let mut months: HashMap<String, usize> = HashMap::new();
    for order in &orders {
        *months
            .entry(bought(order).format("%Y-%m").to_string())
            .or_default() += 1;
    }
    let month = months.into_iter().max_by_key(|(_, n)| *n).unwrap().0;
    let in_month: std::collections::HashSet<String> = orders
        .iter()
        .filter(|o| bought(o).format("%Y-%m").to_string() == month)
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    let fees = FEES.truth(&app);
    app.sign_in("admin@example.com", allegro_backup::domain::Role::Admin)
        .await;

    let response = app
        .get(&format!("/export/accounting?month={month}&dialect=plain"))
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let body = response.bytes().await.unwrap();
    let (header, rows) = csv_table(&body);
    assert_eq!(
        header,
        allegro_backup::orders::export::accounting::ACCOUNTING_COLUMNS
    );
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (kind, order, currency, fees_col, net) = (
        at("row_kind"),
        at("order_id"),
        at("currency"),
        at("fees"),
        at("net"),
    );
    let order_rows: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[kind] == "order").collect();
    assert!(order_rows.len() > 10, "{} order rows", order_rows.len());
    for row in &order_rows {
        assert!(
            in_month.contains(&row[order]),
            "{} bought in {month}",
            &row[order]
        );
        for name in ["paid", "fees", "commission_refunded", "refunds", "net"] {
            let amount = &row[at(name)];
            let decimals = amount.split_once('.').map(|(_, d)| d.len());
            assert_eq!(decimals, Some(2), "{name} {amount:?} of {}", &row[order]);
        }
        let sum: i64 = ["paid", "fees", "commission_refunded", "refunds"]
            .map(|name| cents(&row[at(name)]))
            .iter()
            .sum();
        assert_eq!(cents(&row[net]), sum, "net is the row's sum");
        let charged: i64 = fees
            .values()
            .filter(|f| f["order"]["id"] == row[order] && f["type"]["id"] != "REF")
            .filter(|f| f["value"]["currency"] == row[currency])
            .map(|f| cents(f["value"]["amount"].as_str().unwrap()))
            .sum();
        assert_eq!(cents(&row[fees_col]), charged, "fees of {}", &row[order]);
    }
    let of_no_order: i64 = rows
        .iter()
        .filter(|r| &r[kind] == "fees_without_order")
        .map(|r| cents(&r[fees_col]))
        .sum();
    let expected: i64 = fees
        .values()
        .filter(|f| f["order"].is_null())
        .filter(|f| {
            let at = DateTime::parse_from_rfc3339(f["occurredAt"].as_str().unwrap()).unwrap();
            at.with_timezone(&chrono_tz::Europe::Warsaw)
                .format("%Y-%m")
                .to_string()
                == month
        })
        .map(|f| cents(f["value"]["amount"].as_str().unwrap()))
        .sum();
    assert_eq!(
        of_no_order, expected,
        "fees of no order booked in the month"
    );

    // For a Polish Excel: BOM, `;`, decimal commas, headers in Polish.
    let excel = app
        .get_with(
            &app.client,
            &format!("/export/accounting?month={month}&dialect=excel"),
        )
        .await
        .bytes()
        .await
        .unwrap();
    assert!(excel.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(excel[3..].to_vec()).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("Account;Row;Order ID"), "{first}");
    let line = text.lines().nth(1).unwrap();
    assert!(line.split(';').nth(7).unwrap().contains(','), "{line}");

    for (query, status) in [
        ("month=2026-13", reqwest::StatusCode::BAD_REQUEST),
        ("month=soon", reqwest::StatusCode::BAD_REQUEST),
        ("dialect=word", reqwest::StatusCode::BAD_REQUEST),
        ("account=999999", reqwest::StatusCode::NOT_FOUND),
    ] {
        let response = app.get(&format!("/export/accounting?{query}")).await;
        assert_eq!(response.status(), status, "{query}");
    }
}
