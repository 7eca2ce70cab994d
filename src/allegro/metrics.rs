//! Counters of the calls the pipeline sends: by endpoint template and status, their duration,
//! and 429s. Handed in by the application (whose registry exposes them); a client built
//! without them counts into series nobody reads.

use std::time::Duration;

use prometheus::{HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry};
use reqwest::StatusCode;

use super::error::AllegroError;

/// Allegro calls are slower than our pages: up to the 30 s request timeout.
const DURATION_BUCKETS: &[f64] = &[0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// The Allegro client's series. Cheap to clone: clones count into the same series.
#[derive(Clone)]
pub struct ApiMetrics {
    requests: IntCounterVec,
    duration: HistogramVec,
    rate_limited: IntCounter,
}

impl ApiMetrics {
    /// New series, not yet registered anywhere.
    pub fn new() -> prometheus::Result<Self> {
        let requests = IntCounterVec::new(
            Opts::new(
                "allegro_backup_allegro_requests_total",
                "HTTP exchanges with Allegro (every attempt, retries included) by endpoint \
                 template and status (an HTTP status, or timeout / network for transport errors).",
            ),
            &["endpoint", "status"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "allegro_backup_allegro_request_duration_seconds",
                "Duration of HTTP exchanges with Allegro by endpoint template, body included.",
            )
            .buckets(DURATION_BUCKETS.to_vec()),
            &["endpoint"],
        )?;
        let rate_limited = IntCounter::new(
            "allegro_backup_allegro_rate_limited_total",
            "Answers 429 Too Many Requests from Allegro.",
        )?;
        Ok(Self {
            requests,
            duration,
            rate_limited,
        })
    }

    /// Adds the series to `registry`.
    pub fn register(&self, registry: &Registry) -> prometheus::Result<()> {
        registry.register(Box::new(self.requests.clone()))?;
        registry.register(Box::new(self.duration.clone()))?;
        registry.register(Box::new(self.rate_limited.clone()))
    }

    /// Records one exchange with `endpoint` (a path template, never a path with ids in it).
    pub(crate) fn observe(
        &self,
        endpoint: &str,
        outcome: Result<StatusCode, &AllegroError>,
        elapsed: Duration,
    ) {
        let status = match outcome {
            Ok(status) => status.as_str().to_owned(),
            Err(AllegroError::Timeout) => "timeout".to_owned(),
            Err(_) => "network".to_owned(),
        };
        if outcome.is_ok_and(|s| s == StatusCode::TOO_MANY_REQUESTS) {
            self.rate_limited.inc();
        }
        self.requests.with_label_values(&[endpoint, &status]).inc();
        self.duration
            .with_label_values(&[endpoint])
            .observe(elapsed.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use prometheus::{Encoder, TextEncoder};

    use super::*;

    #[test]
    fn transport_errors_and_429s_are_labelled_and_counted() {
        let registry = Registry::new();
        let metrics = ApiMetrics::new().unwrap();
        metrics.register(&registry).unwrap();
        let second = Duration::from_secs(1);
        metrics.observe("/me", Err(&AllegroError::Timeout), second);
        metrics.observe("/me", Ok(StatusCode::TOO_MANY_REQUESTS), second);
        metrics.observe("/me", Ok(StatusCode::OK), second);
        let mut out = vec![];
        TextEncoder::new()
            .encode(&registry.gather(), &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        for line in [
            r#"allegro_backup_allegro_requests_total{endpoint="/me",status="timeout"} 1"#,
            r#"allegro_backup_allegro_requests_total{endpoint="/me",status="429"} 1"#,
            r#"allegro_backup_allegro_requests_total{endpoint="/me",status="200"} 1"#,
            "allegro_backup_allegro_rate_limited_total 1",
            r#"allegro_backup_allegro_request_duration_seconds_count{endpoint="/me"} 3"#,
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in {text}");
        }
    }
}
