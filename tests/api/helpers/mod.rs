//! `spawn_app()`: the real server on a random port with its own fresh database, cloned from a
//! migrated template, dropped when the test ends. Rows written straight into the database are
//! in [`seed`], the binary as a process of its own in [`process`].

pub mod process;
pub mod seed;

use std::{sync::OnceLock, time::Duration};

use allegro_backup::{
    auth::password,
    config::{
        AllegroConfig, Config, ConfigSources, LogFormat, SchedulerConfig, SecretKey, SessionConfig,
        ThrottleConfig,
    },
    db::{
        self,
        models::user::{NewUser, UserRow},
        quote_ident,
    },
    domain::{DisplayName, Email, Role},
    settings::SyncSettings,
    simulator::{self, SimulatorConfig, SimulatorHandle},
    startup::Application,
    state::AppState,
};
use diesel::{Connection, PgConnection, RunQueryDsl, sql_query};
use reqwest::{Response, StatusCode, header};
use scraper::{Html, Selector};
use secrecy::SecretString;

/// The PostgreSQL server tests use (trust auth on this machine kind).
fn server_url() -> String {
    std::env::var("TEST_DATABASE_SERVER")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

fn admin_connection() -> PgConnection {
    let url = format!("{}/postgres", server_url());
    PgConnection::establish(&url)
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {url}: {e}"))
}

/// Name of the migrated template, keyed by the migrations' content so a change rebuilds it.
fn template_name() -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).unwrap_or_default());
    }
    format!("ab_template_{}", &hex::encode(hasher.finalize())[..16])
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Creates the template once per machine (an advisory lock guards concurrent test processes).
fn template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let name = template_name();
        let mut conn = admin_connection();
        sql_query("SELECT pg_advisory_lock(724001)")
            .execute(&mut conn)
            .expect("lock");
        let exists: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
            "(SELECT count(*) FROM pg_database WHERE datname = '{name}')"
        )))
        .get_result(&mut conn)
        .expect("query templates");
        if exists == 0 {
            let wip = format!("{name}_wip");
            sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&wip)
            ))
            .execute(&mut conn)
            .expect("drop wip");
            sql_query(format!("CREATE DATABASE {}", quote_ident(&wip)))
                .execute(&mut conn)
                .expect("create template");
            {
                let mut tconn = PgConnection::establish(&format!("{}/{wip}", server_url()))
                    .expect("connect template");
                db::run_migrations(&mut tconn).expect("migrate template");
            }
            sql_query(format!(
                "ALTER DATABASE {} RENAME TO {}",
                quote_ident(&wip),
                quote_ident(&name)
            ))
            .execute(&mut conn)
            .expect("rename template");
        }
        sql_query("SELECT pg_advisory_unlock(724001)")
            .execute(&mut conn)
            .expect("unlock");
        name
    })
}

/// A fresh database cloned from the template; dropped on `Drop`.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub fn create() -> Self {
        let template = template();
        let name = format!("ab_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin_connection();
        let sql = format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote_ident(&name),
            quote_ident(template)
        );
        // Two CREATE DATABASE … TEMPLATE at the same instant may collide; retry briefly.
        let mut attempt = 0;
        while let Err(e) = sql_query(&sql).execute(&mut conn) {
            attempt += 1;
            assert!(attempt < 50, "cannot create test database: {e}");
            std::thread::sleep(Duration::from_millis(100));
        }
        let url = format!("{}/{name}", server_url());
        Self { name, url }
    }

    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("connect to the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let mut conn = admin_connection();
        let _ = sql_query(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(&self.name)
        ))
        .execute(&mut conn);
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub setup_link: Option<String>,
    pub db: TestDatabase,
    /// The Allegro simulator this app talks to.
    pub simulator: SimulatorHandle,
    /// The server's state, to call job bodies directly.
    pub state: AppState,
}

pub const PASSWORD: &str = "correct horse battery staple";

/// Settings for a test server on a random port against `db`.
pub fn test_settings(db: &TestDatabase) -> Config {
    Config {
        database_url: SecretString::from(db.url.clone()),
        bind_addr: "127.0.0.1:0".parse().expect("address"),
        public_url: "http://127.0.0.1".to_owned(),
        secret_key: SecretKey::generate(),
        cookie_secure: false,
        log_format: LogFormat::Pretty,
        trust_forwarded_for: false,
        session: SessionConfig::default(),
        throttle: ThrottleConfig::default(),
        db_pool_size: 4,
        allegro: AllegroConfig::for_simulator("http://127.0.0.1:9").expect("simulator settings"),
        // Tests call the sync directly; the schedule would race them.
        sync: SyncSettings {
            sync_interval_minutes: 0,
            ..SyncSettings::default()
        },
        sync_on_startup: false,
        metrics_token: None,
        scheduler: SchedulerConfig::default(),
        // Built here, not read from the environment: the System page says so.
        sources: ConfigSources::default(),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the server with settings adjusted by `customize`.
pub async fn spawn_app_with(customize: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_full(20, customize).await
}

/// Starts the server against a simulator holding `orders` orders per seller.
pub async fn spawn_app_with_orders(orders: u32) -> TestApp {
    spawn_app_full(orders, |_| {}).await
}

async fn spawn_app_full(orders: u32, customize: impl FnOnce(&mut Config)) -> TestApp {
    // People approve on the simulator's page (or through `world().approve`) in these tests.
    let simulator_config = SimulatorConfig {
        auto_approve: false,
        ..SimulatorConfig::for_tests(orders)
    };
    spawn_app_with_simulator(simulator_config, customize).await
}

/// Starts the server against a simulator configured as given.
pub async fn spawn_app_with_simulator(
    simulator_config: SimulatorConfig,
    customize: impl FnOnce(&mut Config),
) -> TestApp {
    spawn_app_on(TestDatabase::create(), simulator_config, customize).await
}

/// Starts the server on database `db` (created and migrated by the server if it does not
/// exist yet) against a simulator configured as given.
pub async fn spawn_app_on(
    db: TestDatabase,
    simulator_config: SimulatorConfig,
    customize: impl FnOnce(&mut Config),
) -> TestApp {
    init_logs();
    let simulator = simulator::start(simulator_config, "127.0.0.1:0".parse().expect("address"))
        .await
        .expect("start the Allegro simulator");
    let mut settings = test_settings(&db);
    settings.allegro =
        AllegroConfig::for_simulator(&simulator.base_url()).expect("simulator settings");
    // The simulator answers injected 429s with `Retry-After: 1`; tests need not wait a minute.
    settings.allegro.rate_limit_pause = std::time::Duration::from_secs(2);
    customize(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("build the application");
    let address = format!("http://127.0.0.1:{}", app.port());
    let setup_link = app.setup_link().map(str::to_owned);
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: new_client(),
        setup_link,
        db,
        simulator,
        state,
    }
}

fn init_logs() {
    if std::env::var("TEST_LOG").is_ok() {
        allegro_backup::telemetry::init(LogFormat::Pretty);
    }
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

impl TestApp {
    /// The token of the first-run setup link the server issued.
    pub fn setup_token(&self) -> String {
        let link = self
            .setup_link
            .as_deref()
            .expect("a setup link (no users yet)");
        link.split("token=")
            .nth(1)
            .expect("token in link")
            .to_owned()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.get_with(&self.client, path).await
    }

    pub async fn get_with(&self, client: &reqwest::Client, path: &str) -> Response {
        client.get(self.url(path)).send().await.expect("GET")
    }

    /// GET `path` as `client`'s htmx sends it (`HX-Request: true`).
    pub async fn htmx_get_with(&self, client: &reqwest::Client, path: &str) -> Response {
        client
            .get(self.url(path))
            .header("HX-Request", "true")
            .send()
            .await
            .expect("GET")
    }

    pub async fn get_html(&self, path: &str) -> (StatusCode, Html) {
        let response = self.get(path).await;
        let status = response.status();
        (
            status,
            Html::parse_document(&response.text().await.expect("body")),
        )
    }

    /// The CSRF token of the client's session (from the page's meta tag).
    pub async fn csrf_token_with(&self, client: &reqwest::Client, page: &str) -> String {
        let mut response = self.get_with(client, page).await;
        if response.status() == StatusCode::SEE_OTHER {
            // Signed-in users are sent away from /login; their account page has the token.
            response = self.get_with(client, "/account/password").await;
        }
        let html = Html::parse_document(&response.text().await.expect("body"));
        select_attr(&html, r#"meta[name="csrf-token"]"#, "content")
            .or_else(|| select_attr(&html, r#"input[name="csrf_token"]"#, "value"))
            .unwrap_or_else(|| panic!("no CSRF token on {page}"))
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.post_form_with(&self.client, path, fields).await
    }

    pub async fn post_form_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let token = self.csrf_token_with(client, "/login").await;
        let mut body: Vec<(&str, &str)> = fields.to_vec();
        body.push(("csrf_token", &token));
        client
            .post(self.url(path))
            .form(&body)
            .send()
            .await
            .expect("POST")
    }

    /// Posts without any CSRF token.
    pub async fn post_form_without_csrf(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.login_with(&self.client, email, password).await
    }

    pub async fn login_with(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> Response {
        self.post_form_with(
            client,
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// Creates a user straight in the database.
    pub async fn create_user(&self, email: &str, role: Role) -> i64 {
        self.create_user_with(email, role, false).await
    }

    pub async fn create_user_with(
        &self,
        email: &str,
        role: Role,
        must_change_password: bool,
    ) -> i64 {
        let hash = password::hash_async(SecretString::from(PASSWORD))
            .await
            .expect("hash");
        let email = Email::parse(email).expect("email");
        let name = DisplayName::from_email(&email);
        let mut conn = self.db.connect();
        UserRow::insert(
            &mut conn,
            &NewUser::new(&email, &name, role, &hash, must_change_password),
        )
        .expect("insert user")
        .id
    }

    /// A new client signed in as a new user of `role`.
    pub async fn signed_in_client(&self, email: &str, role: Role) -> reqwest::Client {
        self.create_user(email, role).await;
        let client = new_client();
        let response = self.login_with(&client, email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login of {email}");
        client
    }
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub fn select_attr(html: &Html, selector: &str, attr: &str) -> Option<String> {
    let selector = Selector::parse(selector).expect("selector");
    html.select(&selector)
        .next()
        .and_then(|e| e.value().attr(attr))
        .map(str::to_owned)
}

pub fn select_text(html: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).expect("selector");
    html.select(&selector)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

pub async fn html_of(response: Response) -> Html {
    Html::parse_document(&response.text().await.expect("body"))
}

/// Sends `request`; the body of its answer.
pub async fn text_of(request: reqwest::RequestBuilder) -> String {
    request
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body")
}

/// Waits until a server process at `base` answers `/health`.
pub async fn wait_until_up(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if client.get(format!("{base}/health")).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server at {base} did not start");
}

/// The CSRF token of `client`'s session on `page` of a server process at `base`.
pub async fn csrf_at(client: &reqwest::Client, base: &str, page: &str) -> String {
    let html = html_of(
        client
            .get(format!("{base}{page}"))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    select_attr(&html, r#"meta[name="csrf-token"]"#, "content")
        .or_else(|| select_attr(&html, r#"input[name="csrf_token"]"#, "value"))
        .unwrap_or_else(|| panic!("no CSRF token on {page}"))
}

/// Signs `client` in on a server process at `base`; returns the CSRF token the sign-in form
/// carried and the one of the signed-in session.
pub async fn sign_in_at(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> (String, String) {
    let form_token = csrf_at(client, base, "/login").await;
    let signed_in = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", &form_token),
        ])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let session_token = csrf_at(client, base, "/accounts").await;
    (form_token, session_token)
}

impl TestApp {
    /// Links the simulator's seller `seller` straight through the accounts service (the
    /// dashboard flow is tested elsewhere); returns the account id.
    pub async fn link_account(&self, seller: usize) -> i64 {
        use allegro_backup::{
            allegro::wait_for_device_authorization,
            db::models::account::{AccountRow, LinkedAccount},
        };
        let accounts = &self.state.accounts;
        let auth = accounts
            .client
            .start_device_flow()
            .await
            .expect("device flow");
        assert!(self.simulator.world().approve(&auth.user_code, seller));
        let world = self.simulator.world();
        let sleep = move |d: std::time::Duration| {
            world.advance(chrono::Duration::from_std(d).expect("duration"));
            std::future::ready(())
        };
        let tokens = wait_for_device_authorization(&accounts.client, &auth, sleep)
            .await
            .expect("approved");
        let info = self.simulator.world().sellers()[seller].clone();
        let sealed = accounts.seal(&info.id, &tokens);
        let mut conn = self.db.connect();
        let (row, _) = AccountRow::upsert_linked(
            &mut conn,
            &LinkedAccount {
                environment: "simulator",
                allegro_user_id: &info.id,
                login: &info.login,
                tokens: &sealed,
                connected_by: None,
            },
        )
        .expect("store the account");
        row.id
    }
}
