//! The full page (the filter form, exports, the save-view form) and the htmx partial.

use reqwest::StatusCode;

use super::{get_partial, world};
use crate::helpers::{select_attr, select_text};

#[tokio::test]
async fn the_full_page_has_the_filter_form_and_htmx_gets_only_the_results() {
    let (app, admin, _, _) = world(30, 13).await;
    let (status, html) = app
        .get_html_with(
            &admin,
            "/orders?status=bought&q=%C5%81%C3%B3d%C5%BA&cursor=",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select_attr(&html, "form#order-filters", "hx-push-url").as_deref(),
        Some("true")
    );
    assert_eq!(
        select_attr(&html, "input[name=q]", "value").as_deref(),
        Some("Łódź")
    );
    assert_eq!(
        select_attr(&html, "select[name=status] option[selected]", "value").as_deref(),
        Some("BOUGHT")
    );
    let exports = select_text(&html, ".orders-exports a");
    assert_eq!(
        exports,
        [
            "CSV (orders)",
            "CSV for Excel (orders)",
            "CSV (line items)",
            "CSV for Excel (line items)",
            "NDJSON"
        ]
    );
    let href = select_attr(&html, ".orders-exports a", "href").unwrap();
    assert!(href.starts_with("/orders/export?format=csv&"), "{href}");
    assert!(
        href.contains("status=bought") && !href.contains("cursor"),
        "{href}"
    );
    let excel = select_attr(&html, ".orders-exports a:nth-of-type(2)", "href").unwrap();
    assert!(
        excel.starts_with("/orders/export?format=csv&dialect=excel&")
            && excel.contains("status=bought"),
        "{excel}"
    );
    // Delivery methods come from the orders.
    let deliveries = select_text(&html, "select[name=delivery] option");
    assert!(
        deliveries.iter().any(|d| d == "Kurier DPD"),
        "{deliveries:?}"
    );

    // The save-view form carries the filters (without cursor).
    assert_eq!(
        select_attr(&html, "form#save-view input[name=query]", "value").as_deref(),
        Some("q=%C5%81%C3%B3d%C5%BA&status=bought")
    );

    let response = app
        .htmx_get_with(&admin, "/orders?q=&status=bought&account=&page_size=25")
        .await;
    assert_eq!(
        response.headers()["hx-push-url"].to_str().unwrap(),
        "/orders?status=bought&page_size=25"
    );
    let (status, partial) = get_partial(&app, &admin, "/orders?status=bought").await;
    assert_eq!(status, StatusCode::OK);
    // htmx swaps only the results, and updates the save-view form's copy out of band.
    assert_eq!(
        select_attr(&partial, "input#view-query[hx-swap-oob]", "value").as_deref(),
        Some("status=bought")
    );
    assert!(select_attr(&partial, "form#order-filters", "action").is_none());
    assert!(partial.html().contains("orders-count"));
}
