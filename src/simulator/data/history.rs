//! The event history of a generated form (what the event journal serves) and its `updatedAt`.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::values::stamp;

/// (event type, occurredAt as served, occurredAt, written at)
pub(crate) type Event = (&'static str, String, DateTime<Utc>, DateTime<Utc>);

/// The moments of a form's life that its events follow.
pub(super) struct Timeline {
    pub status: &'static str,
    pub fulfillment: &'static str,
    pub t0: DateTime<Utc>,
    pub now: DateTime<Utc>,
    /// Bought at, as served and as the instant.
    pub bought: (String, DateTime<Utc>),
    pub filled_at: DateTime<Utc>,
    pub paid: bool,
    /// Paid at, as served and as the instant.
    pub paid_at: (String, DateTime<Utc>),
}

/// The form's events in write order, and its `updatedAt` as served.
pub(super) fn history(rng: &mut ChaCha8Rng, timeline: Timeline) -> (Vec<Event>, String) {
    let now = timeline.now;
    let bought_at = timeline.bought.1;
    let (mut history, updated_at) = events(rng, timeline);
    // The journal sometimes writes BOUGHT after later events (ids grow in write order, not in
    // occurredAt order), as Allegro does.
    if history.len() > 1 && rng.random_bool(0.2) {
        let last_written = history.iter().map(|h| h.3).max().unwrap_or(bought_at);
        history[0].3 = last_written + Duration::milliseconds(rng.random_range(5..5000));
    }
    for h in &mut history {
        h.3 = (h.3 + Duration::milliseconds(rng.random_range(0..1500))).min(now);
    }
    let (updated_str, _) = stamp(rng, updated_at);
    (history, updated_str)
}

/// The events the form's status implies, and the instant of the last that updates the form.
fn events(rng: &mut ChaCha8Rng, timeline: Timeline) -> (Vec<Event>, DateTime<Utc>) {
    let Timeline {
        status,
        fulfillment,
        t0,
        now,
        bought: (bought_str, bought_at),
        filled_at,
        paid,
        paid_at: (paid_str, paid_at),
    } = timeline;
    let age = now - t0;
    let mut history = Vec::new();
    let mut updated_at = bought_at;
    history.push(("BOUGHT", bought_str, bought_at, bought_at));
    if status != "BOUGHT" {
        let (s, t) = stamp(rng, filled_at);
        history.push(("FILLED_IN", s, t, t));
        updated_at = t;
    }
    if paid {
        history.push(("READY_FOR_PROCESSING", paid_str, paid_at, paid_at));
        updated_at = paid_at;
    }
    if status == "CANCELLED" {
        let after =
            Duration::minutes(rng.random_range(30..3000)).min(age.max(Duration::seconds(1)));
        let (s, t) = stamp(rng, t0 + after);
        let kind = if rng.random_bool(0.3) {
            "AUTO_CANCELLED"
        } else {
            "BUYER_CANCELLED"
        };
        history.push((kind, s, t, t));
        updated_at = t;
    }
    if fulfillment != "NEW" && status != "CANCELLED" {
        let hours = rng.random_range(2..48).min(age.num_hours().max(1));
        let (s, t) = stamp(rng, paid_at + Duration::hours(hours));
        history.push(("FULFILLMENT_STATUS_CHANGED", s, t, t));
    }
    (history, updated_at)
}
