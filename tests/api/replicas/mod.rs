//! Several replicas: three `serve` processes of the real binary on one PostgreSQL database,
//! twenty accounts on a simulator process of their own. Each account is synced by one process
//! at a time and keeps its interval, sessions work on every replica, and the accounts a killed
//! replica was syncing are taken over by the others.
//!
//! The `serve` processes in `serve`; the jobs of several processes on one database (the
//! nightly reconcile, claiming a day, refreshing tokens) in `jobs`.

mod jobs;
mod serve;

use allegro_backup::domain::AccountId;
use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};

#[derive(diesel::QueryableByName, Debug, Clone)]
pub(super) struct Run {
    #[diesel(sql_type = BigInt)]
    pub(super) account_id: AccountId,
    #[diesel(sql_type = Text)]
    pub(super) status: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub(super) runner: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    pub(super) started_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub(super) finished_at: Option<DateTime<Utc>>,
}

impl Run {
    /// The pid in the runner's name (`host:pid:id`).
    pub(super) fn pid(&self) -> Option<u32> {
        let runner = self.runner.as_deref()?;
        let mut parts = runner.rsplitn(3, ':');
        parts.next();
        parts.next()?.parse().ok()
    }
}
