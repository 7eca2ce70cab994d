//! Short-lived tokens and rate-limit pauses (issue 14): against an Allegro whose access tokens
//! live 15 seconds and that answers 429 to one call in 80, a first backup of 12,000 orders and
//! the next incremental run succeed, the backup equals Allegro's orders, tokens are refreshed
//! about once per lifetime (not before every call), and the run shows the pauses. An access
//! token is refreshed whenever it is close to expiry, and never sent after it aged.

use std::time::{Duration, Instant};

use allegro_backup::{
    accounts::{RefreshOutcome, RefreshReason},
    db::models::sync::{RunKind, RunTrigger, SyncRun},
    domain::{AccountScope, Role},
    simulator::{Faults, SimulatorConfig},
    sync::SyncMode,
};
use diesel::{RunQueryDsl, sql_query};
use scraper::Html;
use secrecy::ExposeSecret;

use crate::helpers::{
    TestApp,
    backup::{assert_exactly_allegro, assert_no_duplicates, spawn_sync, sync_once},
    select_text, spawn_app_with_simulator,
};

/// The access tokens' lifetime in the backup test.
const LIFETIME: Duration = Duration::from_secs(15);
/// Allegro answers every Nth API call with 429.
const RATE_LIMITED_EVERY: u32 = 80;

/// Token refreshes the simulator granted so far.
fn refreshes(app: &TestApp) -> u64 {
    app.simulator.world().token_refreshes()
}

/// About one refresh per lifetime: at most twice that (plus the start and a few 401 races),
/// and at least one once the run outlived a token.
fn assert_refreshes_fit(what: &str, refreshes: u64, elapsed: Duration) {
    let lifetimes = elapsed.as_secs_f64() / LIFETIME.as_secs_f64();
    eprintln!("{what}: {refreshes} token refreshes in {elapsed:.1?} ({lifetimes:.1} lifetimes)");
    assert!(
        refreshes as f64 <= lifetimes * 2.0 + 3.0,
        "{what}: {refreshes} refreshes in {elapsed:.1?}: more than about one per lifetime"
    );
    if elapsed > LIFETIME {
        assert!(refreshes >= 1, "{what} outlived a token without refreshing");
    }
}

/// The rate-limit pause note /sync shows on a running run, if any.
async fn shown_pause(app: &TestApp, viewer: &reqwest::Client) -> Option<String> {
    let response = app.get_with(viewer, "/sync").await;
    let page = Html::parse_document(&response.text().await.unwrap());
    select_text(&page, "tr.run-running .run-paused")
        .into_iter()
        .next()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_survives_15_second_tokens_and_rate_limit_pauses() {
    let simulator = SimulatorConfig {
        auto_approve: false,
        access_token_lifetime: LIFETIME,
        // An app declared for orders only: the run is the orders' backup the tokens must
        // outlive; the fees and wallet of 12,000 orders (~75,000 documents) would only make it
        // longer, and their resumption has its own tests.
        declared_scopes: ["allegro:api:orders:read", "allegro:api:profile:read"]
            .map(str::to_owned)
            .to_vec(),
        ..SimulatorConfig::for_tests(12_000)
    };
    let app = spawn_app_with_simulator(simulator, |settings| {
        // Allegro pauses the client id for a minute after a 429; two seconds keep the test short
        // and the pause long enough to be seen on /sync.
        settings.allegro.rate_limit_pause = Duration::from_secs(2);
    })
    .await;
    let account = app.link_account(0).await;
    let viewer = app
        .signed_in_client("viewer@example.com", Role::Viewer)
        .await;
    let world = app.simulator.world();
    world.set_faults(Faults {
        rate_limit_every: RATE_LIMITED_EVERY,
        // Allegro's round trip; it also makes the backup outlive its first tokens.
        latency: Duration::from_millis(150),
        ..Faults::default()
    });

    let (calls, before) = (world.request_count(), refreshes(&app));
    let started = Instant::now();
    let run = spawn_sync(&app, account, RunTrigger::Manual, SyncMode::Auto);
    let mut pause_seen = None;
    while !run.is_finished() {
        if let Some(note) = shown_pause(&app, &viewer).await {
            pause_seen = Some(note);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let first = run.await.unwrap().expect("the first backup succeeds");
    let elapsed = started.elapsed();
    let calls = world.request_count() - calls;
    eprintln!("first backup: {calls} API calls, {:?}", first.counters);
    assert!(calls > u64::from(RATE_LIMITED_EVERY), "the run met a 429");
    assert_eq!(first.kind, RunKind::Full);
    let recorded =
        &SyncRun::recent(&mut app.db.connect(), &AccountScope::All, Some(account), 1).unwrap()[0];
    assert_eq!(
        (recorded.status.as_str(), recorded.error.as_deref()),
        ("succeeded", None)
    );
    assert_exactly_allegro(&app, account);
    assert_no_duplicates(&mut app.db.connect());
    assert_refreshes_fit("first backup", refreshes(&app) - before, elapsed);
    let note = pause_seen.expect("/sync showed a rate-limit pause while the run waited");
    assert!(
        note.starts_with("Paused by Allegro's rate limit until ") && !note.contains("UTC"),
        "{note}"
    );
    assert!(
        shown_pause(&app, &viewer).await.is_none(),
        "a finished run shows no pause"
    );

    // Orders change; the next run (still with short tokens and 429s) follows the journal.
    world.random_changes(40);
    let before = refreshes(&app);
    let started = Instant::now();
    let next = sync_once(&app, account, RunTrigger::Schedule).await;
    assert_eq!(next.kind, RunKind::Incremental);
    assert_refreshes_fit(
        "incremental run",
        refreshes(&app) - before,
        started.elapsed(),
    );
    assert_exactly_allegro(&app, account);
}

/// A call that waits out a 429 pause longer than the token's whole life sends a refreshed token
/// after the pause, not the one it held before waiting: Allegro would refuse that one as
/// expired, and, refused again after the next pause, the call would fail "even after a refresh".
#[tokio::test]
async fn a_token_that_expires_while_a_call_waits_out_a_pause_is_refreshed_before_sending() {
    let simulator = SimulatorConfig {
        auto_approve: false,
        access_token_lifetime: Duration::from_secs(2),
        ..SimulatorConfig::for_tests(5)
    };
    let app = spawn_app_with_simulator(simulator, |settings| {
        settings.allegro.rate_limit_pause = Duration::from_secs(3);
    })
    .await;
    let account = app.link_account(0).await;
    let (world, api) = (app.simulator.world(), app.state.accounts.api(account));
    // Every other API call gets 429, starting with the next one.
    if world.request_count() % 2 == 0 {
        api.me().await.unwrap();
    }
    world.set_faults(Faults {
        rate_limit_every: 2,
        ..Faults::default()
    });
    let before = refreshes(&app);

    let me = api.me().await.expect("the call succeeds");

    assert_eq!(me.login, world.sellers()[0].login);
    assert_eq!(refreshes(&app) - before, 1, "one refresh, after the pause");
}

/// After a 401, a token another task stored meanwhile is reused only while it is still fresh;
/// one that aged meanwhile is refreshed.
#[tokio::test]
async fn a_rejected_token_replaced_by_a_token_that_has_expired_meanwhile_is_refreshed() {
    let app = spawn_app_with_simulator(
        SimulatorConfig {
            auto_approve: false,
            ..SimulatorConfig::for_tests(5)
        },
        |_| {},
    )
    .await;
    let account = app.link_account(0).await;
    let accounts = &app.state.accounts;
    let (first, _) = accounts
        .refresh(account, RefreshReason::Forced)
        .await
        .unwrap();
    // Another task replaced `first`; the replacement is still fresh: reused, no refresh.
    let (second, outcome) = accounts
        .refresh(account, RefreshReason::Forced)
        .await
        .unwrap();
    let (reused, outcome_fresh) = accounts
        .refresh(account, RefreshReason::Rejected(first.clone()))
        .await
        .unwrap();
    assert_eq!(outcome, RefreshOutcome::Refreshed);
    assert_eq!(outcome_fresh, RefreshOutcome::NotDue);
    assert_eq!(reused.expose_secret(), second.expose_secret());

    // The replacement has aged past its expiry by the time `first` is reported refused.
    sql_query("UPDATE allegro_accounts SET token_expires_at = now() - interval '1 second'")
        .execute(&mut app.db.connect())
        .unwrap();
    let (third, outcome_aged) = accounts
        .refresh(account, RefreshReason::Rejected(first))
        .await
        .unwrap();
    assert_eq!(outcome_aged, RefreshOutcome::Refreshed);
    assert_ne!(third.expose_secret(), second.expose_secret());
}
