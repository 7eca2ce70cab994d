//! Running it: run retention, which accounts are due, alerts (banner, WARN job, metrics) and
//! a graceful shutdown.

use allegro_backup::domain::{AccountId, AccountScope, RunId};
use std::time::Duration as StdDuration;

use allegro_backup::{
    db::models::{
        account::AccountRow,
        order, order_change,
        settings::SettingsRow,
        sync::{RunKind, RunTrigger, SyncRun, SyncState},
    },
    domain::Role,
    jobs::{self, due_accounts},
    settings::{self, HistoryStart, SyncSettings},
    shutdown::Shutdown,
    simulator::Faults,
    sync::{SyncMode, SyncOptions},
};
use chrono::{Duration, NaiveDate, Utc};
use diesel::{Connection, PgConnection, RunQueryDsl, sql_query};
use reqwest::{StatusCode, header};
use secrecy::SecretString;

use crate::helpers::{
    PASSWORD, TestApp,
    backup::{stored, sync_with, truth},
    html_of, new_client,
    process::{free_port, sign_in_at, wait_until_up},
    seed::hold_lease,
    select_text, spawn_app, spawn_app_with, spawn_app_with_orders,
};
use crate::storage::new_orders;

const METRICS_TOKEN: &str = "metrics-token-for-tests-0123456789";

fn run_ids(conn: &mut PgConnection, account: AccountId) -> Vec<RunId> {
    let mut ids: Vec<RunId> = SyncRun::recent(conn, &AccountScope::All, Some(account), 100)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    ids.sort();
    ids
}

/// Moves a run's start (and its end, when it has one) `days` into the past.
fn age_run(conn: &mut PgConnection, id: RunId, days: i64) {
    sql_query(format!(
        "UPDATE sync_runs SET started_at = now() - interval '{days} days', \
         finished_at = CASE WHEN finished_at IS NULL THEN NULL ELSE now() - interval '{days} days' END \
         WHERE id = {id}"
    ))
    .execute(conn)
    .unwrap();
}

fn finished_run(conn: &mut PgConnection, account: AccountId, days_ago: i64) -> RunId {
    let id = SyncRun::start(conn, account, RunKind::Incremental, RunTrigger::Schedule)
        .unwrap()
        .id;
    SyncRun::finish(conn, id, "succeeded", None, &Default::default()).unwrap();
    age_run(conn, id, days_ago);
    id
}

#[tokio::test]
async fn housekeeping_deletes_finished_runs_past_the_retention_and_never_a_running_one() {
    let app = spawn_app().await;
    let account = app.link_account(0).await;
    let mut conn = app.db.connect();
    let _old = finished_run(&mut conn, account, 100);
    let recent = finished_run(&mut conn, account, 10);
    let running = SyncRun::start(&mut conn, account, RunKind::Full, RunTrigger::Schedule)
        .unwrap()
        .id;
    age_run(&mut conn, running, 100);
    // The process running it is alive: its lease holds.
    hold_lease(&mut conn, account, "alive");

    let done = jobs::housekeeping(&app.state).await.unwrap();
    assert_eq!(done.runs, 1);
    assert_eq!(run_ids(&mut conn, account), [recent, running]);

    // A shorter retention saved on the Settings page applies at the next pass.
    let shorter = SyncSettings {
        run_retention_days: 5,
        ..SyncSettings::default()
    };
    SettingsRow::save(&mut conn, &shorter, None).unwrap();
    let done = jobs::housekeeping(&app.state).await.unwrap();
    assert_eq!(done.runs, 1);
    assert_eq!(run_ids(&mut conn, account), [running]);
}

#[tokio::test]
async fn housekeeping_prunes_the_changes_feed_past_its_retention() {
    let app = spawn_app().await;
    let account = app.link_account(0).await;
    let mut conn = app.db.connect();
    conn.transaction(|c| order::upsert_orders(c, account, &new_orders(0..4)))
        .unwrap();
    // All but the newest change are older than the default 90 days.
    app.count(
        "WITH x AS (UPDATE order_changes SET changed_at = now() - interval '91 days' \
         WHERE seq < (SELECT max(seq) FROM order_changes) RETURNING 1) \
         SELECT count(*) AS n FROM x",
    );

    let done = jobs::housekeeping(&app.state).await.unwrap();
    assert_eq!(done.changes, 3);
    assert_eq!(app.count("SELECT count(*) AS n FROM order_changes"), 1);
    let gone = order_change::page_after(&mut conn, &AccountScope::All, 0, 10)
        .unwrap()
        .expect_err("a cursor before the pruned changes is gone");
    assert_eq!(gone.oldest_after, 3);
    let done = jobs::housekeeping(&app.state).await.unwrap();
    assert_eq!(done.changes, 0, "nothing more to prune");
}

#[tokio::test]
async fn an_account_is_due_once_its_last_run_started_an_interval_ago() {
    let app = spawn_app().await;
    let account = app.link_account(0).await;
    let mut conn = app.db.connect();
    let every = Duration::minutes(5);
    let now = Utc::now();
    assert_eq!(due_accounts(&mut conn, every, now).unwrap(), [account]);
    let run = SyncRun::start(
        &mut conn,
        account,
        RunKind::Incremental,
        RunTrigger::Schedule,
    )
    .unwrap();
    let started = run.started_at;
    assert!(due_accounts(&mut conn, every, started).unwrap().is_empty());
    assert!(
        due_accounts(&mut conn, every, started + every - Duration::seconds(1))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        due_accounts(&mut conn, every, started + every).unwrap(),
        [account]
    );
    AccountRow::disconnect(&mut conn, account).unwrap();
    assert!(
        due_accounts(&mut conn, every, now + Duration::hours(1))
            .unwrap()
            .is_empty()
    );
}

async fn admin(app: &TestApp) {
    app.create_user("root@example.com", Role::Admin).await;
    let response = app.login("root@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

/// The value of the series `name` for `account` in a metrics text.
fn metric(text: &str, name: &str, account: &str) -> Option<i64> {
    let prefix = format!("{name}{{account=\"{account}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|v| v.parse().ok())
}

/// (stale, token dead) of `account` in a metrics text.
fn alert_flags(text: &str, account: &str) -> (Option<i64>, Option<i64>) {
    (
        metric(text, "allegro_backup_sync_stale", account),
        metric(text, "allegro_backup_account_token_dead", account),
    )
}

async fn metrics_text(app: &TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_stale_account_and_a_dead_token_show_on_every_page_in_the_log_job_and_in_the_metrics() {
    let app = spawn_app().await;
    admin(&app).await;
    let account = app.link_account(0).await;
    let login = app.simulator.world().sellers()[0].login.clone();
    let (_, html) = app.get_html("/sync").await;
    assert!(select_text(&html, "#stale-banner, #reauth-banner").is_empty());
    let text = metrics_text(&app).await;
    assert_eq!(alert_flags(&text, &login), (Some(0), Some(0)), "{text}");

    let mut conn = app.db.connect();
    SyncState::get_or_create(&mut conn, account).unwrap();
    sql_query(format!(
        "UPDATE sync_state SET last_success_at = now() - interval '7 hours' WHERE account_id = {account}"
    ))
    .execute(&mut conn)
    .unwrap();
    for page in ["/sync", "/accounts", "/settings"] {
        let (_, html) = app.get_html(page).await;
        let banner = select_text(&html, "#stale-banner").join(" ");
        assert!(
            banner.contains(&login) && banner.contains("6 hours"),
            "{page}: {banner}"
        );
        assert_eq!(
            crate::helpers::select_attr(&html, "#stale-banner a", "href").as_deref(),
            Some("/accounts")
        );
    }
    let text = metrics_text(&app).await;
    assert_eq!(alert_flags(&text, &login), (Some(1), Some(0)), "{text}");
    let lag = metric(&text, "allegro_backup_sync_lag_seconds", &login).unwrap();
    assert!(lag >= 7 * 3600, "{lag}");
    assert_eq!(
        jobs::check_alerts(&app.state).await.unwrap().stale,
        std::slice::from_ref(&login)
    );

    AccountRow::mark_needs_reauth(&mut conn, account, "refresh refused").unwrap();
    let (_, html) = app.get_html("/").await;
    assert!(
        select_text(&html, "#reauth-banner")
            .join(" ")
            .contains(&login)
    );
    // A dead account is reported as dead, not also as stale.
    assert!(select_text(&html, "#stale-banner").is_empty());
    let text = metrics_text(&app).await;
    assert_eq!(alert_flags(&text, &login), (Some(0), Some(1)), "{text}");
    assert_eq!(
        jobs::check_alerts(&app.state).await.unwrap().token_dead,
        [login]
    );
}

#[tokio::test]
async fn metrics_answer_an_admin_or_the_bearer_token_and_nobody_else() {
    let app = spawn_app_with(|s| s.metrics_token = Some(SecretString::from(METRICS_TOKEN))).await;
    let anonymous = new_client();
    let response = app.get_with(&anonymous, "/metrics").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .map(|v| v.as_bytes()),
        Some(&b"Bearer"[..])
    );
    let with_token = |token: &str| anonymous.get(app.url("/metrics")).bearer_auth(token).send();
    assert_eq!(
        with_token("wrong-token-wrong-token")
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let response = with_token(METRICS_TOKEN).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains("# TYPE allegro_backup_sync_runs gauge"),
        "{text}"
    );

    let viewer = app
        .signed_in_client("viewer@example.com", Role::Viewer)
        .await;
    assert_eq!(
        app.get_with(&viewer, "/metrics").await.status(),
        StatusCode::FORBIDDEN
    );
    let admin = app.signed_in_client("root@example.com", Role::Admin).await;
    assert_eq!(
        app.get_with(&admin, "/metrics").await.status(),
        StatusCode::OK
    );
}

/// The first backup reaches the simulator's whole history (back to mid-2025) on a slow API,
/// so a test can stop it half-way.
fn slow_full_history(app: &TestApp, conn: &mut PgConnection) {
    let history = SyncSettings {
        history: HistoryStart::Since(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
        ..app.state.config.sync.clone()
    };
    SettingsRow::save(conn, &history, None).unwrap();
    app.simulator.world().set_faults(Faults {
        latency: StdDuration::from_millis(100),
        ..Faults::default()
    });
}

/// The account's latest run ended `interrupted` by the shutdown.
fn assert_last_run_interrupted(conn: &mut PgConnection, account: AccountId) {
    let run = &SyncRun::recent(conn, &AccountScope::All, Some(account), 1).unwrap()[0];
    assert_eq!(run.status, "interrupted");
    assert!(run.finished_at.is_some());
    let error = run.error.as_deref().unwrap_or_default();
    assert!(error.contains("shutdown"), "{error}");
}

/// Waits (polling the database) until the sync has stored its first page.
async fn wait_for_first_page(app: &TestApp, account: AccountId) {
    for _ in 0..3_000 {
        if !stored(app, account).is_empty() {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(10)).await;
    }
    panic!("the sync stored nothing");
}

#[tokio::test]
async fn a_shutdown_ends_the_running_sync_interrupted_and_the_next_run_completes_exactly() {
    let app = spawn_app_with_orders(3_000).await;
    admin(&app).await;
    let account = app.link_account(0).await;
    let mut conn = app.db.connect();
    slow_full_history(&app, &mut conn);

    let response = app
        .post_form(&format!("/accounts/{account}/sync"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    wait_for_first_page(&app, account).await;
    assert!(app.state.shutdown.stop(StdDuration::from_secs(30)).await);
    // (HTTP first: a keep-alive connection the server closes while this test thread is busy
    // with the synchronous checks below would fail the request.)
    // Nothing new starts while stopping.
    let response = app
        .post_form(&format!("/accounts/{account}/sync"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = html_of(response).await;
    assert!(
        select_text(&html, ".error-card")
            .join(" ")
            .contains("shutting down")
    );

    assert_last_run_interrupted(&mut conn, account);
    let kept = stored(&app, account);
    let truth = truth(&app);
    assert!(
        !kept.is_empty() && kept.len() < truth.len(),
        "{} of {}",
        kept.len(),
        truth.len()
    );
    for (id, json) in &kept {
        assert_eq!(truth.get(id), Some(json), "committed order {id}");
    }

    // The next process's run picks up where it stopped and ends with exactly Allegro's data.
    app.simulator.world().set_faults(Faults::default());
    let in_force = settings::current(&app.state.pool, &app.state.config.sync)
        .await
        .unwrap();
    let options = SyncOptions::from_settings(
        &in_force,
        std::time::Duration::from_secs(120),
        Shutdown::new().token(),
    );
    let summary = sync_with(&app, account, RunTrigger::Startup, SyncMode::Auto, &options)
        .await
        .unwrap();
    let text = metrics_text(&app).await;
    assert_eq!(summary.kind, RunKind::Full);
    assert_eq!(stored(&app, account), truth);
    assert!(
        text.contains("allegro_backup_sync_runs{kind=\"full\",status=\"interrupted\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("allegro_backup_sync_runs{kind=\"full\",status=\"succeeded\"} 1\n"),
        "{text}"
    );
}

/// The real signal path: a `serve` process on the same database and simulator gets SIGTERM
/// during a sync, ends the run `interrupted` and exits cleanly.
#[tokio::test]
async fn on_sigterm_the_server_ends_its_running_sync_interrupted_and_exits() {
    let app = spawn_app_with_orders(3_000).await;
    let account = app.link_account(0).await;
    app.create_user("root@example.com", Role::Admin).await;
    let mut conn = app.db.connect();
    slow_full_history(&app, &mut conn);
    let port = free_port();
    // The tokens in the database are sealed with the test server's key.
    let mut server = app
        .binary()
        .arg("serve")
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("SYNC_INTERVAL_MINUTES", "0")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = new_client();
    wait_until_up(&client, &base).await;
    let (_, token) = sign_in_at(&client, &base, "root@example.com", PASSWORD).await;
    let started = client
        .post(format!("{base}/accounts/{account}/sync"))
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    wait_for_first_page(&app, account).await;

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut exit = None;
    for _ in 0..1_200 {
        exit = server.try_wait().unwrap();
        if exit.is_some() {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
    let Some(exit) = exit else {
        server.kill().unwrap();
        panic!("the server did not exit after SIGTERM");
    };
    assert!(exit.success(), "{exit:?}");
    assert_last_run_interrupted(&mut conn, account);
    let kept = stored(&app, account).len();
    assert!(kept > 0 && kept < 3_000, "{kept}");
}

/// Polls until the account has a finished run started by the schedule; returns its status.
async fn wait_for_scheduled_run(app: &TestApp, account: AccountId) -> String {
    let mut conn = app.db.connect();
    for _ in 0..3_000 {
        let runs = SyncRun::recent(&mut conn, &AccountScope::All, Some(account), 10).unwrap();
        if let Some(run) = runs
            .iter()
            .find(|r| r.trigger == "schedule" && r.finished_at.is_some())
        {
            return run.status.clone();
        }
        tokio::time::sleep(StdDuration::from_millis(10)).await;
    }
    panic!("no scheduled run finished");
}

#[tokio::test]
async fn the_tick_follows_the_interval_saved_on_the_settings_page_without_a_restart() {
    let app = spawn_app().await;
    admin(&app).await;
    let account = app.link_account(0).await;
    let mut conn = app.db.connect();
    // The environment turned the schedule off: nothing is started.
    jobs::tick(&app.state).await;
    assert!(
        SyncRun::recent(&mut conn, &AccountScope::All, Some(account), 10)
            .unwrap()
            .is_empty()
    );

    // Every 5 minutes, with the nightly reconcile well away from now.
    let away = (chrono::Timelike::hour(&chrono::Local::now()) + 12) % 24;
    let away = away.to_string();
    let response = app
        .post_form(
            "/settings",
            &[
                ("sync_interval_minutes", "5"),
                ("reconcile_window_days", "30"),
                ("reconcile_hour", away.as_str()),
                ("history_months", "12"),
                ("run_retention_days", "90"),
                ("stale_after_hours", "6"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    jobs::tick(&app.state).await;
    assert_eq!(wait_for_scheduled_run(&app, account).await, "succeeded");
    // The account synced moments ago: the next tick leaves it alone.
    jobs::tick(&app.state).await;
    assert_eq!(
        SyncRun::recent(&mut conn, &AccountScope::All, Some(account), 10)
            .unwrap()
            .len(),
        1
    );
}
