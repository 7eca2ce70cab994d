//! The run-time settings' values (what admins set on the Settings page, with the environment's
//! defaults), typed and validated on construction; no storage here.

mod field;
mod zone;

pub use field::{Bounded, parse_history_start};
pub use zone::{DEFAULT_ZONE, local_day, local_time, parse_zone, utc_time};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Utc};

/// Minutes between scheduled syncs of an account; 0 turns the schedule off.
pub const SYNC_INTERVAL: Bounded = Bounded::new("sync interval", 0, 1440, "minutes");
/// How many recent days of `boughtAt` a reconcile run re-lists.
pub const RECONCILE_WINDOW: Bounded = Bounded::new("reconcile window", 1, 365, "days");
/// Hour of the night (server local time) of the nightly reconcile.
pub const RECONCILE_HOUR: Bounded = Bounded::new("nightly reconcile hour", 0, 23, "o'clock");
/// How many months back the first backup lists orders (Allegro serves about 12).
pub const HISTORY_MONTHS: Bounded = Bounded::new("history", 1, 24, "months");
/// Finished sync runs older than this are deleted.
pub const RUN_RETENTION: Bounded = Bounded::new("sync run retention", 1, 3650, "days");
/// An account without a successful sync for this long raises an alert. At most 30 days: it
/// must fire well before the account's events fall out of Allegro's ~60-day journal.
pub const STALE_AFTER: Bounded = Bounded::new("stale-sync alert threshold", 1, 720, "hours");

/// Where the first backup starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryStart {
    /// This many months before the sync starts.
    MonthsBack(u32),
    /// From the start of this day (UTC).
    Since(NaiveDate),
}

/// The run-time settings of the backup engine and its jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSettings {
    pub sync_interval_minutes: u32,
    pub reconcile_window_days: u32,
    pub reconcile_hour: u32,
    pub history: HistoryStart,
    pub run_retention_days: u32,
    pub stale_after_hours: u32,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            sync_interval_minutes: 5,
            reconcile_window_days: 30,
            reconcile_hour: 3,
            history: HistoryStart::MonthsBack(12),
            run_retention_days: 90,
            stale_after_hours: 6,
        }
    }
}

impl SyncSettings {
    /// Time between scheduled syncs, `None` when the schedule is off.
    pub fn sync_interval(&self) -> Option<Duration> {
        (self.sync_interval_minutes > 0)
            .then(|| Duration::minutes(i64::from(self.sync_interval_minutes)))
    }

    pub fn reconcile_window(&self) -> Duration {
        Duration::days(i64::from(self.reconcile_window_days))
    }

    pub fn run_retention(&self) -> Duration {
        Duration::days(i64::from(self.run_retention_days))
    }

    pub fn stale_after(&self) -> Duration {
        Duration::hours(i64::from(self.stale_after_hours))
    }

    /// How far back from `now` the first backup lists orders (`SyncOptions::history`).
    pub fn history_span(&self, now: DateTime<Utc>) -> Duration {
        let start = match self.history {
            HistoryStart::MonthsBack(months) => now
                .checked_sub_months(Months::new(months))
                .unwrap_or(now - Duration::days(31 * i64::from(months))),
            HistoryStart::Since(day) => Utc.from_utc_datetime(&day.and_time(Default::default())),
        };
        (now - start).max(Duration::days(1))
    }

    /// The history setting as the page shows it.
    pub fn history_label(&self) -> String {
        match self.history {
            HistoryStart::MonthsBack(m) => format!("{m} months back"),
            HistoryStart::Since(day) => {
                format!("since {}-{:02}-{:02}", day.year(), day.month(), day.day())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_back_follow_the_calendar() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 31, 12, 0, 0)
            .single()
            .unwrap_or_default();
        let settings = SyncSettings::default();
        let start = now - settings.history_span(now);
        assert_eq!(
            start.date_naive(),
            NaiveDate::from_ymd_opt(2025, 3, 31).unwrap_or_default()
        );
    }

    #[test]
    fn a_start_date_reaches_back_to_that_day() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 23, 6, 0, 0)
            .single()
            .unwrap_or_default();
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        let settings = SyncSettings {
            history: HistoryStart::Since(day),
            ..SyncSettings::default()
        };
        assert_eq!((now - settings.history_span(now)).date_naive(), day);
    }

    #[test]
    fn an_interval_of_zero_turns_the_schedule_off() {
        let off = SyncSettings {
            sync_interval_minutes: 0,
            ..SyncSettings::default()
        };
        assert_eq!(off.sync_interval(), None);
        assert_eq!(
            SyncSettings::default().sync_interval(),
            Some(Duration::minutes(5))
        );
    }
}
