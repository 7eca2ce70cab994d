//! What every step of a sync shares: the run's context (account, API, counters, options), the
//! ways a sync fails, and the date windows the listing steps walk.

use chrono::{DateTime, Duration, Utc};

use super::SyncOptions;
use crate::{
    accounts::{Accounts, TokenError},
    allegro::{AccountApi, AllegroError},
    db::{
        self, DbError,
        models::sync::{RunCounters, RunKind, SyncRun, SyncState},
    },
    domain::{AccountId, RunId, RunPhase, RunProblem},
};

/// What a sync does besides following the event journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncMode {
    /// Finishes the first pass if it is not complete, then follows events.
    Auto,
    /// Lists the whole history again first (a full resync).
    Full,
    /// After events, lists recent days again, re-fetches open orders and verifies the
    /// coverage grid (see `reconcile`); finishes the first pass first if needed.
    Reconcile,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("a sync of this account is already running")]
    AlreadyRunning,
    #[error("the sync was stopped by a shutdown; the next run resumes")]
    Interrupted,
    #[error("the account was synced less than an interval ago (by another process)")]
    NotDue,
    #[error("the account cannot be synced: {0}")]
    AccountUnavailable(String),
    #[error(transparent)]
    Allegro(#[from] AllegroError),
    /// The account's tokens could not be supplied (other than for a database failure).
    #[error(transparent)]
    Tokens(TokenError),
    #[error("{}", database_failure(.0))]
    Db(#[from] DbError),
}

/// What a run's record says when the database failed under it: whether it could not be
/// reached or lost the connection (a restart, a network cut) or refused a query, with
/// PostgreSQL's own words.
fn database_failure(error: &DbError) -> String {
    const RESUMES: &str = "the next run resumes where this one stopped";
    match error {
        DbError::Pool(e) => format!("the database could not be reached ({e}); {RESUMES}"),
        DbError::Connection(e) => format!("the database could not be reached ({e}); {RESUMES}"),
        DbError::Query(e) => match db::failure::lost_connection(e) {
            Some(message) => format!(
                "the database connection was lost during the sync ({}); {RESUMES}",
                message.trim()
            ),
            None => format!("a database query failed ({e})"),
        },
        other => format!("database error: {other}"),
    }
}

impl SyncError {
    /// Why the run did not succeed, as a reader is told (the error's text keeps the details).
    pub fn problem(&self) -> RunProblem {
        match self {
            Self::Interrupted => RunProblem::Interrupted,
            Self::AccountUnavailable(_) => RunProblem::AccountUnavailable,
            Self::Tokens(
                TokenError::Refused | TokenError::Disconnected(_) | TokenError::Gone(_),
            ) => RunProblem::NeedsReauthorisation,
            Self::Allegro(e) if e.needs_reauthorisation() => RunProblem::NeedsReauthorisation,
            Self::Allegro(AllegroError::RateLimited { .. }) => RunProblem::RateLimited,
            Self::Allegro(
                AllegroError::Server { .. } | AllegroError::Timeout | AllegroError::Network(_),
            ) => RunProblem::AllegroUnavailable,
            Self::Allegro(
                AllegroError::Client { .. }
                | AllegroError::InvalidResponse { .. }
                | AllegroError::NotFound,
            ) => RunProblem::AllegroRejected,
            Self::Db(DbError::Pool(_) | DbError::Connection(_)) => RunProblem::DatabaseUnavailable,
            Self::Db(DbError::Query(e)) if db::failure::lost_connection(e).is_some() => {
                RunProblem::DatabaseUnavailable
            }
            Self::Db(_) => RunProblem::DatabaseFailed,
            Self::AlreadyRunning | Self::NotDue | Self::Tokens(_) | Self::Allegro(_) => {
                RunProblem::Other
            }
        }
    }
}

impl From<TokenError> for SyncError {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::Allegro(allegro) => SyncError::Allegro(allegro),
            // The account's tokens could not be read or stored: a database failure like any
            // other, recorded as such (not as Allegro's fault).
            TokenError::Store(db) => SyncError::Db(db),
            other => SyncError::Tokens(other),
        }
    }
}

impl From<diesel::result::Error> for SyncError {
    fn from(e: diesel::result::Error) -> Self {
        SyncError::Db(e.into())
    }
}

/// How a finished run went.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub run_id: RunId,
    pub kind: RunKind,
    pub counters: RunCounters,
}

/// What a run step shares.
#[derive(Clone)]
pub(super) struct RunContext<'a> {
    pub accounts: &'a Accounts,
    pub api: AccountApi<TokenError>,
    pub account_id: AccountId,
    pub run_id: RunId,
    pub options: &'a SyncOptions,
    /// Look for merged purchases while storing. Off during the very first pass: every listed
    /// form is current then (merged-away ones are no longer listed), and on a table still
    /// being filled the lookup would cost more with every page.
    pub detect_merges: bool,
}

impl RunContext<'_> {
    /// `Interrupted` once the process is shutting down (checked between pages and windows).
    pub fn check_stop(&self) -> Result<(), SyncError> {
        if self.options.stop.is_cancelled() {
            return Err(SyncError::Interrupted);
        }
        Ok(())
    }

    /// Records that the run enters `phase`, `total` steps long if known (shown with the
    /// run's progress).
    pub async fn enter_phase(&self, phase: RunPhase, total: Option<i64>) -> Result<(), SyncError> {
        let run_id = self.run_id;
        db::run(&self.accounts.pool, move |conn| {
            SyncRun::enter_phase(conn, run_id, phase, total).map_err(DbError::from)
        })
        .await?;
        Ok(())
    }

    /// Logs that a page read left out `unreadable` documents (`what` names them: "refund
    /// claims without a readable id"); they are not stored, and the log says how many.
    pub fn warn_unreadable(&self, unreadable: &[serde_json::Value], what: &str) {
        if !unreadable.is_empty() {
            tracing::warn!(
                account.id = self.account_id.0,
                entries = unreadable.len(),
                "{what} left out"
            );
        }
    }

    /// Renews the lease; fails when another process took the account over, or with
    /// `Interrupted` when the process is shutting down (the page before is committed).
    pub async fn renew_lease(&self) -> Result<(), SyncError> {
        self.check_stop()?;
        let (id, owner, until) = (
            self.account_id,
            self.options.owner.clone(),
            Utc::now() + self.options.lease,
        );
        let held = db::run(&self.accounts.pool, move |conn| {
            SyncState::acquire_lease(conn, id, &owner, until).map_err(DbError::from)
        })
        .await?;
        if held {
            Ok(())
        } else {
            Err(SyncError::AlreadyRunning)
        }
    }
}

/// Splits `[from, until]` into consecutive windows of at most `size`.
pub fn windows(
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    size: Duration,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut out = vec![];
    let mut start = from;
    while start < until {
        let end = (start + size).min(until);
        out.push((start, end));
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_the_range_without_gaps() {
        let from = Utc::now() - Duration::days(30);
        let until = Utc::now();
        let w = windows(from, until, Duration::days(7));
        assert_eq!(w.len(), 5);
        assert_eq!(w[0].0, from);
        assert_eq!(w.last().map(|x| x.1), Some(until));
        assert!(w.windows(2).all(|p| p[0].1 == p[1].0));
    }
}
