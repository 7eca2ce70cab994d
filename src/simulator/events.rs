//! The order event journal: `GET /order/events` and `GET /order/event-stats`.

use serde_json::{Value, json};

use super::world::State;

pub(crate) const EVENT_TYPES: &[&str] = &[
    "BOUGHT",
    "FILLED_IN",
    "READY_FOR_PROCESSING",
    "BUYER_CANCELLED",
    "FULFILLMENT_STATUS_CHANGED",
    "BUYER_MODIFIED",
    "AUTO_CANCELLED",
];
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

/// What `from` older than the retention does. UNCONFIRMED (allegro-api.md §13): Allegro does not
/// document it; our best guess is a 422 `VALIDATION_ERROR`. Switch to `Empty` or `Oldest` here
/// if the sandbox shows otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "the alternatives are kept so the guess is one line to change"
)]
pub(crate) enum StaleCursorPolicy {
    Reject,
    Empty,
    Oldest,
}
pub(crate) const STALE_CURSOR_POLICY: StaleCursorPolicy = StaleCursorPolicy::Reject;

impl State {
    /// `GET /order/events`; `Err` holds a 422 message.
    pub(crate) fn list_events(
        &self,
        seller: usize,
        params: &[(String, String)],
    ) -> Result<String, String> {
        let mut from: Option<u64> = None;
        let mut types: Vec<&str> = Vec::new();
        let mut limit = DEFAULT_LIMIT;
        for (key, value) in params {
            match key.as_str() {
                "from" => {
                    let parsed = value
                        .parse::<u64>()
                        .ok()
                        .filter(|_| value.bytes().all(|b| b.is_ascii_digit()));
                    from = Some(parsed.ok_or_else(|| format!("Invalid event id: {value}"))?);
                }
                "type" => {
                    for t in value.split(',') {
                        let known = EVENT_TYPES
                            .iter()
                            .find(|k| **k == t)
                            .ok_or_else(|| format!("Invalid event type: {t}"))?;
                        types.push(known);
                    }
                }
                "limit" => {
                    limit = value
                        .parse::<usize>()
                        .ok()
                        .filter(|l| (1..=MAX_LIMIT).contains(l))
                        .ok_or_else(|| {
                            format!("limit must be between 1 and {MAX_LIMIT}, got: {value}")
                        })?;
                }
                _ => {}
            }
        }
        let Some(s) = self.sellers.get(seller) else {
            return Ok(r#"{"events":[]}"#.to_owned());
        };
        let cutoff = self.event_cutoff();
        let retained = s.events.partition_point(|e| e.written_at < cutoff);
        let oldest_dropped = s
            .events
            .get(retained.wrapping_sub(1))
            .filter(|_| retained > 0)
            .map_or(s.pruned_through, |e| e.id);
        let start = match from {
            Some(f) if f < oldest_dropped => match STALE_CURSOR_POLICY {
                StaleCursorPolicy::Reject => {
                    return Err(format!(
                        "Event id {f} is older than the event retention of 60 days"
                    ));
                }
                StaleCursorPolicy::Empty => s.events.len(),
                StaleCursorPolicy::Oldest => retained,
            },
            Some(f) => s.events.partition_point(|e| e.id <= f).max(retained),
            None => retained,
        };
        let mut body = String::from(r#"{"events":["#);
        let mut n = 0;
        for e in s.events.iter().skip(start) {
            if n == limit {
                break;
            }
            if !types.is_empty() && !types.contains(&e.kind) {
                continue;
            }
            if n > 0 {
                body.push(',');
            }
            body.push_str(&e.json);
            n += 1;
        }
        body.push_str("]}");
        Ok(body)
    }

    /// `GET /order/event-stats`: `latestEvent` is omitted when the journal is empty
    /// (UNCONFIRMED whether Allegro omits it or sends null).
    pub(crate) fn event_stats(&self, seller: usize) -> Value {
        let cutoff = self.event_cutoff();
        match self
            .sellers
            .get(seller)
            .and_then(|s| s.events.last())
            .filter(|e| e.written_at >= cutoff)
        {
            Some(e) => {
                json!({"latestEvent": {"id": e.id.to_string(), "occurredAt": e.occurred_at}})
            }
            None => json!({}),
        }
    }
}
