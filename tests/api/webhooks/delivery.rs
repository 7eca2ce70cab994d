//! Every change reaches the receiver, signed, in per-order order; a receiver that was down
//! gets everything; failing deliveries back off, give up and disable the endpoint; several
//! workers never send one delivery at once.

use std::{collections::HashMap, time::Duration};

use allegro_backup::{
    db::models::{order, sync::RunTrigger, webhook_delivery},
    sync::map,
    webhooks::Worker,
};
use diesel::Connection;
use futures_util::future::join_all;

use super::{ALL_EVENTS, Receiver, register, verify};
use crate::{
    helpers::{backup::sync_once, process::free_port, spawn_app, spawn_app_with},
    storage::{create_account, form, new_orders},
};

/// The first arrival of each message, in arrival order.
pub(super) fn first_arrivals(got: &[super::Received]) -> Vec<super::Received> {
    let mut seen = std::collections::HashSet::new();
    got.iter()
        .filter(|r| seen.insert(r.id.clone()))
        .cloned()
        .collect()
}

/// Checks that each order's messages arrived in the order of their change numbers.
pub(super) fn assert_in_order_per_order(arrivals: &[super::Received]) {
    let mut last: HashMap<String, i64> = HashMap::new();
    for r in arrivals {
        let json = r.json();
        let order = json["data"]["order_id"].as_str().unwrap().to_owned();
        let seq = json["data"]["seq"].as_i64().unwrap();
        if let Some(before) = last.insert(order.clone(), seq) {
            assert!(before < seq, "{order}: change {seq} arrived after {before}");
        }
    }
}

#[tokio::test]
async fn every_stored_change_arrives_signed_with_the_order_and_no_personal_data() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    let (_, secret) = register(&app, &receiver.url(), ALL_EVENTS, None);
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    let changes = app.count("SELECT count(*) AS n FROM order_changes");
    assert!(changes >= 20, "{changes}");

    let got = receiver
        .wait_for(Duration::from_secs(20), |got| {
            first_arrivals(got).len() as i64 >= changes
        })
        .await;
    let arrivals = first_arrivals(&got);
    assert_eq!(arrivals.len() as i64, changes);
    let login = app.simulator.world().sellers()[0].login.clone();
    for r in &arrivals {
        assert!(
            verify(&secret, &r.id, &r.timestamp, &r.body, &r.signature),
            "{r:?}"
        );
        let json = r.json();
        assert_eq!(json["id"], r.id.as_str());
        assert!(json["timestamp"].as_str().unwrap().ends_with('Z'));
        let data = json["data"].as_object().unwrap();
        let mut keys: Vec<&str> = data.keys().map(String::as_str).collect();
        keys.sort();
        // A first backup stores the orders and, after them, their fees and wallet operations.
        match json["type"].as_str().unwrap() {
            "order.created" => assert_eq!(
                keys,
                ["account_id", "account_login", "order_id", "revision", "seq"]
            ),
            "order.documents_changed" => assert_eq!(
                keys,
                [
                    "account_id",
                    "account_login",
                    "order_id",
                    "resource",
                    "revision",
                    "seq"
                ]
            ),
            other => panic!("unexpected {other}"),
        }
        assert_eq!(data["account_id"], account.0.to_string().as_str());
        assert_eq!(data["account_login"], login.as_str());
        assert!(!r.body.contains('@'), "no buyer email: {}", r.body);
    }
    let seqs: Vec<i64> = arrivals
        .iter()
        .map(|r| r.json()["data"]["seq"].as_i64().unwrap())
        .collect();
    let mut sorted = seqs.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), seqs.len(), "each change once");
    // A delivery is recorded once its answer is back: the last ones may arrive at the receiver
    // a moment before the worker writes them down.
    let delivered = "SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'delivered'";
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while app.count(delivered) < changes && std::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.count(delivered), changes);
}

/// Writes `rounds` revisions of orders 0..5 of `account`, one transaction per round.
fn write_revisions(
    app: &crate::helpers::TestApp,
    account: allegro_backup::domain::AccountId,
    rounds: u32,
) {
    let mut conn = app.db.connect();
    let orders = new_orders(0..5);
    conn.transaction(|c| order::upsert_orders(c, account, &orders))
        .unwrap();
    for round in 2..=rounds + 1 {
        let revised: Vec<_> = (0..5)
            .map(|n| map::new_order(&form(n, &format!("aaaa000{round}"))))
            .collect();
        conn.transaction(|c| order::upsert_orders(c, account, &revised))
            .unwrap();
    }
}

#[tokio::test]
async fn a_receiver_that_was_down_gets_everything_in_per_order_order_when_it_is_back() {
    let app = spawn_app().await;
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/hooks");
    register(&app, &url, ALL_EVENTS, None);
    let account = create_account(&mut app.db.connect(), "71");
    write_revisions(&app, account, 3);
    // 5 orders created, then 3 new revisions of each.
    assert_eq!(app.count("SELECT count(*) AS n FROM order_changes"), 20);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(app.count("SELECT count(*) AS n FROM webhook_deliveries WHERE attempts > 0") > 0);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'delivered'"),
        0
    );

    let receiver = Receiver::start_on(port).await;
    // Requests sent together would arrive in any order.
    receiver.jitter(40);
    let got = receiver
        .wait_for(Duration::from_secs(20), |got| {
            first_arrivals(got).len() >= 20
        })
        .await;
    let arrivals = first_arrivals(&got);
    assert_eq!(arrivals.len(), 20);
    assert_in_order_per_order(&arrivals);
    let kinds: Vec<String> = arrivals
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "order.created").count(), 5);
    assert_eq!(kinds.iter().filter(|k| *k == "order.updated").count(), 15);
}

#[tokio::test]
async fn failures_back_off_then_give_up_and_disable_the_endpoint_with_a_banner() {
    let app = spawn_app_with(|c| c.webhooks.give_up_after = Duration::from_millis(1500)).await;
    app.sign_in("admin@example.com", allegro_backup::domain::Role::Admin)
        .await;
    let receiver = Receiver::start().await;
    receiver.answer(500);
    let (row, _) = register(&app, &receiver.url(), ALL_EVENTS, None);
    webhook_delivery::enqueue_test(&mut app.db.connect(), row.id).unwrap();

    let disabled = "SELECT count(*) AS n FROM webhook_endpoints WHERE disabled_at IS NOT NULL";
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while app.count(disabled) == 0 && std::time::Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(app.count(disabled), 1);
    // Retried after 0.1, 0.2, 0.4 and 0.4 s (doubling up to the cap), then the next would
    // pass 1.5 s after it was queued: given up.
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM webhook_deliveries \
             WHERE status = 'failed' AND attempts BETWEEN 4 AND 5 AND last_status_code = 500"
        ),
        1
    );
    let (_, html) = app.get_html("/").await;
    let banner = crate::helpers::select_text(&html, "#webhooks-banner");
    assert!(banner[0].contains(&receiver.url()), "{banner:?}");

    // Enabled again and resent, it goes out once the receiver answers.
    receiver.answer(0);
    let mut conn = app.db.connect();
    assert!(
        allegro_backup::db::models::webhook::WebhookRow::enable(
            &mut conn,
            row.id,
            &Default::default()
        )
        .unwrap()
    );
    let delivery = webhook_delivery::recent(&mut conn, row.id, 1).unwrap()[0].id;
    assert!(webhook_delivery::resend(&mut conn, row.id, delivery).unwrap());
    let got = receiver
        .wait_for(Duration::from_secs(5), |got| !got.is_empty())
        .await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["type"], "webhook.test");
}

#[tokio::test]
async fn several_workers_never_send_one_delivery_at_the_same_time() {
    let app = spawn_app().await;
    let receiver = Receiver::start().await;
    receiver.take_time(20);
    let (row, _) = register(&app, &receiver.url(), ALL_EVENTS, None);
    let mut conn = app.db.connect();
    for _ in 0..60 {
        webhook_delivery::enqueue_test(&mut conn, row.id).unwrap();
    }
    let workers: Vec<Worker> = (0..3).map(|_| super::worker(&app)).collect();
    let pending = "SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending'";
    join_all(workers.iter().map(|w| async {
        let until = std::time::Instant::now() + Duration::from_secs(20);
        while app.count(pending) > 0 && std::time::Instant::now() < until {
            w.deliver_due().await.unwrap();
        }
    }))
    .await;
    let got = receiver.got();
    assert_eq!(got.len(), 60, "each delivery exactly once");
    let ids: std::collections::HashSet<&str> = got.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), 60);
    assert_eq!(receiver.overlaps(), 0);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM webhook_deliveries WHERE attempts = 1 AND status = 'delivered'"),
        60
    );
}
