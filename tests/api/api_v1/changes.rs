//! `GET /api/v1/changes`: the feed through a token, its cursor, scope and the 410 after the
//! retention pruned what a cursor points before.

use allegro_backup::{
    db::models::{order, order_change},
    domain::Role,
    sync::map,
};
use chrono::Duration;
use diesel::Connection;
use reqwest::StatusCode;
use serde_json::Value;

use super::{Api, admin_api, user_api};
use crate::{
    helpers::spawn_app,
    storage::{create_account, form, new_orders},
};

fn kinds(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["type"].as_str().unwrap().to_owned(),
                c["order_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Every change after `after`, page by page of `limit`; the changes and the last cursor.
async fn drain(api: &Api<'_>, mut after: String, limit: usize) -> (Vec<Value>, String) {
    let mut all = vec![];
    loop {
        let page = api
            .ok(&format!("/api/v1/changes?after={after}&limit={limit}"))
            .await;
        let items = page["items"].as_array().unwrap().clone();
        after = page["next_after"].as_str().unwrap().to_owned();
        if items.is_empty() {
            return (all, after);
        }
        all.extend(items);
    }
}

#[tokio::test]
async fn a_consumer_following_next_after_sees_every_change_once() {
    let app = spawn_app().await;
    let mut conn = app.db.connect();
    let account = create_account(&mut conn, "1");
    conn.transaction(|c| order::upsert_orders(c, account, &new_orders(0..3)))
        .unwrap();
    let api = admin_api(&app).await;

    let (first, cursor) = drain(&api, "0".into(), 2).await;
    assert_eq!(first.len(), 3);
    assert!(first.iter().all(|c| c["type"] == "order.created"));
    assert_eq!(first[0]["seq"], "1", "numbers are strings, from 1");
    assert!(first[0]["changed_at"].as_str().unwrap().ends_with('Z'));

    conn.transaction(|c| order::upsert_orders(c, account, &[map::new_order(&form(1, "aaaa0002"))]))
        .unwrap();
    let id = "00000000-0000-4000-8000-000000000001";
    order::mark_gone(&mut conn, account, &[id.into()], chrono::Utc::now()).unwrap();
    let page = api.ok(&format!("/api/v1/changes?after={cursor}")).await;
    assert_eq!(
        kinds(&page),
        [
            ("order.updated".to_owned(), id.to_owned()),
            ("order.gone".to_owned(), id.to_owned())
        ]
    );
    assert_eq!(page["items"][0]["revision"], "aaaa0002");
    let again = api
        .ok(&format!(
            "/api/v1/changes?after={}",
            page["next_after"].as_str().unwrap()
        ))
        .await;
    assert!(
        again["items"].as_array().unwrap().is_empty(),
        "nothing twice"
    );
}

#[tokio::test]
async fn a_limited_token_sees_its_accounts_changes_and_a_pruned_cursor_is_gone() {
    let app = spawn_app().await;
    let mut conn = app.db.connect();
    let mine = create_account(&mut conn, "1");
    let other = create_account(&mut conn, "2");
    conn.transaction(|c| order::upsert_orders(c, other, &new_orders(0..2)))
        .unwrap();
    conn.transaction(|c| order::upsert_orders(c, mine, &new_orders(2..3)))
        .unwrap();
    app.sign_in("admin@example.com", Role::Admin).await;
    let limited = user_api(
        &app,
        "bi@example.com",
        Role::Viewer,
        Some(&[mine]),
        false,
        "read",
    )
    .await;
    let page = limited.ok("/api/v1/changes").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["account_id"], mine.to_string());
    assert_eq!(page["next_after"], "3", "past the other account's changes");

    // The retention prunes the two oldest: a cursor before them is gone, with where to resume.
    app.count(
        "WITH x AS (UPDATE order_changes SET changed_at = now() - interval '100 days' \
         WHERE seq <= 2 RETURNING 1) SELECT count(*) AS n FROM x",
    );
    order_change::prune(&mut conn, Duration::days(90)).unwrap();
    let (status, problem) = limited.get("/api/v1/changes?after=0").await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(problem["oldest_after"], "2");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("/api/v1/orders")
    );
    let (status, _) = limited.get("/api/v1/changes?after=2").await;
    assert_eq!(status, StatusCode::OK);

    for (query, parameter) in [
        ("after=-3", "after"),
        ("limit=5000", "limit"),
        ("since=1", "since"),
    ] {
        let (status, body) = limited.get(&format!("/api/v1/changes?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["parameter"], parameter);
    }
}
