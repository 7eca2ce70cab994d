//! OAuth: basic auth and form bodies, the device flow's waiting and endings, refresh tokens.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use allegro_backup::allegro::{
    AllegroClient, AllegroError, DeviceAuthorization, DeviceFlowError, TokenSet,
    wait_for_device_authorization,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_string_contains, header, method, path},
};

use super::{
    ACCESS_JWT, CLIENT_ID, CLIENT_SECRET, client_error, mock, oauth_error, setup, token_json,
};

#[tokio::test]
async fn oauth_calls_use_basic_auth_and_form_bodies() {
    let (server, client) = setup().await;
    let basic = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    Mock::given(method("POST"))
        .and(path("/auth/oauth/device"))
        .and(header("authorization", basic.as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("client_id=test-client"))
        .and(body_string_contains(
            "scope=allegro%3Aapi%3Aorders%3Aread+allegro%3Aapi%3Aprofile%3Aread",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "device_code": "qeRK87eUwzFVT1AdEygGRxsFEO5ZDVXn", "expires_in": 3600,
            "user_code": "bhmg4lm1i", "interval": 5,
            "verification_uri": "https://allegro.example/skojarz-aplikacje",
            "verification_uri_complete": "https://allegro.example/skojarz-aplikacje?code=bhmg4lm1i"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/oauth/token"))
        .and(header("authorization", basic.as_str()))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=refresh-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_json()))
        .expect(1)
        .mount(&server)
        .await;

    let auth = client.start_device_flow().await.unwrap();
    assert_eq!(auth.user_code, "bhmg4lm1i");
    assert_eq!(
        auth.device_code.expose_secret(),
        "qeRK87eUwzFVT1AdEygGRxsFEO5ZDVXn"
    );
    assert_eq!(
        auth.verification_uri_complete,
        "https://allegro.example/skojarz-aplikacje?code=bhmg4lm1i"
    );
    assert_eq!(auth.expires_in, Duration::from_secs(3600));
    assert_eq!(auth.interval, Duration::from_secs(5));

    let tokens = client
        .refresh_tokens(&SecretString::from("refresh-1"))
        .await
        .unwrap();
    assert_eq!(tokens.access_token.expose_secret(), ACCESS_JWT);
    assert_eq!(tokens.refresh_token.expose_secret(), "refresh-2");
    assert_eq!(tokens.expires_in, Duration::from_secs(43199));
    assert_eq!(tokens.allegro_user_id.as_deref(), Some("104822444"));
}

fn device_auth(expires_secs: u64) -> DeviceAuthorization {
    DeviceAuthorization {
        device_code: SecretString::from("device-123"),
        user_code: "abc".into(),
        verification_uri: "v".into(),
        verification_uri_complete: "v?code=abc".into(),
        expires_in: Duration::from_secs(expires_secs),
        interval: Duration::from_secs(5),
    }
}

/// Mounts one answer of the token endpoint for `device-123`, used at most `times` times.
async fn device_answer(server: &MockServer, answer: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path("/auth/oauth/token"))
        .and(body_string_contains(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code",
        ))
        .and(body_string_contains("device_code=device-123"))
        .respond_with(answer)
        .up_to_n_times(times)
        .mount(server)
        .await;
}

/// Runs the device flow with a sleep that only records how long it was asked to wait.
async fn run_device_flow(
    client: &AllegroClient,
    auth: &DeviceAuthorization,
) -> (Result<TokenSet, DeviceFlowError>, Vec<Duration>) {
    let sleeps = Arc::new(Mutex::new(vec![]));
    let recorder = Arc::clone(&sleeps);
    let result = wait_for_device_authorization(client, auth, move |d| {
        recorder.lock().unwrap().push(d);
        async {}
    })
    .await;
    let sleeps = sleeps.lock().unwrap().clone();
    (result, sleeps)
}

#[tokio::test]
async fn the_device_flow_waits_through_pending_and_slow_down_until_authorized() {
    let (server, client) = setup().await;
    let pending = oauth_error(
        "authorization_pending",
        "User has not authorized the device code yet.",
    );
    device_answer(&server, pending, 1).await;
    device_answer(&server, oauth_error("slow_down", "Slow down"), 1).await;
    device_answer(
        &server,
        ResponseTemplate::new(200).set_body_json(token_json()),
        1,
    )
    .await;

    let (result, sleeps) = run_device_flow(&client, &device_auth(3600)).await;

    let tokens = result.unwrap();
    assert_eq!(tokens.allegro_user_id.as_deref(), Some("104822444"));
    assert_eq!(
        tokens.scope,
        "allegro:api:orders:read allegro:api:profile:read"
    );
    let secs: Vec<u64> = sleeps.iter().map(Duration::as_secs).collect();
    assert_eq!(secs, [5, 5, 10], "slow_down adds 5 s to the interval");
}

#[tokio::test]
async fn a_denied_device_flow_ends_with_denied() {
    let (server, client) = setup().await;
    device_answer(&server, oauth_error("authorization_pending", "pending"), 1).await;
    device_answer(&server, oauth_error("access_denied", "denied"), 1).await;

    let (result, sleeps) = run_device_flow(&client, &device_auth(3600)).await;

    assert!(matches!(result, Err(DeviceFlowError::Denied)), "{result:?}");
    assert_eq!(sleeps.len(), 2);
}

#[tokio::test]
async fn an_invalid_device_code_ends_the_device_flow_as_expired() {
    let (server, client) = setup().await;
    device_answer(
        &server,
        oauth_error("invalid_request", "Invalid device code"),
        1,
    )
    .await;

    let (result, _) = run_device_flow(&client, &device_auth(3600)).await;

    assert!(
        matches!(result, Err(DeviceFlowError::Expired)),
        "{result:?}"
    );
}

#[tokio::test]
async fn the_device_flow_stops_polling_at_expiry() {
    let (server, client) = setup().await;
    device_answer(
        &server,
        oauth_error("authorization_pending", "pending"),
        100,
    )
    .await;

    let (result, sleeps) = run_device_flow(&client, &device_auth(10)).await;

    assert!(
        matches!(result, Err(DeviceFlowError::Expired)),
        "{result:?}"
    );
    assert_eq!(sleeps.len(), 2, "two 5 s waits use up the 10 s");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_dead_refresh_token_gives_invalid_grant() {
    let (server, client) = setup().await;
    mock(
        "POST",
        "/auth/oauth/token",
        oauth_error("invalid_grant", "Invalid refresh token: refresh-1"),
    )
    .expect(1)
    .mount(&server)
    .await;

    let error = client
        .refresh_tokens(&SecretString::from("refresh-1"))
        .await
        .unwrap_err();

    assert!(matches!(error, AllegroError::InvalidGrant), "{error:?}");
    assert!(error.needs_reauthorisation());
}

#[tokio::test]
async fn an_oauth_error_other_than_invalid_grant_is_a_client_error() {
    let (server, client) = setup().await;
    mock(
        "POST",
        "/auth/oauth/device",
        ResponseTemplate::new(401)
            .set_body_json(json!({"error": "Unauthorized", "error_description": "Unauthorized"})),
    )
    .expect(1)
    .mount(&server)
    .await;

    let error = client.start_device_flow().await.unwrap_err();

    let (status, code, message) = client_error(error);
    assert_eq!(
        (status, code.as_deref(), message.as_str()),
        (401, Some("Unauthorized"), "Unauthorized")
    );
}
