//! The refunds step of a backup: first pass, later runs (new refunds, statuses that move), a
//! failure mid-pass, a missing scope.

use allegro_backup::{
    db::models::{
        listing::{ListingKey, ListingState},
        sync::RunTrigger,
    },
    domain::RunNote,
};
use chrono::Utc;

use super::{REFUNDS, refunds_app};
use crate::helpers::{
    backup::{assert_stored_equals_truth as assert_orders_equal_truth, sync_once},
    select_text,
    versioned::{Seen, last_run_notes},
};

#[tokio::test]
async fn a_backup_keeps_every_refund_once_and_each_of_its_versions() {
    let app = refunds_app(300, Utc::now()).await;
    let account = app.link_account(0).await;
    let first = sync_once(&app, account, RunTrigger::Cli).await;
    let mut seen = Seen::default();
    let at_first = REFUNDS.truth(&app);
    assert!(at_first.len() >= 20, "{} refunds", at_first.len());
    seen.remember(&at_first);
    REFUNDS.assert_stored_equals_truth(&app, account);
    assert_eq!(first.counters.refunds_changed, at_first.len() as i64);
    assert!(first.counters.refunds_fetched >= at_first.len() as i64);
    assert!(REFUNDS.versions(&app).values().all(|n| *n == 1));
    let state =
        ListingState::get_or_create(&mut app.db.connect(), account, &ListingKey::Refunds).unwrap();
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
    let at_second = REFUNDS.truth(&app);
    assert!(
        at_second.len() >= at_first.len() + paid_online,
        "the cancelled orders paid online were refunded"
    );
    let waiting = at_second
        .values()
        .filter(|r| ["NEW", "VALIDATED", "IN_PROGRESS"].contains(&r["status"].as_str().unwrap()))
        .count();
    assert!(waiting > 0, "some refunds are not paid out yet");
    seen.remember(&at_second);
    REFUNDS.assert_stored_equals_truth(&app, account);

    // Four days on the waiting refunds are paid out (or cancelled): they were created before
    // this run's window, so only re-reading them by id finds that out.
    world.advance(chrono::Duration::days(4));
    let third = sync_once(&app, account, RunTrigger::Cli).await;
    let at_third = REFUNDS.truth(&app);
    assert!(
        at_third.values().all(
            |r| ["SUCCESS", "CANCELED"].contains(&r["status"].as_str().unwrap())
                || !at_second.contains_key(r["id"].as_str().unwrap())
        ),
        "what waited is final now"
    );
    seen.remember(&at_third);
    REFUNDS.assert_stored_equals_truth(&app, account);
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
    REFUNDS.assert_versions_kept(&app, &seen);
    let kept = REFUNDS.versions(&app);
    REFUNDS.assert_no_duplicates(&mut app.db.connect());

    // Nothing changed since: a run stores no new version.
    let quiet = sync_once(&app, account, RunTrigger::Cli).await;
    assert_eq!(quiet.counters.refunds_changed, 0);
    assert_eq!(REFUNDS.versions(&app), kept);
}

#[tokio::test]
async fn a_refunds_pass_failing_after_a_page_resumes_and_loses_and_duplicates_nothing() {
    // Some two thousand refunds: twenty pages of at most 100.
    let app = refunds_app(3_000, Utc::now()).await;
    let account = app.link_account(0).await;
    let listed = REFUNDS.ids_served(&app);
    assert!(listed.len() > 500, "{} refunds", listed.len());
    let held = REFUNDS.fail_after_a_page(&app, account).await;
    let mut conn = app.db.connect();
    REFUNDS.assert_whole_pages(&held, listed.len(), 100);
    // One window (fewer than 10,000), newest first: the pages stored are the first ones.
    assert!(listed[..held.len()].iter().all(|id| held.contains_key(id)));
    let state = ListingState::get_or_create(&mut conn, account, &ListingKey::Refunds).unwrap();
    let listing = state.listing().expect("the listing is in progress");
    assert_eq!(
        listing.offset as usize,
        held.len(),
        "the checkpoint is the last stored page"
    );
    assert!(listing.window_end.is_some());
    assert!(state.first_pass_completed_at.is_none());
    REFUNDS.assert_no_duplicates(&mut conn);

    REFUNDS
        .assert_resumes(&app, account, &held, |c| c.refunds_changed)
        .await;
    let state = ListingState::get_or_create(&mut conn, account, &ListingKey::Refunds).unwrap();
    assert!(state.first_pass_completed_at.is_some());
}

#[tokio::test]
async fn an_account_whose_authorisation_leaves_payments_out_keeps_backing_up_its_orders() {
    let app = refunds_app(200, Utc::now()).await;
    let account = app.link_account(0).await;
    assert!(!REFUNDS.truth(&app).is_empty());
    // Connected before the payments scope was asked for.
    app.set_account_scope("allegro:api:orders:read allegro:api:profile:read");
    let summary = sync_once(&app, account, RunTrigger::Cli).await;
    assert_orders_equal_truth(&app, account);
    assert!(REFUNDS.stored(&app, account).is_empty());
    assert_eq!(summary.counters.refunds_fetched, 0);
    assert!(
        summary.counters.returns_fetched > 0,
        "returns need only orders:read"
    );
    let notes = last_run_notes(&app, account);
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
    app.set_account_scope(
        "allegro:api:orders:read allegro:api:profile:read allegro:api:payments:read",
    );
    sync_once(&app, account, RunTrigger::Cli).await;
    REFUNDS.assert_stored_equals_truth(&app, account);
    let (_, page) = app.get_html_in(&app.client, "/accounts", "en").await;
    assert!(select_text(&page, ".refunds-need-reconnect").is_empty());
}
