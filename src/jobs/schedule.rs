//! The minutely tick: starts the syncs that are due under the interval set on the Settings
//! page, and the nightly reconcile at its hour.

use std::{collections::HashMap, sync::Mutex};

use chrono::{DateTime, Duration, Local, NaiveDate, Timelike, Utc};
use diesel::PgConnection;

use super::sync_options;
use crate::{
    accounts::Accounts,
    db::{
        self, DbError,
        models::{
            account::{AccountId, AccountRow, AccountStatus},
            sync::{RunTrigger, SyncRun},
        },
    },
    settings::{self, SyncSettings},
    state::AppState,
    sync::{SyncError, SyncMode, SyncOptions, sync_account},
};

/// One tick: every connected account whose last run started at least the interval ago gets
/// a sync (each in its own tracked task); at the reconcile hour, once a day, the nightly
/// reconcile. `last_nightly` remembers the day it last ran in this process.
pub async fn tick(state: &AppState, last_nightly: &Mutex<Option<NaiveDate>>) {
    let settings = match settings::current(&state.pool, &state.settings.sync).await {
        Ok(settings) => settings,
        Err(err) => {
            tracing::warn!(error = %err, "could not read the settings; no sync this minute");
            return;
        }
    };
    let options = sync_options(&settings, &state.shutdown);
    if let Some(interval) = settings.sync_interval() {
        start_due_syncs(state, interval, &options).await;
    }
    if nightly_due(&settings, Local::now().naive_local(), last_nightly) {
        let (accounts, options) = (state.accounts.clone(), options.clone());
        state
            .shutdown
            .spawn(async move { nightly_reconcile(&accounts, &options).await });
    }
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
    Ok(AccountRow::list(conn)?
        .into_iter()
        .filter(|a| a.status() == AccountStatus::Connected)
        .filter(|a| started.get(&a.id).is_none_or(|at| now - *at >= interval))
        .map(|a| a.id)
        .collect())
}

/// True once per day, in the configured hour (server local time).
fn nightly_due(
    settings: &SyncSettings,
    now: chrono::NaiveDateTime,
    last_nightly: &Mutex<Option<NaiveDate>>,
) -> bool {
    if now.hour() != settings.reconcile_hour {
        return false;
    }
    let Ok(mut last) = last_nightly.lock() else {
        return false;
    };
    if *last == Some(now.date()) {
        return false;
    }
    *last = Some(now.date());
    true
}

/// The nightly pass: a reconcile run of every connected account (re-lists the reconcile
/// window and the open orders, verifies and heals the coverage grid).
pub async fn nightly_reconcile(accounts: &Accounts, options: &SyncOptions) {
    sync_all_in(accounts, RunTrigger::Schedule, SyncMode::Reconcile, options).await
}

/// The start-up pass (`SYNC_ON_STARTUP`): every connected account is synced once right away, so
/// a backup cut short by a crash or a restart resumes without waiting for the schedule.
pub async fn sync_at_startup(state: &AppState) {
    match super::current_sync_options(state).await {
        Ok(options) => sync_all(&state.accounts, RunTrigger::Startup, &options).await,
        Err(err) => tracing::warn!(error = %err,
            "the start-up sync could not read the settings; the schedule takes over"),
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
    match sync_account(accounts, id, trigger, mode, options).await {
        Ok(_) | Err(SyncError::AlreadyRunning) | Err(SyncError::Interrupted) => {}
        Err(err) => {
            tracing::warn!(account.id = id, error = %err, "scheduled sync failed; retrying next time")
        }
    }
}

async fn connected(accounts: &Accounts) -> Vec<AccountId> {
    match db::run(&accounts.pool, |conn| {
        AccountRow::list(conn).map_err(DbError::from)
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

    fn at(day: u32, hour: u32) -> chrono::NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, day)
            .and_then(|d| d.and_hms_opt(hour, 5, 0))
            .unwrap()
    }

    #[test]
    fn the_nightly_reconcile_runs_once_in_its_hour_each_day() {
        let settings = SyncSettings::default();
        let last = Mutex::new(None);
        assert!(!nightly_due(&settings, at(23, 2), &last));
        assert!(nightly_due(&settings, at(23, 3), &last));
        assert!(!nightly_due(&settings, at(23, 3), &last));
        assert!(nightly_due(&settings, at(24, 3), &last));
    }
}
