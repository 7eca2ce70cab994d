//! Allegro's rate-limit pauses on the run's record: a 429 stops every call of the client id for
//! about a minute, and a run waiting it out says until when (on /sync) instead of looking stuck.

use chrono::Utc;

use super::context::RunContext;
use crate::db::{self, DbError, models::sync::SyncRun};

/// Records each pause of the client id on the run as it starts or grows; runs until dropped
/// (alongside the run's steps).
pub(super) async fn record(ctx: &RunContext<'_>) {
    let mut pauses = ctx.accounts.client.rate_limit_pauses();
    loop {
        let left = pauses.next().await;
        let until = Utc::now() + chrono::Duration::from_std(left).unwrap_or_default();
        let run_id = ctx.run_id;
        let stored = db::run(&ctx.accounts.pool, move |conn| {
            SyncRun::record_pause(conn, run_id, until).map_err(DbError::from)
        })
        .await;
        match stored {
            Ok(()) => tracing::info!(
                account.id = ctx.account_id.0,
                run.id = run_id.0,
                pause_ms = u64::try_from(left.as_millis()).unwrap_or(u64::MAX),
                "sync paused by Allegro's rate limit"
            ),
            // Only the display misses it; the run itself goes on.
            Err(err) => tracing::warn!(
                account.id = ctx.account_id.0,
                run.id = run_id.0,
                error = %err,
                "could not record the rate-limit pause on the run"
            ),
        }
    }
}
