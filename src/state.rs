//! `AppState`: what handlers share, as one cloneable value.

use std::sync::Arc;

use crate::{
    accounts::Accounts,
    config::Config,
    db::{DbError, PgPool},
    metrics::JobRuns,
    metrics::Metrics,
    settings::{self, SyncSettings},
    shutdown::Shutdown,
    sync::SyncOptions,
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
