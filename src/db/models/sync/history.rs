//! Reading the history of runs: one run, the latest of a scope (filtered, newest first), when
//! accounts last ran, the counts `/metrics` reports; and the retention's delete.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{RunKind, SyncRun};
use crate::{
    db::schema::sync_runs,
    domain::{AccountId, AccountScope, RunId},
};

/// Filters of the sync history.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    pub account_id: Option<AccountId>,
    pub kind: Option<RunKind>,
    pub status: Option<String>,
    /// Only runs older than this one (the next page of a list, newest first).
    pub before: Option<RunId>,
}

impl SyncRun {
    /// When the latest run of `account_id` started, if it ever ran.
    pub fn last_started_of(
        conn: &mut PgConnection,
        account_id: AccountId,
    ) -> QueryResult<Option<DateTime<Utc>>> {
        sync_runs::table
            .filter(sync_runs::account_id.eq(account_id))
            .select(diesel::dsl::max(sync_runs::started_at))
            .first(conn)
    }

    /// Retention: deletes runs that finished before `before` (a running run is never
    /// deleted, however old).
    pub fn delete_finished_before(
        conn: &mut PgConnection,
        before: DateTime<Utc>,
    ) -> QueryResult<usize> {
        diesel::delete(
            sync_runs::table
                .filter(sync_runs::status.ne("running"))
                .filter(sync_runs::finished_at.lt(before)),
        )
        .execute(conn)
    }

    /// When each account's latest run started.
    pub fn last_started(conn: &mut PgConnection) -> QueryResult<Vec<(AccountId, DateTime<Utc>)>> {
        sync_runs::table
            .group_by(sync_runs::account_id)
            .select((
                sync_runs::account_id,
                diesel::dsl::max(sync_runs::started_at).assume_not_null(),
            ))
            .load(conn)
    }

    /// Runs kept in the history, as `(kind, status, count)` by kind and status.
    pub fn count_by_kind_and_status(
        conn: &mut PgConnection,
    ) -> QueryResult<Vec<(String, String, i64)>> {
        sync_runs::table
            .group_by((sync_runs::kind, sync_runs::status))
            .select((
                sync_runs::kind,
                sync_runs::status,
                diesel::dsl::count_star(),
            ))
            .order((sync_runs::kind, sync_runs::status))
            .load(conn)
    }

    /// Run `id` if it is of an account `scope` allows.
    pub fn find_in(
        conn: &mut PgConnection,
        scope: &AccountScope,
        id: RunId,
    ) -> QueryResult<Option<SyncRun>> {
        Ok(Self::find(conn, id)?.filter(|run| scope.allows(run.account_id)))
    }

    pub fn find(conn: &mut PgConnection, id: RunId) -> QueryResult<Option<SyncRun>> {
        sync_runs::table
            .find(id)
            .select(SyncRun::as_select())
            .first(conn)
            .optional()
    }

    /// Newest first, optionally for one account, at most `limit`, of the accounts `scope`
    /// allows.
    pub fn recent(
        conn: &mut PgConnection,
        scope: &AccountScope,
        account_id: Option<AccountId>,
        limit: i64,
    ) -> QueryResult<Vec<SyncRun>> {
        Self::filtered(
            conn,
            scope,
            &RunFilter {
                account_id,
                ..RunFilter::default()
            },
            limit,
        )
    }

    /// Newest first, matching `filter`, at most `limit`, of the accounts `scope` allows.
    pub fn filtered(
        conn: &mut PgConnection,
        scope: &AccountScope,
        filter: &RunFilter,
        limit: i64,
    ) -> QueryResult<Vec<SyncRun>> {
        let mut query = sync_runs::table
            .select(SyncRun::as_select())
            .order(sync_runs::id.desc())
            .limit(limit)
            .into_boxed();
        if let Some(ids) = scope.ids() {
            query = query.filter(sync_runs::account_id.eq_any(ids.to_vec()));
        }
        if let Some(account) = filter.account_id {
            query = query.filter(sync_runs::account_id.eq(account));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(sync_runs::kind.eq(kind.as_str()));
        }
        if let Some(status) = &filter.status {
            query = query.filter(sync_runs::status.eq(status.clone()));
        }
        if let Some(before) = filter.before {
            query = query.filter(sync_runs::id.lt(before));
        }
        query.load(conn)
    }
}
