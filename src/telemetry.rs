//! Logging: `tracing` to stdout as pretty text or JSON lines, filtered by `RUST_LOG`.

use tracing_subscriber::{EnvFilter, fmt};

use crate::config::{DEFAULT_LOG_FILTER, LogFormat};

/// Installs the global subscriber (a no-op if one is already installed, e.g. in tests).
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    let builder = fmt().with_env_filter(filter).with_target(false);
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            // Every enclosing span: a sync started by a request carries both the request id
            // and the account.
            .with_current_span(true)
            .with_span_list(true)
            .try_init(),
    };
}

/// The log format named by `LOG_FORMAT`, read before the rest of the configuration so that
/// configuration errors are logged in the right shape.
pub fn format_from_env() -> LogFormat {
    match std::env::var("LOG_FORMAT").as_deref() {
        Ok("json") => LogFormat::Json,
        _ => LogFormat::Pretty,
    }
}
