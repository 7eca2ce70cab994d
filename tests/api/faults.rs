//! Faults for whole runs: the server process killed again and again during a 100,000-order
//! backup, PostgreSQL restarted under a sync, and an Allegro that errs, throttles, stalls or
//! revokes the account's tokens. Every backup ends exactly equal to the simulator's ground truth,
//! and every run ends with a status that says what happened.

use allegro_backup::domain::AccountScope;
use std::{
    collections::{BTreeSet, HashMap},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use allegro_backup::{
    db::models::sync::{RunTrigger, SyncRun},
    domain::Role,
    simulator::{Faults, SimulatorConfig, World},
    sync::{RunSummary, SyncError, SyncMode, sync_account},
};
use diesel::{
    PgConnection, RunQueryDsl, sql_query,
    sql_types::{Integer, Jsonb, Text},
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use crate::{
    crash::{assert_exactly_allegro, assert_no_duplicates},
    helpers::{
        TestApp, TestDatabase, html_of, process::free_port, seed::count, select_text, spawn_app_on,
        spawn_app_with_orders, spawn_app_with_simulator,
    },
    sync::{options, sync_once, truth},
};

// ------------------------------------------------------------------ the server killed

/// Kills of the server during the backup.
const KILLS: usize = 10;
/// Orders of the simulated seller in the kill test.
const KILL_TEST_ORDERS: u32 = 100_000;
/// How long one round may take before the test gives up (a debug build on two busy cores).
const ROUND_DEADLINE: Duration = Duration::from_secs(600);

/// `allegro-backup serve` as a child process on the test's database and simulator. It syncs
/// every account at start-up (`SYNC_ON_STARTUP`) and has no schedule, so the start-up run is the
/// only one. Its log is appended to `log`.
struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    fn start(app: &TestApp, log: &Path) -> Self {
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let child = app
            .binary()
            .arg("serve")
            .env("BIND_ADDR", "127.0.0.1:0")
            .env("HISTORY_START", "2024-01-01")
            .env("SYNC_ON_STARTUP", "true")
            .env("SYNC_INTERVAL_MINUTES", "0")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .unwrap();
        Self {
            child,
            log: log.to_owned(),
        }
    }

    /// Panics with the end of the server's log when it has exited.
    fn assert_alive(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            panic!(
                "the server exited ({status}); its log ends:\n{}",
                tail.join("\n")
            );
        }
    }

    /// SIGKILL, and waits for the process to be gone.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Polls `done` until it holds, failing if the server dies or `ROUND_DEADLINE` passes.
    async fn wait_for(&mut self, what: &str, mut done: impl FnMut() -> bool) {
        let started = Instant::now();
        while !done() {
            self.assert_alive();
            assert!(
                started.elapsed() < ROUND_DEADLINE,
                "gave up waiting for {what}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Orders stored so far: each is counted as created once, in the transaction that stores it
/// (cheaper to poll than counting a growing table).
fn orders_held(conn: &mut PgConnection) -> i64 {
    count(
        conn,
        "SELECT coalesce(sum(orders_created), 0)::bigint AS n FROM sync_runs",
    )
}

fn runs_with_status(conn: &mut PgConnection, status: &str) -> i64 {
    count(
        conn,
        &format!("SELECT count(*) AS n FROM sync_runs WHERE status = '{status}'"),
    )
}

/// The seed of the kill schedule: `FAULTS_SEED` replays one, else a random one (printed).
fn kill_schedule_seed() -> u64 {
    let seed = std::env::var("FAULTS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    eprintln!("kill schedule seed {seed} (FAULTS_SEED={seed} replays it)");
    seed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_ten_times_during_a_100000_order_backup_ends_with_exactly_allegros_data() {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(kill_schedule_seed());
    let app = spawn_app_with_orders(KILL_TEST_ORDERS).await;
    let account = app.link_account(0).await;
    eprintln!(
        "{KILL_TEST_ORDERS} orders generated in {:.0?}",
        started.elapsed()
    );
    let world = app.simulator.world();
    // The first pass starts following events from the newest one at its start.
    let first_cursor = newest_event_id(&world);
    let log = std::env::temp_dir().join(format!(
        "allegro-backup-faults-{}.log",
        uuid::Uuid::new_v4().simple()
    ));
    let mut conn = app.db.connect();
    // The kills are spread over the backup: the k-th once about k/11 of the orders are held
    // (± a third of a step), plus up to 300 ms, so they land in every phase of a page.
    let step = i64::from(KILL_TEST_ORDERS) / (KILLS as i64 + 1);
    for round in 0..KILLS {
        let mut server = Server::start(&app, &log);
        let target = step * (round as i64 + 1) + rng.random_range(-step / 3..=step / 3);
        server
            .wait_for(&format!("{target} orders (round {round})"), || {
                orders_held(&mut conn) >= target
            })
            .await;
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..300))).await;
        server.kill();
        eprintln!(
            "kill {} at {} orders held, {:.0?} in",
            round + 1,
            orders_held(&mut conn),
            started.elapsed()
        );
        assert_eq!(
            runs_with_status(&mut conn, "succeeded"),
            0,
            "kill {round} landed inside the backup"
        );
        // Orders keep changing while the server is down (new ones, payments, merges...).
        world.random_changes(3 + round);
    }
    let mut server = Server::start(&app, &log);
    server
        .wait_for("the last start-up run to complete", || {
            runs_with_status(&mut conn, "succeeded") == 1
        })
        .await;
    server.kill();
    eprintln!(
        "backup complete after {KILLS} kills in {:.0?}",
        started.elapsed()
    );

    let checks = Instant::now();
    // Fresh statistics: the tables were filled during the test, and plans made for empty ones
    // would make the comparisons below quadratic.
    sql_query("ANALYZE").execute(&mut conn).unwrap();
    assert_exactly_allegro(&app, account);
    assert_no_duplicates(&mut conn);
    assert_latest_revisions_match(&mut conn, account);
    assert_line_items_match(&mut conn, account, &truth(&app));
    assert_events_match(&mut conn, account, &world, &first_cursor);
    eprintln!("ground truth compared in {:.0?}", checks.elapsed());
    // Each killed process's run was marked interrupted when the next one started.
    assert_eq!(
        runs_with_status(&mut conn, "running"),
        0,
        "no run is left running"
    );
    assert_eq!(runs_with_status(&mut conn, "interrupted"), KILLS as i64);
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM sync_runs WHERE trigger <> 'startup'"
        ),
        0,
        "every run was the server's own start-up sync"
    );
    let _ = std::fs::remove_file(&log);
}

/// The id of the newest event in the simulator's journal (event ids are digit strings).
fn newest_event_id(world: &World) -> String {
    world
        .events(0)
        .iter()
        .filter_map(|e| e["id"].as_str().map(str::to_owned))
        .max_by(|a, b| event_order(a, b))
        .unwrap_or_default()
}

fn event_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[derive(diesel::QueryableByName, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct LineItemRow {
    #[diesel(sql_type = Text)]
    checkout_form_id: String,
    #[diesel(sql_type = Text)]
    line_item_id: String,
    #[diesel(sql_type = Text)]
    offer_id: String,
    #[diesel(sql_type = Integer)]
    quantity: i32,
}

/// The line items held for each of Allegro's orders are exactly the order's `lineItems`.
fn assert_line_items_match(conn: &mut PgConnection, account: i64, truth: &HashMap<String, Value>) {
    let held: BTreeSet<LineItemRow> = sql_query(format!(
        "SELECT o.checkout_form_id, li.line_item_id, li.offer_id, li.quantity \
         FROM order_line_items li JOIN orders o ON o.id = li.order_id \
         WHERE o.account_id = {account}"
    ))
    .load::<LineItemRow>(conn)
    .unwrap()
    .into_iter()
    .filter(|row| truth.contains_key(&row.checkout_form_id))
    .collect();
    let expected: BTreeSet<LineItemRow> = truth
        .iter()
        .flat_map(|(id, order)| {
            order["lineItems"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| LineItemRow {
                    checkout_form_id: id.clone(),
                    line_item_id: item["id"].as_str().unwrap().to_owned(),
                    offer_id: item["offer"]["id"].as_str().unwrap().to_owned(),
                    quantity: i32::try_from(item["quantity"].as_i64().unwrap()).unwrap(),
                })
        })
        .collect();
    assert_eq!(held.len(), expected.len(), "line items held");
    assert!(held == expected, "the line items equal Allegro's");
}

#[derive(diesel::QueryableByName)]
struct Document {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Jsonb)]
    raw: Value,
}

/// Every order's newest revision is the order's document (held by reference: `raw` NULL and
/// the order's content hash), which `assert_exactly_allegro` has compared with Allegro's;
/// compared inside PostgreSQL (100,000 JSON trees are gigabytes here).
fn assert_latest_revisions_match(conn: &mut PgConnection, account: i64) {
    let differing = count(
        conn,
        &format!(
            "SELECT count(*) AS n FROM orders o \
             LEFT JOIN (SELECT order_id, max(id) AS id FROM order_revisions GROUP BY order_id) \
               latest ON latest.order_id = o.id \
             LEFT JOIN order_revisions r ON r.id = latest.id \
             WHERE o.account_id = {account} \
               AND (r.id IS NULL OR r.content_hash <> o.content_hash \
                    OR COALESCE(r.raw, o.raw) IS DISTINCT FROM o.raw)"
        ),
    );
    assert_eq!(
        differing, 0,
        "orders whose newest revision is not their document"
    );
}

/// The events held are exactly the journal's events after `first_cursor`, each with its JSON.
fn assert_events_match(conn: &mut PgConnection, account: i64, world: &World, first_cursor: &str) {
    let held: HashMap<String, Value> = sql_query(format!(
        "SELECT event_id AS id, raw FROM order_events WHERE account_id = {account}"
    ))
    .load::<Document>(conn)
    .unwrap()
    .into_iter()
    .map(|d| (d.id, d.raw))
    .collect();
    let expected: HashMap<String, Value> = world
        .events(0)
        .into_iter()
        .map(|e| (e["id"].as_str().unwrap().to_owned(), e))
        .filter(|(id, _)| event_order(id, first_cursor).is_gt())
        .collect();
    assert!(!expected.is_empty(), "the orders changed during the backup");
    assert_eq!(held, expected, "the events equal the journal's");
}

/// Starts a sync of `account` in the background, as a button would.
pub(crate) fn spawn_run(app: &TestApp, account: i64) -> JoinHandle<Result<RunSummary, SyncError>> {
    let accounts = app.state.accounts.clone();
    tokio::spawn(async move {
        sync_account(
            &accounts,
            account,
            RunTrigger::Manual,
            SyncMode::Auto,
            &options(),
        )
        .await
    })
}

/// Starts a sync with every Allegro call taking `latency`, and returns once it has stored
/// `pages` pages and is still running.
async fn start_slow_run(
    app: &TestApp,
    account: i64,
    latency: Duration,
    pages: i64,
) -> JoinHandle<Result<RunSummary, SyncError>> {
    app.simulator.world().set_faults(Faults {
        latency,
        ..Faults::default()
    });
    let run = spawn_run(app, account);
    let mut conn = app.db.connect();
    while pages_stored(&mut conn) < pages && !run.is_finished() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(!run.is_finished(), "the run outlived its first pages");
    run
}

/// The account's latest run ended `failed` with `error`'s message, which is returned.
fn recorded_failure(conn: &mut PgConnection, account: i64, error: &SyncError) -> String {
    let recorded = &SyncRun::recent(conn, &AccountScope::All, Some(account), 1).unwrap()[0];
    assert_eq!(recorded.status, "failed");
    assert!(recorded.finished_at.is_some());
    let message = recorded.error.clone().unwrap();
    assert_eq!(message, error.to_string());
    message
}

// ------------------------------------------------------------------ PostgreSQL restarted

/// A PostgreSQL cluster of the test's own (initdb into a temporary directory, its own port and
/// socket directory), so it can be stopped without touching the shared server. Removed on drop.
struct PrivatePostgres {
    base: PathBuf,
    port: u16,
}

impl PrivatePostgres {
    fn create_and_start() -> Self {
        let base = std::env::temp_dir().join(format!("ab-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir(&base).unwrap();
        if running_as_root() {
            // initdb refuses root: the cluster belongs to the `postgres` user.
            run(Command::new("chown").arg("postgres:postgres").arg(&base));
        }
        let data = base.join("data");
        run(pg_command("initdb").arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        ]));
        let port = free_port();
        let cluster = Self { base, port };
        cluster.start();
        cluster
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.base.display()
        );
        run(pg_command("pg_ctl")
            .arg("-D")
            .arg(self.base.join("data"))
            .arg("-l")
            .arg(self.base.join("postgres.log"))
            .args(["-w", "-t", "60", "-o", &options, "start"]));
    }

    /// A fast shutdown: sessions are terminated, then the server stops.
    fn stop(&self) {
        run(pg_command("pg_ctl")
            .arg("-D")
            .arg(self.base.join("data"))
            .args(["-m", "fast", "-w", "stop"]));
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = pg_command("pg_ctl")
            .arg("-D")
            .arg(self.base.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A PostgreSQL server program (from the newest installed version), run as `postgres` when
/// the test runs as root.
fn pg_command(program: &str) -> Command {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dir| dir.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    versions.sort_by_key(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<u32>().ok())
    });
    let path = versions
        .last()
        .map(|v| v.join("bin").join(program))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from(program));
    if running_as_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(path);
        command
    } else {
        Command::new(path)
    }
}

fn run(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Pages stored so far by all runs.
fn pages_stored(conn: &mut PgConnection) -> i64 {
    count(
        conn,
        "SELECT coalesce(sum(pages), 0)::bigint AS n FROM sync_runs",
    )
}

/// `/ready` while the database is down: 503 and a JSON body that says so.
async fn assert_ready_reports_outage(app: &TestApp) {
    let response = app.get("/ready").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["database"], "unreachable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_restart_mid_sync_ends_the_run_cleanly_and_the_next_run_completes() {
    let started = Instant::now();
    let pg = tokio::task::spawn_blocking(PrivatePostgres::create_and_start)
        .await
        .unwrap();
    // The server creates and migrates this database on the private cluster.
    let name = format!("ab_private_{}", uuid::Uuid::new_v4().simple());
    let db = TestDatabase {
        url: pg.url(&name),
        name,
    };
    let simulator = SimulatorConfig {
        auto_approve: false,
        ..SimulatorConfig::for_tests(3_000)
    };
    let app = spawn_app_on(db, simulator, |_| {}).await;
    let account = app.link_account(0).await;
    let world = app.simulator.world();
    // Slow enough that PostgreSQL stops in the middle of the run.
    let run = start_slow_run(&app, account, Duration::from_millis(100), 3).await;
    tokio::task::block_in_place(|| pg.stop());

    // While it is down (each probe waits up to 2 s for a connection; the run's own queries
    // give up after 5 s), the server answers and says the database is unreachable.
    for _ in 0..3 {
        assert_ready_reports_outage(&app).await;
        assert_eq!(app.get("/health").await.status(), StatusCode::OK);
    }

    tokio::task::block_in_place(|| pg.start());
    let mut ready = app.get("/ready").await.status();
    let back = Instant::now();
    while ready != StatusCode::OK && back.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        ready = app.get("/ready").await.status();
    }
    assert_eq!(ready, StatusCode::OK, "/ready recovers with the database");

    let outcome = run.await.unwrap();
    let mut conn = app.db.connect();
    let first = match &outcome {
        Err(error) => {
            let message = recorded_failure(&mut conn, account, error);
            assert!(
                message.starts_with("the database could not be reached")
                    || message.starts_with("the database connection was lost"),
                "the run names the cause: {message}"
            );
            message
        }
        // Connections broken by the restart were replaced in time: the run carried on.
        Ok(summary) => {
            let run = SyncRun::find(&mut conn, summary.run_id).unwrap().unwrap();
            assert_eq!(run.status, "succeeded");
            run.status
        }
    };
    assert_eq!(runs_with_status(&mut conn, "running"), 0);
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM sync_state WHERE lease_owner IS NOT NULL"
        ),
        0,
        "the run released its lease"
    );

    world.set_faults(Faults::default());
    world.random_changes(5);
    sync_once(&app, account, RunTrigger::Manual).await;
    assert_exactly_allegro(&app, account);
    assert_no_duplicates(&mut conn);
    eprintln!("first run: {first}; whole test {:.1?}", started.elapsed());
}

// ------------------------------------------------------------------ Allegro misbehaving

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
    let set_faults = |body: Value| {
        let (client, url) = (app.client.clone(), app.simulator.base_url());
        async move {
            let response = client
                .post(format!("{url}/__simulator/faults"))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.unwrap()
        }
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

    let run = spawn_run(&app, account);
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
        vec!["Needs re-authorisation"]
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
    let response = app
        .client
        .post(format!("{}/__simulator/faults", app.simulator.base_url()))
        .json(&json!({"latency_ms": 5, "latency_spike_rate": 2.5, "latency_spike_ms": 1500}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let faults = app.simulator.world().faults();
    assert_eq!(faults.latency, Duration::from_millis(5));
    assert_eq!(faults.latency_spike, Duration::from_millis(1500));
    assert_eq!(faults.latency_spike_rate, 1.0, "a rate is clamped to 0..=1");
    let refused = app
        .client
        .post(format!("{}/__simulator/faults", app.simulator.base_url()))
        .json(&json!({"latency_spike_secs": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
}
