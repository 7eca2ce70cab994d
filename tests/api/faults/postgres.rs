//! PostgreSQL restarted under a sync.

use std::{
    path::PathBuf,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use allegro_backup::{
    db::models::sync::{RunTrigger, SyncRun},
    simulator::{Faults, SimulatorConfig},
};
use reqwest::StatusCode;
use serde_json::Value;

use super::{recorded_failure, start_slow_run};
use crate::helpers::{
    TestApp, TestDatabase,
    backup::{assert_exactly_allegro, assert_no_duplicates, runs_with_status, sync_once},
    process::free_port,
    seed::count,
    spawn_app_on,
};

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
