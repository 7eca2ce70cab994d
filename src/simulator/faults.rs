//! Fault injection (latency, latency spikes, 5xx, 429 bursts or periodic 429s, truncated bodies)
//! and the per-client rate budget.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::Deserialize;

/// Faults applied to REST API calls (not to OAuth or `/__simulator` calls).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Added to every API response.
    pub latency: Duration,
    /// Share of API calls (0.0..=1.0) that take `latency_spike` longer (on top of `latency`).
    pub latency_spike_rate: f64,
    /// How much longer a spiking call takes.
    pub latency_spike: Duration,
    /// Share of API calls (0.0..=1.0) answered with 500.
    pub server_error_rate: f64,
    /// The next N API calls get 429 `TooManyRequestsException` with `Retry-After: 1`.
    pub rate_limit_next: u32,
    /// Every Nth API call gets that 429 (0: none), like an Allegro whose limit is hit now and
    /// then by other users of the same client id.
    pub rate_limit_every: u32,
    /// Successful API bodies are cut in half (invalid JSON).
    pub truncate_bodies: bool,
}

/// `POST /__simulator/faults` body; every field optional, missing ones keep their value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultsBody {
    pub latency_ms: Option<u64>,
    pub latency_spike_rate: Option<f64>,
    pub latency_spike_ms: Option<u64>,
    pub server_error_rate: Option<f64>,
    pub rate_limit_next: Option<u32>,
    pub rate_limit_every: Option<u32>,
    pub truncate_bodies: Option<bool>,
}

impl FaultsBody {
    pub(crate) fn apply(self, faults: &mut Faults) {
        if let Some(ms) = self.latency_ms {
            faults.latency = Duration::from_millis(ms);
        }
        if let Some(rate) = self.latency_spike_rate {
            faults.latency_spike_rate = rate.clamp(0.0, 1.0);
        }
        if let Some(ms) = self.latency_spike_ms {
            faults.latency_spike = Duration::from_millis(ms);
        }
        if let Some(rate) = self.server_error_rate {
            faults.server_error_rate = rate.clamp(0.0, 1.0);
        }
        if let Some(n) = self.rate_limit_next {
            faults.rate_limit_next = n;
        }
        if let Some(n) = self.rate_limit_every {
            faults.rate_limit_every = n;
        }
        if let Some(t) = self.truncate_bodies {
            faults.truncate_bodies = t;
        }
    }
}

/// Allegro's global limit: requests per minute per client id; going over blocks the client for
/// a minute, and calls during the block extend it.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    pub(crate) window_start: Option<DateTime<Utc>>,
    pub(crate) used: u32,
    pub(crate) blocked_until: Option<DateTime<Utc>>,
}

/// What the fault layer decided for one API call.
pub(crate) enum Injected {
    None,
    /// 429 with this Retry-After, in seconds.
    RateLimited(u64),
    ServerError,
}

impl Faults {
    /// How long one API call is held back: `latency`, plus a spike on `latency_spike_rate` of
    /// the calls.
    pub(crate) fn roll_latency(&self) -> Duration {
        let rate = self.latency_spike_rate.clamp(0.0, 1.0);
        if rate > 0.0 && !self.latency_spike.is_zero() && rand::rng().random_bool(rate) {
            return self.latency + self.latency_spike;
        }
        self.latency
    }
}
