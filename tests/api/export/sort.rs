//! The CSVs list the orders in the list's order for the same query string: its `sort`, or its
//! default (newest purchase first), across chunks, NULL keys and ties included; sorted by
//! total, in the list's currency groups.

use allegro_backup::{
    domain::{Lang, Role},
    orders::export::{CHUNK_ROWS, ORDER_COLUMNS},
};

use super::{export_csv, ids, parse_excel};
use crate::orders_list::{walk, world};

#[tokio::test]
async fn csv_rows_come_in_the_order_the_list_pages_through() {
    // More orders than one chunk, with NULL totals and purchase times, ties and merged ones.
    let (app, _, _, _) = world(CHUNK_ROWS as usize + 250, 21).await;
    // Signed in once the orders are in: inserting them outlasts the server's keep-alive, so
    // the world's client would start on a connection the server has closed.
    let admin = app
        .signed_in_client("exporter@example.com", Role::Admin)
        .await;
    for sort in ["total_asc", "bought_desc", ""] {
        let (listed, _) = walk(&app, &admin, &format!("/orders?sort={sort}&page_size=100")).await;
        assert!(listed.len() > CHUNK_ROWS as usize, "{}", listed.len());
        let rows = export_csv(&app, &admin, &format!("format=csv&sort={sort}")).await;
        assert_eq!(ids(&rows), listed, "csv, sort={sort}");
        if sort.starts_with("total") {
            // Currencies are never ranked against each other: PLN, the others
            // alphabetically, orders without one last, each in one run across the chunks.
            let mut runs: Vec<&str> = rows.iter().map(|r| r["currency"].as_str()).collect();
            runs.dedup();
            assert_eq!(runs, ["PLN", "CZK", "EUR", ""], "csv, sort={sort}");
        }
        // One row per line item, the orders in the same order.
        let items = export_csv(&app, &admin, &format!("format=csv-items&sort={sort}")).await;
        let mut item_orders = ids(&items);
        item_orders.dedup();
        assert_eq!(item_orders, listed, "csv-items, sort={sort}");
    }
    let excel = app
        .get_with(
            &admin,
            "/orders/export?format=csv&dialect=excel&sort=total_desc",
        )
        .await;
    let excel = parse_excel(&excel.bytes().await.unwrap(), &ORDER_COLUMNS, Lang::En);
    let (listed, _) = walk(&app, &admin, "/orders?sort=total_desc&page_size=100").await;
    assert_eq!(ids(&excel), listed, "excel, sort=total_desc");
}
