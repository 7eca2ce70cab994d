//! The backup engine against the simulator: the backup equals the simulator's ground truth.

use allegro_backup::{
    db::models::sync::RunTrigger,
    sync::{SyncError, SyncMode},
};
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};

use crate::helpers::{
    backup::{
        assert_stored_equals_truth, options, stored, sync_attempt, sync_once, sync_with, truth,
    },
    spawn_app_with_orders,
};

#[tokio::test]
async fn a_full_backup_beyond_the_offset_cap_equals_the_ground_truth() {
    let app = spawn_app_with_orders(12_000).await;
    let account = app.link_account(0).await;
    // One window holds every order: more than offset paging reaches, so it must be split.
    let summary = sync_once(&app, account, RunTrigger::Cli).await;
    assert!(summary.counters.orders_fetched >= 12_000);
    assert_stored_equals_truth(&app, account);
}

#[tokio::test]
async fn incremental_sync_follows_changes_and_keeps_revisions() {
    let app = spawn_app_with_orders(300).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;

    let world = app.simulator.world();
    let new_id = world.create_order(0);
    let some = world.orders(0)[5]["id"].as_str().unwrap().to_owned();
    assert!(world.change_fulfillment(&some, "SENT"));
    world.random_changes(40);

    let summary = sync_once(&app, account, RunTrigger::Schedule).await;
    assert_eq!(
        summary.kind,
        allegro_backup::db::models::sync::RunKind::Incremental
    );
    let (stored, truth) = (stored(&app, account), truth(&app));
    assert!(stored.contains_key(&new_id));
    for (id, json) in &truth {
        assert_eq!(stored.get(id), Some(json), "order {id}");
    }
    // The changed order kept its earlier version.
    let mut conn = app.db.connect();
    let revisions: i64 = {
        use allegro_backup::db::schema::{order_revisions, orders};
        order_revisions::table
            .inner_join(orders::table)
            .filter(orders::checkout_form_id.eq(&some))
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert!(revisions >= 2, "{revisions}");

    // Nothing new: a re-run stores no event twice and adds no revision.
    let again = sync_once(&app, account, RunTrigger::Manual).await;
    assert_eq!(again.counters.events, 0);
    assert_eq!(
        again.counters.orders_created + again.counters.orders_updated,
        0
    );
}

#[tokio::test]
async fn two_syncs_of_one_account_never_run_at_once() {
    let app = spawn_app_with_orders(2_000).await;
    let account = app.link_account(0).await;
    // Two engines: separate owners, as two processes would be.
    let (first, second) = (options(), options());
    let (a, b) = tokio::join!(
        sync_with(&app, account, RunTrigger::Manual, SyncMode::Auto, &first),
        sync_with(&app, account, RunTrigger::Manual, SyncMode::Auto, &second),
    );
    let already = [&a, &b]
        .iter()
        .filter(|r| matches!(r, Err(SyncError::AlreadyRunning)))
        .count();
    assert_eq!(already, 1, "{a:?} / {b:?}");
    assert_eq!(stored(&app, account).len(), truth(&app).len());
}

#[tokio::test]
async fn a_failed_run_resumes_without_losing_or_duplicating_anything() {
    let app = spawn_app_with_orders(3_000).await;
    let account = app.link_account(0).await;
    let world = app.simulator.world();
    // Every API call fails: the run fails cleanly and is recorded as failed.
    world.set_faults(allegro_backup::simulator::Faults {
        server_error_rate: 1.0,
        ..Default::default()
    });
    let failed = sync_attempt(&app, account).await;
    assert!(failed.is_err());
    world.set_faults(Default::default());
    sync_once(&app, account, RunTrigger::Cli).await;
    let (stored, truth) = (stored(&app, account), truth(&app));
    assert_eq!(stored.len(), truth.len());
    let statuses: Vec<String> = {
        use allegro_backup::db::schema::sync_runs::dsl::*;
        let mut conn = app.db.connect();
        sync_runs
            .order(id.asc())
            .select(status)
            .load(&mut conn)
            .unwrap()
    };
    assert_eq!(statuses, ["failed", "succeeded"]);
}

#[tokio::test]
async fn an_expired_event_cursor_falls_back_to_re_listing_and_loses_nothing() {
    use allegro_backup::simulator::SimulatorConfig;
    // The simulator's clock starts 62 days ago; after the first backup it jumps 61.5 days,
    // past the journal's 60-day retention, to half a day before now.
    let config = SimulatorConfig {
        auto_approve: false,
        start: chrono::Utc::now() - chrono::Duration::days(62),
        ..SimulatorConfig::for_tests(200)
    };
    let app = crate::helpers::spawn_app_with_simulator(config, |_| {}).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;

    let world = app.simulator.world();
    // Changes right after the backup, whose events then fall out of the journal unread.
    world.random_changes(10);
    world.advance(chrono::Duration::days(61) + chrono::Duration::hours(12));
    let fresh: Vec<String> = (0..5).map(|_| world.create_order(0)).collect();
    let summary = sync_once(&app, account, RunTrigger::Schedule).await;
    let stored = stored(&app, account);
    for id in &fresh {
        assert!(
            stored.contains_key(id),
            "order {id} bought in the gap was lost"
        );
    }
    let notes: Option<String> = {
        use allegro_backup::db::schema::sync_runs::dsl::*;
        let mut conn = app.db.connect();
        sync_runs
            .find(summary.run_id)
            .select(notes)
            .first(&mut conn)
            .unwrap()
    };
    assert!(
        notes
            .unwrap_or_default()
            .contains("event cursor had expired")
    );
}
