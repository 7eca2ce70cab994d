//! The API's guards and faults: every Nth call a 429, the Accept and User-Agent headers, faults
//! set over HTTP, the client's request budget.

use std::time::Duration;

use allegro_backup::simulator::{Faults, SimulatorConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{MEDIA, error_code, spawn};
use crate::helpers::text_of;

/// `rate_limit_every` answers every Nth API call with Allegro's 429.
#[tokio::test]
async fn every_nth_api_call_can_be_answered_429() {
    let sim = spawn(SimulatorConfig::for_tests(5)).await;
    let token = sim.token().await;
    let faults = sim.set_faults(json!({"rate_limit_every": 4})).await;
    assert_eq!(faults["rate_limit_every"], 4);
    let calls = sim.handle.world().request_count();
    let mut limited = vec![];
    for call in calls + 1..=calls + 12 {
        let (status, body) = sim.get(&token, "/me", &[]).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(error_code(&body), "TooManyRequestsException");
            limited.push(call);
        }
    }
    let expected: Vec<u64> = (calls + 1..=calls + 12).filter(|n| n % 4 == 0).collect();
    assert_eq!(limited, expected);
}

#[tokio::test]
async fn api_calls_without_the_allegro_accept_header_or_a_user_agent_are_refused() {
    let sim = spawn(SimulatorConfig::for_tests(5)).await;
    let token = sim.token().await;
    let access = token["access_token"].as_str().unwrap();
    let r = sim
        .client
        .get(sim.url("/me"))
        .bearer_auth(access)
        .header("User-Agent", "t/1")
        .header("Accept", "application/vnd.allegro.beta.v1+json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_ACCEPTABLE);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "NotAcceptableException");

    let r = sim
        .client
        .get(sim.url("/me"))
        .bearer_auth(access)
        .header("Accept", MEDIA)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let r = sim.api(&token, "/me").send().await.unwrap();
    assert_eq!(r.headers()["content-type"], MEDIA);
    let me: Value = r.json().await.unwrap();
    let seller = &sim.handle.world().sellers()[0];
    assert_eq!(me["id"], seller.id.as_str());
    assert_eq!(me["login"], seller.login.as_str());
    assert_eq!(me["baseMarketplace"]["id"], "allegro-pl");
}

#[tokio::test]
async fn faults_set_over_http_give_429_with_retry_after_5xx_and_truncated_bodies() {
    let sim = spawn(SimulatorConfig::for_tests(10)).await;
    let token = sim.token().await;
    sim.set_faults(json!({"rate_limit_next": 2})).await;
    for _ in 0..2 {
        let r = sim.api(&token, "/me").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()["retry-after"], "1");
        let body: Value = r.json().await.unwrap();
        assert_eq!(error_code(&body), "TooManyRequestsException");
    }
    assert_eq!(
        sim.api(&token, "/me").send().await.unwrap().status(),
        StatusCode::OK
    );

    let world = sim.handle.world();
    world.set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    assert_eq!(
        sim.api(&token, "/me").send().await.unwrap().status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    world.set_faults(Faults {
        truncate_bodies: true,
        latency: Duration::from_millis(50),
        ..Faults::default()
    });
    let text = text_of(sim.api(&token, "/order/checkout-forms")).await;
    assert!(serde_json::from_str::<Value>(&text).is_err());
    world.set_faults(Faults::default());
    assert!(world.request_count() >= 5);

    let truth = sim.truth("orders?seller=0").await;
    assert_eq!(truth["checkoutForms"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn the_client_budget_blocks_with_429_once_spent() {
    let sim = spawn(SimulatorConfig {
        requests_per_minute: 3,
        ..SimulatorConfig::for_tests(5)
    })
    .await;
    let token = sim.token().await;
    for _ in 0..3 {
        assert_eq!(
            sim.api(&token, "/me").send().await.unwrap().status(),
            StatusCode::OK
        );
    }
    let r = sim.api(&token, "/me").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    sim.handle.world().advance(chrono::Duration::seconds(61));
    assert_eq!(
        sim.api(&token, "/me").send().await.unwrap().status(),
        StatusCode::OK
    );
}
