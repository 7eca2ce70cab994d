//! The event journal: pages from an exclusive cursor in write order, sixty days of history.

use allegro_backup::simulator::SimulatorConfig;
use reqwest::StatusCode;
use serde_json::json;

use super::{error_code, spawn, time};

#[tokio::test]
async fn events_page_from_an_exclusive_cursor_in_write_order() {
    let sim = spawn(SimulatorConfig::for_tests(2000)).await;
    let token = sim.token().await;
    let truth = sim.handle.world().events(0);
    assert!(truth.len() > 150, "{}", truth.len());
    let (status, _) = sim.get(&token, "/order/events", &[("limit", "1001")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = sim.get(&token, "/order/events", &[("type", "PAID")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (_, first) = sim.get(&token, "/order/events", &[]).await;
    assert_eq!(first["events"].as_array().unwrap().len(), 100);
    assert_eq!(first["events"][0], truth[0]);

    let mut all = Vec::new();
    let mut from: Option<String> = None;
    loop {
        let mut query = vec![("limit", "70".to_owned())];
        if let Some(f) = &from {
            query.push(("from", f.clone()));
        }
        let q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (_, page) = sim.get(&token, "/order/events", &q).await;
        let events = page["events"].as_array().unwrap().clone();
        if events.is_empty() {
            break;
        }
        from = Some(events.last().unwrap()["id"].as_str().unwrap().to_owned());
        all.extend(events);
    }
    assert_eq!(all, truth);
    let ids: Vec<u128> = all
        .iter()
        .map(|e| e["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    assert!(
        all.windows(2)
            .any(|w| time(&w[0]["occurredAt"]) > time(&w[1]["occurredAt"])),
        "some events are written after later ones occurred"
    );

    let (_, stats) = sim.get(&token, "/order/event-stats", &[]).await;
    assert_eq!(stats["latestEvent"]["id"], truth.last().unwrap()["id"]);
    let (_, empty) = sim
        .get(
            &token,
            "/order/events",
            &[("from", stats["latestEvent"]["id"].as_str().unwrap())],
        )
        .await;
    assert_eq!(empty, json!({"events": []}));

    let (_, typed) = sim
        .get(
            &token,
            "/order/events?type=BOUGHT&type=BUYER_CANCELLED&limit=1000",
            &[],
        )
        .await;
    assert!(
        typed["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] == "BOUGHT" || e["type"] == "BUYER_CANCELLED")
    );
}

#[tokio::test]
async fn events_older_than_sixty_days_are_gone_and_a_stale_cursor_is_refused() {
    let sim = spawn(SimulatorConfig::for_tests(500)).await;
    let world = sim.handle.world();
    let oldest = world.events(0)[0]["id"].as_str().unwrap().to_owned();
    world.advance(chrono::Duration::days(61));
    assert!(world.events(0).is_empty());
    let token = sim.token().await;
    let (_, stats) = sim.get(&token, "/order/event-stats", &[]).await;
    assert_eq!(stats, json!({}));
    let (status, body) = sim
        .get(&token, "/order/events", &[("from", oldest.as_str())])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&body), "VALIDATION_ERROR");

    let id = world.create_order(0);
    let (_, page) = sim.get(&token, "/order/events", &[]).await;
    assert_eq!(
        page["events"][0]["order"]["checkoutForm"]["id"],
        id.as_str()
    );
    assert_eq!(page["events"][0]["type"], "BOUGHT");
}
