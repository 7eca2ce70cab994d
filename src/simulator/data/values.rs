//! Random values in Allegro's formats: timestamps with varying fractional digits, decimal
//! amounts, UUIDs, revisions, digit and alphanumeric strings.

use chrono::{DateTime, SubsecRound, Utc};
use rand::{Rng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value, json};

/// Truncates `t` to 0, 2 or 3 fractional digits (chosen at random) and formats it the way
/// Allegro does, so the served string and the stored instant always agree.
pub(crate) fn stamp(rng: &mut ChaCha8Rng, t: DateTime<Utc>) -> (String, DateTime<Utc>) {
    let digits = match rng.random_range(0..10) {
        0..=2 => 0,
        3..=4 => 2,
        _ => 3,
    };
    let t = t.trunc_subsecs(digits);
    (format_time(t, digits), t)
}

/// `YYYY-MM-DDTHH:MM:SS[.ff|.fff]Z` (plain integer formatting: chrono's formatter is slow in
/// debug builds, and tests generate 100,000 orders).
pub(crate) fn format_time(t: DateTime<Utc>, digits: u16) -> String {
    use chrono::{Datelike, Timelike};
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let millis = t.timestamp_subsec_millis().min(999);
    match digits {
        0 => format!("{base}Z"),
        2 => format!("{base}.{:02}Z", millis / 10),
        _ => format!("{base}.{millis:03}Z"),
    }
}

/// A decimal string with exactly two decimals from an amount in minor units.
pub(crate) fn amount(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

pub(crate) fn price(minor: i64, currency: &str) -> Value {
    json!({"amount": amount(minor), "currency": currency})
}

/// A UUID that looks time-based (version 1), as Allegro's checkout-form ids do.
pub(crate) fn uuid_v1ish(rng: &mut ChaCha8Rng) -> String {
    let mut b: [u8; 16] = rng.random();
    b[6] = (b[6] & 0x0f) | 0x10;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(b).to_string()
}

/// A random version 4 UUID drawn from the seeded generator.
pub(crate) fn uuid_v4(rng: &mut ChaCha8Rng) -> String {
    let mut b: [u8; 16] = rng.random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(b).to_string()
}

pub(crate) fn revision(rng: &mut ChaCha8Rng) -> String {
    format!("{:08x}", rng.random::<u32>())
}

pub(super) fn digits(rng: &mut ChaCha8Rng, n: usize) -> String {
    let mut s = String::with_capacity(n);
    s.push(char::from(b'1' + rng.random_range(0..9u8)));
    for _ in 1..n {
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    s
}

pub(super) fn alnum(rng: &mut ChaCha8Rng, n: usize) -> String {
    const SET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..n)
        .map(|_| char::from(SET[rng.random_range(0..SET.len())]))
        .collect()
}

pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    // The word lists are constant and never empty.
    items.choose(rng).unwrap_or(&items[0])
}

/// Removes a null field half of the time: Allegro sends optional fields either way.
pub(super) fn maybe_drop_null(rng: &mut ChaCha8Rng, obj: &mut Map<String, Value>, key: &str) {
    if obj.get(key).is_some_and(Value::is_null) && rng.random_bool(0.5) {
        obj.remove(key);
    }
}
