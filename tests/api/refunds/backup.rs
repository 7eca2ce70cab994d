//! The refunds step of a backup: first pass, later runs (new refunds, statuses that move), a
//! failure mid-pass, a missing scope.

use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use allegro_backup::{
    db::models::{
        refund::RefundSyncState,
        sync::{RunTrigger, SyncRun},
    },
    domain::{AccountScope, RunNote},
    simulator::Faults,
    sync::SyncMode,
};
use chrono::Utc;
use diesel::{RunQueryDsl, sql_query};
use serde_json::Value;

use super::{
    assert_no_duplicates, assert_stored_equals_truth, refunds_app, stored, truth, versions,
};
use crate::helpers::{
    backup::{assert_stored_equals_truth as assert_orders_equal_truth, spawn_sync, sync_once},
    seed::count,
    select_text,
};

/// Adds every refund Allegro serves now to `seen` (id → the distinct versions met).
fn remember(seen: &mut HashMap<String, HashSet<String>>, truth: &HashMap<String, Value>) {
    for (id, json) in truth {
        seen.entry(id.clone()).or_default().insert(json.to_string());
    }
}

#[tokio::test]
async fn a_backup_keeps_every_refund_once_and_each_of_its_versions() {
    let app = refunds_app(300, Utc::now()).await;
    let account = app.link_account(0).await;
    let first = sync_once(&app, account, RunTrigger::Cli).await;
    let mut seen = HashMap::new();
    let at_first = truth(&app);
    assert!(at_first.len() >= 20, "{} refunds", at_first.len());
    remember(&mut seen, &at_first);
    assert_stored_equals_truth(&app, account);
    assert_eq!(first.counters.refunds_changed, at_first.len() as i64);
    assert!(first.counters.refunds_fetched >= at_first.len() as i64);
    assert!(versions(&app).values().all(|n| *n == 1));
    let state = RefundSyncState::get_or_create(&mut app.db.connect(), account).unwrap();
    assert!(state.first_pass_completed_at.is_some() && state.listing().is_none());

    // Paid orders cancelled: refunded within hours, waiting at the next backup.
    let world = app.simulator.world();
    let mut paid_online = 0;
    for _ in 0..8 {
        let id = world.create_order(0);
        assert!(world.pay(&id));
        let order = world.orders(0).into_iter().find(|o| o["id"] == id.as_str());
        paid_online += usize::from(order.is_some_and(|o| !o["payment"]["paidAmount"].is_null()));
        assert!(world.cancel(&id, false));
    }
    assert!(paid_online > 0);
    world.advance(chrono::Duration::hours(5));
    sync_once(&app, account, RunTrigger::Cli).await;
    let at_second = truth(&app);
    assert!(
        at_second.len() >= at_first.len() + paid_online,
        "the cancelled orders paid online were refunded"
    );
    let waiting = at_second
        .values()
        .filter(|r| ["NEW", "VALIDATED", "IN_PROGRESS"].contains(&r["status"].as_str().unwrap()))
        .count();
    assert!(waiting > 0, "some refunds are not paid out yet");
    remember(&mut seen, &at_second);
    assert_stored_equals_truth(&app, account);

    // Four days on the waiting refunds are paid out (or cancelled): they were created before
    // this run's window, so only re-reading them by id finds that out.
    world.advance(chrono::Duration::days(4));
    let third = sync_once(&app, account, RunTrigger::Cli).await;
    let at_third = truth(&app);
    assert!(
        at_third.values().all(
            |r| ["SUCCESS", "CANCELED"].contains(&r["status"].as_str().unwrap())
                || !at_second.contains_key(r["id"].as_str().unwrap())
        ),
        "what waited is final now"
    );
    remember(&mut seen, &at_third);
    assert_stored_equals_truth(&app, account);
    let moved = at_third
        .iter()
        .filter(|(id, now)| at_second.get(*id).is_some_and(|before| before != *now))
        .count() as i64;
    assert!(moved > 0, "some refunds moved on");
    let created = at_third
        .keys()
        .filter(|id| !at_second.contains_key(*id))
        .count() as i64;
    assert_eq!(third.counters.refunds_changed, moved + created);
    let kept = versions(&app);
    for (id, distinct) in &seen {
        assert_eq!(
            kept.get(id),
            Some(&(distinct.len() as i64)),
            "versions of {id}"
        );
    }
    assert_no_duplicates(&mut app.db.connect());

    // Nothing changed since: a run stores no new version.
    let quiet = sync_once(&app, account, RunTrigger::Cli).await;
    assert_eq!(quiet.counters.refunds_changed, 0);
    assert_eq!(versions(&app), kept);
}

#[tokio::test]
async fn a_refunds_pass_failing_after_a_page_resumes_and_loses_and_duplicates_nothing() {
    // Some two thousand refunds: twenty pages of at most 100.
    let app = refunds_app(3_000, Utc::now()).await;
    let account = app.link_account(0).await;
    let world = app.simulator.world();
    let listed: Vec<String> = world
        .refunds(0)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(listed.len() > 500, "{} refunds", listed.len());
    let run = spawn_sync(&app, account, RunTrigger::Cli, SyncMode::Auto);
    let mut conn = app.db.connect();
    while count(&mut conn, "SELECT count(*) AS n FROM payment_refunds") == 0 && !run.is_finished() {
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
    assert!(
        held.len() % 100 == 0 && !held.is_empty() && held.len() < listed.len(),
        "whole pages kept: {}",
        held.len()
    );
    // One window (fewer than 10,000), newest first: the pages stored are the first ones.
    assert!(listed[..held.len()].iter().all(|id| held.contains_key(id)));
    let state = RefundSyncState::get_or_create(&mut conn, account).unwrap();
    let listing = state.listing().expect("the listing is in progress");
    assert_eq!(
        listing.offset as usize,
        held.len(),
        "the checkpoint is the last stored page"
    );
    assert!(listing.window_end.is_some());
    assert!(state.first_pass_completed_at.is_none());
    assert_no_duplicates(&mut conn);

    world.set_faults(Faults::default());
    let resumed = sync_once(&app, account, RunTrigger::Cli).await;
    assert_stored_equals_truth(&app, account);
    assert_eq!(
        resumed.counters.refunds_changed,
        (truth(&app).len() - held.len()) as i64,
        "only what was missing is stored"
    );
    assert!(versions(&app).values().all(|n| *n == 1));
    assert_no_duplicates(&mut conn);
    let state = RefundSyncState::get_or_create(&mut conn, account).unwrap();
    assert!(state.first_pass_completed_at.is_some());
}

#[tokio::test]
async fn an_account_whose_authorisation_leaves_payments_out_keeps_backing_up_its_orders() {
    let app = refunds_app(200, Utc::now()).await;
    let account = app.link_account(0).await;
    assert!(!truth(&app).is_empty());
    // Connected before the payments scope was asked for.
    let mut conn = app.db.connect();
    sql_query(
        "UPDATE allegro_accounts SET scope = 'allegro:api:orders:read allegro:api:profile:read'",
    )
    .execute(&mut conn)
    .unwrap();
    let summary = sync_once(&app, account, RunTrigger::Cli).await;
    assert_orders_equal_truth(&app, account);
    assert!(stored(&app, account).is_empty());
    assert_eq!(summary.counters.refunds_fetched, 0);
    assert!(
        summary.counters.returns_fetched > 0,
        "returns need only orders:read"
    );
    let run = &SyncRun::recent(&mut conn, &AccountScope::All, Some(account), 1).unwrap()[0];
    assert_eq!(run.status, "succeeded");
    let notes = run.read_report().notes;
    assert!(notes.contains(&RunNote::RefundsNeedScope));
    assert!(!notes.contains(&RunNote::ReturnsNeedScope));
    app.sign_in("admin@example.com", allegro_backup::domain::Role::Admin)
        .await;
    let (_, page) = app.get_html_in(&app.client, "/accounts", "en").await;
    assert_eq!(
        select_text(&page, ".refunds-need-reconnect"),
        [
            "Connect again to back up refunds: this account's authorisation does not allow reading payments."
        ]
    );
    assert!(select_text(&page, ".returns-need-reconnect").is_empty());
    let (_, page) = app.get_html_in(&app.client, "/accounts", "pl").await;
    assert_eq!(
        select_text(&page, ".refunds-need-reconnect"),
        [
            "Połącz ponownie, aby kopiować zwroty płatności: autoryzacja tego konta nie pozwala odczytać płatności."
        ]
    );

    // Connected again with every scope: the refunds follow, the line goes.
    sql_query(
        "UPDATE allegro_accounts SET scope = 'allegro:api:orders:read allegro:api:profile:read \
         allegro:api:payments:read'",
    )
    .execute(&mut conn)
    .unwrap();
    sync_once(&app, account, RunTrigger::Cli).await;
    assert_stored_equals_truth(&app, account);
    let (_, page) = app.get_html_in(&app.client, "/accounts", "en").await;
    assert!(select_text(&page, ".refunds-need-reconnect").is_empty());
}
