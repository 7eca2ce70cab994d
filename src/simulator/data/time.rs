//! Times as the simulated documents write them.

use chrono::{DateTime, Utc};
use serde_json::Value;

/// An RFC 3339 time (any offset) in UTC, or `None`.
pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// When `order` was bought: its latest `lineItems[].boughtAt`.
pub(crate) fn bought_at(order: &Value) -> Option<DateTime<Utc>> {
    order["lineItems"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|li| li["boughtAt"].as_str().and_then(parse_time))
        .max()
}
