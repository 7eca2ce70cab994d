//! `GET /orders/export` and `allegro-backup export`: what is exported equals the database.
//! The fixtures here; the tests by theme: the formats and filters, who may export what, large
//! exports, and the command line.

mod access;
mod cli;
mod formats;
mod large;

use allegro_backup::domain::{AccountId, Role};
use std::collections::HashMap;

use diesel::{
    PgConnection, RunQueryDsl, sql_query,
    sql_types::{BigInt, Integer, Jsonb},
};
use reqwest::header;
use serde_json::Value;

use crate::helpers::{
    TestApp,
    process::binary,
    seed::{Seed, insert_account_with_orders},
    spawn_app,
};

const NASTY_FIRST: &str = "Zażółć \"gęślą\", jaźń";

const NASTY_LAST: &str = "Łęcka\nz Wąchocka; 'x'\r\n=SUM(A1)";

/// Two accounts: A with three orders (one with nasty text, one cancelled with two items,
/// one merged away), B with one.
fn seed(app: &TestApp) -> (AccountId, AccountId) {
    let mut conn = app.db.connect();
    let a = insert_account_with_orders(
        &mut conn,
        "sklep_a",
        &[
            Seed {
                id: "a-1",
                first_name: NASTY_FIRST,
                last_name: NASTY_LAST,
                email: "zofia@example.pl",
                total: "1234.50",
                items: &[("Kubek „Łódź”, 330 ml", 2, "617.25")],
                ..Seed::default()
            },
            Seed {
                id: "a-2",
                status: "CANCELLED",
                bought_at: "2026-11-02 23:30:00+00",
                total: "0.10",
                items: &[("Talerz", 1, "0.05"), ("Miska", 1, "0.05")],
                ..Seed::default()
            },
            Seed {
                id: "a-3",
                merged_into: Some("a-1"),
                ..Seed::default()
            },
        ],
    );
    let b = insert_account_with_orders(
        &mut conn,
        "sklep_b",
        &[Seed {
            id: "b-1",
            currency: "EUR",
            ..Seed::default()
        }],
    );
    (a, b)
}

async fn admin(app: &TestApp) -> reqwest::Client {
    app.signed_in_client("root@example.com", Role::Admin).await
}

/// An app holding [`seed`]'s orders, and a signed-in admin.
async fn seeded() -> (TestApp, reqwest::Client) {
    let app = spawn_app().await;
    seed(&app);
    let client = admin(&app).await;
    (app, client)
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

/// The CSV export of `query` as `client` gets it, parsed.
async fn export_csv(
    app: &TestApp,
    client: &reqwest::Client,
    query: &str,
) -> Vec<HashMap<String, String>> {
    parse_csv(&export(app, client, query).await.bytes().await.unwrap())
}

/// The body of the export of `query` as `client` gets it.
async fn export_text(app: &TestApp, client: &reqwest::Client, query: &str) -> String {
    export(app, client, query).await.text().await.unwrap()
}

/// The answer's `Content-Disposition`.
fn disposition(response: &reqwest::Response) -> String {
    response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned()
}

/// Inserts `n` orders `o-1` … `o-n` of `account`, bought a minute apart, with the status and
/// raw JSON the SQL expressions give for `g` (1 to `n`).
fn insert_generated_orders(
    conn: &mut PgConnection,
    account: AccountId,
    n: i32,
    status_sql: &str,
    raw_sql: &str,
) {
    sql_query(format!(
        "INSERT INTO orders (account_id, checkout_form_id, status, buyer_id, content_hash, raw, \
         bought_at, total_amount, currency) \
         SELECT $1, 'o-' || g, {status_sql}, 'b', 'h', {raw_sql}, \
                now() - g * interval '1 minute', g, 'PLN' \
         FROM generate_series(1, $2) g"
    ))
    .bind::<BigInt, _>(account)
    .bind::<Integer, _>(n)
    .execute(conn)
    .unwrap();
}

fn ids(rows: &[HashMap<String, String>]) -> Vec<&str> {
    rows.iter().map(|r| r["order_id"].as_str()).collect()
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

fn cli_export(app: &TestApp, args: &[&str]) -> std::process::Output {
    binary(
        &app.db.url,
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
    )
    .arg("export")
    .args(args)
    .output()
    .unwrap()
}
