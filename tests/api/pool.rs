//! A page request shares one database connection between all its reads (session, user,
//! alert banner, handler, session update), counted by the pool-checkout histogram.

use allegro_backup::domain::Role;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};

/// (requests observed, connections they checked out) so far.
fn checkouts(app: &TestApp) -> (u64, f64) {
    let histogram = &app.state.metrics.db_checkouts;
    (histogram.get_sample_count(), histogram.get_sample_sum())
}

#[tokio::test]
async fn each_page_request_checks_out_one_database_connection() {
    let app = spawn_app().await;
    app.link_account(0).await;
    let client = app.signed_in_client("owner@example.com", Role::Admin).await;
    for page in ["/orders", "/", "/accounts", "/sync", "/users", "/settings"] {
        let before = checkouts(&app);
        let response = app.get_with(&client, page).await;
        assert_eq!(response.status(), StatusCode::OK, "{page}");
        let after = checkouts(&app);
        assert_eq!(after.0 - before.0, 1, "{page}: one request observed");
        assert_eq!(
            after.1 - before.1,
            1.0,
            "{page}: one checkout for the whole page"
        );
    }
}
