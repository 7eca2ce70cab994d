//! `AllegroClient` and the one request pipeline every call goes through: headers, rate budgets,
//! the client-wide 429 pause, token refresh on 401, and bounded retries with jittered back-off.

use std::{
    fmt,
    sync::Arc,
    time::{Duration, Instant},
};

use rand::Rng;
use reqwest::{RequestBuilder, StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::{
    error::AllegroError,
    metrics::ApiMetrics,
    rate_limit::{AccountGate, ClientGate, RateLimitPauses},
    token_source::TokenSource,
};
use crate::config::AllegroConfig;

/// 401s one call goes through before giving up: each is followed by a refresh (or by the token
/// another task refreshed meanwhile), and a 401 on the token a refresh just gave ends the call
/// sooner. A bound against a loop, not a budget a healthy run comes near.
const MAX_REJECTIONS: u32 = 4;

/// The media type of Allegro's public API; required in `Accept`.
pub const ALLEGRO_MEDIA_TYPE: &str = "application/vnd.allegro.public.v1+json";

/// How often and how patiently the pipeline retries. The defaults suit production; tests set
/// short delays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all for 5xx answers, timeouts and connection errors (1 = no retry).
    pub max_attempts: u32,
    /// Attempts in all while Allegro answers 429.
    pub rate_limited_attempts: u32,
    /// First back-off delay; doubles per attempt, jittered between half and all of it.
    pub base_delay: Duration,
    /// Longest back-off delay.
    pub max_delay: Duration,
    /// Shortest pause of the whole client id after a 429 (Allegro blocks for about a minute);
    /// a longer `Retry-After` wins.
    pub rate_limit_pause: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            rate_limited_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            rate_limit_pause: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The jittered delay before retry number `attempt` (1-based).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        let full = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let micros = u64::try_from(full.as_micros()).unwrap_or(u64::MAX);
        Duration::from_micros(rand::rng().random_range(micros / 2..=micros))
    }
}

/// Typed client of Allegro's OAuth and REST API for one client id. Cheap to clone: clones share
/// the HTTP connection pool, the rate budgets and the 429 pause.
#[derive(Clone)]
pub struct AllegroClient {
    pub(crate) inner: Arc<Inner>,
    retry: RetryPolicy,
    /// Counts every exchange; none unless [`AllegroClient::with_metrics`] hands them in.
    metrics: Option<ApiMetrics>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    pub(crate) auth_base: Url,
    pub(crate) api_base: Url,
    pub(crate) client_id: String,
    client_secret: SecretString,
    pub(crate) gate: ClientGate,
}

impl fmt::Debug for AllegroClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AllegroClient")
            .field("auth_url", &self.inner.auth_base.as_str())
            .field("api_url", &self.inner.api_base.as_str())
            .field("client_id", &self.inner.client_id)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

fn base_url(name: &str, value: &str) -> Result<Url, AllegroError> {
    let url = Url::parse(value.trim())
        .map_err(|e| AllegroError::Config(format!("{name} {value:?}: {e}")))?;
    if url.cannot_be_a_base() || !matches!(url.scheme(), "http" | "https") {
        return Err(AllegroError::Config(format!(
            "{name} {value:?} is not an http(s) base URL"
        )));
    }
    Ok(url)
}

/// `base` with `segments` appended to its path (each segment percent-encoded).
pub(crate) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

/// How a request authenticates, and so which retries apply. `E` is what the account's token
/// source fails with.
pub(crate) enum Auth<'a, E = AllegroError> {
    /// OAuth endpoints: client id and secret as Basic auth.
    Basic,
    /// REST API on behalf of one account.
    Account {
        tokens: &'a dyn TokenSource<Error = E>,
        gate: &'a AccountGate,
        key: &'a str,
    },
}

/// A response that the pipeline did not retry away: a success or a final error status.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub trace_id: String,
    retry_after: Option<String>,
    pub body: Vec<u8>,
}

impl AllegroClient {
    /// A client for the hosts, credentials and limits in `settings`.
    pub fn new(settings: &AllegroConfig) -> Result<Self, AllegroError> {
        let http = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .timeout(settings.request_timeout)
            .connect_timeout(settings.request_timeout.min(Duration::from_secs(10)))
            .gzip(true)
            .build()
            .map_err(|e| AllegroError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                auth_base: base_url("ALLEGRO_AUTH_URL", &settings.auth_url)?,
                api_base: base_url("ALLEGRO_API_URL", &settings.api_url)?,
                client_id: settings.client_id.clone(),
                client_secret: settings.client_secret.clone(),
                gate: ClientGate::new(
                    settings.client_requests_per_minute,
                    settings.account_requests_per_minute,
                    settings.account_concurrency,
                ),
            }),
            retry: RetryPolicy {
                rate_limit_pause: settings.rate_limit_pause,
                ..RetryPolicy::default()
            },
            metrics: None,
        })
    }

    /// The same client counting its calls into `metrics` (the application's registry).
    pub fn with_metrics(mut self, metrics: ApiMetrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// The same client (sharing pool and budgets) with another retry policy.
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// How long the client id stays paused after a 429 (zero when it is not).
    pub fn rate_limit_pause_remaining(&self) -> Duration {
        self.inner.gate.remaining_pause()
    }

    /// Follows the client id's 429 pauses (one running now first), for showing them: a run
    /// that waits out a minute's pause should say so rather than look stuck.
    pub fn rate_limit_pauses(&self) -> RateLimitPauses {
        self.inner.gate.pauses()
    }

    /// Sends a request built by `build` until it succeeds, fails for good, or the retry budget
    /// is spent. `what` names the call in logs (never a token); `endpoint` is its path
    /// template, which labels the metrics (ids would make a series per order). The token
    /// source's own failures come back as they were.
    pub(crate) async fn execute<E: From<AllegroError> + Send + 'static>(
        &self,
        auth: Auth<'_, E>,
        what: &str,
        endpoint: &str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Reply, E> {
        let policy = self.retry;
        let gate = &self.inner.gate;
        let account = match &auth {
            Auth::Basic => "oauth",
            Auth::Account { key, .. } => *key,
        };
        let (mut failures, mut rate_limited, mut rejections) = (0u32, 0u32, 0u32);
        // The token the source handed back after a 401 of this call: Allegro refusing that one
        // as well is final. A refused token that was merely old or replaced meanwhile is not.
        let mut renewed: Option<SecretString> = None;
        loop {
            gate.until_ready().await;
            let permit = match &auth {
                Auth::Account { gate, .. } => gate.admit().await,
                Auth::Basic => None,
            };
            let request = build(&self.inner.http);
            let (request, token) = match &auth {
                // The client secret only ever goes to the OAuth host.
                Auth::Basic => (
                    request.basic_auth(
                        &self.inner.client_id,
                        Some(self.inner.client_secret.expose_secret()),
                    ),
                    None,
                ),
                Auth::Account { tokens, .. } => {
                    // The token is read last, after every wait (a 429 pause lasts a minute,
                    // longer than a short-lived token), so what is sent is fresh: the source
                    // refreshes a token close to its expiry.
                    gate.wait_for_pause().await;
                    let token = tokens.access_token().await?;
                    let request = request
                        .bearer_auth(token.expose_secret())
                        .header(header::ACCEPT, ALLEGRO_MEDIA_TYPE);
                    (request, Some(token))
                }
            };
            let started = Instant::now();
            let outcome = send(request).await;
            drop(permit);
            if let Some(metrics) = &self.metrics {
                metrics.observe(
                    endpoint,
                    outcome.as_ref().map(|reply| reply.status),
                    started.elapsed(),
                );
            }

            let reply = match outcome {
                Ok(reply) => reply,
                Err(error) => {
                    failures += 1;
                    tracing::warn!(account, call = what, attempt = failures, error = %error, "Allegro request failed in transit");
                    if failures >= policy.max_attempts {
                        return Err(error.into());
                    }
                    tokio::time::sleep(policy.backoff(failures)).await;
                    continue;
                }
            };
            let status = reply.status;
            if status.is_success() {
                return Ok(reply);
            }
            let trace_id = reply.trace_id.as_str();
            match (status, &auth) {
                (StatusCode::UNAUTHORIZED, Auth::Account { tokens, .. }) => {
                    rejections += 1;
                    let rejected = token.unwrap_or_else(|| SecretString::from(""));
                    let after_refresh = renewed
                        .as_ref()
                        .is_some_and(|t| t.expose_secret() == rejected.expose_secret());
                    tracing::warn!(
                        account,
                        call = what,
                        trace_id,
                        status = status.as_u16(),
                        attempt = rejections,
                        after_refresh,
                        "Allegro rejected the access token"
                    );
                    if after_refresh || rejections >= MAX_REJECTIONS {
                        return Err(AllegroError::Unauthorized.into());
                    }
                    // Refreshes unless another task already replaced the token with one that
                    // is still fresh; the next attempt reads the current token.
                    renewed = Some(tokens.refresh(rejected).await?);
                }
                (StatusCode::TOO_MANY_REQUESTS, Auth::Account { .. }) => {
                    rate_limited += 1;
                    let pause = retry_after(&reply)
                        .unwrap_or_default()
                        .max(policy.rate_limit_pause);
                    gate.pause(pause);
                    tracing::warn!(
                        account,
                        call = what,
                        trace_id,
                        status = 429,
                        attempt = rate_limited,
                        pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                        "Allegro rate limit hit; pausing the client id"
                    );
                    if rate_limited >= policy.rate_limited_attempts {
                        return Err(AllegroError::RateLimited { retry_after: pause }.into());
                    }
                    gate.wait_for_pause().await;
                    tokio::time::sleep(policy.backoff(rate_limited)).await;
                }
                (StatusCode::TOO_MANY_REQUESTS, Auth::Basic) => {
                    // Token minting has its own per-user limit: no reason to stop every account.
                    let retry_after = retry_after(&reply).unwrap_or(policy.rate_limit_pause);
                    tracing::warn!(
                        call = what,
                        trace_id,
                        status = 429,
                        "Allegro OAuth rate limit hit"
                    );
                    return Err(AllegroError::RateLimited { retry_after }.into());
                }
                (s, _) if s.is_server_error() => {
                    failures += 1;
                    tracing::warn!(
                        account,
                        call = what,
                        trace_id,
                        status = s.as_u16(),
                        attempt = failures,
                        "Allegro server error"
                    );
                    if failures >= policy.max_attempts {
                        return Err(AllegroError::Server { status: s.as_u16() }.into());
                    }
                    tokio::time::sleep(policy.backoff(failures)).await;
                }
                _ => return Ok(reply),
            }
        }
    }
}

/// One HTTP exchange, body included; transport failures mapped to `Timeout` / `Network`.
async fn send(request: RequestBuilder) -> Result<Reply, AllegroError> {
    let transport = |e: reqwest::Error| {
        if e.is_timeout() {
            AllegroError::Timeout
        } else {
            AllegroError::Network(e)
        }
    };
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(transport)?;
    let trace_id = headers
        .get("trace-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let retry_after = headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Ok(Reply {
        status,
        trace_id,
        retry_after,
        body: body.to_vec(),
    })
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(reply: &Reply) -> Option<Duration> {
    let value = reply.retry_after.as_deref()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
        .to_std()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stays_under_the_cap() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!((Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first));
            let second = policy.backoff(2);
            assert!((Duration::from_millis(100)..=Duration::from_millis(200)).contains(&second));
            assert!(policy.backoff(30) <= Duration::from_millis(350));
        }
    }

    #[test]
    fn a_client_without_base_urls_is_a_config_error() {
        let settings = AllegroConfig::for_simulator("").unwrap();
        let error = AllegroClient::new(&settings).unwrap_err();
        assert!(matches!(error, AllegroError::Config(_)), "{error:?}");
    }

    #[test]
    fn endpoints_append_encoded_segments_to_the_base_path() {
        let base = Url::parse("http://127.0.0.1:9/prefix/").unwrap();
        let url = endpoint(&base, &["order", "checkout-forms", "a/b c"]);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/prefix/order/checkout-forms/a%2Fb%20c"
        );
        let bare = Url::parse("https://api.example").unwrap();
        assert_eq!(endpoint(&bare, &["me"]).as_str(), "https://api.example/me");
    }
}
