//! What users limited to some accounts, or without personal data, may export.

use allegro_backup::domain::Role;
use reqwest::StatusCode;

use super::{export, export_csv, export_text, ids, seed};
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
    assert_eq!(ids(&rows), ["a-1", "a-2"]);
    // Naming another account does not widen the scope.
    let rows = export_csv(&app, &client, "format=csv&account=sklep_b").await;
    assert!(rows.is_empty());
    let lines = export_text(&app, &client, "format=ndjson&merged=1").await;
    assert_eq!(lines.lines().count(), 3);
    assert!(!lines.contains("b-1"));
}

#[tokio::test]
async fn a_user_without_personal_data_gets_masked_csv_and_no_ndjson() {
    let (app, client) = restricted(Role::Operator, false, true).await;
    let rows = export_csv(&app, &client, "format=csv").await;
    assert_eq!(rows[0]["buyer_email"], "z***@***.pl");
    assert_eq!(rows[0]["buyer_first_name"], "Z*** ***");
    assert!(!rows[0]["buyer_first_name"].contains("gęślą"));
    assert!(!rows[0]["buyer_last_name"].contains("Wąchocka"));
    assert_eq!(rows[0]["buyer_login"], "b***");
    assert_eq!(rows[0]["total_amount"], "1234.50");
    let items = export_csv(&app, &client, "format=csv-items").await;
    assert_eq!(items[0]["buyer_email"], "z***@***.pl");
    let response = export(&app, &client, "format=ndjson").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
