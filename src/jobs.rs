//! Background housekeeping: expired sessions and old sign-in failures are removed.

use std::time::Duration;

use chrono::Utc;

use crate::db::{
    self, DbError, PgPool,
    models::{login_failure::LoginFailure, session::SessionRow},
};

const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(10 * 60);
/// Sign-in failures older than this no longer matter for throttling.
const KEEP_FAILURES_FOR: chrono::Duration = chrono::Duration::days(1);

/// One housekeeping pass; returns (sessions removed, failures removed).
pub async fn housekeeping(pool: &PgPool) -> Result<(usize, usize), DbError> {
    db::run(pool, |conn| {
        let sessions = SessionRow::delete_expired(conn)?;
        let failures = LoginFailure::delete_older_than(conn, Utc::now() - KEEP_FAILURES_FOR)?;
        Ok((sessions, failures))
    })
    .await
}

/// Runs `housekeeping` now and every ten minutes; failures are logged and retried next time.
pub fn spawn_housekeeping(pool: PgPool) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(HOUSEKEEPING_EVERY);
        loop {
            ticker.tick().await;
            match housekeeping(&pool).await {
                Ok((sessions, failures)) => {
                    tracing::debug!(sessions, failures, "housekeeping done")
                }
                Err(err) => tracing::warn!(error = %err, "housekeeping failed; retrying later"),
            }
        }
    })
}
