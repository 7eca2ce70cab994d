//! The returns step of a backup: first pass, later runs, a failure mid-pass, a missing scope.

use std::time::Duration;

use allegro_backup::{
    db::models::{
        customer_return::ReturnSyncState,
        sync::{RunTrigger, SyncRun},
    },
    domain::{AccountScope, RunNote},
    simulator::Faults,
    sync::SyncMode,
};
use chrono::Utc;
use diesel::{RunQueryDsl, sql_query};

use super::{
    assert_no_duplicates, assert_stored_equals_truth, returns_app, stored, truth, versions,
};
use crate::helpers::{
    backup::{assert_stored_equals_truth as assert_orders_equal_truth, spawn_sync, sync_once},
    seed::count,
    select_text,
};

#[tokio::test]
async fn a_backup_keeps_every_return_once_and_each_of_its_versions() {
    let app = returns_app(150, 100, Utc::now()).await;
    let account = app.link_account(0).await;
    let first = sync_once(&app, account, RunTrigger::Cli).await;
    let seen_first = truth(&app);
    assert!(seen_first.len() >= 50, "{} returns", seen_first.len());
    assert_stored_equals_truth(&app, account);
    assert_eq!(first.counters.returns_changed, seen_first.len() as i64);
    assert!(first.counters.returns_fetched >= seen_first.len() as i64);
    assert!(versions(&app).values().all(|n| *n == 1));

    // New purchases, paid; two weeks on: their returns are made, older ones were sent,
    // delivered, refunded or rejected.
    let world = app.simulator.world();
    for _ in 0..3 {
        let id = world.create_order(0);
        assert!(world.pay(&id));
    }
    world.advance(chrono::Duration::days(15));
    let second = sync_once(&app, account, RunTrigger::Cli).await;
    let seen_second = truth(&app);
    assert!(
        seen_second.len() >= seen_first.len() + 3,
        "the new purchases were returned"
    );
    assert_stored_equals_truth(&app, account);
    let kept = versions(&app);
    let mut moved = 0;
    for (id, now) in &seen_second {
        let expected = match seen_first.get(id) {
            Some(before) if before != now => 2,
            _ => 1,
        };
        moved += i64::from(expected == 2);
        assert_eq!(kept.get(id), Some(&expected), "versions of {id}");
    }
    assert!(moved > 0, "some returns changed");
    let created = (seen_second.len() - seen_first.len()) as i64;
    assert_eq!(second.counters.returns_changed, moved + created);
    assert_no_duplicates(&mut app.db.connect());

    // Nothing changed since: a run stores no new version.
    let quiet = sync_once(&app, account, RunTrigger::Cli).await;
    assert_eq!(quiet.counters.returns_changed, 0);
    assert_eq!(versions(&app), kept);
}

#[tokio::test]
async fn a_returns_pass_failing_after_a_page_resumes_and_loses_and_duplicates_nothing() {
    // Some 3,400 returns: four pages of at most 1,000.
    let app = returns_app(4_000, 100, Utc::now()).await;
    let account = app.link_account(0).await;
    let world = app.simulator.world();
    assert!(truth(&app).len() > 3_000, "{} returns", truth(&app).len());
    let run = spawn_sync(&app, account, RunTrigger::Cli, SyncMode::Auto);
    let mut conn = app.db.connect();
    while count(&mut conn, "SELECT count(*) AS n FROM customer_returns") == 0 && !run.is_finished()
    {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    // Once a page is stored, every call to Allegro fails (a call already on its way may still
    // get through: one more page at most).
    world.set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    let outcome = run.await.unwrap();
    assert!(outcome.is_err(), "the run failed mid-pass");
    let held = stored(&app, account);
    let listed: Vec<String> = world
        .customer_returns(0)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        held.len() % 1_000 == 0 && held.len() < listed.len(),
        "whole pages kept: {}",
        held.len()
    );
    assert!(listed[..held.len()].iter().all(|id| held.contains_key(id)));
    let state = ReturnSyncState::get_or_create(&mut conn, account).unwrap();
    let cursor = state
        .last_return_id
        .expect("the checkpoint moved with the pages");
    assert_eq!(
        cursor.as_str(),
        listed[held.len() - 1],
        "the checkpoint is the last stored"
    );
    assert!(state.first_pass_completed_at.is_none());
    assert_no_duplicates(&mut conn);

    world.set_faults(Faults::default());
    let resumed = sync_once(&app, account, RunTrigger::Cli).await;
    assert_stored_equals_truth(&app, account);
    assert_eq!(
        resumed.counters.returns_changed,
        (truth(&app).len() - held.len()) as i64,
        "only what was missing is stored"
    );
    assert!(versions(&app).values().all(|n| *n == 1));
    assert_no_duplicates(&mut conn);
}

#[tokio::test]
async fn an_account_whose_authorisation_leaves_returns_out_keeps_backing_up_its_orders() {
    let app = returns_app(60, 50, Utc::now()).await;
    let account = app.link_account(0).await;
    assert!(!truth(&app).is_empty());
    // Connected before the scope was asked for.
    let mut conn = app.db.connect();
    sql_query("UPDATE allegro_accounts SET scope = 'allegro:api:profile:read'")
        .execute(&mut conn)
        .unwrap();
    let summary = sync_once(&app, account, RunTrigger::Cli).await;
    assert_orders_equal_truth(&app, account);
    assert!(stored(&app, account).is_empty());
    assert_eq!(summary.counters.returns_fetched, 0);
    let run = &SyncRun::recent(&mut conn, &AccountScope::All, Some(account), 1).unwrap()[0];
    assert_eq!(run.status, "succeeded");
    assert!(run.read_report().notes.contains(&RunNote::ReturnsNeedScope));
    app.sign_in("admin@example.com", allegro_backup::domain::Role::Admin)
        .await;
    let (_, page) = app.get_html_in(&app.client, "/accounts", "en").await;
    assert_eq!(
        select_text(&page, ".returns-need-reconnect"),
        [
            "Connect again to back up returns: this account's authorisation does not allow reading them."
        ]
    );

    // Connected again with every scope: the returns follow, the note goes.
    sql_query(
        "UPDATE allegro_accounts SET scope = 'allegro:api:orders:read allegro:api:profile:read'",
    )
    .execute(&mut conn)
    .unwrap();
    sync_once(&app, account, RunTrigger::Cli).await;
    assert_stored_equals_truth(&app, account);
    let (_, page) = app.get_html_in(&app.client, "/accounts", "en").await;
    assert!(select_text(&page, ".returns-need-reconnect").is_empty());
}
