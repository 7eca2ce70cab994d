//! How the scheduler and the per-account leases are timed. The defaults suit production; the
//! variables shorten them for tests and demos of several replicas (see README, "Deployment
//! with several replicas").

use std::time::Duration;

use super::{ConfigError, number};

/// Timing of the scheduler and of sync leases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// `SCHEDULER_TICK_SECONDS`: time between ticks (due syncs, nightly reconcile); `None`
    /// ticks once a minute, at second 15.
    pub tick: Option<Duration>,
    /// `SYNC_LEASE_SECONDS`: how long an account's lease holds without renewal. A stopped
    /// process's accounts are taken over once it lapses; it must outlast one page of work.
    pub lease: Duration,
    /// `SYNC_INTERVAL_SECONDS`: when set, the schedule's interval in seconds, instead of the
    /// Settings page's minutes.
    pub interval: Option<Duration>,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            tick: None,
            lease: Duration::from_secs(120),
            interval: None,
        }
    }
}

/// Reads the scheduler's timing; unset variables keep the defaults.
pub(crate) fn scheduler_settings(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<SchedulerConfig, ConfigError> {
    let seconds = |var: &'static str| -> Result<Option<Duration>, ConfigError> {
        match get(var) {
            None => Ok(None),
            Some(_) => number(get, var, 1).map(|s| Some(Duration::from_secs(u64::from(s)))),
        }
    };
    let defaults = SchedulerConfig::default();
    Ok(SchedulerConfig {
        tick: seconds("SCHEDULER_TICK_SECONDS")?,
        lease: seconds("SYNC_LEASE_SECONDS")?.unwrap_or(defaults.lease),
        interval: seconds("SYNC_INTERVAL_SECONDS")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<SchedulerConfig, ConfigError> {
        let vars: std::collections::HashMap<_, _> = vars.iter().copied().collect();
        scheduler_settings(&|k: &str| vars.get(k).map(|v| (*v).to_owned()))
    }

    #[test]
    fn unset_variables_keep_the_production_timing() {
        let s = from(&[]).unwrap();
        assert_eq!(s, SchedulerConfig::default());
        assert_eq!(s.lease, Duration::from_secs(120));
        assert_eq!((s.tick, s.interval), (None, None));
    }

    #[test]
    fn seconds_set_the_tick_the_lease_and_the_interval() {
        let s = from(&[
            ("SCHEDULER_TICK_SECONDS", "2"),
            ("SYNC_LEASE_SECONDS", "3"),
            ("SYNC_INTERVAL_SECONDS", "5"),
        ])
        .unwrap();
        assert_eq!(s.tick, Some(Duration::from_secs(2)));
        assert_eq!(s.lease, Duration::from_secs(3));
        assert_eq!(s.interval, Some(Duration::from_secs(5)));
    }

    #[test]
    fn zero_or_words_are_rejected_naming_the_variable() {
        for var in [
            "SCHEDULER_TICK_SECONDS",
            "SYNC_LEASE_SECONDS",
            "SYNC_INTERVAL_SECONDS",
        ] {
            for bad in ["0", "soon", "-1"] {
                let err = from(&[(var, bad)]).err().map(|e| e.to_string());
                assert!(err.is_some_and(|e| e.starts_with(var)), "{var}={bad}");
            }
        }
    }
}
