//! The returns step of a backup: first pass, later runs, a failure mid-pass, a missing scope.

use allegro_backup::{
    db::models::{customer_return::ReturnSyncState, sync::RunTrigger},
    domain::RunNote,
};
use chrono::Utc;

use super::RETURNS;
use crate::helpers::{
    backup::{assert_stored_equals_truth as assert_orders_equal_truth, sync_once},
    select_text,
    versioned::{last_run_notes, spawn_app_with_returns},
};

#[tokio::test]
async fn a_backup_keeps_every_return_once_and_each_of_its_versions() {
    let app = spawn_app_with_returns(150, 100, Utc::now()).await;
    let account = app.link_account(0).await;
    let first = sync_once(&app, account, RunTrigger::Cli).await;
    let seen_first = RETURNS.truth(&app);
    assert!(seen_first.len() >= 50, "{} returns", seen_first.len());
    RETURNS.assert_stored_equals_truth(&app, account);
    assert_eq!(first.counters.returns_changed, seen_first.len() as i64);
    assert!(first.counters.returns_fetched >= seen_first.len() as i64);
    assert!(RETURNS.versions(&app).values().all(|n| *n == 1));

    // New purchases, paid; two weeks on: their returns are made, older ones were sent,
    // delivered, refunded or rejected.
    let world = app.simulator.world();
    for _ in 0..3 {
        let id = world.create_order(0);
        assert!(world.pay(&id));
    }
    world.advance(chrono::Duration::days(15));
    let second = sync_once(&app, account, RunTrigger::Cli).await;
    let seen_second = RETURNS.truth(&app);
    assert!(
        seen_second.len() >= seen_first.len() + 3,
        "the new purchases were returned"
    );
    RETURNS.assert_stored_equals_truth(&app, account);
    let kept = RETURNS.versions(&app);
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
    RETURNS.assert_no_duplicates(&mut app.db.connect());

    // Nothing changed since: a run stores no new version.
    let quiet = sync_once(&app, account, RunTrigger::Cli).await;
    assert_eq!(quiet.counters.returns_changed, 0);
    assert_eq!(RETURNS.versions(&app), kept);
}

#[tokio::test]
async fn a_returns_pass_failing_after_a_page_resumes_and_loses_and_duplicates_nothing() {
    // Some 3,400 returns: four pages of at most 1,000.
    let app = spawn_app_with_returns(4_000, 100, Utc::now()).await;
    let account = app.link_account(0).await;
    assert!(
        RETURNS.truth(&app).len() > 3_000,
        "{} returns",
        RETURNS.truth(&app).len()
    );
    let held = RETURNS.fail_after_a_page(&app, account).await;
    let mut conn = app.db.connect();
    let listed = RETURNS.ids_served(&app);
    RETURNS.assert_whole_pages(&held, listed.len(), 1_000);
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
    RETURNS.assert_no_duplicates(&mut conn);

    RETURNS
        .assert_resumes(&app, account, &held, |c| c.returns_changed)
        .await;
}

#[tokio::test]
async fn an_account_whose_authorisation_leaves_returns_out_keeps_backing_up_its_orders() {
    let app = spawn_app_with_returns(60, 50, Utc::now()).await;
    let account = app.link_account(0).await;
    assert!(!RETURNS.truth(&app).is_empty());
    // Connected before the scope was asked for.
    app.set_account_scope("allegro:api:profile:read");
    let summary = sync_once(&app, account, RunTrigger::Cli).await;
    assert_orders_equal_truth(&app, account);
    assert!(RETURNS.stored(&app, account).is_empty());
    assert_eq!(summary.counters.returns_fetched, 0);
    assert!(last_run_notes(&app, account).contains(&RunNote::ReturnsNeedScope));
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
    app.set_account_scope("allegro:api:orders:read allegro:api:profile:read");
    sync_once(&app, account, RunTrigger::Cli).await;
    RETURNS.assert_stored_equals_truth(&app, account);
    let (_, page) = app.get_html_in(&app.client, "/accounts", "en").await;
    assert!(select_text(&page, ".returns-need-reconnect").is_empty());
}
