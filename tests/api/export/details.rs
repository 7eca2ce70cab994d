//! The order-level columns both CSVs end with: the delivery recipient, the pickup point, the
//! invoice company and the shipments, read from the stored document and `order_shipments`.

use diesel::{RunQueryDsl, sql_query};

use allegro_backup::orders::export::{ITEM_COLUMNS, ORDER_COLUMNS};

use super::{DETAILS, add_delivery_details, export, export_csv, parse_csv, row, seeded};

#[tokio::test]
async fn both_csvs_carry_the_recipient_pickup_point_invoice_company_and_shipments() {
    let (app, client) = seeded().await;
    add_delivery_details(&mut app.db.connect(), "a-1");
    // The tax id also comes from `company.ids` when `taxId` is missing.
    sql_query(
        "UPDATE orders SET raw = raw || '{\"invoice\": {\"address\": {\"company\": \
         {\"name\": \"Firma\", \"ids\": [{\"type\": \"PL_NIP\", \"value\": \"5250001009\"}]}}}}' \
         WHERE checkout_form_id = 'a-2'",
    )
    .execute(&mut app.db.connect())
    .unwrap();

    let body = export(&app, &client, "format=csv")
        .await
        .bytes()
        .await
        .unwrap();
    let header = std::str::from_utf8(&body[3..])
        .unwrap()
        .lines()
        .next()
        .unwrap();
    assert_eq!(header, ORDER_COLUMNS.join(","));
    let rows = parse_csv(&body);
    let items = export_csv(&app, &client, "format=csv-items").await;
    for (rows, columns) in [(&rows, &ORDER_COLUMNS[..]), (&items, &ITEM_COLUMNS[..])] {
        let filled = row(rows, "a-1");
        for (column, value) in DETAILS {
            assert!(columns.contains(&column), "{column}");
            assert_eq!(filled[column], value, "{column}");
        }
        // An order without these details has them empty.
        let bare = row(rows, "b-1");
        for (column, _) in DETAILS {
            assert_eq!(bare[column], "", "{column}");
        }
        assert_eq!(row(rows, "a-2")["invoice_tax_id"], "5250001009");
    }
    // The new columns come after today's, in the same order in both CSVs.
    assert_eq!(&ORDER_COLUMNS[..3], ["order_id", "account", "status"]);
    assert_eq!(ORDER_COLUMNS[26], "revision");
    assert_eq!(ORDER_COLUMNS[27], "recipient_name");
    assert_eq!(ITEM_COLUMNS[16], "currency");
    assert_eq!(ITEM_COLUMNS[17], "recipient_name");
    assert_eq!(
        ORDER_COLUMNS[ORDER_COLUMNS.len() - 5..],
        ITEM_COLUMNS[ITEM_COLUMNS.len() - 5..]
    );
}
