//! Jobs of several processes on one database: the nightly reconcile once a day, a day claimed
//! by exactly one, tokens refreshed at once by all.

use std::time::{Duration, Instant};

use allegro_backup::config::{AllegroConfig, SecretKey};
use diesel::{PgConnection, RunQueryDsl, sql_query};

use super::Run;
use crate::helpers::TestDatabase;

/// The state of another server process on `app`'s database (same key, same simulator), not
/// serving: its jobs are called directly.
async fn another_process(app: &crate::helpers::TestApp) -> allegro_backup::state::AppState {
    let mut settings = crate::helpers::test_settings(&app.db);
    settings.secret_key =
        SecretKey::parse(&hex::encode(app.state.config.secret_key.expose())).unwrap();
    settings.allegro = AllegroConfig::for_simulator(&app.simulator.base_url()).unwrap();
    let other = allegro_backup::startup::Application::build(settings)
        .await
        .unwrap();
    other.state().clone()
}

fn reconcile_runs(conn: &mut PgConnection) -> Vec<Run> {
    sql_query(
        "SELECT account_id, status, runner, started_at, finished_at FROM sync_runs \
         WHERE kind = 'reconcile' ORDER BY id",
    )
    .load(conn)
    .unwrap()
}

async fn wait_for_reconcile_runs(conn: &mut PgConnection, n: usize) -> Vec<Run> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let runs = reconcile_runs(conn);
        if runs.len() >= n && runs.iter().all(|r| r.finished_at.is_some()) {
            return runs;
        }
        assert!(Instant::now() < deadline, "no nightly reconcile finished");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_nightly_reconcile_runs_once_a_day_across_replicas() {
    use allegro_backup::{
        db::models::{
            scheduled_job::{NIGHTLY_RECONCILE, ScheduledJob},
            settings::SettingsRow,
        },
        jobs,
        settings::{HistoryStart, SyncSettings},
    };
    let app = crate::helpers::spawn_app().await;
    app.link_account(0).await;
    let states = [
        app.state.clone(),
        another_process(&app).await,
        another_process(&app).await,
    ];
    let mut conn = app.db.connect();
    // The schedule off, the reconcile hour now; little history to keep the runs short.
    let now = chrono::Local::now();
    let in_force = SyncSettings {
        sync_interval_minutes: 0,
        reconcile_hour: chrono::Timelike::hour(&now),
        reconcile_window_days: 1,
        history: HistoryStart::MonthsBack(1),
        ..SyncSettings::default()
    };
    SettingsRow::save(&mut conn, &in_force, None).unwrap();

    // Three processes tick at the same moment, twice: one reconcile.
    for _ in 0..2 {
        futures_util::future::join_all(states.iter().map(jobs::tick)).await;
    }
    let runs = wait_for_reconcile_runs(&mut conn, 1).await;
    let claim = ScheduledJob::find(&mut conn, NIGHTLY_RECONCILE)
        .unwrap()
        .expect("the day is claimed");
    assert_eq!(claim.last_day, now.date_naive());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(reconcile_runs(&mut conn).len(), 1, "{runs:?}");
    assert_eq!(
        runs[0].runner.as_deref(),
        Some(claim.claimed_by.as_str()),
        "the process that claimed the day ran it"
    );

    // The next day (the claim moved back one), again once.
    sql_query("UPDATE scheduled_jobs SET last_day = last_day - 1")
        .execute(&mut conn)
        .unwrap();
    futures_util::future::join_all(states.iter().map(jobs::tick)).await;
    wait_for_reconcile_runs(&mut conn, 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(reconcile_runs(&mut conn).len(), 2);
}

#[test]
fn of_many_processes_claiming_a_day_at_once_exactly_one_gets_it() {
    use allegro_backup::db::models::scheduled_job::ScheduledJob;
    let db = TestDatabase::create();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let claims: Vec<bool> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let url = &db.url;
                scope.spawn(move || {
                    let mut conn = <PgConnection as diesel::Connection>::establish(url).unwrap();
                    ScheduledJob::claim_day(&mut conn, "job", day, &format!("p{i}")).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(claims.iter().filter(|c| **c).count(), 1, "{claims:?}");
    let mut conn = db.connect();
    assert!(!ScheduledJob::claim_day(&mut conn, "job", day, "late").unwrap());
    assert!(ScheduledJob::claim_day(&mut conn, "job", day.succ_opt().unwrap(), "next").unwrap());
    assert!(!ScheduledJob::claim_day(&mut conn, "job", day, "yesterday").unwrap());
}

/// Every replica runs the token refresh job at the same second; Allegro keeps a used refresh
/// token valid for 60 s, so the refreshes that race all get valid pairs.
#[tokio::test]
async fn replicas_refreshing_the_same_tokens_at_once_leave_the_account_connected() {
    use allegro_backup::db::models::account::{AccountRow, AccountStatus};
    let app = crate::helpers::spawn_app().await;
    let account = app.link_account(0).await;
    let others = [another_process(&app).await, another_process(&app).await];
    let window = chrono::Duration::hours(24);
    let refreshed: Vec<usize> = futures_util::future::join_all(
        std::iter::once(&app.state)
            .chain(&others)
            .map(|state| state.accounts.refresh_expiring(window)),
    )
    .await
    .into_iter()
    .map(Result::unwrap)
    .collect();
    let mut conn = app.db.connect();
    let row = AccountRow::find(&mut conn, account).unwrap().unwrap();
    assert_eq!(row.status(), AccountStatus::Connected, "{refreshed:?}");
    assert!(refreshed.iter().sum::<usize>() >= 1, "{refreshed:?}");
}
