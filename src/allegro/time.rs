//! Allegro timestamps: ISO-8601 with 0, 2 or 3 (in fact any number of) fractional digits and `Z`
//! or an offset. Parsed leniently, written as RFC 3339 with milliseconds and `Z`.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer};

/// Parses an Allegro timestamp; a value without any zone is taken as UTC.
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    let text = text.trim();
    match DateTime::parse_from_rfc3339(text) {
        Ok(dt) => Ok(dt.with_timezone(&Utc)),
        Err(rfc_error) => {
            // `+0100` offsets without a colon, then zone-less values.
            if let Ok(dt) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z") {
                return Ok(dt.with_timezone(&Utc));
            }
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .map(|naive| naive.and_utc())
                .map_err(|_| rfc_error)
        }
    }
}

/// The form Allegro's query filters expect: `2026-07-14T09:12:32.000Z`.
pub fn format_timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The query pairs of those of `times` that are set, in the form of [`format_timestamp`].
pub(crate) fn time_pairs<const N: usize>(
    times: [(&'static str, Option<DateTime<Utc>>); N],
) -> impl Iterator<Item = (&'static str, String)> {
    times
        .into_iter()
        .filter_map(|(key, at)| Some((key, format_timestamp(at?))))
}

/// `#[serde(deserialize_with = "time::required")]`
pub(crate) fn required<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(d)?;
    parse_timestamp(&text).map_err(|e| serde::de::Error::custom(format!("{text:?}: {e}")))
}

/// `#[serde(default, deserialize_with = "time::optional")]`: null, absent or a timestamp.
pub(crate) fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => parse_timestamp(&text)
            .map(Some)
            .map_err(|e| serde::de::Error::custom(format!("{text:?}: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Timelike};

    use super::*;

    #[test]
    fn timestamps_with_zero_two_or_three_fractional_digits_parse() {
        let base = Utc.with_ymd_and_hms(2026, 7, 14, 9, 12, 32).unwrap();
        assert_eq!(parse_timestamp("2026-07-14T09:12:32Z").unwrap(), base);
        assert_eq!(
            parse_timestamp("2026-07-14T09:12:32.12Z").unwrap(),
            base.with_nanosecond(120_000_000).unwrap()
        );
        assert_eq!(
            parse_timestamp("2026-07-14T09:12:32.123Z").unwrap(),
            base.with_nanosecond(123_000_000).unwrap()
        );
        assert_eq!(
            parse_timestamp("2026-07-14T09:12:32.123456Z").unwrap(),
            base.with_nanosecond(123_456_000).unwrap()
        );
    }

    #[test]
    fn timestamps_with_an_offset_are_converted_to_utc() {
        let base = Utc.with_ymd_and_hms(2026, 7, 14, 9, 12, 32).unwrap();
        assert_eq!(parse_timestamp("2026-07-14T11:12:32+02:00").unwrap(), base);
        assert_eq!(parse_timestamp("2026-07-14T11:12:32.0+0200").unwrap(), base);
        assert_eq!(parse_timestamp("2026-07-14T09:12:32").unwrap(), base);
    }

    #[test]
    fn garbage_is_not_a_timestamp() {
        assert!(parse_timestamp("yesterday").is_err());
        assert!(parse_timestamp("").is_err());
    }

    #[test]
    fn query_timestamps_have_millis_and_z() {
        let at = Utc.with_ymd_and_hms(2026, 7, 14, 9, 12, 32).unwrap();
        assert_eq!(format_timestamp(at), "2026-07-14T09:12:32.000Z");
    }
}
