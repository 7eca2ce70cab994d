//! The excel dialect (`dialect=excel`): what a Polish Excel opens in columns, numbers as
//! numbers: `;`, decimal commas, times of the display zone, a BOM and CRLF line ends. The plain
//! dialect stays the default, byte for byte.

use allegro_backup::{
    domain::Lang,
    orders::export::{ITEM_COLUMNS, ORDER_COLUMNS},
};
use diesel::{RunQueryDsl, sql_query, sql_types::Jsonb};
use reqwest::StatusCode;
use serde_json::Value;

use super::{
    DETAILS, NASTY_FIRST, NASTY_LAST, Row, add_delivery_details, disposition, export, ids,
    parse_excel, row, seeded,
};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The excel export of `query` as the admin gets it: BOM first, the header `columns`, CRLF
/// line ends; parsed with `;`.
async fn excel_rows(
    app: &crate::helpers::TestApp,
    client: &reqwest::Client,
    query: &str,
    columns: &[&str],
) -> Vec<Row> {
    let response = export(app, client, query).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    let disposition = disposition(&response);
    assert!(
        disposition.contains("-excel-") && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let body = response.bytes().await.unwrap();
    assert!(body.starts_with(BOM), "UTF-8 BOM first");
    let text = std::str::from_utf8(&body[3..]).unwrap();
    assert!(text.contains("\r\n"), "a CRLF after the header");
    assert!(text.ends_with("\r\n"), "the last line ends with CRLF");
    parse_excel(&body, columns, Lang::En)
}

/// No cell is an ISO-8601 time: every time is local `yyyy-mm-dd HH:MM`.
fn assert_no_iso_times(rows: &[Row]) {
    for row in rows {
        for (column, value) in row {
            assert!(
                chrono::DateTime::parse_from_rfc3339(value).is_err(),
                "{column}: {value}"
            );
        }
    }
}

#[tokio::test]
async fn an_excel_csv_has_semicolons_decimal_commas_local_times_a_bom_and_crlf() {
    let (app, client) = seeded().await;
    add_delivery_details(&mut app.db.connect(), "a-1");
    let rows = excel_rows(&app, &client, "format=csv&dialect=excel", &ORDER_COLUMNS).await;
    assert_eq!(ids(&rows), ["a-2", "b-1", "a-1"]);
    let a1 = row(&rows, "a-1");
    assert_eq!(a1["total_amount"], "1234,50");
    assert_eq!(a1["paid_amount"], "1234,50");
    assert_eq!(a1["bought_at"], "2026-11-01 11:00");
    assert_eq!(a1["bought_at_local"], "2026-11-01 11:00");
    assert_eq!(a1["updated_at"], "2026-11-05 13:34");
    assert_eq!(a1["payment_finished_at"], "2026-11-01 11:05");
    assert_eq!(a1["buyer_first_name"], NASTY_FIRST);
    assert_eq!(a1["buyer_last_name"], NASTY_LAST);
    assert_eq!(a1["buyer_guest"], "no");
    assert_eq!(a1["invoice_required"], "yes");
    for (column, value) in DETAILS {
        assert_eq!(a1[column], value, "{column}");
    }
    let a2 = row(&rows, "a-2");
    assert_eq!(a2["total_amount"], "0,10");
    assert_eq!(a2["bought_at"], "2026-11-03 00:30");
    assert_eq!(row(&rows, "b-1")["currency"], "EUR");
    assert_no_iso_times(&rows);

    // Without a line break typed into a cell, every line ends with CRLF.
    let body = export(&app, &client, "format=csv&dialect=excel&status=CANCELLED")
        .await
        .bytes()
        .await
        .unwrap();
    let text = std::str::from_utf8(&body[3..]).unwrap();
    assert_eq!(text.matches("\r\n").count(), 2, "{text:?}");
    assert!(!text.replace("\r\n", "").contains(['\n', '\r']), "{text:?}");

    #[derive(diesel::QueryableByName)]
    struct Details {
        #[diesel(sql_type = Jsonb)]
        details: Value,
    }
    let audited: Vec<Details> = sql_query(
        "SELECT details FROM audit_log WHERE action = 'orders_exported' ORDER BY id LIMIT 1",
    )
    .load(&mut app.db.connect())
    .unwrap();
    assert_eq!(audited[0].details["format"], "csv");
    assert_eq!(audited[0].details["dialect"], "excel");
    assert_eq!(audited[0].details["sort"], "bought_desc");
}

#[tokio::test]
async fn an_excel_items_csv_has_decimal_commas_and_local_times_too() {
    let (app, client) = seeded().await;
    add_delivery_details(&mut app.db.connect(), "a-1");
    let query = "format=csv-items&dialect=excel&account=sklep_a";
    let rows = excel_rows(&app, &client, query, &ITEM_COLUMNS).await;
    assert_eq!(ids(&rows), ["a-2", "a-2", "a-1"]);
    let kubek = row(&rows, "a-1");
    assert_eq!(kubek["offer_name"], "Kubek „Łódź”, 330 ml");
    assert_eq!(kubek["price"], "617,25");
    assert_eq!(kubek["order_total_amount"], "1234,50");
    assert_eq!(kubek["bought_at"], "2026-11-01 11:00");
    for (column, value) in DETAILS {
        assert_eq!(kubek[column], value, "{column}");
    }
    assert_eq!(rows[0]["price"], "0,05");
    assert_eq!(rows[0]["bought_at"], "2026-11-03 00:30");
    assert_no_iso_times(&rows);
}

#[tokio::test]
async fn the_plain_dialect_is_the_default_and_unchanged() {
    let (app, client) = seeded().await;
    for format in ["csv", "csv-items"] {
        let default = export(&app, &client, &format!("format={format}")).await;
        let default = default.bytes().await.unwrap();
        let plain = export(&app, &client, &format!("format={format}&dialect=plain")).await;
        assert!(!disposition(&plain).contains("excel"));
        assert_eq!(plain.bytes().await.unwrap(), default, "{format}");
        let text = std::str::from_utf8(&default[3..]).unwrap();
        assert!(text.starts_with("order_id,account,status,"), "{format}");
        assert!(text.contains("_utc,"), "{format}");
        assert!(text.contains("1234.50"), "{format}");
    }
}

#[tokio::test]
async fn excel_is_refused_for_ndjson_and_nothing_is_audited() {
    let (app, client) = seeded().await;
    let response = export(&app, &client, "format=ndjson&dialect=excel").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("CSV dialect (dialect): only the CSV exports have a dialect"),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'orders_exported'"),
        0
    );
}

#[tokio::test]
async fn an_excel_csv_names_its_columns_in_the_users_language() {
    let (app, client) = seeded().await;
    let polish = |query: &str| {
        client
            .get(app.url(&format!("/orders/export?{query}")))
            .header(reqwest::header::ACCEPT_LANGUAGE, "pl-PL,pl;q=0.9,en;q=0.5")
            .send()
    };
    let body = polish("format=csv&dialect=excel").await.unwrap();
    assert_eq!(body.status(), StatusCode::OK);
    let body = body.bytes().await.unwrap();
    let text = std::str::from_utf8(&body[3..]).unwrap();
    assert!(
        text.starts_with("Numer zamówienia;Konto;Status;Status realizacji;Data zakupu;"),
        "{text}"
    );
    let rows = parse_excel(&body, &ORDER_COLUMNS, Lang::Pl);
    assert_eq!(row(&rows, "a-1")["buyer_guest"], "nie");
    assert_eq!(row(&rows, "a-1")["total_amount"], "1234,50");

    let items = polish("format=csv-items&dialect=excel").await.unwrap();
    let items = parse_excel(&items.bytes().await.unwrap(), &ITEM_COLUMNS, Lang::Pl);
    assert_eq!(items.len(), 4);

    // The plain dialect is for machines: its header stays the same in every language.
    let plain = polish("format=csv").await.unwrap().bytes().await.unwrap();
    assert!(plain[3..].starts_with(b"order_id,account,status,"));
}
