//! The whole archive at once: an account backed up with every resource, the world moved on
//! (new purchases and their fees, payments and invoices, returns made and moving, refunds paid,
//! claims decided, payouts, held money released), backed up again, each time equal to the
//! simulator's ground truth: nothing missing, nothing different, nothing stored twice.

use std::collections::HashMap;

use allegro_backup::{db::models::sync::RunTrigger, sync::SyncMode};
use chrono::{Duration, Utc};

use crate::helpers::{
    TestApp,
    backup::{options_with_invoices, sync_with},
    truth::{CLAIMS, GroundTruth, INVOICES, REFUNDS, RETURNS, VERSIONED, wallet_listed},
    versioned::{Resource, spawn_app_with_returns},
};

/// How many of `resource` the simulator serves now with `field` equal to one of `values`.
fn served_with(app: &TestApp, resource: &Resource, field: &str, values: &[&str]) -> usize {
    resource
        .truth(app)
        .values()
        .filter(|r| values.contains(&r[field].as_str().unwrap_or("")))
        .count()
}

/// Payouts listed in the wallets now.
fn payouts(app: &TestApp) -> usize {
    wallet_listed(app)
        .values()
        .filter(|op| op["type"] == "PAYOUT")
        .count()
}

/// What the simulator serves of each resource now: (noun, how many).
fn sizes(app: &TestApp) -> HashMap<&'static str, usize> {
    let mut sizes: HashMap<&'static str, usize> = VERSIONED
        .iter()
        .map(|r| (r.noun, r.truth(app).len()))
        .collect();
    sizes.insert("payment operation", wallet_listed(app).len());
    sizes.insert("order", app.simulator.world().orders(0).len());
    sizes
}

#[tokio::test]
async fn a_backup_of_every_resource_equals_allegros_data_before_and_after_the_world_moves_on() {
    let app = spawn_app_with_returns(600, 10, Utc::now()).await;
    // Allegro's money moves on only as the weeks below pass, not while a backup runs: each
    // backup is compared with what is served right after it.
    app.simulator.world().stop_clock();
    let account = app.link_account(0).await;
    let options = options_with_invoices();
    let sync = || sync_with(&app, account, RunTrigger::Cli, SyncMode::Auto, &options);
    let world = app.simulator.world();
    let mut truth = GroundTruth::default();

    sync().await.unwrap();
    truth.look(&app);
    truth.assert_backup_equals(&app, account);
    let at_first = sizes(&app);
    for (noun, n) in &at_first {
        assert!(*n >= 10, "{n} {noun}s at the first backup");
    }
    let refunds_paid = served_with(&app, &REFUNDS, "status", &["SUCCESS"]);
    let claims_decided = served_with(
        &app,
        &CLAIMS,
        "status",
        &["GRANTED", "REJECTED", "REJECTED_AFTER_APPEAL"],
    );
    let paid_out = payouts(&app);

    // Three weeks, two backups each: new purchases paid (a few cancelled: refunded), orders moving
    // on, and the days passing: returns sent back and refunded, claims decided, fees booked,
    // payouts made, held money released, invoices made and checked.
    for week in 0..3 {
        for i in 0..20 {
            let id = world.create_order(0);
            assert!(world.pay(&id));
            if i % 5 == 0 {
                assert!(world.cancel(&id, false));
            }
        }
        world.random_changes(30);
        // A backup hours later (the cancelled purchases' refunds not paid out yet), and one at
        // the end of the week.
        for hours in [5, 7 * 24 - 5] {
            world.advance(Duration::hours(hours));
            sync()
                .await
                .unwrap_or_else(|e| panic!("the backup of week {week}, {hours} h on: {e}"));
            truth.look(&app);
            truth.assert_backup_equals(&app, account);
        }
    }

    // The world did move on in every resource, so the backup was compared with new truth.
    let at_last = sizes(&app);
    for (noun, n) in &at_last {
        assert!(*n > at_first[noun], "new {noun}s: {} → {n}", at_first[noun]);
    }
    for resource in [RETURNS, REFUNDS, CLAIMS, INVOICES] {
        assert!(
            truth.moved(&resource) > 0,
            "some {}s changed",
            resource.noun
        );
    }
    assert!(
        served_with(&app, &REFUNDS, "status", &["SUCCESS"]) > refunds_paid,
        "refunds were paid out"
    );
    assert!(
        served_with(
            &app,
            &CLAIMS,
            "status",
            &["GRANTED", "REJECTED", "REJECTED_AFTER_APPEAL"]
        ) > claims_decided,
        "claims were decided"
    );
    assert!(payouts(&app) > paid_out, "payouts were made");
    let released =
        app.count("SELECT count(*) AS n FROM payment_operations WHERE released_at IS NOT NULL");
    assert!(released > 0, "held money was released");
}
