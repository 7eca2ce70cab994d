//! The wallet step of a backup: first pass, later runs (new payments, payouts, held money
//! released), windows split past the reach, a failure mid-pass, a missing scope.

use std::collections::HashSet;

use allegro_backup::{
    db::models::{
        listing::{ListingKey, ListingState},
        sync::RunTrigger,
    },
    domain::{Role, RunNote, content_hash},
    simulator::Faults,
};
use chrono::Duration;

use super::money_app;
use crate::{
    export::cli_export,
    helpers::{
        backup::{assert_stored_equals_truth as assert_orders_equal_truth, sync_once},
        select_text,
        truth::{wallet_held, wallet_listed, wallet_rows},
        versioned::{fail_once_stored, last_run_notes},
    },
};

fn kinds(truth: &std::collections::HashMap<String, serde_json::Value>) -> HashSet<String> {
    truth
        .values()
        .filter_map(|op| op["type"].as_str().map(str::to_owned))
        .collect()
}

fn held(truth: &std::collections::HashMap<String, serde_json::Value>) -> usize {
    truth
        .values()
        .filter(|op| op["wallet"]["type"] == "WAITING")
        .count()
}

#[tokio::test]
async fn a_backup_keeps_every_operation_once_and_marks_held_money_released() {
    let app = money_app(400).await;
    let account = app.link_account(0).await;
    // Orders paid just now: one payment in ten is held back for days.
    let world = app.simulator.world();
    for _ in 0..80 {
        let id = world.create_order(0);
        assert!(world.pay(&id));
    }
    world.advance(Duration::hours(1));
    let first = sync_once(&app, account, RunTrigger::Cli).await;
    let at_first = wallet_listed(&app);
    assert!(at_first.len() >= 400, "{} operations", at_first.len());
    let seen_kinds = kinds(&at_first);
    for kind in ["CONTRIBUTION", "PAYOUT", "REFUND_CHARGE"] {
        assert!(seen_kinds.contains(kind), "{kind} in {seen_kinds:?}");
    }
    assert!(held(&at_first) > 0, "some money is held back");
    let keys: HashSet<String> = at_first.keys().cloned().collect();
    assert_eq!(
        wallet_held(&app, account),
        keys,
        "every operation, both wallets"
    );
    assert_eq!(first.counters.payment_operations_changed, keys.len() as i64);
    assert!(first.counters.payment_operations_fetched >= keys.len() as i64);

    // Days pass: new orders are paid, payouts made, held money released.
    for _ in 0..20 {
        let id = world.create_order(0);
        assert!(world.pay(&id));
    }
    world.advance(Duration::days(10));
    let second = sync_once(&app, account, RunTrigger::Cli).await;
    let at_second = wallet_listed(&app);
    let union: HashSet<String> = keys.iter().chain(at_second.keys()).cloned().collect();
    assert_eq!(
        wallet_held(&app, account),
        union,
        "what was listed before is kept, what is listed now is added"
    );
    let added = (union.len() - keys.len()) as i64;
    assert!(added > 0, "new operations");
    assert_eq!(second.counters.payment_operations_changed, added);
    assert_eq!(wallet_rows(&app), union.len() as i64, "each once");
    let released = app.count(
        "SELECT count(*) AS n FROM payment_operations \
         WHERE wallet_type = 'WAITING' AND released_at IS NOT NULL",
    );
    let released_now = at_first
        .iter()
        .filter(|(hash, op)| op["wallet"]["type"] == "WAITING" && !at_second.contains_key(*hash))
        .count() as i64;
    assert!(released_now > 0, "held money was released in ten days");
    assert_eq!(released, released_now, "each released one is marked");

    // Nothing happened since: a run stores nothing new.
    let quiet = sync_once(&app, account, RunTrigger::Cli).await;
    assert_eq!(quiet.counters.payment_operations_changed, 0);
    assert_eq!(wallet_rows(&app), union.len() as i64);

    // Exported one per line exactly as Allegro sent them.
    let output = cli_export(
        &app,
        &["--format", "ndjson", "--resource", "payment-operations"],
    );
    assert!(output.status.success(), "{output:?}");
    let lines: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| content_hash(&serde_json::from_str(line).unwrap()))
        .collect();
    assert_eq!(lines.len(), union.len());
    assert_eq!(lines.into_iter().collect::<HashSet<_>>(), union);
}

#[tokio::test]
async fn a_wallet_pass_past_the_reach_failing_after_a_page_resumes_and_loses_nothing() {
    // Over 10,000 available operations: a query matching them all is refused, so the history
    // is split into windows.
    let app = money_app(9_500).await;
    let account = app.link_account(0).await;
    let listed = wallet_listed(&app);
    let available = listed.len() - held(&listed);
    assert!(available > 10_000, "{available} available operations");

    fail_once_stored(
        &app,
        account,
        "/payments/payment-operations",
        "SELECT count(*) AS n FROM payment_operations",
    )
    .await;
    let held_rows = wallet_held(&app, account);
    assert!(
        !held_rows.is_empty() && held_rows.len() < listed.len(),
        "part of the pass: {}",
        held_rows.len()
    );
    let mut conn = app.db.connect();
    let key = ListingKey::PaymentOperations {
        wallet: "AVAILABLE",
    };
    let state = ListingState::get_or_create(&mut conn, account, &key).unwrap();
    assert!(state.listing().is_some(), "the listing is in progress");
    assert!(state.first_pass_completed_at.is_none());

    app.simulator.world().set_faults(Faults::default());
    let resumed = sync_once(&app, account, RunTrigger::Cli).await;
    let now = wallet_listed(&app);
    let keys: HashSet<String> = now.keys().cloned().collect();
    assert_eq!(wallet_held(&app, account), keys);
    assert_eq!(wallet_rows(&app), keys.len() as i64, "each once");
    assert_eq!(
        resumed.counters.payment_operations_changed,
        (keys.len() - held_rows.len()) as i64,
        "only what was missing is stored"
    );
    let state = ListingState::get_or_create(&mut conn, account, &key).unwrap();
    assert!(state.first_pass_completed_at.is_some());
}

#[tokio::test]
async fn an_account_whose_authorisation_leaves_payments_out_keeps_backing_up_its_orders() {
    let app = money_app(200).await;
    let account = app.link_account(0).await;
    assert!(!wallet_listed(&app).is_empty());
    // Connected before the payments scope was asked for.
    app.set_account_scope(
        "allegro:api:orders:read allegro:api:profile:read allegro:api:billing:read",
    );
    let summary = sync_once(&app, account, RunTrigger::Cli).await;
    assert_orders_equal_truth(&app, account);
    assert!(wallet_held(&app, account).is_empty());
    assert_eq!(summary.counters.payment_operations_fetched, 0);
    let notes = last_run_notes(&app, account);
    assert!(notes.contains(&RunNote::PaymentOperationsNeedScope));
    assert!(notes.contains(&RunNote::RefundsNeedScope));
    assert!(!notes.contains(&RunNote::BillingNeedsScope));
    app.sign_in("admin@example.com", Role::Admin).await;
    let (_, page) = app.get_html_in(&app.client, "/accounts", "en").await;
    assert_eq!(
        select_text(&page, ".payment_operations-need-reconnect"),
        [
            "Connect again to back up the wallet history: this account's authorisation does not allow reading its payments."
        ]
    );

    // Connected again with every scope: the wallet history is backed up and the note goes.
    app.set_account_scope(allegro_backup::allegro::SCOPES);
    sync_once(&app, account, RunTrigger::Cli).await;
    let keys: HashSet<String> = wallet_listed(&app).keys().cloned().collect();
    assert_eq!(wallet_held(&app, account), keys);
    let (_, page) = app.get_html_in(&app.client, "/accounts", "en").await;
    assert!(select_text(&page, ".payment_operations-need-reconnect").is_empty());
}
