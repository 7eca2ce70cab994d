//! What users limited to some accounts, or without personal data, may export.

use allegro_backup::{
    domain::{Lang, Role},
    orders::export::{HIDDEN_COLUMNS, ITEM_COLUMNS, ORDER_COLUMNS, PERSONAL_COLUMNS},
};
use reqwest::StatusCode;

use super::{
    Row, add_delivery_details, admin, export, export_csv, export_text, ids, parse_csv_as,
    parse_excel, row, seed,
};
use crate::helpers::{TestApp, spawn_app};

/// An app holding [`seed`]'s orders and a client signed in as ola@example.com with `role`,
/// limited to account A (`only_a`) and without personal data (`hide_personal_data`).
async fn restricted(
    role: Role,
    only_a: bool,
    hide_personal_data: bool,
) -> (TestApp, reqwest::Client) {
    let app = spawn_app().await;
    let (a, _) = seed(&app);
    let accounts = only_a.then_some([a]);
    let client = app
        .restricted_client(
            "ola@example.com",
            role,
            accounts.as_ref().map(|a| a.as_slice()),
            hide_personal_data,
        )
        .await;
    (app, client)
}

#[tokio::test]
async fn a_scoped_user_exports_only_their_accounts() {
    let (app, client) = restricted(Role::Viewer, true, false).await;
    let rows = export_csv(&app, &client, "format=csv").await;
    assert_eq!(ids(&rows), ["a-2", "a-1"]);
    // Naming another account does not widen the scope.
    let rows = export_csv(&app, &client, "format=csv&account=sklep_b").await;
    assert!(rows.is_empty());
    let lines = export_text(&app, &client, "format=ndjson&merged=1").await;
    assert_eq!(lines.lines().count(), 3);
    assert!(!lines.contains("b-1"));
}

/// `masked`, a masked user's row, against `plain`, the same row as an admin gets it: the
/// personal columns masked (`J*** K***`), the identifiers empty, the rest as it is.
fn assert_masked(masked: &Row, plain: &Row) {
    for column in PERSONAL_COLUMNS {
        let (Some(m), Some(p)) = (masked.get(column), plain.get(column)) else {
            continue;
        };
        if !p.is_empty() {
            assert!(
                m.contains("***") && !m.contains(p.as_str()),
                "{column}: {m} for {p}"
            );
        }
    }
    for column in HIDDEN_COLUMNS {
        if let Some(m) = masked.get(column) {
            assert_eq!(m, "", "{column}");
        }
    }
    for (column, value) in plain {
        let kept = !PERSONAL_COLUMNS.contains(&column.as_str())
            && !HIDDEN_COLUMNS.contains(&column.as_str());
        if kept {
            assert_eq!(&masked[column], value, "{column}");
        }
    }
}

#[tokio::test]
async fn a_user_without_personal_data_gets_masked_csv_and_no_ndjson() {
    let (app, client) = restricted(Role::Operator, false, true).await;
    add_delivery_details(&mut app.db.connect(), "a-1");
    let rows = export_csv(&app, &client, "format=csv").await;
    let a1 = row(&rows, "a-1");
    assert_eq!(a1["buyer_email"], "z***@***.pl");
    assert_eq!(a1["buyer_first_name"], "Z*** ***");
    assert!(!a1["buyer_first_name"].contains("gęślą"));
    assert!(!a1["buyer_last_name"].contains("Wąchocka"));
    assert_eq!(a1["buyer_login"], "b***");
    assert_eq!(a1["total_amount"], "1234.50");
    // The delivery recipient and the invoice company like the buyer; the tax id and the
    // tracking numbers hidden; where the parcel goes (city, country, pickup point) and the
    // carriers kept.
    assert_eq!(a1["recipient_name"], "A*** N***");
    assert_eq!(a1["recipient_street"], "P*** ***");
    assert_eq!(a1["recipient_postcode"], "***");
    assert_eq!(a1["recipient_phone"], "*** ***");
    assert_eq!(a1["invoice_company"], "K*** s***");
    assert_eq!(a1["invoice_tax_id"], "");
    assert_eq!(a1["tracking_numbers"], "");
    assert_eq!(a1["recipient_city"], "Łódź");
    assert_eq!(a1["pickup_point_name"], "Paczkomat POZ08A");
    assert_eq!(a1["carriers"], "INPOST, Poczta Polska");
    let items = export_csv(&app, &client, "format=csv-items").await;
    assert_eq!(row(&items, "a-1")["buyer_email"], "z***@***.pl");

    // Column by column against what an admin gets, in both CSVs and both dialects.
    let admin = admin(&app).await;
    for query in [
        "format=csv",
        "format=csv-items",
        "format=csv&dialect=excel",
        "format=csv-items&dialect=excel",
    ] {
        let columns: &[&str] = if query.contains("items") {
            &ITEM_COLUMNS
        } else {
            &ORDER_COLUMNS
        };
        let parse = |body: &[u8]| match query.ends_with("excel") {
            true => parse_excel(body, columns, Lang::En),
            false => parse_csv_as(body, b','),
        };
        let masked = export(&app, &client, query).await.bytes().await.unwrap();
        let plain = export(&app, &admin, query).await.bytes().await.unwrap();
        let (masked, plain) = (parse(&masked), parse(&plain));
        assert_eq!(ids(&masked), ids(&plain), "{query}");
        for (m, p) in masked.iter().zip(&plain) {
            assert_masked(m, p);
        }
    }
    let response = export(&app, &client, "format=ndjson").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
