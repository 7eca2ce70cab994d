//! A server killed (SIGKILL) between storing changes and delivering them loses nothing: the
//! next process delivers the rest, each order's messages still in order.

use std::{process::Stdio, time::Duration};

use allegro_backup::{
    config::SecretKey,
    crypto::TokenCipher,
    db::models::{audit::Actor, order},
    domain::webhook::{WebhookEvents, WebhookUrl},
    sync::map,
    webhooks::Registration,
};
use diesel::{Connection, RunQueryDsl, sql_query};

use super::{ALL_EVENTS, Receiver};
use crate::{
    helpers::{
        TestDatabase, new_client,
        process::{binary_with_simulator, free_port, wait_until_up},
    },
    storage::{create_account, form, new_orders},
};

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn serve(db: &TestDatabase, port: u16) -> std::process::Child {
    binary_with_simulator(&db.url, KEY, "http://127.0.0.1:9")
        .arg("serve")
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("WEBHOOK_ALLOW_PRIVATE", "true")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[tokio::test]
async fn a_server_killed_before_delivering_loses_nothing() {
    let db = TestDatabase::create();
    let receiver = Receiver::start().await;
    // Slow enough that the kill lands while most messages wait.
    receiver.take_time(150);
    // Requests sent together would arrive in any order.
    receiver.jitter(40);
    let port = free_port();
    let mut first = serve(&db, port);
    wait_until_up(&new_client(), &format!("http://127.0.0.1:{port}")).await;

    let mut conn = db.connect();
    let registration = Registration {
        url: WebhookUrl::parse(&receiver.url()).unwrap(),
        events: WebhookEvents::parse_list(ALL_EVENTS).unwrap(),
        account: None,
    };
    let cipher = TokenCipher::new(&SecretKey::parse(KEY).unwrap());
    registration
        .create(&mut conn, &cipher, &Actor::default())
        .unwrap();
    let account = create_account(&mut conn, "91");
    conn.transaction(|c| order::upsert_orders(c, account, &new_orders(0..10)))
        .unwrap();
    let revised: Vec<_> = (0..10)
        .map(|n| map::new_order(&form(n, "aaaa0002")))
        .collect();
    conn.transaction(|c| order::upsert_orders(c, account, &revised))
        .unwrap();

    receiver
        .wait_for(Duration::from_secs(20), |got| got.len() >= 2)
        .await;
    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();
    let before = receiver.got().len();
    assert!(before < 20, "killed before everything went out ({before})");
    // A dead process's leases lapse after a while; let them lapse now.
    sql_query("UPDATE webhook_deliveries SET next_attempt_at = now() WHERE status = 'pending'")
        .execute(&mut conn)
        .unwrap();

    let port = free_port();
    let mut second = serve(&db, port);
    let got = receiver
        .wait_for(Duration::from_secs(30), |got| {
            super::delivery::first_arrivals(got).len() >= 20
        })
        .await;
    second.kill().unwrap();
    second.wait().unwrap();
    let arrivals = super::delivery::first_arrivals(&got);
    assert_eq!(arrivals.len(), 20);
    super::delivery::assert_in_order_per_order(&arrivals);
}
