//! `GET /api/v1/orders` and one order's detail, revisions and events through a token.

use std::collections::{BTreeMap, BTreeSet};

use allegro_backup::{
    db::models::{order, order_event},
    domain::Role,
    sync::map,
};
use diesel::Connection;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Api, admin_api, user_api};
use crate::{
    helpers::{TestApp, spawn_app},
    storage::{create_account, form, new_orders},
};

/// Stores orders `ns` of a new account `seller_<user>`; returns its id.
fn store(
    app: &TestApp,
    user: &str,
    ns: std::ops::Range<usize>,
) -> allegro_backup::domain::AccountId {
    let mut conn = app.db.connect();
    let account = create_account(&mut conn, user);
    conn.transaction(|c| order::upsert_orders(c, account, &new_orders(ns)))
        .unwrap();
    account
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every page of `query` (without `cursor`), with `between` run after each page.
async fn all_pages(api: &Api<'_>, query: &str, mut between: impl FnMut(usize)) -> Vec<String> {
    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    for page_no in 0.. {
        let path = match &cursor {
            Some(c) => format!("/api/v1/orders?{query}&cursor={c}"),
            None => format!("/api/v1/orders?{query}"),
        };
        let page = api.ok(&path).await;
        seen.extend(ids(&page));
        between(page_no);
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    seen
}

#[tokio::test]
async fn paging_yields_every_order_once_while_a_sync_writes() {
    let app = spawn_app().await;
    let account = store(&app, "1", 0..23);
    let api = admin_api(&app).await;
    let before: BTreeSet<String> = (0..23)
        .map(|n| format!("00000000-0000-4000-8000-{n:012}"))
        .collect();

    // Between pages a sync stores new revisions of orders on both sides of the reader and
    // new orders.
    let mut conn = app.db.connect();
    let mut round = 0;
    let seen = all_pages(&api, "limit=5&fields=summary", |_| {
        round += 1;
        let changed: Vec<_> = [round, 22 - round]
            .iter()
            .map(|n| map::new_order(&form(*n, &format!("bbbb{round:04}"))))
            .chain(new_orders(100 + round..101 + round))
            .collect();
        conn.transaction(|c| order::upsert_orders(c, account, &changed))
            .unwrap();
    })
    .await;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for id in &seen {
        *counts.entry(id).or_default() += 1;
    }
    assert!(
        counts.values().all(|n| *n == 1),
        "an order seen twice: {counts:?}"
    );
    let seen: BTreeSet<String> = seen.into_iter().collect();
    assert!(
        seen.is_superset(&before),
        "missing: {:?}",
        before.difference(&seen)
    );
}

#[tokio::test]
async fn an_order_is_its_summary_and_the_document_as_stored() {
    let app = spawn_app().await;
    store(&app, "1", 0..3);
    let api = admin_api(&app).await;
    let page = api.ok("/api/v1/orders?limit=2").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["next_cursor"].is_string());
    let first = &page["items"][0];
    let stored: Value =
        serde_json::from_str(include_str!("../allegro_checkout_form.json")).unwrap();
    assert_eq!(first["id"], "00000000-0000-4000-8000-000000000000");
    assert_eq!(first["status"], stored["status"]);
    assert_eq!(
        first["total"],
        json!({"amount": "72.79", "currency": "PLN"})
    );
    assert_eq!(first["currency"], "PLN");
    assert_eq!(first["buyer"]["login"], "Jan_Kowalski_88");
    assert!(first["account_id"].is_string(), "ids are strings");
    assert!(first["bought_at"].as_str().unwrap().ends_with('Z'), "UTC");
    let form = &first["checkout_form"];
    assert_eq!(
        form["buyer"], stored["buyer"],
        "the document as Allegro sent it"
    );
    assert_eq!(form["lineItems"], {
        let mut items = stored["lineItems"].clone();
        for (i, item) in items.as_array_mut().unwrap().iter_mut().enumerate() {
            item["id"] = json!(format!("10000000-0000-4000-8000-{:08}{i:04}", 0));
        }
        items
    });

    let summary = api.ok("/api/v1/orders?fields=summary").await;
    assert!(summary["items"][0].get("checkout_form").is_none());
    assert!(summary["next_cursor"].is_null(), "one page holds all three");
}

#[tokio::test]
async fn filters_are_the_lists_and_bad_input_names_its_parameter() {
    let app = spawn_app().await;
    let account = store(&app, "1", 0..4);
    let api = admin_api(&app).await;
    let mut conn = app.db.connect();
    let mut cancelled = map::new_order(&form(1, "cccc0001"));
    cancelled.columns.status = "CANCELLED".into();
    conn.transaction(|c| order::upsert_orders(c, account, &[cancelled]))
        .unwrap();

    let page = api.ok("/api/v1/orders?status=CANCELLED").await;
    assert_eq!(ids(&page), ["00000000-0000-4000-8000-000000000001"]);
    let page = api
        .ok("/api/v1/orders?q=Kowalski&status=READY_FOR_PROCESSING&limit=1000")
        .await;
    assert_eq!(ids(&page).len(), 3);
    let page = api
        .ok(&format!("/api/v1/orders?account={account}&min_total=1000"))
        .await;
    assert!(ids(&page).is_empty());

    for (query, parameter) in [
        ("status=SHIPPED", "status"),
        ("bought_from=yesterday", "bought_from"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("cursor=not-ours", "cursor"),
        ("sort=total", "sort"),
        ("fields=some", "fields"),
        ("statuss=SENT", "statuss"),
    ] {
        let (status, body) = api.get(&format!("/api/v1/orders?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["parameter"], parameter, "{query}: {body}");
        assert!(body["detail"].as_str().unwrap().len() > 10, "{body}");
    }
}

#[tokio::test]
async fn detail_revisions_and_events_of_one_order() {
    let app = spawn_app().await;
    let account = store(&app, "1", 0..2);
    let mut conn = app.db.connect();
    let id = "00000000-0000-4000-8000-000000000000";
    conn.transaction(|c| order::upsert_orders(c, account, &[map::new_order(&form(0, "aaaa0002"))]))
        .unwrap();
    let event: allegro_backup::allegro::OrderEvent = serde_json::from_value(json!({
        "id": "1000", "type": "READY_FOR_PROCESSING", "occurredAt": "2026-11-02T10:00:00.000Z",
        "order": {"checkoutForm": {"id": id, "revision": "aaaa0002"},
                  "buyer": {"id": "23123123", "email": "kxq7mz1ab+3f2a9c81@allegromail.pl", "login": "Jan_Kowalski_88"}}
    }))
    .unwrap();
    order_event::insert_events(&mut conn, account, &[map::new_event(&event)]).unwrap();
    let api = admin_api(&app).await;

    let detail = api.ok(&format!("/api/v1/orders/{id}")).await;
    assert_eq!(detail["id"], id);
    assert_eq!(detail["revision"], "aaaa0002");
    let stored: Value =
        serde_json::from_str(include_str!("../allegro_checkout_form.json")).unwrap();
    assert_eq!(
        detail["line_items"].as_array().unwrap().len(),
        stored["lineItems"].as_array().unwrap().len()
    );
    assert!(detail["line_items"][0]["price"]["amount"].is_string());
    assert!(detail["checkout_form"]["buyer"]["email"].is_string());
    assert_eq!(detail["shipments"], json!([]));
    assert_eq!(detail["notes"], json!([]));

    let revisions = api.ok(&format!("/api/v1/orders/{id}/revisions")).await;
    let items = revisions["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["revision"], "aaaa0002", "newest first");
    assert_eq!(items[1]["checkout_form"]["revision"], "aaaa0001");

    let events = api.ok(&format!("/api/v1/orders/{id}/events")).await;
    assert_eq!(events["items"][0]["id"], "1000");
    assert_eq!(events["items"][0]["type"], "READY_FOR_PROCESSING");
    assert_eq!(
        events["items"][0]["event"]["order"]["buyer"]["login"],
        "Jan_Kowalski_88"
    );

    for path in [
        "/api/v1/orders/nope",
        "/api/v1/orders/a%20b",
        "/api/v1/orders/nope/revisions",
    ] {
        let (status, _) = api.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_masked_or_limited_users_token_gets_what_the_dashboard_shows_them() {
    let app = spawn_app().await;
    let mine = store(&app, "1", 0..2);
    store(&app, "2", 2..3);
    app.sign_in("admin@example.com", Role::Admin).await;
    let masked = user_api(
        &app,
        "acct@example.com",
        Role::Viewer,
        Some(&[mine]),
        true,
        "read",
    )
    .await;
    let id = "00000000-0000-4000-8000-000000000000";
    let other = "00000000-0000-4000-8000-000000000002";

    let page = masked.ok("/api/v1/orders").await;
    assert_eq!(ids(&page).len(), 2, "only the account in scope");
    let text = page.to_string();
    for personal in ["kxq7mz1ab", "Kowalski", "600 100 200", "Solna", "23123123"] {
        assert!(!text.contains(personal), "{personal} leaked: {text}");
    }
    assert_eq!(page["items"][0]["buyer"]["id"], "***");
    assert_eq!(page["items"][0]["buyer"]["last_name"], "K***");

    for path in [
        format!("/api/v1/orders/{id}"),
        format!("/api/v1/orders/{id}/revisions"),
        format!("/api/v1/orders/{id}/events"),
        format!("/api/v1/orders/{id}/money"),
    ] {
        let body = masked.ok(&path).await;
        assert!(!body.to_string().contains("kxq7mz1ab"), "{path}: {body}");
    }
    for path in [
        format!("/api/v1/orders/{other}"),
        format!("/api/v1/orders/{other}/revisions"),
        format!("/api/v1/orders/{other}/events"),
        format!("/api/v1/orders/{other}/money"),
    ] {
        let (status, _) = masked.get(&path).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "out of scope is not found: {path}"
        );
    }
    // A masked user cannot find an order by what they may not see.
    let hits = masked.ok("/api/v1/orders?q=Kowalski").await;
    assert!(ids(&hits).is_empty());
}
