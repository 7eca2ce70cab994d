//! Refreshing a rejected token, the client-wide 429 pause, retries of server errors and

//! timeouts.

use std::{
    sync::atomic::Ordering,
    time::{Duration, Instant},
};

use allegro_backup::allegro::AllegroError;

use chrono::{TimeZone, Utc};

use serde_json::json;

use wiremock::{
    Mock, ResponseTemplate,
    matchers::{header, method, path},
};

use super::{
    TestTokens, account, fast_retries, me_error, me_json, mock, setup, setup_with,
    too_many_requests,
};

#[tokio::test]
async fn a_rejected_token_is_refreshed_once_and_the_call_retried() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("authorization", "Bearer old"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": "invalid_token", "error_description": "Access token expired: old"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("authorization", "Bearer new"))
        .respond_with(ResponseTemplate::new(200).set_body_json(me_json()))
        .expect(1)
        .mount(&server)
        .await;
    let tokens = TestTokens::new("a", "old", "new");

    let me = client.account(tokens.clone()).me().await.unwrap();

    assert_eq!(me.login, "sklep_kubki");
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(*tokens.rejected.lock().unwrap(), ["old"]);
}

#[tokio::test]
async fn a_token_rejected_again_after_the_refresh_gives_unauthorized() {
    let (server, client) = setup().await;
    mock("GET", "/me", ResponseTemplate::new(401))
        .expect(2)
        .mount(&server)
        .await;
    let tokens = TestTokens::new("a", "old", "new");

    let error = client.account(tokens.clone()).me().await.unwrap_err();

    assert!(matches!(error, AllegroError::Unauthorized), "{error:?}");
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_429_with_retry_after_pauses_every_account_of_the_client_id() {
    let (server, client) = setup().await;
    mock("GET", "/me", too_many_requests("1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mock(
        "GET",
        "/me",
        ResponseTemplate::new(200).set_body_json(me_json()),
    )
    .mount(&server)
    .await;
    mock(
        "GET",
        "/order/event-stats",
        ResponseTemplate::new(200).set_body_json(json!({})),
    )
    .mount(&server)
    .await;
    let first = account(&client);
    let second = client.account(TestTokens::new("b", "t", "t"));
    let started = Instant::now();

    let first_call = tokio::spawn(async move { first.me().await });
    while client.rate_limit_pause_remaining().is_zero() {
        assert!(started.elapsed() < Duration::from_secs(1), "no 429 seen");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(second.event_stats().await.unwrap().is_none());
    let second_done = started.elapsed();

    assert_eq!(first_call.await.unwrap().unwrap().id, "104822444");
    assert!(
        second_done >= Duration::from_millis(900),
        "the other account waited: {second_done:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_429_that_persists_gives_rate_limited() {
    let (server, client) = setup().await;
    let error = me_error(
        &server,
        &client,
        ResponseTemplate::new(429).insert_header("Retry-After", "0"),
        3,
    )
    .await;

    let AllegroError::RateLimited { retry_after } = error else {
        panic!("expected RateLimited, got {error:?}");
    };
    assert_eq!(
        retry_after,
        fast_retries().rate_limit_pause,
        "at least the minimum pause"
    );
}

#[tokio::test]
async fn server_errors_are_retried_until_the_call_succeeds() {
    let (server, client) = setup().await;
    mock(
        "GET",
        "/order/event-stats",
        ResponseTemplate::new(503).insert_header("trace-id", "35eb442d0bb91345"),
    )
    .up_to_n_times(2)
    .expect(2)
    .mount(&server)
    .await;
    mock("GET", "/order/event-stats", ResponseTemplate::new(200).set_body_json(
            json!({"latestEvent": {"id": "1784020352561747", "occurredAt": "2026-07-14T09:12:32Z"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let latest = account(&client).event_stats().await.unwrap().unwrap();

    assert_eq!(latest.id.as_str(), "1784020352561747");
    assert_eq!(
        latest.occurred_at,
        Utc.with_ymd_and_hms(2026, 7, 14, 9, 12, 32).unwrap()
    );
}

#[tokio::test]
async fn server_errors_that_persist_give_a_server_error_after_bounded_retries() {
    let (server, client) = setup().await;
    let error = me_error(&server, &client, ResponseTemplate::new(502), 3).await;

    assert!(
        matches!(error, AllegroError::Server { status: 502 }),
        "{error:?}"
    );
}

#[tokio::test]
async fn requests_that_time_out_are_retried_then_give_timeout() {
    let (server, client) = setup_with(|settings, _| {
        settings.request_timeout = Duration::from_millis(100);
    })
    .await;
    let error = me_error(
        &server,
        &client,
        ResponseTemplate::new(200)
            .set_body_json(me_json())
            .set_delay(Duration::from_millis(600)),
        3,
    )
    .await;

    assert!(matches!(error, AllegroError::Timeout), "{error:?}");
}
