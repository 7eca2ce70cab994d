//! The invoices step killed at every batch boundary: `allegro-backup sync` as a process of its
//! own, held by the database just as it starts storing a batch (the batches before it stored),
//! and killed there with SIGKILL. After each kill the backup holds exactly the invoices of the
//! orders whose reads it recorded; the next run goes on from there, and the last one ends with
//! every invoice Allegro serves, each once.

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    path::Path,
    process::{Child, Stdio},
    time::{Duration, Instant},
};

use allegro_backup::{
    db::models::sync::RunTrigger,
    domain::AccountId,
    sync::{SyncMode, SyncOptions},
};
use chrono::Utc;
use diesel::{
    PgConnection, QueryableByName, RunQueryDsl, sql_query,
    sql_types::{Jsonb, Text},
};
use serde_json::Value;

use super::INVOICES;
use crate::helpers::{
    TestApp,
    backup::{options, runs_with_status, sync_with},
    seed::count,
    versioned::spawn_app_with_returns,
};

/// Orders whose invoices one batch reads and stores in one transaction (`sync::invoices`).
const BATCH: i64 = 50;

/// The advisory lock the test holds, that a run reaching the crash point waits for.
const CRASH_LOCK: i64 = 1818;

/// Makes every insert into `invoice_reads` wait for [`CRASH_LOCK`] once `crash_point.reads`
/// reads are stored: a batch's transaction is held open at its start, its invoices written and
/// none of its reads.
fn hold_at_crash_point(conn: &mut PgConnection) {
    for statement in [
        "CREATE TABLE crash_point (reads bigint NOT NULL)".to_owned(),
        "INSERT INTO crash_point VALUES (0)".to_owned(),
        format!(
            "CREATE FUNCTION hold_at_crash_point() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
               IF (SELECT count(*) FROM invoice_reads) >= (SELECT reads FROM crash_point) THEN \
                 PERFORM pg_advisory_xact_lock({CRASH_LOCK}); \
               END IF; \
               RETURN NEW; \
             END $$"
        ),
        "CREATE TRIGGER hold_at_crash_point BEFORE INSERT ON invoice_reads \
         FOR EACH ROW EXECUTE FUNCTION hold_at_crash_point()"
            .to_owned(),
    ] {
        sql_query(statement).execute(conn).unwrap();
    }
}

/// The sessions of this database waiting for [`CRASH_LOCK`], as the end of a query on
/// `pg_locks l`.
fn waiting_for_the_crash_lock() -> String {
    format!(
        "FROM pg_locks l \
         JOIN pg_database d ON d.oid = l.database AND d.datname = current_database() \
         WHERE l.locktype = 'advisory' AND l.objid = {CRASH_LOCK} AND NOT l.granted"
    )
}

/// `allegro-backup sync` as its own process (reading invoices, as by default), its log
/// appended to `log`.
fn sync_process(app: &TestApp, log: &Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    app.binary()
        .arg("sync")
        .env("HISTORY_START", "2024-01-01")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap()
}

/// Waits until the process's run waits at the crash point, then kills it (SIGKILL) and ends
/// the session it left behind (PostgreSQL would, on noticing): its open batch is rolled back.
async fn kill_at_crash_point(conn: &mut PgConnection, mut child: Child, log: &Path) {
    let waiting = format!("SELECT count(*) AS n {}", waiting_for_the_crash_lock());
    let started = Instant::now();
    while count(conn, &waiting) == 0 {
        if let Some(status) = child.try_wait().unwrap() {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            panic!("the sync ended ({status}) before the crash point; its log:\n{log}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "gave up waiting for the crash point"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let end = "SELECT pg_terminate_backend(l.pid)";
    sql_query(format!("{end} {}", waiting_for_the_crash_lock()))
        .execute(conn)
        .unwrap();
    while count(conn, &waiting) > 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A dead process's lease lapses after a while; let it lapse now.
    sql_query("UPDATE sync_state SET lease_until = now() - interval '1 second'")
        .execute(conn)
        .unwrap();
}

#[derive(QueryableByName)]
struct HeldInvoice {
    #[diesel(sql_type = Text)]
    checkout_form_id: String,
    #[diesel(sql_type = Jsonb)]
    raw: Value,
}

/// Invoices by order: checkout form id → the invoices' JSON; orders without one left out.
type ByOrder = HashMap<String, BTreeSet<String>>;

fn held_by_order(conn: &mut PgConnection, account: AccountId) -> ByOrder {
    let mut held = ByOrder::new();
    let rows: Vec<HeldInvoice> = sql_query(format!(
        "SELECT checkout_form_id, raw FROM order_invoices WHERE account_id = {account}"
    ))
    .load(conn)
    .unwrap();
    for row in rows {
        held.entry(row.checkout_form_id)
            .or_default()
            .insert(row.raw.to_string());
    }
    held
}

/// What the simulator serves of the invoices of `orders` (all of them: `None`).
fn served_by_order(app: &TestApp, orders: Option<&HashSet<String>>) -> ByOrder {
    let mut served = ByOrder::new();
    for (order, invoice) in app.simulator.world().invoices(0) {
        if orders.is_none_or(|o| o.contains(&order)) {
            served.entry(order).or_default().insert(invoice.to_string());
        }
    }
    served
}

#[derive(QueryableByName)]
struct OrderRead {
    #[diesel(sql_type = Text)]
    checkout_form_id: String,
}

/// The orders whose invoices' reads are recorded.
fn orders_read(conn: &mut PgConnection) -> HashSet<String> {
    sql_query("SELECT checkout_form_id FROM invoice_reads WHERE NOT gone")
        .load::<OrderRead>(conn)
        .unwrap()
        .into_iter()
        .map(|r| r.checkout_form_id)
        .collect()
}

#[tokio::test]
async fn an_invoices_pass_killed_at_every_batch_boundary_loses_and_duplicates_nothing() {
    let app = spawn_app_with_returns(300, 5, Utc::now()).await;
    let account = app.link_account(0).await;
    let mut conn = app.db.connect();
    hold_at_crash_point(&mut conn);
    // Held by the test until the end: a run at the crash point waits for it.
    let mut holder = app.db.connect();
    sql_query(format!("SELECT pg_advisory_lock({CRASH_LOCK})"))
        .execute(&mut holder)
        .unwrap();
    let log = std::env::temp_dir().join(format!(
        "allegro-backup-invoices-crash-{}.log",
        uuid::Uuid::new_v4().simple()
    ));

    // Killed at the start of each batch but the first, each run storing one batch more.
    let mut kills = 0;
    let mut due = i64::MAX;
    let mut boundary = BATCH;
    while boundary < due {
        sql_query(format!("UPDATE crash_point SET reads = {boundary}"))
            .execute(&mut conn)
            .unwrap();
        kill_at_crash_point(&mut conn, sync_process(&app, &log), &log).await;
        kills += 1;
        // The invoices step comes last: every order is held by now, and so are those due.
        due = count(
            &mut conn,
            "SELECT count(*) AS n FROM orders WHERE payment_finished_at IS NOT NULL \
             AND merged_into IS NULL AND gone_from_allegro_at IS NULL",
        );
        let read = orders_read(&mut conn);
        assert_eq!(
            read.len() as i64,
            boundary,
            "the batches before the kill are stored, none after"
        );
        assert_eq!(
            held_by_order(&mut conn, account),
            served_by_order(&app, Some(&read)),
            "the invoices held are those of the orders read, as served (kill {kills})"
        );
        INVOICES.assert_no_duplicates(&mut conn);
        boundary += BATCH;
    }
    assert!(kills >= 3, "{kills} kills: {due} orders due");

    // Let go: the next run reads what is left, and only that.
    let held = INVOICES.stored(&app, account);
    sql_query("DROP TRIGGER hold_at_crash_point ON invoice_reads")
        .execute(&mut conn)
        .unwrap();
    drop(holder);
    let resumed = sync_with(
        &app,
        account,
        RunTrigger::Cli,
        SyncMode::Auto,
        &SyncOptions {
            invoices_per_run: SyncOptions::default().invoices_per_run,
            ..options()
        },
    )
    .await
    .unwrap();
    assert_eq!(orders_read(&mut conn).len() as i64, due, "every order read");
    assert_eq!(
        held_by_order(&mut conn, account),
        served_by_order(&app, None)
    );
    INVOICES.assert_stored_equals_truth(&app, account);
    assert_eq!(
        resumed.counters.invoices_changed,
        (INVOICES.truth(&app).len() - held.len()) as i64,
        "only what was missing is stored"
    );
    assert!(INVOICES.versions(&app).values().all(|n| *n == 1));
    INVOICES.assert_no_duplicates(&mut conn);
    assert_eq!(runs_with_status(&mut conn, "running"), 0);
    assert_eq!(
        runs_with_status(&mut conn, "interrupted"),
        kills,
        "each killed run is marked interrupted"
    );
    let _ = std::fs::remove_file(&log);
}
