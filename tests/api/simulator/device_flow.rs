//! The OAuth device flow: a code approved on the simulator's page gives a token once; denied,
//! expired and unknown codes; the endpoints' basic auth.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{error_code, manual, spawn};
use crate::helpers::text_of;

#[tokio::test]
async fn a_device_code_approved_on_the_page_gives_a_token_exactly_once() {
    let sim = spawn(manual()).await;
    let world = sim.handle.world();
    let device = sim.device().await;
    assert_eq!(device["expires_in"], 3600);
    assert_eq!(device["interval"], 5);
    let user_code = device["user_code"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert!(
        user_code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    let uri = device["verification_uri"].as_str().unwrap();
    assert_eq!(uri, sim.url("/skojarz-aplikacje"));
    assert_eq!(
        device["verification_uri_complete"],
        format!("{uri}?code={user_code}")
    );
    let code = device["device_code"].as_str().unwrap();

    let (status, body) = sim.poll(code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "authorization_pending",
               "error_description": "User has not authorized the device code yet."})
    );
    let (status, body) = sim.poll(code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "slow_down");

    // The person opens the page and approves.
    let page = text_of(
        sim.client
            .get(device["verification_uri_complete"].as_str().unwrap()),
    )
    .await;
    assert!(page.contains("Approve") && page.contains(&world.sellers()[0].login));
    let result = text_of(sim.client.post(uri).form(&[
        ("code", user_code),
        ("seller", "0"),
        ("action", "approve"),
    ]))
    .await;
    assert!(result.contains("Approved — you can return to allegro-backup"));

    world.advance(chrono::Duration::seconds(6));
    let (status, token) = sim.poll(code).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(token["expires_in"], 43199);
    assert_eq!(token["allegro_api"], true);
    assert!(token["jti"].is_string() && token["scope"].as_str().unwrap().contains("orders:read"));
    assert_eq!(
        token["access_token"].as_str().unwrap().split('.').count(),
        3
    );

    world.advance(chrono::Duration::seconds(6));
    let (status, body) = sim.poll(code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"error": "invalid_request", "error_description": "Invalid device code"})
    );
    sim.handle.stop().await;
}

#[tokio::test]
async fn a_denied_device_code_gives_access_denied_with_parameters_in_the_form_body() {
    let sim = spawn(manual()).await;
    let r = sim
        .oauth("/auth/oauth/device")
        .form(&[("client_id", sim.id.as_str())])
        .send()
        .await
        .unwrap();
    let device: Value = r.json().await.unwrap();
    assert!(
        sim.handle
            .world()
            .deny(device["user_code"].as_str().unwrap())
    );
    let (status, body) = sim.poll(device["device_code"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "access_denied");
}

#[tokio::test]
async fn an_expired_or_unknown_device_code_is_invalid() {
    let sim = spawn(manual()).await;
    let device = sim.device().await;
    let world = sim.handle.world();
    world.advance(chrono::Duration::seconds(3601));
    assert!(!world.approve(device["user_code"].as_str().unwrap(), 0));
    let (status, body) = sim.poll(device["device_code"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error_description"], "Invalid device code");
    let (_, body) = sim.poll("nope").await;
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn the_oauth_endpoints_require_basic_auth_and_a_client_id() {
    let sim = spawn(manual()).await;
    for path in ["/auth/oauth/device", "/auth/oauth/token"] {
        let r = sim
            .client
            .post(sim.url(path))
            .basic_auth(&sim.id, Some("wrong"))
            .query(&[("client_id", sim.id.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let body: Value = r.json().await.unwrap();
        assert_eq!(
            body,
            json!({"error": "Unauthorized", "error_description": "Unauthorized"})
        );
    }
    let r = sim.oauth("/auth/oauth/device").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "ERROR");
}
