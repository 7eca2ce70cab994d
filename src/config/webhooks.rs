//! How webhooks are sent: the SSRF guard's switch (`WEBHOOK_ALLOW_PRIVATE`) and the worker's
//! timing. Only the switch is a variable; the timing's defaults suit production and tests
//! shorten them in code.

use std::time::Duration;

/// Webhook delivery settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookConfig {
    /// `WEBHOOK_ALLOW_PRIVATE`: also send to loopback, private and link-local addresses (a
    /// receiver on the same host or network). Off: such targets are refused when an endpoint
    /// is registered and again at every send, on the address the connection uses.
    pub allow_private: bool,
    /// How often the worker looks for new changes and due deliveries.
    pub poll_interval: Duration,
    /// How long one attempt may take.
    pub request_timeout: Duration,
    /// The first retry's delay; each next one doubles it, up to `retry_max`.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// A delivery is retried for this long; an endpoint failing for this long is disabled.
    pub give_up_after: Duration,
    /// Deliveries sent at once by one worker.
    pub batch: u32,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            allow_private: false,
            poll_interval: Duration::from_secs(1),
            request_timeout: Duration::from_secs(10),
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(60 * 60),
            give_up_after: Duration::from_secs(24 * 60 * 60),
            batch: 16,
        }
    }
}

impl WebhookConfig {
    /// How long a claimed delivery stays with the worker that claimed it: past one attempt's
    /// timeout, so another worker never sends it while the first still may.
    pub fn lease(&self) -> Duration {
        self.request_timeout * 2 + Duration::from_secs(5)
    }
}
