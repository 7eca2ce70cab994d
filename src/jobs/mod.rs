//! Scheduled jobs, run in-process by tokio-cron-scheduler. Job bodies are plain functions
//! (callable from tests and the CLI); this module only registers them, logs failures and
//! carries on. Every job reads the Settings page's values when it runs, so changes apply
//! without a restart.

mod schedule;

pub use crate::metrics::jobs::{JobOutcome, JobRun, JobRuns, JobStatus};
pub use schedule::{due_accounts, nightly_reconcile, sync_all, sync_at_startup, tick};

use std::sync::Arc;

use chrono::{Duration, Utc};
use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};

use crate::{
    alerts::{Alerts, account_health},
    db::{
        self, DbError,
        models::{login_failure::LoginFailure, order_change, session::SessionRow, sync::SyncRun},
    },
    domain::AccountScope,
    settings,
    state::AppState,
};

/// Sign-in failures older than this no longer matter for throttling.
const KEEP_FAILURES_FOR: Duration = Duration::days(1);

/// Every 10 minutes: expired sessions, old sign-in failures, old sync runs.
const HOUSEKEEPING_SCHEDULE: &str = "0 */10 * * * *";
/// Every 5 minutes: tokens about to expire.
const TOKEN_REFRESH_SCHEDULE: &str = "30 */5 * * * *";
/// Every minute: syncs that are due, the nightly reconcile at its hour (unless
/// `SCHEDULER_TICK_SECONDS` sets another period).
const TICK_SCHEDULE: &str = "15 * * * * *";
/// Every 10 minutes: stale syncs and dead tokens, logged at WARN.
const ALERTS_SCHEDULE: &str = "45 */10 * * * *";

/// What one housekeeping pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Housekeeping {
    pub sessions: usize,
    pub failures: usize,
    /// Finished sync runs older than the retention setting.
    pub runs: usize,
    /// Changes of the API's changes feed older than `CHANGES_RETENTION_DAYS`.
    pub changes: usize,
}

/// One housekeeping pass.
pub async fn housekeeping(state: &AppState) -> Result<Housekeeping, DbError> {
    let settings = settings::current(&state.pool, &state.config.sync).await?;
    let runs_before = Utc::now() - settings.run_retention();
    let keep_changes = Duration::days(i64::from(state.config.changes_retention_days));
    db::run(&state.pool, move |conn| {
        let sessions = SessionRow::delete_expired(conn)?;
        SyncRun::mark_abandoned_interrupted(conn)?;
        let failures = LoginFailure::delete_older_than(conn, Utc::now() - KEEP_FAILURES_FOR)?;
        let runs = SyncRun::delete_finished_before(conn, runs_before)?;
        let changes = order_change::prune(conn, keep_changes)?;
        Ok(Housekeeping {
            sessions,
            failures,
            runs,
            changes,
        })
    })
    .await
}

/// The alerts now: read, and each one logged at WARN.
pub async fn check_alerts(state: &AppState) -> Result<Alerts, DbError> {
    let settings = settings::current(&state.pool, &state.config.sync).await?;
    let health = db::run(&state.pool, |conn| {
        account_health(conn, &AccountScope::All, Utc::now()).map_err(DbError::from)
    })
    .await?;
    let threshold = settings.stale_after();
    for h in &health {
        if h.token_dead() {
            tracing::warn!(account.id = h.id.0, account.login = %h.login,
                "Allegro refused the refresh token of {}: connect the account again", h.login);
        } else if h.stale(threshold) {
            tracing::warn!(account.id = h.id.0, account.login = %h.login, lag_s = h.lag.num_seconds(),
                "no successful sync of {} for more than {} hours", h.login, settings.stale_after_hours);
        }
    }
    Ok(Alerts::new(&health, settings.stale_after_hours))
}

/// When a job runs.
enum Every {
    /// A cron expression (6 fields, seconds first).
    Cron(String),
    /// A fixed period from the scheduler's start.
    Period(std::time::Duration),
}

impl Every {
    /// A tick every `period`: on the clock's whole multiples of it when it divides a minute
    /// (so replicas tick together, as with the minutely cron, and race for the leases),
    /// otherwise from the scheduler's start.
    fn tick(period: std::time::Duration) -> Self {
        match period.as_secs() {
            s @ 1..=30 if 60 % s == 0 && period.subsec_nanos() == 0 => {
                Every::Cron(format!("*/{s} * * * * *"))
            }
            _ => Every::Period(period),
        }
    }
}

impl std::fmt::Display for Every {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Every::Cron(cron) => f.write_str(cron),
            Every::Period(period) => write!(f, "every {} s", period.as_secs()),
        }
    }
}

/// Registers job `name` whose body is `body(state)`, logging nothing itself; each run is
/// recorded in `state.jobs`.
async fn add<F, Fut>(
    scheduler: &JobScheduler,
    name: &'static str,
    schedule: Every,
    state: &AppState,
    body: F,
) -> Result<(), JobSchedulerError>
where
    F: Fn(AppState) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = JobOutcome> + Send + 'static,
{
    state.jobs.register(name, schedule.to_string());
    let state = state.clone();
    let body = Arc::new(body);
    let run = move |_, _| -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> {
        let (state, body) = (state.clone(), body.clone());
        Box::pin(async move {
            if !state.shutdown.is_stopping() {
                let (started_at, clock) = (Utc::now(), std::time::Instant::now());
                let outcome = body(state.clone()).await;
                state.jobs.record(
                    name,
                    JobRun {
                        started_at,
                        duration: clock.elapsed(),
                        outcome,
                    },
                );
            }
        })
    };
    let job = match schedule {
        Every::Cron(cron) => Job::new_async(cron.as_str(), run)?,
        Every::Period(period) => Job::new_repeated_async(period, run)?,
    };
    scheduler.add(job).await.map(drop)
}

/// Starts the scheduler with every job registered.
pub async fn start(state: &AppState) -> Result<JobScheduler, JobSchedulerError> {
    let refresh_window =
        Duration::from_std(state.config.allegro.refresh_window).unwrap_or(Duration::hours(1));
    let scheduler = JobScheduler::new().await?;
    add(
        &scheduler,
        "housekeeping",
        Every::Cron(HOUSEKEEPING_SCHEDULE.to_owned()),
        state,
        |state| async move {
            match housekeeping(&state).await {
                Ok(done) => {
                    tracing::debug!(?done, "housekeeping done");
                    JobOutcome::Finished
                }
                Err(err) => {
                    tracing::warn!(error = %err, "housekeeping failed; retrying later");
                    JobOutcome::Failed
                }
            }
        },
    )
    .await?;
    add(
        &scheduler,
        "token_refresh",
        Every::Cron(TOKEN_REFRESH_SCHEDULE.to_owned()),
        state,
        move |state| async move {
            match state.accounts.refresh_expiring(refresh_window).await {
                Ok(0) => JobOutcome::Finished,
                Ok(refreshed) => {
                    tracing::info!(refreshed, "refreshed expiring Allegro tokens");
                    JobOutcome::Finished
                }
                Err(err) => {
                    tracing::warn!(error = %err, "token refresh job failed; retrying later");
                    JobOutcome::Failed
                }
            }
        },
    )
    .await?;
    let tick_every = match state.config.scheduler.tick {
        Some(period) => Every::tick(period),
        None => Every::Cron(TICK_SCHEDULE.to_owned()),
    };
    add(&scheduler, "tick", tick_every, state, |state| async move {
        tick(&state).await
    })
    .await?;
    add(
        &scheduler,
        "alerts",
        Every::Cron(ALERTS_SCHEDULE.to_owned()),
        state,
        |state| async move {
            match check_alerts(&state).await {
                Ok(_) => JobOutcome::Finished,
                Err(err) => {
                    tracing::warn!(error = %err, "alert check failed; retrying later");
                    JobOutcome::Failed
                }
            }
        },
    )
    .await?;
    scheduler.start().await?;
    Ok(scheduler)
}
