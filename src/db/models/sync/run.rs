//! The history of runs: one row per sync run, its kind, trigger, status, counters and progress.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::holder_gone;
use crate::{
    db::schema::{sync_runs, sync_state},
    domain::{AccountId, RunId, RunPhase, RunProblem, RunReport},
};

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
    pub id: RunId,
    pub account_id: AccountId,
    pub kind: String,
    pub trigger: String,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    #[diesel(embed)]
    pub counters: RunCounters,
    pub progress_total: Option<i64>,
    pub error: Option<String>,
    pub notes: Option<String>,
    /// The lease holder that ran it (`host:pid:id`); unknown for runs older than the column.
    pub runner: Option<String>,
    /// Until when the run waits out Allegro's rate-limit pause (the latest one it met).
    pub paused_until: Option<DateTime<Utc>>,
    /// The step the run is in (`RunPhase`), with that step's own progress.
    pub phase: Option<String>,
    pub phase_done: i64,
    pub phase_total: Option<i64>,
    /// What the run reported when it ended (`RunReport` as JSON); none for runs older than
    /// the column.
    pub report: Option<serde_json::Value>,
}

/// Counters a run adds up as it goes (its row's counter columns).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = sync_runs, check_for_backend(diesel::pg::Pg))]
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
    /// Customer returns read (listed or re-read).
    pub returns_fetched: i64,
    /// Customer returns stored anew or changed: each a new version.
    pub returns_changed: i64,
    /// Payment refunds read (listed or re-read).
    pub refunds_fetched: i64,
    /// Payment refunds stored anew or changed: each a new version.
    pub refunds_changed: i64,
    /// Billing entries read.
    pub billing_fetched: i64,
    /// Billing entries stored anew or changed: each a new version.
    pub billing_changed: i64,
    /// Payment operations (wallet history) read.
    pub payment_operations_fetched: i64,
    /// Payment operations stored for the first time.
    pub payment_operations_changed: i64,
    /// Commission refund claims read.
    pub refund_claims_fetched: i64,
    /// Commission refund claims stored anew or changed: each a new version.
    pub refund_claims_changed: i64,
    /// Invoices read (of every order whose invoices were read).
    pub invoices_fetched: i64,
    /// Invoices stored anew or changed: each a new version.
    pub invoices_changed: i64,
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
        id: RunId,
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
                sync_runs::returns_fetched.eq(sync_runs::returns_fetched + delta.returns_fetched),
                sync_runs::returns_changed.eq(sync_runs::returns_changed + delta.returns_changed),
                sync_runs::refunds_fetched.eq(sync_runs::refunds_fetched + delta.refunds_fetched),
                sync_runs::refunds_changed.eq(sync_runs::refunds_changed + delta.refunds_changed),
                sync_runs::billing_fetched.eq(sync_runs::billing_fetched + delta.billing_fetched),
                sync_runs::billing_changed.eq(sync_runs::billing_changed + delta.billing_changed),
                sync_runs::payment_operations_fetched
                    .eq(sync_runs::payment_operations_fetched + delta.payment_operations_fetched),
                sync_runs::payment_operations_changed
                    .eq(sync_runs::payment_operations_changed + delta.payment_operations_changed),
                sync_runs::refund_claims_fetched
                    .eq(sync_runs::refund_claims_fetched + delta.refund_claims_fetched),
                sync_runs::refund_claims_changed
                    .eq(sync_runs::refund_claims_changed + delta.refund_claims_changed),
                sync_runs::invoices_fetched
                    .eq(sync_runs::invoices_fetched + delta.invoices_fetched),
                sync_runs::invoices_changed
                    .eq(sync_runs::invoices_changed + delta.invoices_changed),
            ))
            .execute(conn)?;
        if let Some(total) = total {
            diesel::update(sync_runs::table.find(id))
                .set(sync_runs::progress_total.eq(total))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Records that the run waits for Allegro's rate-limit pause until `until`.
    pub fn record_pause(
        conn: &mut PgConnection,
        id: RunId,
        until: DateTime<Utc>,
    ) -> QueryResult<()> {
        diesel::update(sync_runs::table.find(id))
            .set(sync_runs::paused_until.eq(until))
            .execute(conn)
            .map(drop)
    }

    /// Records how the run ended: its status, the error's details and its report (whose
    /// notes are also kept as English text in `notes`); a failed run's `sync.failed` webhooks
    /// are queued in the same transaction.
    pub fn finish(
        conn: &mut PgConnection,
        id: RunId,
        status: &str,
        error: Option<&str>,
        report: &RunReport,
    ) -> QueryResult<()> {
        let json = serde_json::to_value(report).ok();
        conn.transaction(|conn| {
            let account: AccountId = diesel::update(sync_runs::table.find(id))
                .set((
                    sync_runs::status.eq(status),
                    sync_runs::finished_at.eq(diesel::dsl::now),
                    sync_runs::error.eq(error),
                    sync_runs::notes.eq(report.notes_text()),
                    sync_runs::report.eq(json),
                    sync_runs::phase.eq(None::<String>),
                ))
                .returning(sync_runs::account_id)
                .get_result(conn)?;
            super::super::webhook_delivery::on_run_finished(conn, id, account, status, error)
        })
    }

    /// The run enters `phase`, whose progress starts at 0 of `total` (unknown: `None`).
    pub fn enter_phase(
        conn: &mut PgConnection,
        id: RunId,
        phase: RunPhase,
        total: Option<i64>,
    ) -> QueryResult<()> {
        diesel::update(sync_runs::table.find(id))
            .set((
                sync_runs::phase.eq(phase.as_str()),
                sync_runs::phase_done.eq(0),
                sync_runs::phase_total.eq(total),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Adds `done` to the progress of the run's current phase.
    pub fn advance_phase(conn: &mut PgConnection, id: RunId, done: i64) -> QueryResult<()> {
        diesel::update(sync_runs::table.find(id))
            .set(sync_runs::phase_done.eq(sync_runs::phase_done + done))
            .execute(conn)
            .map(drop)
    }

    /// The step the run is in, while it runs.
    pub fn current_phase(&self) -> Option<RunPhase> {
        self.phase.as_deref().and_then(RunPhase::parse)
    }

    /// Why the run did not succeed: what it reported, else what its status says (runs marked
    /// by housekeeping or a takeover, runs older than reports).
    pub fn problem(&self) -> Option<RunProblem> {
        let by_status = match self.status.as_str() {
            "interrupted" => Some(RunProblem::Interrupted),
            "failed" => Some(RunProblem::Other),
            _ => None,
        };
        self.read_report().problem.or(by_status)
    }

    /// What the run reported (empty for runs older than reports, or a report this version
    /// cannot read).
    pub fn read_report(&self) -> RunReport {
        self.report
            .clone()
            .and_then(|json| serde_json::from_value(json).ok())
            .unwrap_or_default()
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
}
