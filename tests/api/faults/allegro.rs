//! An Allegro that errs, throttles, stalls or revokes the account's tokens.

use std::time::Duration;

use allegro_backup::{
    db::models::sync::RunTrigger,
    domain::Role,
    simulator::{Faults, SimulatorConfig},
    sync::SyncMode,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{post_faults, recorded_failure, start_slow_run};
use crate::helpers::{
    backup::{assert_exactly_allegro, assert_no_duplicates, pages_stored, spawn_sync, sync_once},
    html_of, select_text, spawn_app_with_orders, spawn_app_with_simulator,
};

/// 30 % of API calls answer 500, 429 bursts come again and again, and 10 % of calls stall for
/// 2 s, beyond the client's 1 s timeout. The run gets through, or fails naming Allegro's fault
/// and the next run completes; either way the backup ends exactly equal to Allegro's orders.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_through_server_errors_429_bursts_and_latency_spikes_ends_exact() {
    let simulator = SimulatorConfig {
        auto_approve: false,
        ..SimulatorConfig::for_tests(800)
    };
    let app = spawn_app_with_simulator(simulator, |settings| {
        // A spike outlasts the timeout: the call is abandoned and retried.
        settings.allegro.request_timeout = Duration::from_secs(1);
        settings.allegro.rate_limit_pause = Duration::from_secs(1);
    })
    .await;
    let account = app.link_account(0).await;
    let app_ref = &app;
    let set_faults = move |body: Value| async move {
        let response = post_faults(app_ref, body).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json::<Value>().await.unwrap()
    };
    let faults = set_faults(json!({
        "server_error_rate": 0.3,
        "rate_limit_next": 2,
        "latency_spike_rate": 0.1,
        "latency_spike_ms": 2000,
    }))
    .await;
    assert_eq!(faults["latency_spike_ms"], 2000);
    assert_eq!(faults["latency_spike_rate"], 0.1);

    let run = spawn_sync(&app, account, RunTrigger::Manual, SyncMode::Auto);
    // Another burst of 429s every few pages; the other faults stay as they are.
    let mut conn = app.db.connect();
    let mut bursts = 1;
    while !run.is_finished() {
        if pages_stored(&mut conn) >= 2 * bursts {
            let faults = set_faults(json!({ "rate_limit_next": 2 })).await;
            assert_eq!(
                faults["server_error_rate"], 0.3,
                "a partial update keeps the rest"
            );
            bursts += 1;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let outcome = run.await.unwrap();
    app.simulator.world().set_faults(Faults::default());
    eprintln!(
        "stormy run: {} after {bursts} bursts of 429s",
        outcome
            .as_ref()
            .err()
            .map_or("succeeded".to_owned(), ToString::to_string)
    );
    if let Err(error) = outcome {
        let message = recorded_failure(&mut conn, account, &error);
        assert!(
            message.contains("Allegro"),
            "the run says Allegro failed: {message}"
        );
        let pause = app.state.accounts.client.rate_limit_pause_remaining();
        tokio::time::sleep(pause).await;
        sync_once(&app, account, RunTrigger::Manual).await;
    }
    assert_exactly_allegro(&app, account);
    assert_no_duplicates(&mut conn);
}

/// The seller revokes the app's access in the middle of a backup: the run fails saying so, and
/// the accounts page and the dashboard ask for the account to be connected again.
#[tokio::test]
async fn a_token_revoked_mid_run_fails_the_run_and_the_account_asks_to_be_connected_again() {
    let app = spawn_app_with_orders(1_500).await;
    let account = app.link_account(0).await;
    let login = app.simulator.world().sellers()[0].login.clone();
    let run = start_slow_run(&app, account, Duration::from_millis(20), 2).await;
    let mut conn = app.db.connect();
    let revoked = app
        .client
        .post(format!(
            "{}/__simulator/revoke?seller=0",
            app.simulator.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);

    let error = run.await.unwrap().expect_err("the run fails");
    let message = recorded_failure(&mut conn, account, &error);
    assert!(
        message.contains("Allegro") && message.contains("connect the account again"),
        "the run names the cause and the way out: {message}"
    );

    let viewer = app
        .signed_in_client("viewer@example.com", Role::Viewer)
        .await;
    let page = html_of(app.get_with(&viewer, "/accounts").await).await;
    assert_eq!(
        select_text(
            &page,
            &format!("#account-{account} .badge.account-needs_reauth")
        ),
        vec!["needs reconnecting"]
    );
    let dashboard = html_of(app.get_with(&viewer, "/").await).await;
    let banner = select_text(&dashboard, "#reauth-banner");
    assert_eq!(banner.len(), 1, "the dashboard warns");
    assert!(
        banner[0].contains(&login) && banner[0].contains("connects it again"),
        "{}",
        banner[0]
    );
}

/// Latency spikes are set through `/__simulator/faults` like every other fault, and a spike
/// rate of zero leaves the plain latency.
#[tokio::test]
async fn latency_spikes_are_part_of_the_simulators_faults() {
    let app = spawn_app_with_orders(5).await;
    let response = post_faults(
        &app,
        json!({"latency_ms": 5, "latency_spike_rate": 2.5, "latency_spike_ms": 1500}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let faults = app.simulator.world().faults();
    assert_eq!(faults.latency, Duration::from_millis(5));
    assert_eq!(faults.latency_spike, Duration::from_millis(1500));
    assert_eq!(faults.latency_spike_rate, 1.0, "a rate is clamped to 0..=1");
    let refused = post_faults(&app, json!({"latency_spike_secs": 2})).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
}
