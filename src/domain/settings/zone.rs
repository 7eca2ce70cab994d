//! The display time zone: pages show times in it and date filters mean its days. Saved in the
//! `settings` row (NULL: [`DEFAULT_ZONE`]).

use chrono_tz::Tz;

/// Allegro's home zone, where sellers count their days.
pub const DEFAULT_ZONE: Tz = chrono_tz::Europe::Warsaw;

/// An IANA zone name as typed on the Settings page.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!(
            "“{}” is not a time zone name such as Europe/Warsaw",
            name.trim()
        )
    })
}

/// `at` as the pages show it: minutes in the display zone (`2026-11-23 14:05`).
pub fn local_time(at: chrono::DateTime<chrono::Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

/// `at` in UTC, marked so (`2026-11-23 13:05 UTC`): times of the machinery (sync runs, tokens,
/// the audit log, the CLI) rather than of orders.
pub fn utc_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The day `at` falls on in the display zone.
pub fn local_day(at: chrono::DateTime<chrono::Utc>, zone: Tz) -> chrono::NaiveDate {
    at.with_timezone(&zone).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn late_evening_utc_is_the_next_day_in_warsaw() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 7, 1, 22, 30, 0).unwrap();
        assert_eq!(local_time(at, DEFAULT_ZONE), "2026-07-02 00:30");
        assert_eq!(local_day(at, DEFAULT_ZONE).to_string(), "2026-07-02");
    }

    #[test]
    fn zone_names_are_validated() {
        assert_eq!(parse_zone(" Europe/Warsaw ").unwrap(), DEFAULT_ZONE);
        assert!(parse_zone("Mars/Olympus").is_err());
    }
}
