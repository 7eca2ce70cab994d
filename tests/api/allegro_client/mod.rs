//! The Allegro client's HTTP contract, pinned against wiremock: paths, headers, bodies, retries,
//! the client-wide 429 pause, token refresh and error mapping.
//! The fixtures here; the tests by theme: requests and responses, OAuth and the device flow,
//! refreshes and retries.

mod api;
mod invoices;
mod oauth;
mod payment_operations;
mod refund_claims;
mod refunds;
mod retries;
mod returns;

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use allegro_backup::{
    allegro::{AccountApi, AllegroClient, AllegroError, RetryPolicy, TokenSource},
    config::AllegroConfig,
};
use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
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
    setup_with(|_, _| {}).await
}

/// A mock Allegro and a client of it with [`settings`] changed by `customize`.
async fn setup_with(
    customize: impl FnOnce(&mut AllegroConfig, &MockServer),
) -> (MockServer, AllegroClient) {
    let server = MockServer::start().await;
    let mut settings = settings(&server);
    customize(&mut settings, &server);
    let client = AllegroClient::new(&settings)
        .unwrap()
        .with_retry_policy(fast_retries());
    (server, client)
}

/// The client's API for account "a", whose token ("t") is always taken as it is.
fn account(client: &AllegroClient) -> AccountApi {
    client.account(TestTokens::new("a", "t", "t"))
}

/// The error `GET /me` ends with when Allegro answers it `answer` every time; `tries` requests
/// are expected.
async fn me_error(
    server: &MockServer,
    client: &AllegroClient,
    answer: ResponseTemplate,
    tries: u64,
) -> AllegroError {
    mock("GET", "/me", answer).expect(tries).mount(server).await;
    account(client).me().await.unwrap_err()
}

/// The status, code and message of an [`AllegroError::Client`].
fn client_error(error: AllegroError) -> (u16, Option<String>, String) {
    let AllegroError::Client {
        status,
        code,
        message,
    } = error
    else {
        panic!("expected Client, got {error:?}");
    };
    (status, code, message)
}

/// `verb at` answered with `answer` (the caller adds how often, and mounts it).
fn mock(verb: &str, at: &str, answer: ResponseTemplate) -> Mock {
    Mock::given(method(verb)).and(path(at)).respond_with(answer)
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

/// Allegro's 403 for a token without the endpoint's scope.
fn access_denied() -> ResponseTemplate {
    ResponseTemplate::new(403).set_body_json(json!({"errors": [
        {"code": "AccessDenied", "message": "Access is denied",
         "userMessage": "No access to the specified resource."}]}))
}

/// Allegro's 429, to be retried after `retry_after` seconds.
fn too_many_requests(retry_after: &str) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .insert_header("Retry-After", retry_after)
        .set_body_json(json!({"errors": [
            {"code": "TooManyRequestsException", "message": "Too many requests"}]}))
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
    serde_json::from_str(include_str!("../allegro_checkout_form.json")).unwrap()
}
