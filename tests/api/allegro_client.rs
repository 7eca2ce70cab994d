//! The Allegro client's HTTP contract, pinned against wiremock: paths, headers, bodies, retries,
//! the client-wide 429 pause, token refresh and error mapping.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use allegro_backup::{
    allegro::{
        ALLEGRO_MEDIA_TYPE, AllegroClient, AllegroError, CheckoutFormQuery, CheckoutFormSort,
        DeviceAuthorization, DeviceFlowError, EventQuery, RetryPolicy, TokenSource,
        wait_for_device_authorization,
    },
    config::AllegroConfig,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{TimeZone, Utc};
use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_string_contains, header, method, path, query_param},
};

const USER_AGENT: &str = "allegro-backup-tests/1.0 (+https://example.invalid/info)";
const CLIENT_ID: &str = "test-client";
const CLIENT_SECRET: &str = "test-secret";
/// A JWT whose payload has `"user_name":"104822444"` (signature not checked).
const ACCESS_JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3ODQ5OTk5OTksInVzZXJfbmFtZSI6IjEwNDgyMjQ0NCIsImp0aSI6IjVkMmU3YTFjLTQ0YjItNGU4Zi05YTFlLTNkMGE3YjZjOGYxMiIsImNsaWVudF9pZCI6IjhjNTg0Njg1MTJmNTRiYjM5ZmNjMWQyMTMwZGViZmZjIiwic2NvcGUiOlsiYWxsZWdybzphcGk6b3JkZXJzOnJlYWQiLCJhbGxlZ3JvOmFwaTpwcm9maWxlOnJlYWQiXSwiYWxsZWdyb19hcGkiOnRydWV9.c2lnbmF0dXJl";

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        rate_limited_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        rate_limit_pause: Duration::from_millis(10),
    }
}

fn settings(server: &MockServer) -> AllegroConfig {
    let mut settings = AllegroConfig::for_simulator(&server.uri()).unwrap();
    settings.client_id = CLIENT_ID.into();
    settings.client_secret = SecretString::from(CLIENT_SECRET);
    settings.user_agent = USER_AGENT.into();
    settings.request_timeout = Duration::from_millis(500);
    settings
}

async fn setup() -> (MockServer, AllegroClient) {
    let server = MockServer::start().await;
    let client = AllegroClient::new(&settings(&server))
        .unwrap()
        .with_retry_policy(fast_retries());
    (server, client)
}

/// Hands out `current`; a refresh swaps in `next` and records the rejected token.
struct TestTokens {
    key: String,
    current: Mutex<String>,
    next: String,
    rejected: Mutex<Vec<String>>,
    refreshes: AtomicUsize,
}

impl TestTokens {
    fn new(key: &str, current: &str, next: &str) -> Arc<Self> {
        Arc::new(Self {
            key: key.into(),
            current: Mutex::new(current.into()),
            next: next.into(),
            rejected: Mutex::new(vec![]),
            refreshes: AtomicUsize::new(0),
        })
    }
}

impl TokenSource for TestTokens {
    type Error = AllegroError;

    fn account_key(&self) -> String {
        self.key.clone()
    }

    fn access_token(&self) -> BoxFuture<'_, Result<SecretString, AllegroError>> {
        Box::pin(async move { Ok(SecretString::from(self.current.lock().unwrap().clone())) })
    }

    fn refresh(&self, rejected: SecretString) -> BoxFuture<'_, Result<SecretString, AllegroError>> {
        Box::pin(async move {
            self.refreshes.fetch_add(1, Ordering::SeqCst);
            self.rejected
                .lock()
                .unwrap()
                .push(rejected.expose_secret().to_owned());
            *self.current.lock().unwrap() = self.next.clone();
            Ok(SecretString::from(self.next.clone()))
        })
    }
}

fn me_json() -> Value {
    json!({"id": "104822444", "login": "sklep_kubki", "firstName": "Anna", "lastName": "Nowak",
           "email": "anna@example.com", "baseMarketplace": {"id": "allegro-pl"}})
}

fn oauth_error(error: &str, description: &str) -> ResponseTemplate {
    ResponseTemplate::new(400)
        .set_body_json(json!({"error": error, "error_description": description}))
}

fn token_json() -> Value {
    json!({"access_token": ACCESS_JWT, "token_type": "bearer", "refresh_token": "refresh-2",
           "expires_in": 43199, "scope": "allegro:api:orders:read allegro:api:profile:read",
           "allegro_api": true, "jti": "5d2e7a1c"})
}

/// §14.3 of the reference, plus fields the client has never heard of.
fn checkout_form_json() -> Value {
    serde_json::from_str(include_str!("allegro_checkout_form.json")).unwrap()
}

#[tokio::test]
async fn api_calls_send_accept_user_agent_and_the_bearer_token() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("accept", ALLEGRO_MEDIA_TYPE))
        .and(header("user-agent", USER_AGENT))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(me_json()))
        .expect(1)
        .mount(&server)
        .await;
    let api = client.account(TestTokens::new("a", "token-1", "token-2"));

    let me = api.me().await.unwrap();

    assert_eq!(me.id, "104822444");
    assert_eq!(me.login, "sklep_kubki");
    assert_eq!(me.first_name.as_deref(), Some("Anna"));
    assert_eq!(me.raw, me_json());
}

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
) -> (
    Result<allegro_backup::allegro::TokenSet, DeviceFlowError>,
    Vec<Duration>,
) {
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
    Mock::given(method("POST"))
        .and(path("/auth/oauth/token"))
        .respond_with(oauth_error(
            "invalid_grant",
            "Invalid refresh token: refresh-1",
        ))
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
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(401))
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
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1").set_body_json(
            json!({"errors": [{"code": "TooManyRequestsException", "message": "Too many requests"}]}),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(me_json()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/order/event-stats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let first = client.account(TestTokens::new("a", "t", "t"));
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
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .expect(3)
        .mount(&server)
        .await;

    let error = client
        .account(TestTokens::new("a", "t", "t"))
        .me()
        .await
        .unwrap_err();

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
    Mock::given(method("GET"))
        .and(path("/order/event-stats"))
        .respond_with(ResponseTemplate::new(503).insert_header("trace-id", "35eb442d0bb91345"))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/order/event-stats"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"latestEvent": {"id": "1784020352561747", "occurredAt": "2026-07-14T09:12:32Z"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let latest = client
        .account(TestTokens::new("a", "t", "t"))
        .event_stats()
        .await
        .unwrap()
        .unwrap();

    assert_eq!(latest.id.as_str(), "1784020352561747");
    assert_eq!(
        latest.occurred_at,
        Utc.with_ymd_and_hms(2026, 7, 14, 9, 12, 32).unwrap()
    );
}

#[tokio::test]
async fn server_errors_that_persist_give_a_server_error_after_bounded_retries() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(502))
        .expect(3)
        .mount(&server)
        .await;

    let error = client
        .account(TestTokens::new("a", "t", "t"))
        .me()
        .await
        .unwrap_err();

    assert!(
        matches!(error, AllegroError::Server { status: 502 }),
        "{error:?}"
    );
}

#[tokio::test]
async fn requests_that_time_out_are_retried_then_give_timeout() {
    let server = MockServer::start().await;
    let mut settings = settings(&server);
    settings.request_timeout = Duration::from_millis(100);
    let client = AllegroClient::new(&settings)
        .unwrap()
        .with_retry_policy(fast_retries());
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(me_json())
                .set_delay(Duration::from_millis(600)),
        )
        .expect(3)
        .mount(&server)
        .await;

    let error = client
        .account(TestTokens::new("a", "t", "t"))
        .me()
        .await
        .unwrap_err();

    assert!(matches!(error, AllegroError::Timeout), "{error:?}");
}

#[tokio::test]
async fn truncated_json_gives_an_invalid_response_with_a_snippet() {
    let (server, client) = setup().await;
    let truncated =
        r#"{"checkoutForms":[{"id":"29738e61-7f6a-11e8-ac45-09db60ede9d6","buyer":{"id":"231"#;
    Mock::given(method("GET"))
        .and(path("/order/checkout-forms"))
        .respond_with(ResponseTemplate::new(200).set_body_string(truncated))
        .expect(1)
        .mount(&server)
        .await;

    let error = client
        .account(TestTokens::new("a", "t", "t"))
        .checkout_forms(&CheckoutFormQuery::default())
        .await
        .unwrap_err();

    let AllegroError::InvalidResponse { status, snippet } = error else {
        panic!("expected InvalidResponse, got {error:?}");
    };
    assert_eq!(status, 200);
    assert_eq!(snippet, truncated);
}

#[tokio::test]
async fn a_checkout_form_keeps_unknown_fields_in_raw_and_amounts_as_strings() {
    let (server, client) = setup().await;
    let form = checkout_form_json();
    Mock::given(method("GET"))
        .and(path(
            "/order/checkout-forms/29738e61-7f6a-11e8-ac45-09db60ede9d6",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(&form))
        .expect(1)
        .mount(&server)
        .await;

    let got = client
        .account(TestTokens::new("a", "t", "t"))
        .checkout_form("29738e61-7f6a-11e8-ac45-09db60ede9d6")
        .await
        .unwrap();

    let got_json = got.document.to_value();
    assert_eq!(got_json, form, "the whole object, unknown fields included");
    assert_eq!(
        got_json["somethingAllegroAddsTomorrow"]["nested"],
        json!([1, "two", null])
    );
    assert_eq!(got.status, "READY_FOR_PROCESSING");
    assert_eq!(got.fulfillment_status.as_deref(), Some("SENT"));
    assert_eq!(got.buyer.login.as_deref(), Some("Jan_Kowalski_88"));
    assert_eq!(got.buyer.company_name, None);
    assert!(got.invoice_required);
    assert_eq!(got.marketplace_id.as_deref(), Some("allegro-pl"));
    let payment = got.payment.as_ref().unwrap();
    assert_eq!(
        payment.paid_amount.as_ref().unwrap().amount.as_str(),
        "72.79"
    );
    assert_eq!(payment.provider.as_deref(), Some("P24"));
    let delivery = got.delivery.as_ref().unwrap();
    assert_eq!(
        delivery.pickup_point.as_ref().unwrap().id.as_deref(),
        Some("POZ08A")
    );
    assert_eq!(delivery.cost.as_ref().unwrap().amount.as_str(), "12.99");
    let item = &got.line_items[0];
    assert_eq!(item.offer.external_id(), Some("KUB-330-W"));
    assert_eq!(item.quantity, 2);
    assert_eq!(item.price.amount.as_str(), "29.90");
    assert_eq!(item.price.currency, "PLN");
    assert_eq!(got.total_to_pay.as_ref().unwrap().amount.as_str(), "72.79");
    assert_eq!(got.surcharges_count(), 1);
    assert_eq!(got.revision.as_deref(), Some("819b5836"));
    assert_eq!(
        got.updated_at.unwrap(),
        Utc.with_ymd_and_hms(2026, 7, 14, 9, 12, 40).unwrap() + chrono::Duration::milliseconds(133)
    );
    assert_eq!(
        serde_json::to_value(&got).unwrap(),
        form,
        "serializes back to the original"
    );
}

#[tokio::test]
async fn the_order_list_sends_dotted_filters_and_reads_the_totals() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/order/checkout-forms"))
        .and(query_param("offset", "100"))
        .and(query_param("limit", "50"))
        .and(query_param(
            "lineItems.boughtAt.gte",
            "2026-07-01T00:00:00.000Z",
        ))
        .and(query_param(
            "lineItems.boughtAt.lte",
            "2026-07-31T23:59:59.999Z",
        ))
        .and(query_param("marketplace.id", "allegro-pl"))
        .and(query_param("sort", "lineItems.boughtAt"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"checkoutForms": [checkout_form_json()], "count": 1, "totalCount": 1342}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let query = CheckoutFormQuery {
        offset: 100,
        limit: 50,
        bought_at_gte: Some(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()),
        bought_at_lte: Some(
            Utc.with_ymd_and_hms(2026, 7, 31, 23, 59, 59).unwrap()
                + chrono::Duration::milliseconds(999),
        ),
        marketplace: Some("allegro-pl".into()),
        sort: Some(CheckoutFormSort::BoughtAtAsc),
        ..CheckoutFormQuery::default()
    };

    let page = client
        .account(TestTokens::new("a", "t", "t"))
        .checkout_forms(&query)
        .await
        .unwrap();

    assert_eq!(page.count, 1);
    assert_eq!(page.total_count, 1342);
    assert_eq!(
        page.checkout_forms()[0].document.to_value(),
        checkout_form_json()
    );
}

#[tokio::test]
async fn events_are_read_from_a_cursor_with_repeated_type_filters() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/order/events"))
        .and(query_param("from", "1784020205470112"))
        .and(query_param("type", "BOUGHT"))
        .and(query_param("type", "READY_FOR_PROCESSING"))
        .and(query_param("limit", "1000"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"events": [
            {"id": "1784020205482913", "occurredAt": "2026-07-14T09:10:05.48Z", "type": "BOUGHT",
             "order": {"checkoutForm": {"id": "29738e61-7f6a-11e8-ac45-09db60ede9d6", "revision": "4a1c09e2"}}},
            {"id": "1784020352561747", "occurredAt": "2026-07-14T09:12:32Z", "type": "READY_FOR_PROCESSING",
             "order": {"checkoutForm": {"id": "29738e61-7f6a-11e8-ac45-09db60ede9d6"}}, "brandNew": true}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let query = EventQuery {
        from: Some("1784020205470112".parse().unwrap()),
        types: vec!["BOUGHT".into(), "READY_FOR_PROCESSING".into()],
        ..EventQuery::default()
    };

    let events = client
        .account(TestTokens::new("a", "t", "t"))
        .events(&query)
        .await
        .unwrap();

    assert_eq!(events.len(), 2);
    assert!(events[0].id < events[1].id);
    assert!(query.from.unwrap() < events[0].id);
    assert_eq!(
        events[0].occurred_at,
        Utc.with_ymd_and_hms(2026, 7, 14, 9, 10, 5).unwrap() + chrono::Duration::milliseconds(480)
    );
    assert_eq!(events[0].revision.as_deref(), Some("4a1c09e2"));
    assert_eq!(events[1].revision, None);
    assert_eq!(events[1].raw["brandNew"], json!(true));
}

#[tokio::test]
async fn an_unknown_checkout_form_gives_not_found() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(
            "/order/checkout-forms/29738e61-7f6a-11e8-ac45-09db60ede9d6",
        ))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"errors": [{
            "code": "CheckoutFormNotFoundException", "message": "Checkout form not found",
            "details": null, "path": null, "userMessage": "Checkout form not found"}]})))
        .expect(1)
        .mount(&server)
        .await;

    let error = client
        .account(TestTokens::new("a", "t", "t"))
        .checkout_form("29738e61-7f6a-11e8-ac45-09db60ede9d6")
        .await
        .unwrap_err();

    assert!(matches!(error, AllegroError::NotFound), "{error:?}");
}

#[tokio::test]
async fn a_422_gives_a_client_error_with_allegros_message_and_no_retry() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/order/checkout-forms"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"errors": [{
            "code": "VALIDATION_ERROR",
            "message": "Offset and limit parameters exceed maximal result size of 10000 items",
            "details": null, "path": "/order/checkout-forms", "userMessage": null}]})))
        .expect(1)
        .mount(&server)
        .await;
    let query = CheckoutFormQuery {
        offset: 9950,
        ..CheckoutFormQuery::default()
    };

    let error = client
        .account(TestTokens::new("a", "t", "t"))
        .checkout_forms(&query)
        .await
        .unwrap_err();

    let AllegroError::Client {
        status,
        code,
        message,
    } = error
    else {
        panic!("expected Client, got {error:?}");
    };
    assert_eq!(status, 422);
    assert_eq!(code.as_deref(), Some("VALIDATION_ERROR"));
    assert_eq!(
        message,
        "Offset and limit parameters exceed maximal result size of 10000 items"
    );
}

#[tokio::test]
async fn base_urls_with_a_path_prefix_are_honoured() {
    let server = MockServer::start().await;
    let mut settings = settings(&server);
    settings.api_url = format!("{}/allegro-api/", server.uri());
    let client = AllegroClient::new(&settings)
        .unwrap()
        .with_retry_policy(fast_retries());
    Mock::given(method("GET"))
        .and(path("/allegro-api/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(me_json()))
        .expect(1)
        .mount(&server)
        .await;

    assert!(
        client
            .account(TestTokens::new("a", "t", "t"))
            .me()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn an_oauth_error_other_than_invalid_grant_is_a_client_error() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/auth/oauth/device"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(
                json!({"error": "Unauthorized", "error_description": "Unauthorized"}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;

    let error = client.start_device_flow().await.unwrap_err();

    let AllegroError::Client {
        status,
        code,
        message,
    } = error
    else {
        panic!("expected Client, got {error:?}");
    };
    assert_eq!(
        (status, code.as_deref(), message.as_str()),
        (401, Some("Unauthorized"), "Unauthorized")
    );
}

/// Collects what the tracing subscriber writes.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn errors_are_logged_with_the_trace_id_and_without_the_token() {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("Trace-Id", "35eb442d0bb91345")
                .set_body_json(json!({"error": "invalid_token",
                    "error_description": "Access token expired: secret-token-old"})),
        )
        .mount(&server)
        .await;
    let tokens = TestTokens::new("acc-7", "secret-token-old", "secret-token-new");

    let error = client.account(tokens).me().await.unwrap_err();

    assert!(matches!(error, AllegroError::Unauthorized), "{error:?}");
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("trace_id=\"35eb442d0bb91345\"")
            || logs.contains("trace_id=35eb442d0bb91345"),
        "{logs}"
    );
    assert!(logs.contains("acc-7"), "{logs}");
    assert!(!logs.contains("secret-token"), "{logs}");
}
