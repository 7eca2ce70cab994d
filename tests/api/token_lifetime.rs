//! Short-lived tokens: an access token is refreshed about once per lifetime, whenever it is
//! close to expiry, and never sent after it aged.

use allegro_backup::{
    accounts::{RefreshOutcome, RefreshReason},
    simulator::SimulatorConfig,
};
use diesel::{RunQueryDsl, sql_query};
use secrecy::ExposeSecret;

use crate::helpers::spawn_app_with_simulator;

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
