//! `AllegroClient` and the one request pipeline every call goes through: headers, rate budgets,
//! the client-wide 429 pause, token refresh on 401, and bounded retries with jittered back-off.

mod pipeline;

use std::{fmt, sync::Arc, time::Duration};

use rand::Rng;
use reqwest::StatusCode;
use secrecy::SecretString;
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
/// The media type of Allegro's beta resources (customer returns); the public one gets 406.
pub const ALLEGRO_BETA_MEDIA_TYPE: &str = "application/vnd.allegro.beta.v1+json";

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
    /// REST API on behalf of one account, asking for the media type `accept`.
    Account {
        tokens: &'a dyn TokenSource<Error = E>,
        gate: &'a AccountGate,
        key: &'a str,
        accept: &'static str,
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
