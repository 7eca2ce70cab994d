//! The minutely tick: starts the syncs that are due under the interval set on the Settings
//! page, and the nightly reconcile at its hour. Every process sharing the database ticks:
//! leases keep one run per account at a time, the due check under the lease keeps one run per
//! interval, and the nightly reconcile's day is claimed in the database by one process.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Local, NaiveDate, NaiveDateTime, Timelike, Utc};
use diesel::PgConnection;

use super::JobOutcome;
use crate::{
    accounts::Accounts,
    db::{
        self, DbError,
        models::{
            account::{AccountRow, AccountStatus},
            scheduled_job::{NIGHTLY_RECONCILE, ScheduledJob},
            sync::{RunTrigger, SyncRun},
        },
    },
    domain::{AccountId, AccountScope},
    settings::{self, SyncSettings},
    state::AppState,
    sync::{SyncError, SyncMode, SyncOptions, sync_account},
};

/// One tick: every connected account whose last run started at least the interval ago gets
/// a sync (each in its own tracked task); at the reconcile hour, once a day across all
/// processes, the nightly reconcile.
pub async fn tick(state: &AppState) -> JobOutcome {
    let settings = match settings::current(&state.pool, &state.config.sync).await {
        Ok(settings) => settings,
        Err(err) => {
            tracing::warn!(error = %err, "could not read the settings; no sync this minute");
            return JobOutcome::Failed;
        }
    };
    let options = state.sync_options_for(&settings);
    let interval = match state.config.scheduler.interval {
        Some(seconds) => Duration::from_std(seconds).ok(),
        None => settings.sync_interval(),
    };
    if let Some(interval) = interval {
        let options = SyncOptions {
            due_after: Some(interval),
            ..options.clone()
        };
        start_due_syncs(state, interval, &options).await;
    }
    let now = Local::now().naive_local();
    if in_nightly_hour(&settings, now) && claim_nightly(state, now.date(), &options.owner).await {
        let accounts = state.accounts.clone();
        tracing::info!(day = %now.date(), "nightly reconcile starting in this process");
        state
            .shutdown
            .spawn(async move { nightly_reconcile(&accounts, &options).await });
    }
    JobOutcome::Finished
}

/// Claims today's nightly reconcile for this process; false when another process (or an
/// earlier tick) has it, or the database cannot say.
async fn claim_nightly(state: &AppState, day: NaiveDate, owner: &str) -> bool {
    let owner = owner.to_owned();
    db::run(&state.pool, move |conn| {
        ScheduledJob::claim_day(conn, NIGHTLY_RECONCILE, day, &owner).map_err(DbError::from)
    })
    .await
    .unwrap_or_else(|err| {
        tracing::warn!(error = %err, "could not claim the nightly reconcile; trying next tick");
        false
    })
}

async fn start_due_syncs(state: &AppState, interval: Duration, options: &SyncOptions) {
    let due = match db::run(&state.pool, move |conn| {
        due_accounts(conn, interval, Utc::now()).map_err(DbError::from)
    })
    .await
    {
        Ok(due) => due,
        Err(err) => {
            tracing::warn!(error = %err, "scheduled sync could not list accounts");
            return;
        }
    };
    for id in due {
        let (accounts, options) = (state.accounts.clone(), options.clone());
        state.shutdown.spawn(async move {
            sync_logged(
                &accounts,
                id,
                RunTrigger::Schedule,
                SyncMode::Auto,
                &options,
            )
            .await;
        });
    }
}

/// Connected accounts whose latest run started at least `interval` before `now` (or that
/// never ran).
pub fn due_accounts(
    conn: &mut PgConnection,
    interval: Duration,
    now: DateTime<Utc>,
) -> diesel::QueryResult<Vec<AccountId>> {
    let started: HashMap<AccountId, DateTime<Utc>> =
        SyncRun::last_started(conn)?.into_iter().collect();
    Ok(AccountRow::list(conn, &AccountScope::All)?
        .into_iter()
        .filter(|a| a.status() == AccountStatus::Connected)
        .filter(|a| started.get(&a.id).is_none_or(|at| now - *at >= interval))
        .map(|a| a.id)
        .collect())
}

/// True in the configured hour of the nightly reconcile (server local time); the day is then
/// claimed in the database, so it runs once.
fn in_nightly_hour(settings: &SyncSettings, now: NaiveDateTime) -> bool {
    now.hour() == settings.reconcile_hour
}

/// The nightly pass: a reconcile run of every connected account (re-lists the reconcile
/// window and the open orders, verifies and heals the coverage grid).
pub async fn nightly_reconcile(accounts: &Accounts, options: &SyncOptions) {
    sync_all_in(accounts, RunTrigger::Schedule, SyncMode::Reconcile, options).await
}

/// The start-up pass (`SYNC_ON_STARTUP`): every connected account is synced once right away, so
/// a backup cut short by a crash or a restart resumes without waiting for the schedule.
pub async fn sync_at_startup(state: &AppState) {
    match state.sync_options().await {
        Ok(options) => startup_pass(&state.accounts, &options).await,
        Err(err) => tracing::warn!(error = %err,
            "the start-up sync could not read the settings; the schedule takes over"),
    }
}

/// How often the start-up pass tries an account whose lease another holder still has.
const STARTUP_RETRY: std::time::Duration = std::time::Duration::from_secs(2);

/// Syncs every connected account; the ones whose lease is still held (by a process killed a
/// moment ago whose database sessions are not closed yet, or whose lease has not lapsed) are
/// tried again every [`STARTUP_RETRY`] until the lease could have lapsed: without a schedule,
/// the start-up pass is the only run a restarted process makes.
async fn startup_pass(accounts: &Accounts, options: &SyncOptions) {
    let give_up =
        tokio::time::Instant::now() + options.lease.to_std().unwrap_or_default() + STARTUP_RETRY;
    let mut waiting = connected(accounts).await;
    while !waiting.is_empty() {
        let mut held = vec![];
        for id in waiting {
            if options.stop.is_cancelled() {
                return;
            }
            let outcome =
                sync_account(accounts, id, RunTrigger::Startup, SyncMode::Auto, options).await;
            match outcome {
                Err(SyncError::AlreadyRunning) => held.push(id),
                other => log_outcome(id, other),
            }
        }
        if held.is_empty() || tokio::time::Instant::now() >= give_up {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep(STARTUP_RETRY) => {}
            () = options.stop.cancelled() => return,
        }
        waiting = held;
    }
}

/// Syncs every connected account once, one after the other; an account another process is
/// syncing is skipped, a failure is logged and retried next time.
pub async fn sync_all(accounts: &Accounts, trigger: RunTrigger, options: &SyncOptions) {
    sync_all_in(accounts, trigger, SyncMode::Auto, options).await
}

async fn sync_all_in(
    accounts: &Accounts,
    trigger: RunTrigger,
    mode: SyncMode,
    options: &SyncOptions,
) {
    for id in connected(accounts).await {
        if options.stop.is_cancelled() {
            return;
        }
        sync_logged(accounts, id, trigger, mode, options).await;
    }
}

async fn sync_logged(
    accounts: &Accounts,
    id: AccountId,
    trigger: RunTrigger,
    mode: SyncMode,
    options: &SyncOptions,
) {
    log_outcome(id, sync_account(accounts, id, trigger, mode, options).await);
}

/// Logs a sync that failed (another process syncing, not due yet or a shutdown are not
/// failures).
fn log_outcome<T>(id: AccountId, outcome: Result<T, SyncError>) {
    match outcome {
        Ok(_)
        | Err(SyncError::AlreadyRunning)
        | Err(SyncError::NotDue)
        | Err(SyncError::Interrupted) => {}
        Err(err) => {
            tracing::warn!(account.id = id.0, error = %err, "scheduled sync failed; retrying next time")
        }
    }
}

async fn connected(accounts: &Accounts) -> Vec<AccountId> {
    match db::run(&accounts.pool, |conn| {
        AccountRow::list(conn, &AccountScope::All).map_err(DbError::from)
    })
    .await
    {
        Ok(rows) => rows
            .into_iter()
            .filter(|a| a.status() == AccountStatus::Connected)
            .map(|a| a.id)
            .collect(),
        Err(err) => {
            tracing::warn!(error = %err, "scheduled sync could not list accounts");
            vec![]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, day)
            .and_then(|d| d.and_hms_opt(hour, 5, 0))
            .unwrap()
    }

    #[test]
    fn the_nightly_reconcile_is_asked_for_in_its_hour_only() {
        let settings = SyncSettings::default();
        assert!(!in_nightly_hour(&settings, at(23, 2)));
        assert!(in_nightly_hour(&settings, at(23, 3)));
        assert!(!in_nightly_hour(&settings, at(23, 4)));
    }
}
