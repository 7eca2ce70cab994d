//! Sync bookkeeping: per-account state with a lease (one syncing process per account), the
//! first pass's windows, and the history of runs.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::{
    models::account::AccountId,
    schema::{backfill_windows, sync_runs, sync_state},
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sync_state, check_for_backend(diesel::pg::Pg))]
pub struct SyncState {
    pub account_id: AccountId,
    pub event_cursor: Option<String>,
    pub backfill_from: Option<DateTime<Utc>>,
    pub backfill_until: Option<DateTime<Utc>>,
    pub backfill_completed_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// True when the lease's holder is a process of this program that no longer has any session
/// on the database server (killed, or its host gone and its connections reaped): its lease is
/// dead even before `lease_until`. Holders name themselves `<session name>#<run>`
/// (`db::session_name`); a holder named otherwise is only judged by `lease_until`.
fn holder_gone() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql(&format!(
        "(sync_state.lease_owner LIKE '{}%#%' AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a \
         WHERE a.application_name = split_part(sync_state.lease_owner, '#', 1)))",
        crate::db::SESSION_NAME_PREFIX
    ))
}

impl SyncState {
    /// A lease owner name for one run of this process: `<session name>#<run id>`.
    pub fn new_lease_owner() -> String {
        format!(
            "{}#{}",
            crate::db::session_name(),
            uuid::Uuid::new_v4().simple()
        )
    }

    /// Whether a live process holds the account's lease (a sync of it is running).
    pub fn lease_held(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            sync_state::table
                .find(account_id)
                .filter(sync_state::lease_until.gt(diesel::dsl::now))
                .filter(diesel::dsl::not(holder_gone())),
        ))
        .get_result(conn)
    }

    /// The account's state, created empty on first use.
    pub fn get_or_create(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<SyncState> {
        diesel::insert_into(sync_state::table)
            .values(sync_state::account_id.eq(account_id))
            .on_conflict_do_nothing()
            .execute(conn)?;
        sync_state::table
            .find(account_id)
            .select(SyncState::as_select())
            .first(conn)
    }

    /// Takes (or renews) the account's lease for `owner` until `until`; false when another
    /// live owner holds it (one whose lease has not run out and whose process still has a
    /// database session).
    pub fn acquire_lease(
        conn: &mut PgConnection,
        account_id: AccountId,
        owner: &str,
        until: DateTime<Utc>,
    ) -> QueryResult<bool> {
        Self::get_or_create(conn, account_id)?;
        diesel::update(
            sync_state::table.find(account_id).filter(
                sync_state::lease_until
                    .is_null()
                    .or(sync_state::lease_until.lt(diesel::dsl::now))
                    .or(sync_state::lease_owner.eq(owner))
                    .or(holder_gone()),
            ),
        )
        .set((
            sync_state::lease_owner.eq(owner),
            sync_state::lease_until.eq(until),
        ))
        .execute(conn)
        .map(|n| n == 1)
    }

    pub fn release_lease(
        conn: &mut PgConnection,
        account_id: AccountId,
        owner: &str,
    ) -> QueryResult<()> {
        diesel::update(
            sync_state::table
                .find(account_id)
                .filter(sync_state::lease_owner.eq(owner)),
        )
        .set((
            sync_state::lease_owner.eq(None::<String>),
            sync_state::lease_until.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .map(drop)
    }

    /// Starts the first pass: the window of history to list and the event cursor read before
    /// it, so events from then on are followed afterwards with no gap.
    pub fn begin_backfill(
        conn: &mut PgConnection,
        account_id: AccountId,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        cursor: Option<&str>,
    ) -> QueryResult<()> {
        diesel::update(sync_state::table.find(account_id))
            .set((
                sync_state::backfill_from.eq(from),
                sync_state::backfill_until.eq(until),
                sync_state::event_cursor.eq(cursor),
                sync_state::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .map(drop)
    }

    pub fn complete_backfill(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<()> {
        diesel::update(sync_state::table.find(account_id))
            .set((
                sync_state::backfill_completed_at.eq(diesel::dsl::now),
                sync_state::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Moves the event cursor (in the transaction that stored what the events covered).
    pub fn set_cursor(
        conn: &mut PgConnection,
        account_id: AccountId,
        cursor: &str,
    ) -> QueryResult<()> {
        diesel::update(sync_state::table.find(account_id))
            .set((
                sync_state::event_cursor.eq(cursor),
                sync_state::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .map(drop)
    }

    pub fn record_outcome(
        conn: &mut PgConnection,
        account_id: AccountId,
        error: Option<&str>,
    ) -> QueryResult<()> {
        let now = Utc::now();
        let success = error.is_none().then_some(now);
        diesel::update(sync_state::table.find(account_id))
            .set((
                sync_state::last_error.eq(error),
                sync_state::updated_at.eq(now),
            ))
            .execute(conn)?;
        if let Some(at) = success {
            diesel::update(sync_state::table.find(account_id))
                .set(sync_state::last_success_at.eq(at))
                .execute(conn)?;
        }
        Ok(())
    }
}

/// A `boughtAt` window of the first pass.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = backfill_windows, check_for_backend(diesel::pg::Pg))]
pub struct BackfillWindow {
    pub id: i64,
    pub account_id: AccountId,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub total_count: Option<i64>,
    pub done_at: Option<DateTime<Utc>>,
}

impl BackfillWindow {
    /// Adds windows (ignoring ones already planned).
    pub fn plan(
        conn: &mut PgConnection,
        account_id: AccountId,
        windows: &[(DateTime<Utc>, DateTime<Utc>)],
    ) -> QueryResult<()> {
        Self::insert(conn, account_id, windows, false)
    }

    /// Adds windows to list again: one planned (and perhaps done) before is pending again.
    pub fn plan_again(
        conn: &mut PgConnection,
        account_id: AccountId,
        windows: &[(DateTime<Utc>, DateTime<Utc>)],
    ) -> QueryResult<()> {
        Self::insert(conn, account_id, windows, true)
    }

    fn insert(
        conn: &mut PgConnection,
        account_id: AccountId,
        windows: &[(DateTime<Utc>, DateTime<Utc>)],
        reset: bool,
    ) -> QueryResult<()> {
        let rows: Vec<_> = windows
            .iter()
            .map(|(start, end)| {
                (
                    backfill_windows::account_id.eq(account_id),
                    backfill_windows::window_start.eq(*start),
                    backfill_windows::window_end.eq(*end),
                )
            })
            .collect();
        let insert = diesel::insert_into(backfill_windows::table).values(rows);
        if !reset {
            return insert.on_conflict_do_nothing().execute(conn).map(drop);
        }
        insert
            .on_conflict((
                backfill_windows::account_id,
                backfill_windows::window_start,
                backfill_windows::window_end,
            ))
            .do_update()
            .set((
                backfill_windows::done_at.eq(None::<DateTime<Utc>>),
                backfill_windows::total_count.eq(None::<i64>),
            ))
            .execute(conn)
            .map(drop)
    }

    pub fn pending(
        conn: &mut PgConnection,
        account_id: AccountId,
    ) -> QueryResult<Vec<BackfillWindow>> {
        backfill_windows::table
            .filter(backfill_windows::account_id.eq(account_id))
            .filter(backfill_windows::done_at.is_null())
            .order(backfill_windows::window_start.asc())
            .select(BackfillWindow::as_select())
            .load(conn)
    }

    pub fn set_total(conn: &mut PgConnection, id: i64, total: i64) -> QueryResult<()> {
        diesel::update(backfill_windows::table.find(id))
            .set(backfill_windows::total_count.eq(total))
            .execute(conn)
            .map(drop)
    }

    /// Replaces a window too large for offset paging by its two halves.
    pub fn split(conn: &mut PgConnection, window: &BackfillWindow) -> QueryResult<()> {
        let middle = window.window_start + (window.window_end - window.window_start) / 2;
        conn.transaction(|conn| {
            Self::plan(
                conn,
                window.account_id,
                &[(window.window_start, middle), (middle, window.window_end)],
            )?;
            diesel::delete(backfill_windows::table.find(window.id))
                .execute(conn)
                .map(drop)
        })
    }

    pub fn mark_done(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
        diesel::update(backfill_windows::table.find(id))
            .set(backfill_windows::done_at.eq(diesel::dsl::now))
            .execute(conn)
            .map(drop)
    }

    /// Sum of the known totals of the windows run `run_id` lists: those still pending and
    /// those it completed (its progress total; windows done by an earlier run are not its work).
    pub fn known_total(
        conn: &mut PgConnection,
        account_id: AccountId,
        run_id: i64,
    ) -> QueryResult<i64> {
        let run_start = sync_runs::table
            .find(run_id)
            .select(sync_runs::started_at)
            .single_value();
        backfill_windows::table
            .filter(backfill_windows::account_id.eq(account_id))
            .filter(
                backfill_windows::done_at
                    .is_null()
                    .or(backfill_windows::done_at.ge(run_start)),
            )
            .select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "COALESCE(SUM(total_count), 0)::bigint",
            ))
            .first(conn)
    }
}

/// Filters of the sync history.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    pub account_id: Option<AccountId>,
    pub kind: Option<RunKind>,
    pub status: Option<String>,
}

/// Run statuses, as stored.
pub const RUN_STATUSES: [&str; 4] = ["running", "succeeded", "failed", "interrupted"];

/// What kind of run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Full,
    Incremental,
    Reconcile,
}

impl RunKind {
    pub const ALL: [RunKind; 3] = [RunKind::Full, RunKind::Incremental, RunKind::Reconcile];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Incremental => "incremental",
            Self::Reconcile => "reconcile",
        }
    }
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunTrigger {
    Schedule,
    Manual,
    Startup,
    Cli,
}

impl RunTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::Manual => "manual",
            Self::Startup => "startup",
            Self::Cli => "cli",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sync_runs, check_for_backend(diesel::pg::Pg))]
pub struct SyncRun {
    pub id: i64,
    pub account_id: AccountId,
    pub kind: String,
    pub trigger: String,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub requests: i64,
    pub pages: i64,
    pub orders_fetched: i64,
    pub orders_created: i64,
    pub orders_updated: i64,
    pub orders_unchanged: i64,
    pub events: i64,
    pub progress_done: i64,
    pub progress_total: Option<i64>,
    pub error: Option<String>,
    pub notes: Option<String>,
    pub orders_quarantined: i64,
    pub shipments_checked: i64,
    /// The lease holder that ran it (`host:pid:id`); unknown for runs older than the column.
    pub runner: Option<String>,
}

/// Counters a run adds up as it goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounters {
    pub requests: i64,
    pub pages: i64,
    pub orders_fetched: i64,
    pub orders_created: i64,
    pub orders_updated: i64,
    pub orders_unchanged: i64,
    pub events: i64,
    pub progress_done: i64,
    pub orders_quarantined: i64,
    pub shipments_checked: i64,
}

impl SyncRun {
    /// Records a run without naming its process (see [`SyncRun::start_by`]).
    pub fn start(
        conn: &mut PgConnection,
        account_id: AccountId,
        kind: RunKind,
        trigger: RunTrigger,
    ) -> QueryResult<SyncRun> {
        Self::start_by(conn, account_id, kind, trigger, None)
    }

    /// Records a run of `runner` (the lease holder running it).
    pub fn start_by(
        conn: &mut PgConnection,
        account_id: AccountId,
        kind: RunKind,
        trigger: RunTrigger,
        runner: Option<&str>,
    ) -> QueryResult<SyncRun> {
        diesel::insert_into(sync_runs::table)
            .values((
                sync_runs::account_id.eq(account_id),
                sync_runs::kind.eq(kind.as_str()),
                sync_runs::trigger.eq(trigger.as_str()),
                sync_runs::runner.eq(runner),
            ))
            .returning(SyncRun::as_returning())
            .get_result(conn)
    }

    /// Adds `delta` to the run's counters (and sets the known total).
    pub fn add_progress(
        conn: &mut PgConnection,
        id: i64,
        delta: &RunCounters,
        total: Option<i64>,
    ) -> QueryResult<()> {
        diesel::update(sync_runs::table.find(id))
            .set((
                sync_runs::requests.eq(sync_runs::requests + delta.requests),
                sync_runs::pages.eq(sync_runs::pages + delta.pages),
                sync_runs::orders_fetched.eq(sync_runs::orders_fetched + delta.orders_fetched),
                sync_runs::orders_created.eq(sync_runs::orders_created + delta.orders_created),
                sync_runs::orders_updated.eq(sync_runs::orders_updated + delta.orders_updated),
                sync_runs::orders_unchanged
                    .eq(sync_runs::orders_unchanged + delta.orders_unchanged),
                sync_runs::events.eq(sync_runs::events + delta.events),
                sync_runs::progress_done.eq(sync_runs::progress_done + delta.progress_done),
                sync_runs::orders_quarantined
                    .eq(sync_runs::orders_quarantined + delta.orders_quarantined),
                sync_runs::shipments_checked
                    .eq(sync_runs::shipments_checked + delta.shipments_checked),
            ))
            .execute(conn)?;
        if let Some(total) = total {
            diesel::update(sync_runs::table.find(id))
                .set(sync_runs::progress_total.eq(total))
                .execute(conn)?;
        }
        Ok(())
    }

    pub fn finish(
        conn: &mut PgConnection,
        id: i64,
        status: &str,
        error: Option<&str>,
        notes: Option<&str>,
    ) -> QueryResult<()> {
        diesel::update(sync_runs::table.find(id))
            .set((
                sync_runs::status.eq(status),
                sync_runs::finished_at.eq(diesel::dsl::now),
                sync_runs::error.eq(error),
                sync_runs::notes.eq(notes),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Runs left `running` by a process that died are marked interrupted (at start-up and by
    /// housekeeping, for accounts whose lease has lapsed or whose holder is gone).
    pub fn mark_abandoned_interrupted(conn: &mut PgConnection) -> QueryResult<usize> {
        let live_leases = sync_state::table
            .filter(sync_state::lease_until.gt(diesel::dsl::now))
            .filter(diesel::dsl::not(holder_gone()))
            .select(sync_state::account_id);
        diesel::update(
            sync_runs::table
                .filter(sync_runs::status.eq("running"))
                .filter(sync_runs::account_id.ne_all(live_leases)),
        )
        .set((
            sync_runs::status.eq("interrupted"),
            sync_runs::finished_at.eq(diesel::dsl::now),
            sync_runs::error.eq("The process stopped during the run; the next run resumes."),
        ))
        .execute(conn)
    }

    /// Runs of `account_id` still marked `running` when a new lease holder starts: their
    /// process stopped (or stalled past its lease), so they are marked interrupted. Called
    /// with the account's lease held, before the new run is recorded.
    pub fn mark_taken_over(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<usize> {
        diesel::update(
            sync_runs::table
                .filter(sync_runs::account_id.eq(account_id))
                .filter(sync_runs::status.eq("running")),
        )
        .set((
            sync_runs::status.eq("interrupted"),
            sync_runs::finished_at.eq(diesel::dsl::now),
            sync_runs::error.eq(
                "The process running it stopped (its lease lapsed); another process took over.",
            ),
        ))
        .execute(conn)
    }

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

    pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Option<SyncRun>> {
        sync_runs::table
            .find(id)
            .select(SyncRun::as_select())
            .first(conn)
            .optional()
    }

    /// Newest first, optionally for one account, at most `limit`.
    pub fn recent(
        conn: &mut PgConnection,
        account_id: Option<AccountId>,
        limit: i64,
    ) -> QueryResult<Vec<SyncRun>> {
        Self::filtered(
            conn,
            &RunFilter {
                account_id,
                ..RunFilter::default()
            },
            limit,
        )
    }

    /// Newest first, matching `filter`, at most `limit`.
    pub fn filtered(
        conn: &mut PgConnection,
        filter: &RunFilter,
        limit: i64,
    ) -> QueryResult<Vec<SyncRun>> {
        let mut query = sync_runs::table
            .select(SyncRun::as_select())
            .order(sync_runs::id.desc())
            .limit(limit)
            .into_boxed();
        if let Some(account) = filter.account_id {
            query = query.filter(sync_runs::account_id.eq(account));
        }
        if let Some(kind) = filter.kind {
            query = query.filter(sync_runs::kind.eq(kind.as_str()));
        }
        if let Some(status) = &filter.status {
            query = query.filter(sync_runs::status.eq(status.clone()));
        }
        query.load(conn)
    }
}
