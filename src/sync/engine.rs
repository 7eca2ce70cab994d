//! One sync of one account: the complete first pass over `boughtAt` windows, then the event
//! journal. Callable from the scheduler, a button, the CLI and tests. Every batch is stored in
//! one transaction together with its checkpoint (window done, event cursor), so a crash at any
//! point loses nothing and a re-run duplicates nothing.

use chrono::{DateTime, Duration, Utc};
use diesel::Connection;
use tracing::field::Empty;

use super::{
    SyncOptions, backfill, billing,
    context::{RunContext, RunSummary, SyncError, SyncMode},
    coverage, events, invoices,
    money_coverage::Checks,
    pauses, payment_operations, reconcile, refund_claims, refunds, retry, returns, shipments,
};
use crate::{
    accounts::Accounts,
    db::{
        self, DbError,
        models::{
            account::{AccountRow, AccountStatus},
            sync::{RunKind, RunTrigger, SyncRun, SyncState},
        },
    },
    domain::{AccountId, RunId, RunNote, RunPhase, RunReport},
};

/// Syncs account `account_id` once: finishes (or with [`SyncMode::Full`], redoes) the first
/// pass, follows the event journal, and with [`SyncMode::Reconcile`] reconciles. Everything
/// logged meanwhile is inside a `sync` span naming the account and the run.
pub async fn sync_account(
    accounts: &Accounts,
    account_id: AccountId,
    trigger: RunTrigger,
    mode: SyncMode,
    options: &SyncOptions,
) -> Result<RunSummary, SyncError> {
    sync_account_announced(
        accounts,
        account_id,
        trigger,
        mode,
        options,
        Box::new(|_| {}),
    )
    .await
}

/// Called with the run's id once the run is recorded, before any of its work: "Sync now"
/// waits for it, so the page it leads to already lists the run.
pub type OnStarted = Box<dyn FnOnce(RunId) + Send>;

/// [`sync_account`], telling `on_started` when the run is recorded (never called when the
/// sync cannot start: the account is gone or disconnected, another process holds it ...).
#[tracing::instrument(
    name = "sync",
    skip_all,
    fields(account.id = account_id.0, account.login = Empty, run.id = Empty)
)]
pub async fn sync_account_announced(
    accounts: &Accounts,
    account_id: AccountId,
    trigger: RunTrigger,
    mode: SyncMode,
    options: &SyncOptions,
    on_started: OnStarted,
) -> Result<RunSummary, SyncError> {
    let account = db::run(&accounts.pool, move |conn| {
        AccountRow::find(conn, account_id).map_err(DbError::from)
    })
    .await?
    .ok_or_else(|| SyncError::AccountUnavailable("it no longer exists".into()))?;
    tracing::Span::current().record("account.login", account.login.as_str());
    if account.status() != AccountStatus::Connected {
        return Err(SyncError::AccountUnavailable(format!(
            "{} is {}",
            account.login,
            account.status().label().to_lowercase()
        )));
    }
    let (owner, until) = (options.owner.clone(), Utc::now() + options.lease);
    let due_after = options.due_after;
    let state = db::run(&accounts.pool, move |conn| {
        take_lease(conn, account_id, &owner, until, due_after)
    })
    .await?;
    let first_pass_done = state.backfill_completed_at.is_some();
    let kind = match mode {
        SyncMode::Reconcile => RunKind::Reconcile,
        SyncMode::Full => RunKind::Full,
        SyncMode::Auto if first_pass_done => RunKind::Incremental,
        SyncMode::Auto => RunKind::Full,
    };
    let owner = options.owner.clone();
    let run = db::run(&accounts.pool, move |conn| {
        SyncRun::start_by(conn, account_id, kind, trigger, Some(&owner)).map_err(DbError::from)
    })
    .await?;
    tracing::Span::current().record("run.id", run.id.0);
    on_started(run.id);
    let ctx = RunContext {
        accounts,
        api: accounts.api(account_id),
        account_id,
        run_id: run.id,
        options,
        // A first pass resumed by a later run holds orders stored before a pause, which
        // Allegro may have merged since: their replacements are looked for from the start.
        detect_merges: first_pass_done || state.backfill_until.is_some(),
    };
    tracing::info!(
        account.id = account_id.0,
        run.id = run.id.0,
        kind = kind.as_str(),
        "sync started"
    );
    let steps = run_steps(&ctx, &state, mode);
    tokio::pin!(steps);
    // For as long as the steps go on, rate-limit pauses are recorded on the run and the lease
    // is kept (a slow answer or a pause must not let another process take over a live run).
    let outcome = tokio::select! {
        outcome = &mut steps => outcome,
        _ = async { tokio::join!(pauses::record(&ctx), keep_lease(&ctx)) } => steps.await,
    };
    finish(&ctx, kind, outcome).await
}

/// Renews the lease every third of its length while the run lives; stops when a renewal
/// fails (taken over, shutting down: the steps find that out at their next renewal).
async fn keep_lease(ctx: &RunContext<'_>) {
    let every = (ctx.options.lease / 3)
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(1))
        .max(std::time::Duration::from_millis(200));
    loop {
        tokio::time::sleep(every).await;
        if ctx.renew_lease().await.is_err() {
            return;
        }
    }
}

/// Takes the account's lease; with `due_after`, gives it back when the latest run started
/// less than that ago. Runs still marked `running` under the lease are a stopped process's:
/// they are marked interrupted (taken over).
fn take_lease(
    conn: &mut diesel::PgConnection,
    account_id: AccountId,
    owner: &str,
    until: DateTime<Utc>,
    due_after: Option<Duration>,
) -> Result<SyncState, SyncError> {
    if !SyncState::acquire_lease(conn, account_id, owner, until)? {
        return Err(SyncError::AlreadyRunning);
    }
    if let Some(interval) = due_after {
        let last = SyncRun::last_started_of(conn, account_id)?;
        if last.is_some_and(|at| Utc::now() - at < interval) {
            SyncState::release_lease(conn, account_id, owner)?;
            return Err(SyncError::NotDue);
        }
    }
    let abandoned = SyncRun::mark_taken_over(conn, account_id)?;
    if abandoned > 0 {
        tracing::warn!(
            account.id = account_id.0,
            runs = abandoned,
            "took over an account whose syncing process stopped"
        );
    }
    Ok(SyncState::get_or_create(conn, account_id)?)
}

async fn run_steps(
    ctx: &RunContext<'_>,
    state: &SyncState,
    mode: SyncMode,
) -> Result<Vec<RunNote>, SyncError> {
    let mut notes = vec![];
    // Orders quarantined by earlier runs first (one quarantined in this run waits for the next).
    timed("quarantine", retry::retry_quarantined(ctx)).await?;
    let first_pass_done = state.backfill_completed_at.is_some();
    let listing_all = mode == SyncMode::Full || !first_pass_done;
    if listing_all {
        ctx.enter_phase(RunPhase::Orders, None).await?;
        timed("orders", backfill::run(ctx, state, mode == SyncMode::Full)).await?;
        if mode == SyncMode::Reconcile {
            notes.push(RunNote::FirstBackupFinishedFirst);
        }
    }
    // The history is complete now, so merged purchases are looked for from here on.
    let ctx = &RunContext {
        detect_merges: true,
        ..ctx.clone()
    };
    ctx.enter_phase(RunPhase::Events, None).await?;
    notes.extend(timed("events", events::follow(ctx)).await?);
    if mode == SyncMode::Reconcile {
        notes.extend(timed("reconcile", reconcile::run(ctx)).await?);
    } else if listing_all {
        // The whole history was just listed: count its days on Allegro, so that the coverage
        // grid shows it complete (or its real gaps) without waiting for a reconcile.
        let (days, mismatched) = timed("coverage", coverage::verify_history(ctx)).await?;
        notes.push(RunNote::FirstBackupVerified {
            verified: u64::try_from(days.len()).unwrap_or(u64::MAX),
            mismatched: u64::try_from(mismatched.len()).unwrap_or(u64::MAX),
        });
    }
    timed("shipments", shipments::back_up(ctx)).await?;
    notes.extend(timed("returns", returns::back_up(ctx)).await?);
    notes.extend(timed("refunds", refunds::back_up(ctx)).await?);
    let (fees_skipped, wallet_skipped) = fees_and_wallet(ctx).await?;
    if let Some(checks) = Checks::of_run(mode, listing_all) {
        // The money listings' latest days (and in a reconcile run, a share of the older ones)
        // against Allegro, the differing ones read again; not for a resource skipped.
        if fees_skipped.is_none() {
            notes.push(timed("billing-coverage", billing::check_coverage(ctx, checks)).await?);
        }
        if wallet_skipped.is_none() {
            let check = payment_operations::check_coverage(ctx, checks);
            notes.push(timed("payment-operations-coverage", check).await?);
        }
    }
    notes.extend(fees_skipped);
    notes.extend(wallet_skipped);
    timed("refund-claims", refund_claims::back_up(ctx)).await?;
    timed("invoices", invoices::back_up(ctx)).await?;
    Ok(notes)
}

/// The fees and the wallet, listed side by side (one listing stores a page at a time and
/// leaves a core idle). When one fails, the other stops at its next page boundary and is
/// waited for, so that nothing of the run still writes once it ends; the run fails with the
/// first listing's own error, not with the stop that ended the other.
async fn fees_and_wallet(
    ctx: &RunContext<'_>,
) -> Result<(Option<RunNote>, Option<RunNote>), SyncError> {
    ctx.enter_phase(RunPhase::FeesAndWallet, None).await?;
    let options = SyncOptions {
        stop: ctx.options.stop.child_token(),
        ..ctx.options.clone()
    };
    let side = RunContext {
        options: &options,
        ..ctx.clone()
    };
    let stopping_the_other = |outcome: &Result<Option<RunNote>, SyncError>| {
        if outcome.is_err() {
            options.stop.cancel();
        }
    };
    let (fees, wallet) = tokio::join!(
        async {
            let outcome = timed("billing-entries", billing::back_up(&side)).await;
            stopping_the_other(&outcome);
            outcome
        },
        async {
            let outcome = timed("payment-operations", payment_operations::back_up(&side)).await;
            stopping_the_other(&outcome);
            outcome
        },
    );
    match (fees, wallet) {
        (Ok(fees), Ok(wallet)) => Ok((fees, wallet)),
        (Err(SyncError::Interrupted), Err(e)) | (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// Runs one step of a run and logs how long it took (at debug: where a run's time goes, for
/// whoever profiles one).
async fn timed<T>(step: &'static str, work: impl std::future::Future<Output = T>) -> T {
    let started = std::time::Instant::now();
    let outcome = work.await;
    tracing::debug!(
        step,
        took_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "sync step done"
    );
    outcome
}

async fn finish(
    ctx: &RunContext<'_>,
    kind: RunKind,
    outcome: Result<Vec<RunNote>, SyncError>,
) -> Result<RunSummary, SyncError> {
    let (run_id, account_id, owner) = (ctx.run_id, ctx.account_id, ctx.options.owner.clone());
    let (status, error, report) = match &outcome {
        Ok(notes) => (
            "succeeded",
            None,
            RunReport {
                notes: notes.clone(),
                problem: None,
            },
        ),
        Err(e) => (
            if matches!(e, SyncError::Interrupted) {
                "interrupted"
            } else {
                "failed"
            },
            Some(e.to_string()),
            RunReport {
                notes: vec![],
                problem: Some(e.problem()),
            },
        ),
    };
    let run = record_end(ctx, status, error, report, owner).await;
    if let Some(metrics) = &ctx.options.metrics {
        metrics.record(kind, status, run.as_ref().ok().and_then(Option::as_ref));
    }
    let run = run?;
    match outcome {
        Ok(_) => {
            let counters = run.map(|r| r.counters).unwrap_or_default();
            tracing::info!(
                account.id = account_id.0,
                run.id = run_id.0,
                fetched = counters.orders_fetched,
                "sync succeeded"
            );
            Ok(RunSummary {
                run_id,
                kind,
                counters,
            })
        }
        Err(SyncError::Interrupted) => {
            tracing::info!(
                account.id = account_id.0,
                run.id = run_id.0,
                "sync interrupted by a shutdown"
            );
            Err(SyncError::Interrupted)
        }
        Err(e) => {
            tracing::warn!(account.id = account_id.0, run.id = run_id.0, error = %e, "sync failed");
            Err(e)
        }
    }
}

/// How long the end of a run is retried while the database is away (a restart, a failover);
/// a run still unrecorded after that is marked interrupted by housekeeping once its lease
/// has run out.
const RECORD_END_FOR: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Records how the run ended, releases the lease, and reads the run back. A run that failed
/// because the database went away would otherwise stay `running` and keep its lease: the write
/// is retried (1 s, 2 s, … 30 s apart) until the database answers, for up to
/// [`RECORD_END_FOR`] or until the process stops.
async fn record_end(
    ctx: &RunContext<'_>,
    status: &'static str,
    error: Option<String>,
    report: RunReport,
    owner: String,
) -> Result<Option<SyncRun>, DbError> {
    let (run_id, account_id) = (ctx.run_id, ctx.account_id);
    let started = std::time::Instant::now();
    let mut delay = std::time::Duration::from_secs(1);
    loop {
        let (error, report, owner) = (error.clone(), report.clone(), owner.clone());
        let outcome = db::run(&ctx.accounts.pool, move |conn| {
            conn.transaction(|conn| {
                SyncRun::finish(conn, run_id, status, error.as_deref(), &report)?;
                SyncState::record_outcome(conn, account_id, error.as_deref())?;
                SyncState::release_lease(conn, account_id, &owner)?;
                SyncRun::find(conn, run_id)
            })
            .map_err(DbError::from)
        })
        .await;
        let err = match outcome {
            Ok(run) => return Ok(run),
            Err(err) => err,
        };
        if started.elapsed() >= RECORD_END_FOR || ctx.options.stop.is_cancelled() {
            tracing::error!(account.id = account_id.0, run.id = run_id.0, error = %err,
                "could not record the end of the sync run; it is marked interrupted later");
            return Err(err);
        }
        tracing::warn!(account.id = account_id.0, run.id = run_id.0, error = %err,
            retry_in_s = delay.as_secs(), "could not record the end of the sync run; retrying");
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = ctx.options.stop.cancelled() => {}
        }
        delay = (delay * 2).min(std::time::Duration::from_secs(30));
    }
}
