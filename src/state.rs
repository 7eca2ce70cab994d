//! `AppState`: what handlers share, as one cloneable value.

use std::sync::Arc;

use tokio::sync::oneshot;

use crate::{
    accounts::Accounts,
    config::Config,
    db::{DbError, PgPool, models::sync::RunTrigger},
    domain::{AccountId, RunId},
    metrics::JobRuns,
    metrics::Metrics,
    settings::{self, SyncSettings},
    shutdown::Shutdown,
    sync::{SyncError, SyncMode, SyncOptions, sync_account_announced},
};

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub config: Arc<Config>,
    /// A real argon2id hash of a random password: unknown emails are verified against it so
    /// they cost the same time as wrong passwords.
    pub dummy_password_hash: Arc<str>,
    /// Linked Allegro accounts: the Allegro client, token encryption, refresh.
    pub accounts: Accounts,
    /// Stops background syncs at shutdown and waits for them.
    pub shutdown: Shutdown,
    /// This application's in-process metrics (HTTP, Allegro calls, refreshes, sync runs, pool).
    pub metrics: Metrics,
    /// This process's scheduled jobs and their last runs (the System page).
    pub jobs: JobRuns,
}

impl AppState {
    /// Options of a sync this process runs under `settings`: its lease (`SYNC_LEASE_SECONDS`),
    /// its stop signal and its run metrics.
    pub fn sync_options_for(&self, settings: &SyncSettings) -> SyncOptions {
        SyncOptions {
            metrics: Some(self.metrics.sync_runs.clone()),
            ..SyncOptions::from_settings(
                settings,
                self.config.scheduler.lease,
                self.shutdown.token(),
            )
        }
    }

    /// [`AppState::sync_options_for`] the settings in force now.
    pub async fn sync_options(&self) -> Result<SyncOptions, DbError> {
        let settings = settings::current(&self.pool, &self.config.sync).await?;
        Ok(self.sync_options_for(&settings))
    }
}

/// Why a sync started by a person (the dashboard's "Sync now", the API) did not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotStarted {
    /// Another run (of this or another process) holds the account.
    AlreadyRunning,
    /// The account cannot be synced now (disconnected, needs connecting again, …).
    Failed(String),
}

/// How long a manual start waits for its run to be recorded before answering anyway (recording
/// takes a few queries; the wait is bounded in case the database stalls).
pub const MANUAL_START_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// How a manual sync's start went: its run, or why it did not start.
pub type StartOutcome = Result<RunId, NotStarted>;

impl AppState {
    /// Starts a sync of account `id` in the background (trigger "manual"); `None` when the
    /// server is shutting down. The receiver hears once the run is recorded, or why it could
    /// not start; a run that fails later says so in its record.
    pub fn start_manual_sync(
        &self,
        id: AccountId,
        mode: SyncMode,
        options: SyncOptions,
    ) -> Option<oneshot::Receiver<StartOutcome>> {
        let accounts = self.accounts.clone();
        let (tx, rx) = oneshot::channel();
        let report = Arc::new(std::sync::Mutex::new(Some(tx)));
        let send = move |outcome: StartOutcome| {
            if let Some(tx) = report.lock().ok().and_then(|mut slot| slot.take()) {
                let _ = tx.send(outcome);
            }
        };
        let on_started = {
            let send = send.clone();
            Box::new(move |run: RunId| send(Ok(run)))
        };
        let started = self.shutdown.spawn(async move {
            let result = sync_account_announced(
                &accounts,
                id,
                RunTrigger::Manual,
                mode,
                &options,
                on_started,
            )
            .await;
            match result {
                Ok(_) | Err(SyncError::Interrupted) => {}
                Err(SyncError::AlreadyRunning) => send(Err(NotStarted::AlreadyRunning)),
                Err(e) => {
                    // Heard only when the run never started (the first report wins).
                    send(Err(NotStarted::Failed(e.to_string())));
                    tracing::warn!(account.id = id.0, error = %e, "manual sync failed");
                }
            }
        });
        started.then_some(rx)
    }
}
