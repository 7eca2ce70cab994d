//! The generated world: revisions and events of changes, merges, determinism, amounts that add
//! up.

use std::collections::HashSet;

use allegro_backup::simulator::SimulatorConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::spawn;

#[tokio::test]
async fn a_fulfillment_change_bumps_revision_but_not_updated_at() {
    let sim = spawn(SimulatorConfig::for_tests(30)).await;
    let world = sim.handle.world();
    let id = world.create_order(0);
    assert!(world.pay(&id));
    let before = world
        .orders(0)
        .into_iter()
        .find(|o| o["id"] == id.as_str())
        .unwrap();
    world.advance(chrono::Duration::minutes(5));
    assert!(world.change_fulfillment(&id, "SENT"));
    let after = world
        .orders(0)
        .into_iter()
        .find(|o| o["id"] == id.as_str())
        .unwrap();
    assert_ne!(after["revision"], before["revision"]);
    assert_eq!(after["updatedAt"], before["updatedAt"]);
    assert_eq!(after["fulfillment"]["status"], "SENT");

    world.advance(chrono::Duration::minutes(5));
    assert!(world.modify_buyer_address(&id));
    let modified = world
        .orders(0)
        .into_iter()
        .find(|o| o["id"] == id.as_str())
        .unwrap();
    assert_ne!(modified["updatedAt"], after["updatedAt"]);
    assert!(modified["delivery"]["address"]["modifiedAt"].is_string());
    assert!(world.add_surcharge(&id));
    assert!(world.cancel(&id, true));
    let kinds: Vec<Value> = world
        .events(0)
        .into_iter()
        .filter(|e| e["order"]["checkoutForm"]["id"] == id.as_str())
        .map(|e| e["type"].clone())
        .collect();
    for kind in [
        "BOUGHT",
        "FILLED_IN",
        "FULFILLMENT_STATUS_CHANGED",
        "BUYER_MODIFIED",
        "AUTO_CANCELLED",
    ] {
        assert!(kinds.contains(&json!(kind)), "{kind} in {kinds:?}");
    }
    assert_eq!(
        kinds
            .iter()
            .filter(|k| *k == "READY_FOR_PROCESSING")
            .count(),
        2
    );
}

#[tokio::test]
async fn a_merge_gives_a_new_id_and_the_old_ids_answer_404() {
    let sim = spawn(SimulatorConfig::for_tests(30)).await;
    let world = sim.handle.world();
    let token = sim.token().await;
    let (a, b) = (world.create_order(0), world.create_order(0));
    let items = |id: &str| -> Vec<Value> {
        let o = world.orders(0).into_iter().find(|o| o["id"] == id).unwrap();
        o["lineItems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|li| li["id"].clone())
            .collect()
    };
    let mut old_items = items(&a);
    old_items.extend(items(&b));
    let merged = world.merge(&[&a, &b]).unwrap();
    for old in [&a, &b] {
        let (status, _) = sim
            .get(&token, &format!("/order/checkout-forms/{old}"), &[])
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, body) = sim
        .get(&token, &format!("/order/checkout-forms/{merged}"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    let new_items: Vec<Value> = body["lineItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|li| li["id"].clone())
        .collect();
    assert_eq!(new_items, old_items);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data() {
    let a = spawn(SimulatorConfig::for_tests(300)).await;
    let b = spawn(SimulatorConfig::for_tests(300)).await;
    assert_eq!(a.handle.world().orders(0), b.handle.world().orders(0));
    assert_eq!(a.handle.world().events(0), b.handle.world().events(0));
    assert_eq!(a.handle.world().sellers(), b.handle.world().sellers());
    let c = spawn(SimulatorConfig {
        seed: 7,
        ..SimulatorConfig::for_tests(300)
    })
    .await;
    assert_ne!(a.handle.world().orders(0), c.handle.world().orders(0));
}

fn minor(v: &Value) -> i64 {
    let s = v.as_str().expect("amounts are strings");
    let (whole, frac) = s.split_once('.').unwrap();
    assert_eq!(frac.len(), 2, "{s}");
    whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

#[tokio::test]
async fn amounts_are_strings_that_add_up_and_the_data_is_varied() {
    let sim = spawn(SimulatorConfig::for_tests(2000)).await;
    let orders = sim.handle.world().orders(0);
    let mut currencies = HashSet::new();
    let mut fractions = HashSet::new();
    for o in &orders {
        let items: i64 = o["lineItems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|li| minor(&li["price"]["amount"]) * li["quantity"].as_i64().unwrap())
            .sum();
        assert_eq!(
            items + minor(&o["delivery"]["cost"]["amount"]),
            minor(&o["summary"]["totalToPay"]["amount"])
        );
        assert_eq!(o["revision"].as_str().unwrap().len(), 8);
        currencies.insert(
            o["summary"]["totalToPay"]["currency"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        let stamp = o["updatedAt"].as_str().unwrap();
        fractions.insert(stamp.split_once('.').map_or(0, |(_, f)| f.len() - 1));
    }
    assert_eq!(currencies.len(), 4, "{currencies:?}");
    assert_eq!(fractions, HashSet::from([0, 2, 3]));
    let text = serde_json::to_string(&orders).unwrap();
    for needle in [
        "@allegromail.pl",
        "x-sim-extension",
        "\"guest\":true",
        "PL_NIP",
        "RETURNED",
        "Ł",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
}

#[tokio::test]
async fn random_changes_keep_the_world_consistent() {
    let sim = spawn(SimulatorConfig::for_tests(300)).await;
    let world = sim.handle.world();
    let before = world.events(0).len();
    world.random_changes(200);
    assert!(world.events(0).len() > before);
    let token = sim.token().await;
    let (_, body) = sim.get(&token, "/order/checkout-forms", &[]).await;
    assert_eq!(body["totalCount"], world.orders(0).len());
}
