//! Scheduled jobs, run in-process by tokio-cron-scheduler. Job bodies are plain functions
//! (callable from tests and the CLI); this module only registers them, logs failures and
//! carries on.

use chrono::{Duration, Utc};
use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};

use crate::{
    accounts::Accounts,
    db::{
        self, DbError, PgPool,
        models::{
            account::{AccountRow, AccountStatus},
            login_failure::LoginFailure,
            session::SessionRow,
            sync::{RunTrigger, SyncRun},
        },
    },
    sync::{SyncError, SyncMode, SyncOptions, sync_account},
};

/// Sign-in failures older than this no longer matter for throttling.
const KEEP_FAILURES_FOR: Duration = Duration::days(1);

/// Every 10 minutes: expired sessions and old sign-in failures.
const HOUSEKEEPING_SCHEDULE: &str = "0 */10 * * * *";
/// Every 5 minutes: tokens about to expire.
const TOKEN_REFRESH_SCHEDULE: &str = "30 */5 * * * *";

/// One housekeeping pass; returns (sessions removed, failures removed).
pub async fn housekeeping(pool: &PgPool) -> Result<(usize, usize), DbError> {
    db::run(pool, |conn| {
        let sessions = SessionRow::delete_expired(conn)?;
        SyncRun::mark_abandoned_interrupted(conn)?;
        let failures = LoginFailure::delete_older_than(conn, Utc::now() - KEEP_FAILURES_FOR)?;
        Ok((sessions, failures))
    })
    .await
}

/// Starts the scheduler with every job registered.
pub async fn start(
    pool: PgPool,
    accounts: Accounts,
    refresh_window: std::time::Duration,
    sync_every_minutes: u32,
) -> Result<JobScheduler, JobSchedulerError> {
    let accounts_for_sync = accounts.clone();
    let refresh_window = Duration::from_std(refresh_window).unwrap_or_else(|_| Duration::hours(1));
    let scheduler = JobScheduler::new().await?;
    scheduler
        .add(Job::new_async(HOUSEKEEPING_SCHEDULE, move |_, _| {
            let pool = pool.clone();
            Box::pin(async move {
                match housekeeping(&pool).await {
                    Ok((sessions, failures)) => {
                        tracing::debug!(sessions, failures, "housekeeping done")
                    }
                    Err(err) => tracing::warn!(error = %err, "housekeeping failed; retrying later"),
                }
            })
        })?)
        .await?;
    scheduler
        .add(Job::new_async(TOKEN_REFRESH_SCHEDULE, move |_, _| {
            let accounts = accounts.clone();
            Box::pin(async move {
                match accounts.refresh_expiring(refresh_window).await {
                    Ok(0) => {}
                    Ok(refreshed) => tracing::info!(refreshed, "refreshed expiring Allegro tokens"),
                    Err(err) => {
                        tracing::warn!(error = %err, "token refresh job failed; retrying later")
                    }
                }
            })
        })?)
        .await?;
    if let Some(schedule) = sync_schedule(sync_every_minutes) {
        let accounts = accounts_for_sync;
        scheduler
            .add(Job::new_async(schedule.as_str(), move |_, _| {
                let accounts = accounts.clone();
                Box::pin(async move { sync_all(&accounts, RunTrigger::Schedule).await })
            })?)
            .await?;
    }
    scheduler.start().await?;
    Ok(scheduler)
}

/// Cron expression running every `minutes` minutes (seconds field first); `None` turns the
/// scheduled sync off.
fn sync_schedule(minutes: u32) -> Option<String> {
    match minutes {
        0 => None,
        m if m < 60 => Some(format!("15 */{m} * * * *")),
        m => Some(format!("15 0 */{} * * *", (m / 60).max(1))),
    }
}

/// Syncs every connected account once, one after the other; an account another process is
/// syncing is skipped, a failure is logged and retried next time.
pub async fn sync_all(accounts: &Accounts, trigger: RunTrigger) {
    let ids = match db::run(&accounts.pool, |conn| {
        AccountRow::list(conn).map_err(DbError::from)
    })
    .await
    {
        Ok(rows) => rows
            .into_iter()
            .filter(|a| a.status() == AccountStatus::Connected)
            .map(|a| a.id)
            .collect::<Vec<_>>(),
        Err(err) => {
            tracing::warn!(error = %err, "scheduled sync could not list accounts");
            return;
        }
    };
    for id in ids {
        match sync_account(
            accounts,
            id,
            trigger,
            SyncMode::Auto,
            &SyncOptions::default(),
        )
        .await
        {
            Ok(_) | Err(SyncError::AlreadyRunning) => {}
            Err(err) => {
                tracing::warn!(account.id = id, error = %err, "scheduled sync failed; retrying next time")
            }
        }
    }
}
