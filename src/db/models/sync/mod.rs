//! Sync bookkeeping: per-account state with a lease (one syncing process per account), the
//! first pass's windows, and the history of runs (`run.rs`; read through `history.rs`).

mod history;
mod run;

pub use history::RunFilter;
pub use run::*;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::schema::{backfill_windows, sync_runs, sync_state},
    domain::{AccountId, RunId},
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

/// How an account's backup is doing.
#[derive(Debug, Clone)]
pub struct SyncHealth {
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_run: Option<SyncRun>,
}

impl SyncState {
    /// Sync health of `account_id`: the state's last success and error, and the latest run.
    pub fn health(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<SyncHealth> {
        let state: Option<(Option<DateTime<Utc>>, Option<String>)> = sync_state::table
            .find(account_id)
            .select((sync_state::last_success_at, sync_state::last_error))
            .first(conn)
            .optional()?;
        let last_run = sync_runs::table
            .filter(sync_runs::account_id.eq(account_id))
            .order(sync_runs::id.desc())
            .select(SyncRun::as_select())
            .first(conn)
            .optional()?;
        let (last_success_at, last_error) = state.unwrap_or_default();
        Ok(SyncHealth {
            last_success_at,
            last_error,
            last_run,
        })
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
        run_id: RunId,
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
