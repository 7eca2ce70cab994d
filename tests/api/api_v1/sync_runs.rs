//! Sync runs through the API: starting one (`write` scope, operator role), following it to its
//! end, the history's filters and paging.

use std::time::Duration as StdDuration;

use allegro_backup::domain::Role;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use super::{Api, admin_api, user_api};
use crate::helpers::{seed::hold_lease, spawn_app_with_orders};

/// Polls run `id` until it is no longer running.
async fn finished(api: &Api<'_>, id: &str) -> Value {
    for _ in 0..600 {
        let run = api.ok(&format!("/api/v1/sync-runs/{id}")).await;
        if run["status"] != "running" {
            return run;
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    panic!("run {id} did not finish");
}

#[tokio::test]
async fn an_operators_write_token_starts_a_sync_and_follows_it() {
    let app = spawn_app_with_orders(30).await;
    let account = app.link_account(0).await;
    let api = admin_api(&app).await;
    let operator = user_api(
        &app,
        "ops@example.com",
        Role::Operator,
        None,
        false,
        "write",
    )
    .await;
    let path = format!("/api/v1/accounts/{account}/sync");

    let (status, headers, run) = operator
        .send_full(Method::POST, &path, Some(&json!({"kind": "incremental"})))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{run}");
    let id = run["id"].as_str().unwrap().to_owned();
    assert_eq!(headers[header::LOCATION], format!("/api/v1/sync-runs/{id}"));
    assert_eq!(run["account_id"], account.to_string());
    assert_eq!(run["trigger"], "manual");
    let done = finished(&operator, &id).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let stored = app.count(&format!(
        "SELECT count(*) AS n FROM orders WHERE account_id = {account}"
    ));
    assert!(stored > 0);
    assert_eq!(done["counters"]["orders_created"], stored);
    assert!(done["finished_at"].as_str().unwrap().ends_with('Z'));

    // The history lists it, filtered and paged.
    let list = api
        .ok(&format!(
            "/api/v1/sync-runs?account={account}&status=succeeded"
        ))
        .await;
    assert_eq!(list["items"][0]["id"], id.as_str());
    let (status, headers, full) = api
        .send_full(Method::POST, &path, Some(&json!({"kind": "full"})))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(full["kind"], "full");
    finished(&api, full["id"].as_str().unwrap()).await;
    assert!(headers.contains_key(header::LOCATION));
    let page = api.ok("/api/v1/sync-runs?limit=1").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let older = api
        .ok(&format!(
            "/api/v1/sync-runs?limit=1&cursor={}",
            page["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(older["items"][0]["id"], id.as_str());
    assert!(older["next_cursor"].is_null());
    let kinds = api.ok("/api/v1/sync-runs?kind=full").await;
    let kinds = kinds["items"].as_array().unwrap();
    assert!(kinds.iter().any(|run| run["id"] == full["id"]));
    assert!(kinds.iter().all(|run| run["kind"] == "full"));
    let incremental = api.ok("/api/v1/sync-runs?kind=incremental").await;
    assert!(
        incremental["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|run| run["kind"] == "incremental")
    );
}

#[tokio::test]
async fn starting_a_sync_is_refused_with_the_reason() {
    let app = spawn_app_with_orders(5).await;
    let account = app.link_account(0).await;
    let api = admin_api(&app).await;
    let path = format!("/api/v1/accounts/{account}/sync");
    let read = user_api(&app, "reader@example.com", Role::Admin, None, false, "read").await;
    let viewer = user_api(
        &app,
        "viewer@example.com",
        Role::Viewer,
        None,
        false,
        "write",
    )
    .await;
    let elsewhere = user_api(
        &app,
        "other@example.com",
        Role::Operator,
        Some(&[]),
        false,
        "write",
    )
    .await;

    let (status, body) = read.send(Method::POST, &path, None).await;
    assert_eq!(
        (status, body["type"].as_str().unwrap()),
        (
            StatusCode::FORBIDDEN,
            "tag:allegro-backup,2026:problem:write_scope_required"
        )
    );
    let (status, body) = viewer.send(Method::POST, &path, None).await;
    assert_eq!(
        (status, body["type"].as_str().unwrap()),
        (
            StatusCode::FORBIDDEN,
            "tag:allegro-backup,2026:problem:role_required"
        )
    );
    let (status, _) = elsewhere.send(Method::POST, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "out of scope");
    let (status, _) = api
        .send(Method::POST, "/api/v1/accounts/999999/sync", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = api
        .send(Method::POST, &path, Some(&json!({"kind": "weekly"})))
        .await;
    assert_eq!(
        (status, body["parameter"].as_str()),
        (StatusCode::BAD_REQUEST, Some("kind"))
    );

    // Another process holds the account: 409, nothing started.
    let mut conn = app.db.connect();
    hold_lease(&mut conn, account, "elsewhere");
    let (status, body) = api.send(Method::POST, &path, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        api.ok("/api/v1/sync-runs").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    for (query, parameter) in [
        ("status=done", "status"),
        ("kind=x", "kind"),
        ("limit=0", "limit"),
    ] {
        let (status, body) = api.get(&format!("/api/v1/sync-runs?{query}")).await;
        assert_eq!(
            (status, body["parameter"].as_str()),
            (StatusCode::BAD_REQUEST, Some(parameter))
        );
    }
    let (status, _) = api.get("/api/v1/sync-runs/77777").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
