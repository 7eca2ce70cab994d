//! The Settings form: text fields in, [`SyncSettings`] or one message per bad field out.

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Deserialize;

use super::{
    HISTORY_MONTHS, HistoryStart, RECONCILE_HOUR, RECONCILE_WINDOW, RUN_RETENTION, STALE_AFTER,
    SYNC_INTERVAL, SyncSettings, parse_history_start,
};

/// The form's field names, in the order of [`SettingsForm::values`].
pub const FIELD_NAMES: [&str; 7] = [
    "sync_interval_minutes",
    "reconcile_window_days",
    "reconcile_hour",
    "history_months",
    "history_start",
    "run_retention_days",
    "stale_after_hours",
];

/// The display time zone's field (kept apart from [`FIELD_NAMES`]: it is text, not a
/// [`SyncSettings`] value).
pub const DISPLAY_ZONE_FIELD: &str = "display_time_zone";

/// The form as submitted (and as re-shown after an error).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub sync_interval_minutes: String,
    #[serde(default)]
    pub reconcile_window_days: String,
    #[serde(default)]
    pub reconcile_hour: String,
    #[serde(default)]
    pub history_months: String,
    /// Empty: the first backup reaches back `history_months`.
    #[serde(default)]
    pub history_start: String,
    #[serde(default)]
    pub run_retention_days: String,
    #[serde(default)]
    pub stale_after_hours: String,
    /// IANA name of the display time zone; empty: the default (Europe/Warsaw).
    #[serde(default)]
    pub display_time_zone: String,
}

/// A message for one field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl SettingsForm {
    /// The form filled in with `settings`.
    pub fn from_settings(settings: &SyncSettings) -> Self {
        let (months, start) = match settings.history {
            HistoryStart::MonthsBack(m) => (m.to_string(), String::new()),
            HistoryStart::Since(day) => (String::new(), day.format("%Y-%m-%d").to_string()),
        };
        Self {
            sync_interval_minutes: settings.sync_interval_minutes.to_string(),
            reconcile_window_days: settings.reconcile_window_days.to_string(),
            reconcile_hour: settings.reconcile_hour.to_string(),
            history_months: months,
            history_start: start,
            run_retention_days: settings.run_retention_days.to_string(),
            stale_after_hours: settings.stale_after_hours.to_string(),
            display_time_zone: String::new(),
        }
    }

    /// The form filled in with `settings` and the display zone in force.
    pub fn with_zone(settings: &SyncSettings, zone: Tz) -> Self {
        Self {
            display_time_zone: zone.name().to_owned(),
            ..Self::from_settings(settings)
        }
    }

    /// The display zone typed (`None`: blank, the default), or the field's message.
    pub fn parse_zone(&self) -> Result<Option<Tz>, FieldError> {
        let name = self.display_time_zone.trim();
        if name.is_empty() {
            return Ok(None);
        }
        super::parse_zone(name)
            .map(Some)
            .map_err(|message| FieldError {
                field: DISPLAY_ZONE_FIELD,
                message,
            })
    }

    /// Every field's text, in the order of the page.
    pub fn values(&self) -> [&str; 7] {
        [
            &self.sync_interval_minutes,
            &self.reconcile_window_days,
            &self.reconcile_hour,
            &self.history_months,
            &self.history_start,
            &self.run_retention_days,
            &self.stale_after_hours,
        ]
    }

    /// The fields that differ from `new`, as `{field: [old, new]}` (for the audit log).
    pub fn changes_to(&self, new: &SettingsForm) -> serde_json::Map<String, serde_json::Value> {
        FIELD_NAMES
            .iter()
            .zip(self.values().into_iter().zip(new.values()))
            .filter(|(_, (old, new))| old != new)
            .map(|(name, (old, new))| ((*name).to_owned(), serde_json::json!([old, new])))
            .collect()
    }

    /// Parses every field; on failure, one message per bad field.
    pub fn parse(&self, today: NaiveDate) -> Result<SyncSettings, Vec<FieldError>> {
        let mut errors = vec![];
        let mut check = |field: &'static str, result: Result<u32, String>| {
            result.unwrap_or_else(|message| {
                errors.push(FieldError { field, message });
                0
            })
        };
        let sync_interval_minutes = check(
            "sync_interval_minutes",
            SYNC_INTERVAL.parse(&self.sync_interval_minutes),
        );
        let reconcile_window_days = check(
            "reconcile_window_days",
            RECONCILE_WINDOW.parse(&self.reconcile_window_days),
        );
        let reconcile_hour = check("reconcile_hour", RECONCILE_HOUR.parse(&self.reconcile_hour));
        let run_retention_days = check(
            "run_retention_days",
            RUN_RETENTION.parse(&self.run_retention_days),
        );
        let stale_after_hours = check(
            "stale_after_hours",
            STALE_AFTER.parse(&self.stale_after_hours),
        );
        let history = if self.history_start.trim().is_empty() {
            HistoryStart::MonthsBack(check(
                "history_months",
                HISTORY_MONTHS.parse(&self.history_months),
            ))
        } else {
            match parse_history_start(&self.history_start, today) {
                Ok(day) => HistoryStart::Since(day),
                Err(message) => {
                    errors.push(FieldError {
                        field: "history_start",
                        message,
                    });
                    HistoryStart::MonthsBack(0)
                }
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SyncSettings {
            sync_interval_minutes,
            reconcile_window_days,
            reconcile_hour,
            history,
            run_retention_days,
            stale_after_hours,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn a_filled_in_form_round_trips() {
        let settings = SyncSettings {
            history: HistoryStart::Since(NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()),
            ..SyncSettings::default()
        };
        let form = SettingsForm::from_settings(&settings);
        assert_eq!(form.parse(today()), Ok(settings));
        let defaults = SyncSettings::default();
        assert_eq!(
            SettingsForm::from_settings(&defaults).parse(today()),
            Ok(defaults)
        );
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let form = SettingsForm {
            sync_interval_minutes: "-5".into(),
            reconcile_hour: "25".into(),
            stale_after_hours: "2000".into(),
            history_start: "yesterday".into(),
            ..SettingsForm::from_settings(&SyncSettings::default())
        };
        let fields: Vec<_> = form
            .parse(today())
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "sync_interval_minutes",
                "reconcile_hour",
                "stale_after_hours",
                "history_start"
            ]
        );
    }
}
