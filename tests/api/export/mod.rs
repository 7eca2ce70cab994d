//! `GET /orders/export` and `allegro-backup export`: what is exported equals the database.
//! The fixtures here; the tests by theme: the formats and filters, who may export what, large
//! exports, and the command line.

mod access;
mod cli;
mod details;
mod excel;
mod formats;
mod large;
mod sort;

use allegro_backup::{
    domain::{AccountId, Lang, Role},
    i18n,
};
use std::collections::HashMap;

use diesel::{
    PgConnection, RunQueryDsl, sql_query,
    sql_types::{BigInt, Integer, Jsonb, Text},
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

/// A CSV record as header → value.
pub(crate) type Row = HashMap<String, String>;

/// The CSV's records as header → value maps (the BOM checked and removed).
fn parse_csv(body: &[u8]) -> Vec<Row> {
    parse_csv_as(body, b',')
}

/// The CSV's records, fields separated by `delimiter`, as header → value maps (the BOM
/// checked and removed).
pub(crate) fn parse_csv_as(body: &[u8], delimiter: u8) -> Vec<Row> {
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM first");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(&body[3..]);
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

/// A plain CSV (without its BOM, which a body read as text has lost already): the header's
/// names and the records.
pub(crate) fn csv_table(body: &[u8]) -> (Vec<String>, Vec<csv::StringRecord>) {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut reader = csv::Reader::from_reader(body);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader.records().map(Result::unwrap).collect();
    (header, rows)
}

/// An excel-dialect CSV's records, keyed by column code (`*_utc` ones without the suffix: they
/// hold local times), after checking that the header names `columns` in `lang`.
fn parse_excel(body: &[u8], columns: &[&str], lang: Lang) -> Vec<Row> {
    let codes: Vec<&str> = columns
        .iter()
        .map(|c| c.strip_suffix("_utc").unwrap_or(c))
        .collect();
    let names: Vec<String> = codes
        .iter()
        .map(|code| i18n::translate(lang, &format!("export-column-{code}")))
        .collect();
    let rows = parse_csv_as(body, b';');
    let header = std::str::from_utf8(&body[3..])
        .unwrap()
        .split("\r\n")
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        header,
        names.join(";"),
        "the header names the columns in {lang:?}"
    );
    rows.into_iter()
        .map(|row| {
            codes
                .iter()
                .zip(&names)
                .map(|(code, name)| ((*code).to_owned(), row[name].clone()))
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

/// The first row of order `id`.
fn row<'a>(rows: &'a [Row], id: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["order_id"] == id)
        .unwrap_or_else(|| panic!("no row of order {id}"))
}

/// What [`add_delivery_details`] stores, as the CSVs show it to a user who may see it.
const DETAILS: [(&str, &str); 13] = [
    ("recipient_name", "Anna Nowak-Wiśniewska"),
    ("recipient_company", "Kwiaciarnia Łąka"),
    ("recipient_street", "Piotrkowska 104/2"),
    ("recipient_postcode", "90-926"),
    ("recipient_city", "Łódź"),
    ("recipient_country", "PL"),
    // A leading `+` starts a formula: neutralised like every other cell.
    ("recipient_phone", "'+48 600 100 200"),
    ("pickup_point_id", "POZ08A"),
    ("pickup_point_name", "Paczkomat POZ08A"),
    ("invoice_company", "Kowalex sp. z o.o."),
    ("invoice_tax_id", "7811234567"),
    // Two shipments in the order they were first seen; the removed one is left out.
    ("tracking_numbers", "620000000001, 0000123456789"),
    ("carriers", "INPOST, Poczta Polska"),
];

/// Gives order `checkout_form_id` a delivery address, a pickup point, an invoice company with
/// its tax id, a payment and an update time (as a sync stores them), and three shipments:
/// two listed (the later one inserted first) and one removed.
fn add_delivery_details(conn: &mut PgConnection, checkout_form_id: &str) {
    let delivery = serde_json::json!({
        "address": {
            "firstName": "Anna", "lastName": "Nowak-Wiśniewska",
            "companyName": "Kwiaciarnia Łąka", "street": "Piotrkowska 104/2",
            "zipCode": "90-926", "city": "Łódź", "countryCode": "PL",
            "phoneNumber": "+48 600 100 200"
        },
        "method": {"id": "inpost-24", "name": "Allegro Paczkomaty InPost"},
        "pickupPoint": {"id": "POZ08A", "name": "Paczkomat POZ08A",
                        "address": {"street": "Grunwaldzka 108", "city": "Poznań"}}
    });
    let invoice = serde_json::json!({
        "required": true,
        "address": {"street": "Rynek 1", "city": "Kraków", "zipCode": "31-001",
                    "countryCode": "PL",
                    "company": {"name": "Kowalex sp. z o.o.", "taxId": "7811234567",
                                "ids": [{"type": "PL_NIP", "value": "7811234567"}]}}
    });
    sql_query(
        "UPDATE orders SET raw = raw || jsonb_build_object('delivery', $2::jsonb, 'invoice', \
         $3::jsonb), pickup_point_id = 'POZ08A', invoice_required = true, \
         paid_amount = total_amount, payment_finished_at = '2026-11-01 10:05:00+00', \
         updated_at = '2026-11-05 12:34:56+00' WHERE checkout_form_id = $1",
    )
    .bind::<Text, _>(checkout_form_id)
    .bind::<Jsonb, _>(delivery)
    .bind::<Jsonb, _>(invoice)
    .execute(conn)
    .unwrap();
    sql_query(
        "INSERT INTO order_shipments (account_id, checkout_form_id, shipment_id, waybill, \
         carrier_id, carrier_name, raw, first_seen_at, removed_at) \
         SELECT o.account_id, o.checkout_form_id, s.id, s.waybill, s.carrier_id, s.carrier_name, \
                '{}', s.seen::timestamptz, s.removed::timestamptz \
         FROM orders o, (VALUES \
           ('s-2', '0000123456789', 'OTHER', 'Poczta Polska', '2026-11-03 08:00+00', NULL), \
           ('s-1', '620000000001', 'INPOST', NULL, '2026-11-02 08:00+00', NULL), \
           ('s-0', '999', 'DPD', NULL, '2026-11-01 08:00+00', '2026-11-04 08:00+00') \
         ) AS s(id, waybill, carrier_id, carrier_name, seen, removed) \
         WHERE o.checkout_form_id = $1",
    )
    .bind::<Text, _>(checkout_form_id)
    .execute(conn)
    .unwrap();
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

/// The secret key the command line runs with in these tests.
const SECRET_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

pub(crate) fn cli_export(app: &TestApp, args: &[&str]) -> std::process::Output {
    binary(&app.db.url, SECRET_KEY)
        .env_remove("LANG")
        .arg("export")
        .args(args)
        .output()
        .unwrap()
}
