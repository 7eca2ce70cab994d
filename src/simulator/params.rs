//! Reading the query parameters of the simulated list endpoints: numbers within bounds, UUIDs,
//! time windows. A bad value gives the message the endpoint answers with (400 or 422, as the
//! endpoint's Allegro counterpart does).

use std::ops::RangeInclusive;

use chrono::{DateTime, Utc};

use super::data::parse_time;

/// The message for a bad value of parameter `name`.
pub(crate) fn bad(name: &str, value: &str) -> String {
    format!("Invalid value of parameter '{name}': '{value}'")
}

/// `8-4-4-4-12` hexadecimal digits.
pub(crate) fn is_uuid(v: &str) -> bool {
    let groups: Vec<&str> = v.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `value` of parameter `name` if it is a UUID.
pub(crate) fn uuid(name: &str, value: &str) -> Result<String, String> {
    if is_uuid(value) {
        Ok(value.to_owned())
    } else {
        Err(bad(name, value))
    }
}

/// `value` of parameter `name` as a whole number within `range`.
pub(crate) fn number_in(
    name: &str,
    value: &str,
    range: RangeInclusive<usize>,
) -> Result<usize, String> {
    value
        .parse()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| bad(name, value))
}

/// Inclusive bounds on a time, from `<field>.gte` and `<field>.lte`.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Window {
    pub gte: Option<DateTime<Utc>>,
    pub lte: Option<DateTime<Utc>>,
}

impl Window {
    /// Takes `key`'s `value` if `key` is `<field>.gte` or `<field>.lte`: `Ok(true)` when it
    /// did, `Ok(false)` for another parameter, the message for a value that is no date-time.
    pub(crate) fn read(&mut self, field: &str, key: &str, value: &str) -> Result<bool, String> {
        let bound = match key.strip_prefix(field).and_then(|k| k.strip_prefix('.')) {
            Some("gte") => &mut self.gte,
            Some("lte") => &mut self.lte,
            _ => return Ok(false),
        };
        *bound = Some(parse_time(value).ok_or_else(|| bad(key, value))?);
        Ok(true)
    }

    pub(crate) fn contains(&self, t: DateTime<Utc>) -> bool {
        self.gte.is_none_or(|gte| t >= gte) && self.lte.is_none_or(|lte| t <= lte)
    }

    /// Whether the bounds leave any time at all (`gte` not after `lte`).
    pub(crate) fn is_ordered(&self) -> bool {
        match (self.gte, self.lte) {
            (Some(gte), Some(lte)) => gte <= lte,
            _ => true,
        }
    }
}

/// `limit` and `offset` of a list paged by offset, within the endpoint's bounds. (`Default`
/// only stands in until a query's `parse` sets it with [`Paging::new`].)
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paging {
    pub limit: usize,
    pub offset: usize,
    max_limit: usize,
    max_offset: usize,
}

impl Paging {
    /// The first `default_limit` items; a request may ask for `1..=max_limit` items from an
    /// `offset` within `0..=max_offset`.
    pub(crate) const fn new(default_limit: usize, max_limit: usize, max_offset: usize) -> Self {
        Self {
            limit: default_limit,
            offset: 0,
            max_limit,
            max_offset,
        }
    }

    /// Takes `key`'s `value` if `key` is `limit` or `offset`: `Ok(true)` when it did,
    /// `Ok(false)` for another parameter, the message for a value out of bounds.
    pub(crate) fn read(&mut self, key: &str, value: &str) -> Result<bool, String> {
        match key {
            "limit" => self.limit = number_in(key, value, 1..=self.max_limit)?,
            "offset" => self.offset = number_in(key, value, 0..=self.max_offset)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The page of `matches`: `offset` of them skipped, then at most `limit`.
    pub(crate) fn cut<T>(&self, matches: impl Iterator<Item = T>) -> Vec<T> {
        matches.skip(self.offset).take(self.limit).collect()
    }
}

/// `occurredAt.gte` a day after `occurredAt.lte`: a window no list accepts (tests).
#[cfg(test)]
pub(crate) fn reversed_window() -> Vec<(String, String)> {
    super::reply::owned_pairs(&[
        ("occurredAt.gte", "2026-07-02T00:00:00Z"),
        ("occurredAt.lte", "2026-07-01T00:00:00Z"),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_uuids_and_windows_are_read_or_refused_with_the_parameter_named() {
        assert_eq!(number_in("limit", "100", 1..=100), Ok(100));
        assert!(
            number_in("limit", "0", 1..=100)
                .unwrap_err()
                .contains("'limit'")
        );
        assert!(number_in("offset", "-1", 0..=10).is_err());
        assert!(uuid("order.id", "29738e61-7f6a-11e8-ac45-09db60ede9d6").is_ok());
        assert!(uuid("order.id", "29738e61").is_err());
        let mut w = Window::default();
        assert_eq!(w.read("occurredAt", "limit", "5"), Ok(false));
        assert_eq!(
            w.read("occurredAt", "occurredAt.gte", "2026-07-02T00:00:00Z"),
            Ok(true)
        );
        assert!(w.read("occurredAt", "occurredAt.lte", "yesterday").is_err());
        w.read("occurredAt", "occurredAt.lte", "2026-07-01T00:00:00+02:00")
            .unwrap();
        assert!(!w.is_ordered());
        let t = parse_time("2026-07-01T12:00:00Z").unwrap();
        assert!(!w.contains(t));
        assert!(Window::default().contains(t));
    }

    #[test]
    fn paging_reads_its_two_parameters_within_bounds_and_cuts_the_page() {
        let mut paging = Paging::new(25, 100, 1000);
        assert_eq!((paging.limit, paging.offset), (25, 0));
        assert_eq!(paging.read("status", "NEW"), Ok(false));
        assert_eq!(paging.read("limit", "100"), Ok(true));
        assert_eq!(paging.read("offset", "1000"), Ok(true));
        for (key, value) in [("limit", "0"), ("limit", "101"), ("offset", "1001")] {
            assert!(paging.read(key, value).unwrap_err().contains(key));
        }
        let mut paging = Paging::new(3, 3, 10);
        paging.read("offset", "2").unwrap();
        assert_eq!(paging.cut(0..10), vec![2, 3, 4]);
    }
}
