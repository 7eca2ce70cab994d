//! Short-lived tokens: an access token is refreshed about once per lifetime, whenever it is
//! close to expiry, and never sent after it aged.

use std::time::Duration;

use allegro_backup::{
    accounts::{RefreshOutcome, RefreshReason},
    simulator::{Faults, SimulatorConfig},
};
use diesel::{RunQueryDsl, sql_query};
use secrecy::ExposeSecret;

use crate::helpers::{TestApp, spawn_app_with_simulator};

/// Token refreshes the simulator granted so far.
fn refreshes(app: &TestApp) -> u64 {
    app.simulator.world().token_refreshes()
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
