//! The fees step of a backup: first pass, later runs (new fees, offer names Allegro fills in
//! later), every marketplace, windows split past the reach, a failure mid-pass, a missing scope.

use std::collections::{HashMap, HashSet};

use allegro_backup::{
    db::models::{
        listing::{ListingKey, ListingState},
        sync::RunTrigger,
    },
    domain::RunNote,
};
use chrono::Duration;
use serde_json::Value;

use super::{FEES, money_app};
use crate::helpers::{
    backup::{assert_stored_equals_truth as assert_orders_equal_truth, sync_once},
    select_text,
    versioned::{Seen, last_run_notes},
};

fn marketplaces(truth: &HashMap<String, Value>) -> HashSet<String> {
    truth
        .values()
        .filter_map(|e| e["marketplaceId"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_backup_keeps_every_fee_once_and_each_of_its_versions() {
    let app = money_app(400).await;
    let account = app.link_account(0).await;
    // Orders paid just now: some of their fees are booked before the backup, offers not named
    // yet.
    let world = app.simulator.world();
    for _ in 0..40 {
        let id = world.create_order(0);
        assert!(world.pay(&id));
    }
    world.advance(Duration::minutes(40));
    let first = sync_once(&app, account, RunTrigger::Cli).await;
    let mut seen = Seen::default();
    let at_first = FEES.truth(&app);
    assert!(at_first.len() >= 800, "{} entries", at_first.len());
    assert!(
        marketplaces(&at_first).len() > 1,
        "fees on more than one marketplace"
    );
    assert!(
        at_first.values().any(|e| e["order"].is_null()),
        "fees of no order (listing fees)"
    );
    assert!(
        at_first
            .values()
            .any(|e| e["offer"]["id"].is_string() && e["offer"]["name"].is_null()),
        "an offer not named yet"
    );
    seen.remember(&at_first);
    FEES.assert_stored_equals_truth(&app, account);
    assert_eq!(first.counters.billing_changed, at_first.len() as i64);
    assert!(first.counters.billing_fetched >= at_first.len() as i64);
    assert!(FEES.versions(&app).values().all(|n| *n == 1));

    // New paid orders bring new fees; an hour on, Allegro names the offers it had not named.
    for _ in 0..10 {
        let id = world.create_order(0);
        assert!(world.pay(&id));
    }
    world.advance(Duration::hours(2));
    let second = sync_once(&app, account, RunTrigger::Cli).await;
    let at_second = FEES.truth(&app);
    assert!(at_second.len() > at_first.len(), "new fees");
    let named_later = at_second
        .iter()
        .filter(|(id, now)| at_first.get(*id).is_some_and(|before| before != *now))
        .count() as i64;
    assert!(named_later > 0, "some offers were named later");
    seen.remember(&at_second);
    FEES.assert_stored_equals_truth(&app, account);
    let created = (at_second.len() - at_first.len()) as i64;
    assert_eq!(second.counters.billing_changed, named_later + created);
    FEES.assert_versions_kept(&app, &seen);
    let kept = FEES.versions(&app);
    FEES.assert_no_duplicates(&mut app.db.connect());

    // Nothing changed since: a run stores no new version.
    let quiet = sync_once(&app, account, RunTrigger::Cli).await;
    assert_eq!(quiet.counters.billing_changed, 0);
    assert_eq!(FEES.versions(&app), kept);
}

#[tokio::test]
async fn a_fees_pass_past_the_reach_failing_after_a_page_resumes_and_loses_nothing() {
    // Well over 10,000 entries: the history is split into windows the offset reaches.
    let app = money_app(4_000).await;
    let account = app.link_account(0).await;
    let listed = FEES.ids_served(&app);
    assert!(listed.len() > 11_000, "{} entries", listed.len());
    let held = FEES.fail_after_a_page(&app, account).await;
    let mut conn = app.db.connect();
    FEES.assert_whole_pages(&held, listed.len(), 100);
    FEES.assert_no_duplicates(&mut conn);
    let stuck: Vec<ListingState> = ["allegro-cz", "allegro-pl", "allegro-sk", "allegro-hu"]
        .into_iter()
        .map(|m| {
            let key = ListingKey::Billing {
                marketplace: m.to_owned(),
            };
            ListingState::get_or_create(&mut conn, account, &key).unwrap()
        })
        .filter(|state| state.listing().is_some())
        .collect();
    assert_eq!(stuck.len(), 1, "one listing in progress");
    assert!(stuck[0].first_pass_completed_at.is_none());

    FEES.assert_resumes(&app, account, &held, |c| c.billing_changed)
        .await;
}

#[tokio::test]
async fn an_account_whose_authorisation_leaves_billing_out_keeps_backing_up_its_orders() {
    let app = money_app(200).await;
    let account = app.link_account(0).await;
    assert!(!FEES.truth(&app).is_empty());
    // Connected before the billing scope was asked for.
    app.set_account_scope(
        "allegro:api:orders:read allegro:api:profile:read allegro:api:payments:read",
    );
    let summary = sync_once(&app, account, RunTrigger::Cli).await;
    assert_orders_equal_truth(&app, account);
    assert!(FEES.stored(&app, account).is_empty());
    assert_eq!(summary.counters.billing_fetched, 0);
    assert!(
        summary.counters.refunds_fetched > 0,
        "refunds have their scope"
    );
    let notes = last_run_notes(&app, account);
    assert!(notes.contains(&RunNote::BillingNeedsScope));
    assert!(!notes.contains(&RunNote::RefundsNeedScope));
    app.sign_in("admin@example.com", allegro_backup::domain::Role::Admin)
        .await;
    let (_, page) = app.get_html_in(&app.client, "/accounts", "pl").await;
    assert_eq!(
        select_text(&page, ".billing-need-reconnect"),
        [
            "Połącz ponownie, aby kopiować opłaty: autoryzacja tego konta nie pozwala odczytać rozliczeń."
        ]
    );

    // Connected again with every scope: the fees are backed up and the note goes.
    app.set_account_scope(allegro_backup::allegro::SCOPES);
    sync_once(&app, account, RunTrigger::Cli).await;
    FEES.assert_stored_equals_truth(&app, account);
    let (_, page) = app.get_html_in(&app.client, "/accounts", "pl").await;
    assert!(select_text(&page, ".billing-need-reconnect").is_empty());
}
