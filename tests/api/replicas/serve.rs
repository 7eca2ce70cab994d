//! Three `serve` processes of the real binary on one database, twenty accounts on a simulator
//! process of their own: one run of an account at a time, at its interval, sessions on every
//! replica, a killed replica's accounts taken over.

use allegro_backup::domain::AccountId;
use std::{
    collections::{BTreeMap, HashMap},
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use allegro_backup::{
    accounts::Accounts,
    allegro::{AllegroClient, wait_for_device_authorization},
    config::{AllegroConfig, AllegroEnvironment, SecretKey},
    crypto::TokenCipher,
    db::{
        self,
        models::account::{AccountRow, LinkedAccount},
    },
    domain::Role,
};
use chrono::{DateTime, Utc};
use diesel::{
    PgConnection, RunQueryDsl, sql_query,
    sql_types::{BigInt, Text, Timestamptz},
};
use reqwest::{StatusCode, header};
use scraper::Html;
use secrecy::SecretString;
use serde_json::Value;

use super::Run;
use crate::helpers::{
    PASSWORD, TestDatabase, new_client_with_jar,
    process::{binary_with_simulator, free_port, sign_in_at},
    seed::insert_user,
    select_attr,
};

/// The key every replica shares: it signs session cookies and seals Allegro tokens.
const KEY: &str = "8899aabbccddeeff00112233445566778899aabbccddeeff0011223344556677";

const SELLERS: usize = 20;

/// The timing the replicas run with: a tick, a lease no longer than the interval, and the
/// interval (in seconds, through `SYNC_INTERVAL_SECONDS`).
const TICK_S: i64 = 1;

const LEASE_S: i64 = 3;

const INTERVAL_S: i64 = 5;

/// A child process killed when dropped (a failed assertion leaves nothing running).
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn output() -> Stdio {
    if std::env::var("TEST_LOG").is_ok() {
        Stdio::inherit()
    } else {
        Stdio::null()
    }
}

/// `allegro-backup simulator` on a free port with `SELLERS` sellers; returns its base URL.
fn start_simulator() -> (Process, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_allegro-backup"))
        .args([
            "simulator",
            "--port",
            "0",
            "--orders",
            "12",
            "--no-live-changes",
        ])
        .args(["--sellers", &SELLERS.to_string()])
        // Three replicas together stay well inside it (each has its own client budget).
        .args(["--requests-per-minute", "100000"])
        .env("RUST_LOG", "error")
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(output())
        .spawn()
        .expect("start the simulator");
    let stdout = child.stdout.take().expect("simulator stdout");
    let mut first = String::new();
    let mut lines = BufReader::new(stdout);
    lines.read_line(&mut first).expect("the simulator's banner");
    // Keep reading: a closed pipe would end the simulator at its next line.
    std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
    let url = first
        .strip_prefix(allegro_backup::simulator::STANDALONE_BANNER)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the simulator's URL")
        .to_owned();
    (Process(child), url)
}

/// One `allegro-backup serve` process.
struct Replica {
    process: Process,
    url: String,
}

impl Replica {
    fn start(database_url: &str, simulator: &str) -> Self {
        let port = free_port();
        let child = binary_with_simulator(database_url, KEY, simulator)
            .arg("serve")
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("HISTORY_MONTHS", "2")
            .env("DB_POOL_SIZE", "4")
            .env("SCHEDULER_TICK_SECONDS", TICK_S.to_string())
            .env("SYNC_LEASE_SECONDS", LEASE_S.to_string())
            .env("SYNC_INTERVAL_SECONDS", INTERVAL_S.to_string())
            // The nightly reconcile well away from now: only the interval schedules runs.
            .env(
                "RECONCILE_HOUR",
                ((chrono::Timelike::hour(&chrono::Local::now()) + 12) % 24).to_string(),
            )
            .env("RUST_LOG", "warn")
            .stdout(output())
            .stderr(output())
            .spawn()
            .expect("start a replica");
        Self {
            process: Process(child),
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    fn pid(&self) -> u32 {
        self.process.0.id()
    }

    /// Waits until `/health` answers.
    async fn ready(&self, client: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let answer = client.get(format!("{}/health", self.url)).send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "replica {} never started",
                self.url
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// An empty database (not from the migrated template): the replicas, starting together,
/// migrate it.
fn empty_database() -> TestDatabase {
    let db = TestDatabase::create();
    let mut conn = db.connect();
    sql_query("DROP SCHEMA public CASCADE")
        .execute(&mut conn)
        .unwrap();
    sql_query("CREATE SCHEMA public")
        .execute(&mut conn)
        .unwrap();
    db
}

/// Links seller `seller` of the simulator through the device flow (approved on the
/// simulator's page, as a person would) and stores the account, sealed with `KEY`.
async fn link(accounts: &Accounts, http: &reqwest::Client, simulator: &str, seller: usize) {
    let auth = accounts
        .client
        .start_device_flow()
        .await
        .expect("device flow");
    let approved = http
        .post(format!("{simulator}/skojarz-aplikacje"))
        .form(&[
            ("code", auth.user_code.as_str()),
            ("seller", &seller.to_string()),
            ("action", "approve"),
        ])
        .send()
        .await
        .expect("approve");
    assert!(approved.status().is_success());
    // Approved already: poll at once.
    let tokens = wait_for_device_authorization(&accounts.client, &auth, |_| async {})
        .await
        .expect("tokens");
    let me: Value = http
        .get(format!("{simulator}/me"))
        .bearer_auth(secrecy::ExposeSecret::expose_secret(&tokens.access_token))
        .header(header::ACCEPT, "application/vnd.allegro.public.v1+json")
        .header(header::USER_AGENT, "allegro-backup-tests/1.0")
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("/me")
        .json()
        .await
        .expect("/me JSON");
    let (id, login) = (
        me["id"].as_str().expect("id"),
        me["login"].as_str().expect("login"),
    );
    let sealed = accounts.seal(id, &tokens);
    let (id, login) = (id.to_owned(), login.to_owned());
    db::run(&accounts.pool, move |conn| {
        AccountRow::upsert_linked(
            conn,
            &LinkedAccount {
                environment: "simulator",
                allegro_user_id: &id,
                login: &login,
                tokens: &sealed,
                connected_by: None,
            },
        )
        .map_err(db::DbError::from)
    })
    .await
    .expect("store the account");
}

fn accounts_service(database_url: &str, simulator: &str) -> Accounts {
    let pool = db::build_pool(&SecretString::from(database_url.to_owned()), 4).unwrap();
    let settings = AllegroConfig::for_simulator(simulator).unwrap();
    Accounts::new(
        pool,
        AllegroClient::new(&settings).unwrap(),
        TokenCipher::new(&SecretKey::parse(KEY).unwrap()),
        AllegroEnvironment::Simulator,
    )
}

fn runs(conn: &mut PgConnection) -> BTreeMap<AccountId, Vec<Run>> {
    let mut by_account: BTreeMap<AccountId, Vec<Run>> = BTreeMap::new();
    let all: Vec<Run> = sql_query(
        "SELECT account_id, status, runner, started_at, finished_at FROM sync_runs \
         ORDER BY account_id, started_at",
    )
    .load(conn)
    .unwrap();
    for run in all {
        by_account.entry(run.account_id).or_default().push(run);
    }
    by_account
}

#[derive(diesel::QueryableByName)]
struct Lease {
    #[diesel(sql_type = BigInt)]
    account_id: AccountId,
}

/// Accounts whose lease `pid` holds now.
fn leases_of(conn: &mut PgConnection, pid: u32) -> Vec<AccountId> {
    sql_query(
        "SELECT account_id FROM sync_state WHERE lease_until > now() \
         AND split_part(lease_owner, ':', 2) = $1",
    )
    .bind::<Text, _>(pid.to_string())
    .load::<Lease>(conn)
    .unwrap()
    .into_iter()
    .map(|l| l.account_id)
    .collect()
}

#[derive(diesel::QueryableByName)]
struct Now {
    #[diesel(sql_type = Timestamptz)]
    now: DateTime<Utc>,
}

fn db_now(conn: &mut PgConnection) -> DateTime<Utc> {
    sql_query("SELECT now() AS now")
        .get_result::<Now>(conn)
        .unwrap()
        .now
}

/// No two runs of one account overlap: each ends before the next one starts.
fn assert_no_overlap(runs: &BTreeMap<AccountId, Vec<Run>>) {
    for (account, runs) in runs {
        for pair in runs.windows(2) {
            let ended = pair[0]
                .finished_at
                .unwrap_or_else(|| panic!("account {account}: a run started beside a running one"));
            assert!(
                ended <= pair[1].started_at,
                "account {account}: runs overlap: {:?} and {:?}",
                pair[0],
                pair[1]
            );
        }
    }
}

/// Every account ran, again and again, one interval apart (a run longer than the interval
/// pushes the next one back; one tick and a little scheduling delay on top). An account whose
/// lease a killed process held may wait for the lease to lapse too.
fn assert_runs_at_the_interval(
    runs: &BTreeMap<AccountId, Vec<Run>>,
    min_runs: usize,
    killed: (DateTime<Utc>, &[AccountId]),
) {
    let interval = chrono::Duration::seconds(INTERVAL_S);
    let slack = chrono::Duration::seconds(2 * TICK_S) + chrono::Duration::milliseconds(500);
    for (account, runs) in runs {
        assert!(
            runs.len() >= min_runs,
            "account {account} ran {} times",
            runs.len()
        );
        for pair in runs.windows(2) {
            let gap = pair[1].started_at - pair[0].started_at;
            let took = pair[0].finished_at.map(|f| f - pair[0].started_at);
            let mut due = took.map_or(interval, |t| t.max(interval));
            if killed.1.contains(account)
                && (pair[0].started_at..pair[1].started_at).contains(&killed.0)
            {
                due += chrono::Duration::seconds(LEASE_S);
            }
            assert!(
                gap >= interval - chrono::Duration::milliseconds(50),
                "account {account} ran twice within an interval ({gap})"
            );
            assert!(
                gap <= due + slack,
                "account {account} waited {gap} between runs (due after {due}): {runs:#?}"
            );
        }
    }
}

/// The CSRF token of the session `cookie` names, read from a page of `replica`.
async fn csrf_token(client: &reqwest::Client, replica: &str, cookie: &str) -> String {
    let page = client
        .get(format!("{replica}/account/password"))
        .header(header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK, "signed in on {replica}");
    let html = Html::parse_document(&page.text().await.unwrap());
    select_attr(&html, r#"meta[name="csrf-token"]"#, "content").expect("a CSRF token")
}

/// Status of the dashboard on `replica` with the session cookie `cookie`.
async fn dashboard(client: &reqwest::Client, replica: &str, cookie: &str) -> StatusCode {
    client
        .get(format!("{replica}/"))
        .header(header::COOKIE, cookie)
        .send()
        .await
        .unwrap()
        .status()
}

/// Signs in on `first`; the session cookie then works on `others` (sessions live in
/// PostgreSQL), and signing out on the last one ends it everywhere.
async fn sessions_work_on_every_replica(first: &str, others: &[&str], email: &str) {
    let (browser, jar) = new_client_with_jar();
    sign_in_at(&browser, first, email, PASSWORD).await;
    let url: reqwest::Url = first.parse().unwrap();
    let cookie = reqwest::cookie::CookieStore::cookies(&*jar, &url)
        .and_then(|v| v.to_str().ok().map(str::to_owned))
        .expect("a session cookie");

    // Another client with just the cookie, as a load balancer would pass it on.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for replica in std::iter::once(&first).chain(others) {
        assert_eq!(
            dashboard(&client, replica, &cookie).await,
            StatusCode::OK,
            "the session works on {replica}"
        );
    }
    let last = others.last().expect("another replica");
    let token = csrf_token(&client, last, &cookie).await;
    let signed_out = client
        .post(format!("{last}/logout"))
        .header(header::COOKIE, &cookie)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    for replica in std::iter::once(&first).chain(others) {
        assert_eq!(
            dashboard(&client, replica, &cookie).await,
            StatusCode::SEE_OTHER,
            "signed out on {replica} too"
        );
    }
}

#[tokio::test]
async fn three_replicas_share_twenty_accounts_sessions_and_take_over_from_a_killed_one() {
    let (_simulator, simulator) = start_simulator();
    let db = empty_database();
    let mut replicas: Vec<Replica> = (0..3)
        .map(|_| Replica::start(&db.url, &simulator))
        .collect();
    let probe = reqwest::Client::new();
    for replica in &replicas {
        replica.ready(&probe).await;
    }
    let accounts = accounts_service(&db.url, &simulator);
    futures_util::future::join_all((0..SELLERS).map(|s| link(&accounts, &probe, &simulator, s)))
        .await;
    let mut conn = db.connect();

    // A user, and a session that moves between replicas.
    insert_user(&mut conn, "ops@example.com", Role::Admin, false).await;
    let urls: Vec<&str> = replicas.iter().map(|r| r.url.as_str()).collect();
    sessions_work_on_every_replica(urls[0], &urls[1..], "ops@example.com").await;
    // Two intervals of syncing by three processes, or more (up to eight) until each process
    // has taken part: the replica whose tick wakes first claims every account due then, so
    // on a loaded machine one may go a few intervals without a run.
    tokio::time::sleep(Duration::from_secs(2 * INTERVAL_S as u64)).await;
    let deadline = Instant::now() + Duration::from_secs(6 * INTERVAL_S as u64);
    let (before_kill, by_process) = loop {
        let before_kill = runs(&mut conn);
        let mut by_process: HashMap<Option<u32>, usize> = HashMap::new();
        for run in before_kill.values().flatten() {
            *by_process.entry(run.pid()).or_default() += 1;
        }
        let all_took_part = replicas
            .iter()
            .all(|r| by_process.contains_key(&Some(r.pid())));
        if all_took_part || Instant::now() >= deadline {
            break (before_kill, by_process);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(before_kill.len(), SELLERS, "every account ran");
    assert_no_overlap(&before_kill);
    for replica in &replicas {
        assert!(
            by_process.get(&Some(replica.pid())).is_some_and(|n| *n > 0),
            "replica {} ran some of the runs: {by_process:?}",
            replica.pid()
        );
    }

    // SIGKILL the first replica while it holds leases.
    let victim = replicas.remove(0);
    let deadline = Instant::now() + Duration::from_secs(2 * INTERVAL_S as u64);
    let mut held = vec![];
    while held.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
        held = leases_of(&mut conn, victim.pid());
    }
    let victim_pid = victim.pid();
    drop(victim);
    let killed_at = db_now(&mut conn);
    let mut held_at_kill: Vec<AccountId> = leases_of(&mut conn, victim_pid);
    held_at_kill.extend(&held);
    assert!(
        !held.is_empty(),
        "the victim held a lease while syncing ({held:?})"
    );

    // Its accounts are taken over: a run by another process within one interval (the lease
    // lapses within it), and every account keeps its schedule.
    tokio::time::sleep(Duration::from_secs(2 * INTERVAL_S as u64)).await;
    let after = runs(&mut conn);
    assert_no_overlap(&after);
    assert_runs_at_the_interval(&after, 3, (killed_at, &held_at_kill));
    for account in &held_at_kill {
        let takeover = after[account]
            .iter()
            .find(|r| r.started_at > killed_at)
            .unwrap_or_else(|| panic!("account {account} was not taken over"));
        assert_ne!(takeover.pid(), Some(victim_pid));
        assert!(
            takeover.started_at - killed_at <= chrono::Duration::seconds(INTERVAL_S + 2 * TICK_S),
            "account {account} was taken over {} after the kill",
            takeover.started_at - killed_at
        );
        let killed_run = after[account]
            .iter()
            .rfind(|r| r.started_at <= killed_at && r.pid() == Some(victim_pid));
        if let Some(run) = killed_run.filter(|r| r.finished_at.is_none_or(|f| f > killed_at)) {
            assert_eq!(run.status, "interrupted", "the killed run is marked");
        }
    }
}
