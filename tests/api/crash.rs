//! Crash safety: a backup stopped at any point — a process killed with SIGKILL, or the API
//! failing after some pages — resumes on the next run and ends exactly equal to Allegro's
//! data, with nothing duplicated and no run left `running`.

use allegro_backup::domain::AccountId;
use std::{
    process::{Child, Stdio},
    time::Duration,
};

use allegro_backup::{
    db::models::sync::{RunTrigger, SyncRun},
    domain::AccountScope,
    simulator::Faults,
    sync::SyncMode,
};
use diesel::{PgConnection, RunQueryDsl, sql_query};

use crate::helpers::{
    TestApp,
    backup::{
        assert_exactly_allegro, assert_no_duplicates, pages_stored, runs_with_status, spawn_sync,
        sync_attempt, sync_once,
    },
    spawn_app_with_orders,
};

/// `allegro-backup sync` as its own process, on the test's database and simulator.
fn sync_process(app: &TestApp) -> Child {
    app.binary()
        .arg("sync")
        .env("HISTORY_START", "2024-01-01")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// An app whose simulator holds `orders` orders of seller 0, linked, and answers every API
/// call after `latency_ms`.
async fn slow_backup(orders: u32, latency_ms: u64) -> (TestApp, AccountId) {
    let app = spawn_app_with_orders(orders).await;
    let account = app.link_account(0).await;
    app.simulator.world().set_faults(latency(latency_ms));
    (app, account)
}

/// Faults that only delay every API call by `ms`.
fn latency(ms: u64) -> Faults {
    Faults {
        latency: Duration::from_millis(ms),
        ..Faults::default()
    }
}

#[tokio::test]
async fn a_backup_killed_again_and_again_loses_and_duplicates_nothing() {
    // Slow enough that every kill lands somewhere inside the run.
    let (app, account) = slow_backup(5_000, 15).await;
    let world = app.simulator.world();
    let mut conn = app.db.connect();
    for (round, after_ms) in [
        300u64, 700, 1_100, 1_600, 2_200, 2_900, 3_700, 4_600, 5_600, 6_700,
    ]
    .into_iter()
    .enumerate()
    {
        let mut child = sync_process(&app);
        tokio::time::sleep(Duration::from_millis(after_ms)).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Orders keep changing between the crashes (new ones, payments, cancellations...).
        world.random_changes(3 + round);
        // A dead process's lease lapses after a while; let it lapse now.
        sql_query("UPDATE sync_state SET lease_until = now() - interval '1 second'")
            .execute(&mut conn)
            .unwrap();
    }
    // Waited for off the test's runtime, which also serves the simulator the process talks to.
    let mut last = sync_process(&app);
    let finished = tokio::task::spawn_blocking(move || last.wait().unwrap())
        .await
        .unwrap();
    assert!(finished.success(), "the last run completes");
    world.set_faults(Faults::default());

    assert_exactly_allegro(&app, account);
    assert_no_duplicates(&mut conn);
    SyncRun::mark_abandoned_interrupted(&mut conn).unwrap();
    let running = runs_with_status(&mut conn, "running");
    assert_eq!(running, 0, "no run is left running");
    let interrupted = runs_with_status(&mut conn, "interrupted");
    assert!(interrupted >= 1, "killed runs are marked interrupted");
}

/// Starting the first pass and planning its windows is one write. A run stopped between the
/// two (a kill under load landed there) left a pass that had begun with no window to list:
/// the next run called it complete with the history missing.
#[tokio::test]
async fn a_run_failing_while_planning_the_first_pass_plans_it_again() {
    let app = spawn_app_with_orders(300).await;
    let account = app.link_account(0).await;
    let mut conn = app.db.connect();
    // The database refuses the windows: the run fails right after the pass has begun.
    for statement in [
        "CREATE FUNCTION refuse_windows() RETURNS trigger LANGUAGE plpgsql \
         AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
        "CREATE TRIGGER refuse_windows BEFORE INSERT ON backfill_windows \
         FOR EACH STATEMENT EXECUTE FUNCTION refuse_windows()",
    ] {
        sql_query(statement).execute(&mut conn).unwrap();
    }
    let failed = sync_attempt(&app, account).await;
    assert!(failed.is_err(), "the injected failure fails the run");
    sql_query("DROP TRIGGER refuse_windows ON backfill_windows")
        .execute(&mut conn)
        .unwrap();

    sync_once(&app, account, RunTrigger::Cli).await;
    assert_exactly_allegro(&app, account);
    assert_no_duplicates(&mut conn);
}

#[tokio::test]
async fn a_run_failing_after_k_pages_resumes_exactly_for_every_k() {
    let (app, account) = slow_backup(3_000, 5).await;
    let world = app.simulator.world();
    let mut conn = app.db.connect();
    for k in [1, 3, 7, 12, 20] {
        let before = pages_stored(&mut conn);
        let run = spawn_sync(&app, account, RunTrigger::Cli, SyncMode::Full);
        // Once K more pages are stored, every API call starts failing.
        while pages_stored(&mut conn) < before + k && !run.is_finished() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        world.set_faults(Faults {
            server_error_rate: 1.0,
            ..Faults::default()
        });
        let outcome = run.await.unwrap();
        world.set_faults(latency(5));
        world.random_changes(4);
        if outcome.is_ok() {
            continue;
        }
        assert_no_duplicates(&mut conn);
    }
    world.set_faults(Faults::default());
    sync_once(&app, account, RunTrigger::Cli).await;
    assert_exactly_allegro(&app, account);
    assert_no_duplicates(&mut conn);
    let failed = runs_with_status(&mut conn, "failed");
    assert!(
        failed >= 3,
        "the injected failures failed their runs ({failed})"
    );
}

/// A storm of 429s and 5xx: the run either gets through, or ends failed with Allegro's block
/// recorded on it; once the block has passed, the next run completes exactly.
#[tokio::test]
async fn a_backup_through_a_429_storm_and_30_percent_server_errors_loses_nothing() {
    let app = spawn_app_with_orders(1_500).await;
    let account = app.link_account(0).await;
    let world = app.simulator.world();
    world.set_faults(Faults {
        server_error_rate: 0.3,
        rate_limit_next: 12,
        ..Faults::default()
    });
    let stormy = sync_attempt(&app, account).await;
    world.set_faults(Faults::default());
    let mut conn = app.db.connect();
    if let Err(error) = stormy {
        let recorded =
            &SyncRun::recent(&mut conn, &AccountScope::All, Some(account), 1).unwrap()[0];
        assert_eq!(recorded.status, "failed");
        assert_eq!(recorded.error.as_deref(), Some(error.to_string().as_str()));
        // Allegro's block lasts a minute; the client's pause follows the simulator's clock.
        world.advance(chrono::Duration::minutes(2));
        tokio::time::sleep(Duration::from_millis(10)).await;
        let pause = app.state.accounts.client.rate_limit_pause_remaining();
        tokio::time::sleep(pause).await;
        sync_once(&app, account, RunTrigger::Cli).await;
    }
    assert_exactly_allegro(&app, account);
    assert_no_duplicates(&mut conn);
}

/// The access token expires in the middle of a backup: Allegro answers 401, the client refreshes
/// the token once and the run carries on to a complete backup.
#[tokio::test]
async fn an_access_token_expiring_mid_run_is_refreshed_and_the_run_completes() {
    let (app, account) = slow_backup(1_500, 5).await;
    let world = app.simulator.world();
    let mut conn = app.db.connect();
    let expires_before = token_expiry(&mut conn, account);
    let run = spawn_sync(&app, account, RunTrigger::Cli, SyncMode::Full);
    while pages_stored(&mut conn) < 3 && !run.is_finished() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(!run.is_finished(), "the run outlived the first pages");
    // A day passes on Allegro's side: the 12-hour access token is dead.
    world.advance(chrono::Duration::hours(24));
    let outcome = run.await.unwrap();
    assert!(outcome.is_ok(), "the run completed: {outcome:?}");
    assert!(
        token_expiry(&mut conn, account) > expires_before,
        "a new token was stored"
    );
    assert_exactly_allegro(&app, account);
    assert_no_duplicates(&mut conn);
}

fn token_expiry(conn: &mut PgConnection, account: AccountId) -> chrono::DateTime<chrono::Utc> {
    use allegro_backup::db::schema::allegro_accounts;
    use diesel::QueryDsl;
    allegro_accounts::table
        .find(account)
        .select(allegro_accounts::token_expires_at)
        .first::<Option<chrono::DateTime<chrono::Utc>>>(conn)
        .unwrap()
        .expect("a token expiry")
}
