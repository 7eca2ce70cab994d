//! `AppState`: what handlers share, as one cloneable value.

use std::sync::Arc;

use crate::{
    accounts::Accounts,
    config::Settings,
    db::PgPool,
    jobs::{JobRuns, Shutdown},
    metrics::Metrics,
};

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub settings: Arc<Settings>,
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
