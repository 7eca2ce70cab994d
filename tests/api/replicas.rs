//! Several replicas: three `serve` processes of the real binary on one PostgreSQL database,
//! twenty accounts on a simulator process of their own. Each account is synced by one process
//! at a time and keeps its interval, sessions work on every replica, and the accounts a killed
//! replica was syncing are taken over by the others.

use std::{
    collections::{BTreeMap, HashMap},
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use allegro_backup::{
    accounts::Accounts,
    allegro::{AllegroClient, wait_for_device_authorization},
    auth::password,
    config::{AllegroConfig, AllegroEnvironment, SecretKey},
    crypto::TokenCipher,
    db::models::user::{NewUser, UserRow},
    db::{
        self,
        models::account::{AccountRow, LinkedAccount},
    },
    domain::{DisplayName, Email, Role},
};
use chrono::{DateTime, Utc};
use diesel::{
    PgConnection, RunQueryDsl, sql_query,
    sql_types::{BigInt, Nullable, Text, Timestamptz},
};
use reqwest::{StatusCode, header};
use scraper::Html;
use secrecy::SecretString;
use serde_json::Value;

use crate::helpers::{
    PASSWORD, TestDatabase,
    process::{binary_with_simulator, free_port},
    select_attr, sign_in_at,
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

#[derive(diesel::QueryableByName, Debug, Clone)]
struct Run {
    #[diesel(sql_type = BigInt)]
    account_id: i64,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Text>)]
    runner: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    started_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    finished_at: Option<DateTime<Utc>>,
}

impl Run {
    /// The pid in the runner's name (`host:pid:id`).
    fn pid(&self) -> Option<u32> {
        let runner = self.runner.as_deref()?;
        let mut parts = runner.rsplitn(3, ':');
        parts.next();
        parts.next()?.parse().ok()
    }
}

fn runs(conn: &mut PgConnection) -> BTreeMap<i64, Vec<Run>> {
    let mut by_account: BTreeMap<i64, Vec<Run>> = BTreeMap::new();
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
    account_id: i64,
}

/// Accounts whose lease `pid` holds now.
fn leases_of(conn: &mut PgConnection, pid: u32) -> Vec<i64> {
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
fn assert_no_overlap(runs: &BTreeMap<i64, Vec<Run>>) {
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
    runs: &BTreeMap<i64, Vec<Run>>,
    min_runs: usize,
    killed: (DateTime<Utc>, &[i64]),
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

async fn add_user(conn: &mut PgConnection, email: &str) {
    let hash = password::hash_async(SecretString::from(PASSWORD))
        .await
        .unwrap();
    let email = Email::parse(email).unwrap();
    let name = DisplayName::from_email(&email);
    UserRow::insert(
        conn,
        &NewUser::new(&email, &name, Role::Admin, &hash, false),
    )
    .unwrap();
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
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let browser = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
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
    add_user(&mut conn, "ops@example.com").await;
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
    let mut held_at_kill: Vec<i64> = leases_of(&mut conn, victim_pid);
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

/// The state of another server process on `app`'s database (same key, same simulator), not
/// serving: its jobs are called directly.
async fn another_process(app: &crate::helpers::TestApp) -> allegro_backup::state::AppState {
    let mut settings = crate::helpers::test_settings(&app.db);
    settings.secret_key =
        SecretKey::parse(&hex::encode(app.state.config.secret_key.expose())).unwrap();
    settings.allegro = AllegroConfig::for_simulator(&app.simulator.base_url()).unwrap();
    let other = allegro_backup::startup::Application::build(settings)
        .await
        .unwrap();
    other.state().clone()
}

fn reconcile_runs(conn: &mut PgConnection) -> Vec<Run> {
    sql_query(
        "SELECT account_id, status, runner, started_at, finished_at FROM sync_runs \
         WHERE kind = 'reconcile' ORDER BY id",
    )
    .load(conn)
    .unwrap()
}

async fn wait_for_reconcile_runs(conn: &mut PgConnection, n: usize) -> Vec<Run> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let runs = reconcile_runs(conn);
        if runs.len() >= n && runs.iter().all(|r| r.finished_at.is_some()) {
            return runs;
        }
        assert!(Instant::now() < deadline, "no nightly reconcile finished");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_nightly_reconcile_runs_once_a_day_across_replicas() {
    use allegro_backup::{
        db::models::{
            scheduled_job::{NIGHTLY_RECONCILE, ScheduledJob},
            settings::SettingsRow,
        },
        jobs,
        settings::{HistoryStart, SyncSettings},
    };
    let app = crate::helpers::spawn_app().await;
    app.link_account(0).await;
    let states = [
        app.state.clone(),
        another_process(&app).await,
        another_process(&app).await,
    ];
    let mut conn = app.db.connect();
    // The schedule off, the reconcile hour now; little history to keep the runs short.
    let now = chrono::Local::now();
    let in_force = SyncSettings {
        sync_interval_minutes: 0,
        reconcile_hour: chrono::Timelike::hour(&now),
        reconcile_window_days: 1,
        history: HistoryStart::MonthsBack(1),
        ..SyncSettings::default()
    };
    SettingsRow::save(&mut conn, &in_force, None).unwrap();

    // Three processes tick at the same moment, twice: one reconcile.
    for _ in 0..2 {
        futures_util::future::join_all(states.iter().map(jobs::tick)).await;
    }
    let runs = wait_for_reconcile_runs(&mut conn, 1).await;
    let claim = ScheduledJob::find(&mut conn, NIGHTLY_RECONCILE)
        .unwrap()
        .expect("the day is claimed");
    assert_eq!(claim.last_day, now.date_naive());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(reconcile_runs(&mut conn).len(), 1, "{runs:?}");
    assert_eq!(
        runs[0].runner.as_deref(),
        Some(claim.claimed_by.as_str()),
        "the process that claimed the day ran it"
    );

    // The next day (the claim moved back one), again once.
    sql_query("UPDATE scheduled_jobs SET last_day = last_day - 1")
        .execute(&mut conn)
        .unwrap();
    futures_util::future::join_all(states.iter().map(jobs::tick)).await;
    wait_for_reconcile_runs(&mut conn, 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(reconcile_runs(&mut conn).len(), 2);
}

#[test]
fn of_many_processes_claiming_a_day_at_once_exactly_one_gets_it() {
    use allegro_backup::db::models::scheduled_job::ScheduledJob;
    let db = TestDatabase::create();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let claims: Vec<bool> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let url = &db.url;
                scope.spawn(move || {
                    let mut conn = <PgConnection as diesel::Connection>::establish(url).unwrap();
                    ScheduledJob::claim_day(&mut conn, "job", day, &format!("p{i}")).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(claims.iter().filter(|c| **c).count(), 1, "{claims:?}");
    let mut conn = db.connect();
    assert!(!ScheduledJob::claim_day(&mut conn, "job", day, "late").unwrap());
    assert!(ScheduledJob::claim_day(&mut conn, "job", day.succ_opt().unwrap(), "next").unwrap());
    assert!(!ScheduledJob::claim_day(&mut conn, "job", day, "yesterday").unwrap());
}

/// Every replica runs the token refresh job at the same second; Allegro keeps a used refresh
/// token valid for 60 s, so the refreshes that race all get valid pairs.
#[tokio::test]
async fn replicas_refreshing_the_same_tokens_at_once_leave_the_account_connected() {
    use allegro_backup::db::models::account::{AccountRow, AccountStatus};
    let app = crate::helpers::spawn_app().await;
    let account = app.link_account(0).await;
    let others = [another_process(&app).await, another_process(&app).await];
    let window = chrono::Duration::hours(24);
    let refreshed: Vec<usize> = futures_util::future::join_all(
        std::iter::once(&app.state)
            .chain(&others)
            .map(|state| state.accounts.refresh_expiring(window)),
    )
    .await
    .into_iter()
    .map(Result::unwrap)
    .collect();
    let mut conn = app.db.connect();
    let row = AccountRow::find(&mut conn, account).unwrap().unwrap();
    assert_eq!(row.status(), AccountStatus::Connected, "{refreshed:?}");
    assert!(refreshed.iter().sum::<usize>() >= 1, "{refreshed:?}");
}
