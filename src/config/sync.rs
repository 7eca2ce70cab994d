//! The defaults of the run-time settings (`crate::settings`), from the environment; the same
//! rules as the Settings page.

use chrono::Utc;
use secrecy::SecretString;

use super::{ConfigError, invalid};
use crate::domain::settings::{
    Bounded, HISTORY_MONTHS, HistoryStart, RECONCILE_HOUR, RECONCILE_WINDOW, RUN_RETENTION,
    STALE_AFTER, SYNC_INTERVAL, SyncSettings, parse_history_start,
};

/// Shortest `METRICS_TOKEN` accepted (it guards the metrics like a password).
const METRICS_TOKEN_MIN_CHARS: usize = 16;

/// Reads the settings defaults; unset variables keep the built-in defaults.
pub(crate) fn sync_defaults(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<SyncSettings, ConfigError> {
    let builtin = SyncSettings::default();
    let read = |var: &'static str, rule: Bounded, default: u32| match get(var) {
        None => Ok(default),
        Some(v) => rule.parse(&v).map_err(|reason| invalid(var, reason)),
    };
    let history = match get("HISTORY_START") {
        Some(v) => HistoryStart::Since(
            parse_history_start(&v, Utc::now().date_naive())
                .map_err(|reason| invalid("HISTORY_START", reason))?,
        ),
        None => match get("HISTORY_MONTHS") {
            Some(_) => HistoryStart::MonthsBack(read("HISTORY_MONTHS", HISTORY_MONTHS, 12)?),
            None => builtin.history,
        },
    };
    Ok(SyncSettings {
        sync_interval_minutes: read(
            "SYNC_INTERVAL_MINUTES",
            SYNC_INTERVAL,
            builtin.sync_interval_minutes,
        )?,
        reconcile_window_days: read(
            "RECONCILE_WINDOW_DAYS",
            RECONCILE_WINDOW,
            builtin.reconcile_window_days,
        )?,
        reconcile_hour: read("RECONCILE_HOUR", RECONCILE_HOUR, builtin.reconcile_hour)?,
        history,
        run_retention_days: read(
            "SYNC_RUN_RETENTION_DAYS",
            RUN_RETENTION,
            builtin.run_retention_days,
        )?,
        stale_after_hours: read(
            "STALE_SYNC_ALERT_HOURS",
            STALE_AFTER,
            builtin.stale_after_hours,
        )?,
    })
}

/// `METRICS_TOKEN`: lets a Prometheus server read `/metrics` without a session.
pub(crate) fn metrics_token(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<SecretString>, ConfigError> {
    match get("METRICS_TOKEN") {
        None => Ok(None),
        Some(v) if v.trim().len() >= METRICS_TOKEN_MIN_CHARS => {
            Ok(Some(SecretString::from(v.trim().to_owned())))
        }
        Some(_) => Err(invalid(
            "METRICS_TOKEN",
            format!("must be at least {METRICS_TOKEN_MIN_CHARS} characters"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults_from(vars: &[(&str, &str)]) -> Result<SyncSettings, ConfigError> {
        let vars: std::collections::HashMap<_, _> = vars.iter().copied().collect();
        sync_defaults(&|k: &str| vars.get(k).map(|v| (*v).to_owned()))
    }

    #[test]
    fn unset_variables_keep_the_built_in_defaults() {
        assert_eq!(defaults_from(&[]).ok(), Some(SyncSettings::default()));
    }

    #[test]
    fn variables_set_the_defaults_and_zero_turns_the_schedule_off() {
        let s = defaults_from(&[
            ("SYNC_INTERVAL_MINUTES", "0"),
            ("RECONCILE_HOUR", "22"),
            ("HISTORY_START", "2026-01-01"),
            ("STALE_SYNC_ALERT_HOURS", "12"),
        ])
        .unwrap();
        assert_eq!(s.sync_interval_minutes, 0);
        assert_eq!(s.reconcile_hour, 22);
        assert!(matches!(s.history, HistoryStart::Since(_)));
        assert_eq!(s.stale_after_hours, 12);
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (var, value) in [
            ("RECONCILE_HOUR", "24"),
            ("STALE_SYNC_ALERT_HOURS", "2000"),
            ("HISTORY_START", "2999-01-01"),
            ("SYNC_RUN_RETENTION_DAYS", "0"),
        ] {
            let err = defaults_from(&[(var, value)]).err().map(|e| e.to_string());
            assert!(err.is_some_and(|e| e.starts_with(var)), "{var}");
        }
        assert!(metrics_token(&|_: &str| Some("short".to_owned())).is_err());
    }
}
