//! Random values in Allegro's formats: timestamps with varying fractional digits, decimal
//! amounts, UUIDs, revisions, digit and alphanumeric strings.

use chrono::{DateTime, SubsecRound, Utc};
use rand::{Rng, SeedableRng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};

/// The generator of one `purpose` (`"customer-return"`, `"payment-refund"`, …) of `key` (an
/// order id) in a world of `seed`: what it draws depends on nothing else the world did, so the
/// same seed always gives the same returns, refunds and fees. Seeded from a 64-bit FNV-1a hash
/// of the three, spread by SplitMix64, rather than from a cryptographic hash: the world draws
/// several per order, and SHA-256 cost a second per 100,000 orders in debug builds.
pub(crate) fn seeded(seed: u64, purpose: &str, key: &str) -> ChaCha8Rng {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    let mut hash = fnv1a(FNV_OFFSET ^ seed, purpose.as_bytes());
    // A byte no text holds ends the purpose: ("ab", "c") and ("a", "bc") differ.
    hash = fnv1a(hash ^ 0xff, key.as_bytes());
    let mut bytes = [0u8; 32];
    let mut at = 0;
    while at < bytes.len() {
        hash = split_mix(hash);
        bytes[at..at + 8].copy_from_slice(&hash.to_le_bytes());
        at += 8;
    }
    ChaCha8Rng::from_seed(bytes)
}

/// FNV-1a over `bytes` from `hash` (a plain loop: iterators are slow in debug builds).
fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut at = 0;
    while at < bytes.len() {
        hash = (hash ^ u64::from(bytes[at])).wrapping_mul(FNV_PRIME);
        at += 1;
    }
    hash
}

/// One step of SplitMix64: the next state, well mixed.
fn split_mix(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `t` truncated to milliseconds, the precision of the after-sale resources' times.
pub(crate) fn millis(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(3)
}

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

/// `"29.99"` in minor units (the simulator writes two decimals; `"12.5"` and `"7"` read as
/// 1250 and 700).
pub(crate) fn minor(amount: &Value) -> i64 {
    let text = amount.as_str().unwrap_or("0");
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let cents = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(2)
        .fold(0, |cents, d| cents * 10 + i64::from(d.saturating_sub(b'0')));
    let units = whole.parse::<i64>().unwrap_or(0);
    units * 100
        + if whole.starts_with('-') {
            -cents
        } else {
            cents
        }
}

/// `{"amount": "12.83", "currency": "EUR"}` (built directly: `json!` is slow in debug builds,
/// and the simulator writes hundreds of thousands of prices).
pub(crate) fn price(minor: i64, currency: &str) -> Value {
    let mut price = Map::new();
    price.insert("amount".to_owned(), Value::String(amount(minor)));
    price.insert("currency".to_owned(), Value::from(currency));
    Value::Object(price)
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
