//! The runs this process finished, as Prometheus counters: how many by kind and status, how
//! long they took, and what they did to the orders. The database gauge
//! `allegro_backup_sync_runs` counts the runs kept in history across every replica; these
//! count from the process's start, which is what `rate()` and alerts on failures need.

use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

use crate::db::models::sync::{RUN_STATUSES, RunKind, SyncRun};

/// Runs last from a second (an incremental run with nothing new) to hours (a first backup).
const DURATION_BUCKETS: &[f64] = &[
    1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0,
];

/// What a run did to an order it read, as counted on the run.
const ORDER_OUTCOMES: [&str; 4] = ["created", "updated", "unchanged", "quarantined"];

/// The sync engine's series. Cheap to clone: clones count into the same series.
#[derive(Clone)]
pub struct RunMetrics {
    finished: IntCounterVec,
    duration: HistogramVec,
    orders: IntCounterVec,
}

impl std::fmt::Debug for RunMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RunMetrics")
    }
}

impl RunMetrics {
    /// New series (every kind, status and outcome at zero), not yet registered anywhere.
    pub fn new() -> prometheus::Result<Self> {
        let finished = IntCounterVec::new(
            Opts::new(
                "allegro_backup_sync_runs_finished_total",
                "Sync runs this process finished, by kind (full, incremental, reconcile) and \
                 status (succeeded, failed, interrupted).",
            ),
            &["kind", "status"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "allegro_backup_sync_run_duration_seconds",
                "Duration of the sync runs this process finished, by kind.",
            )
            .buckets(DURATION_BUCKETS.to_vec()),
            &["kind"],
        )?;
        let orders = IntCounterVec::new(
            Opts::new(
                "allegro_backup_sync_orders_total",
                "Orders read by this process's sync runs, by outcome: created (new to the \
                 backup), updated (a new revision stored), unchanged, quarantined.",
            ),
            &["outcome"],
        )?;
        for kind in RunKind::ALL {
            duration.with_label_values(&[kind.as_str()]);
            for status in RUN_STATUSES.iter().filter(|s| **s != "running") {
                finished.with_label_values(&[kind.as_str(), status]);
            }
        }
        for outcome in ORDER_OUTCOMES {
            orders.with_label_values(&[outcome]);
        }
        Ok(Self {
            finished,
            duration,
            orders,
        })
    }

    /// Adds the series to `registry`.
    pub fn register(&self, registry: &Registry) -> prometheus::Result<()> {
        registry.register(Box::new(self.finished.clone()))?;
        registry.register(Box::new(self.duration.clone()))?;
        registry.register(Box::new(self.orders.clone()))
    }

    /// Counts a run that ended with `status`; `run` is its row as recorded at the end (absent
    /// when the end could not be recorded: then only the count moves).
    pub(super) fn record(&self, kind: RunKind, status: &str, run: Option<&SyncRun>) {
        self.finished
            .with_label_values(&[kind.as_str(), status])
            .inc();
        let Some(run) = run else { return };
        if let Some(finished_at) = run.finished_at {
            let seconds = (finished_at - run.started_at).num_milliseconds().max(0) as f64 / 1e3;
            self.duration
                .with_label_values(&[kind.as_str()])
                .observe(seconds);
        }
        let counts = [
            run.counters.orders_created,
            run.counters.orders_updated,
            run.counters.orders_unchanged,
            run.counters.orders_quarantined,
        ];
        for (outcome, n) in ORDER_OUTCOMES.into_iter().zip(counts) {
            self.orders
                .with_label_values(&[outcome])
                .inc_by(u64::try_from(n).unwrap_or(0));
        }
    }
}

#[cfg(test)]
mod tests {
    use prometheus::Encoder;

    use super::*;

    #[test]
    fn every_series_starts_at_zero_and_a_run_without_a_row_still_counts() {
        let metrics = RunMetrics::new().unwrap();
        let registry = Registry::new();
        metrics.register(&registry).unwrap();
        metrics.record(RunKind::Incremental, "failed", None);
        let mut out = vec![];
        prometheus::TextEncoder::new()
            .encode(&registry.gather(), &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(
            r#"allegro_backup_sync_runs_finished_total{kind="incremental",status="failed"} 1"#
        ));
        assert!(text.contains(
            r#"allegro_backup_sync_runs_finished_total{kind="full",status="succeeded"} 0"#
        ));
        assert!(!text.contains(r#"status="running""#));
        assert!(text.contains(r#"allegro_backup_sync_orders_total{outcome="quarantined"} 0"#));
        assert!(text.contains(r#"allegro_backup_sync_run_duration_seconds_count{kind="full"} 0"#));
    }
}
