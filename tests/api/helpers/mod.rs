//! `spawn_app()`: the real server on a random port with its own fresh database (see
//! [`database`]), and one helper per thing a test does with it. Rows written straight into the
//! database are in [`seed`], the binary as a process of its own in [`process`], syncs and their
//! ground truth in [`backup`].

pub mod backup;
pub mod database;
pub mod process;
pub mod seed;
pub mod truth;
pub mod versioned;

use std::sync::Arc;

use allegro_backup::{
    config::{
        AllegroConfig, Config, ConfigSources, LogFormat, SchedulerConfig, SecretKey, SessionConfig,
        ThrottleConfig, WebhookConfig,
    },
    domain::{AccountId, Role, UserId},
    settings::SyncSettings,
    simulator::{self, SimulatorConfig, SimulatorHandle},
    startup::Application,
    state::AppState,
};
use reqwest::{Response, StatusCode, cookie::Jar, header};
use scraper::{Html, Selector};
use secrecy::SecretString;

pub use database::TestDatabase;

/// How a form carries the session's CSRF token: as a field, or in htmx's header.
#[derive(Clone, Copy)]
enum Via {
    Form,
    Htmx,
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
        api_rate_limit_per_minute: 600,
        changes_retention_days: 90,
        // The tests' webhook receivers listen on 127.0.0.1; retries come quickly.
        webhooks: WebhookConfig {
            allow_private: true,
            poll_interval: std::time::Duration::from_millis(50),
            retry_base: std::time::Duration::from_millis(100),
            retry_max: std::time::Duration::from_millis(400),
            ..WebhookConfig::default()
        },
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
    // The client's budgets as `bench` sets them: the simulator's, less a ninth (Allegro's
    // 9,000 a minute against the default 8,000), for the client id and for each account alike,
    // so that a test does not wait out production pacing.
    let budget = (simulator_config.requests_per_minute / 9 * 8).max(1);
    let simulator = simulator::start(simulator_config, "127.0.0.1:0".parse().expect("address"))
        .await
        .expect("start the Allegro simulator");
    let mut settings = test_settings(&db);
    settings.allegro =
        AllegroConfig::for_simulator(&simulator.base_url()).expect("simulator settings");
    // The simulator answers injected 429s with `Retry-After: 1`; tests need not wait a minute.
    settings.allegro.rate_limit_pause = std::time::Duration::from_secs(2);
    settings.allegro.client_requests_per_minute = budget;
    settings.allegro.account_requests_per_minute = budget;
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

/// [`new_client`] with its cookie jar, for a test that reads the cookies.
pub fn new_client_with_jar() -> (reqwest::Client, Arc<Jar>) {
    let jar = Arc::new(Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    (client, jar)
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
        self.get_html_with(&self.client, path).await
    }

    /// GET `path` as `client`: the status and the page.
    pub async fn get_html_with(&self, client: &reqwest::Client, path: &str) -> (StatusCode, Html) {
        let response = self.get_with(client, path).await;
        let status = response.status();
        (
            status,
            Html::parse_document(&response.text().await.expect("body")),
        )
    }

    /// GET `path` as `client` whose browser asks for the languages `accept`
    /// (`Accept-Language`): the status and the page.
    pub async fn get_html_in(
        &self,
        client: &reqwest::Client,
        path: &str,
        accept: &str,
    ) -> (StatusCode, Html) {
        let response = client
            .get(self.url(path))
            .header("Accept-Language", accept)
            .send()
            .await
            .expect("GET");
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
        csrf_token_of(&html_of(response).await, page)
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
        self.post_with_token(client, path, fields, Via::Form).await
    }

    /// `POST /account/password` as `client`: the current password, the new one, its confirmation.
    pub async fn change_password_with(
        &self,
        client: &reqwest::Client,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Response {
        let fields = [
            ("current_password", current),
            ("new_password", new),
            ("new_password_confirm", confirm),
        ];
        self.post_form_with(client, "/account/password", &fields)
            .await
    }

    /// Posts `fields` as `client`'s htmx does: `HX-Request`, and the session's CSRF token in the
    /// `X-CSRF-Token` header (no body when there are no fields).
    pub async fn htmx_post_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        self.post_with_token(client, path, fields, Via::Htmx).await
    }

    async fn post_with_token(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
        via: Via,
    ) -> Response {
        let token = self.csrf_token_with(client, "/login").await;
        let request = client.post(self.url(path));
        let request = match via {
            Via::Form => {
                let mut body: Vec<(&str, &str)> = fields.to_vec();
                body.push(("csrf_token", &token));
                request.form(&body)
            }
            Via::Htmx => {
                let request = request
                    .header("HX-Request", "true")
                    .header("X-CSRF-Token", &token);
                if fields.is_empty() {
                    request
                } else {
                    request.form(fields)
                }
            }
        };
        request.send().await.expect("POST")
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
    pub async fn create_user(&self, email: &str, role: Role) -> UserId {
        self.create_user_with(email, role, false).await
    }

    pub async fn create_user_with(
        &self,
        email: &str,
        role: Role,
        must_change_password: bool,
    ) -> UserId {
        seed::insert_user(&mut self.db.connect(), email, role, must_change_password).await
    }

    /// Creates a user of `role` and signs the app's own client in as them; returns the id.
    pub async fn sign_in(&self, email: &str, role: Role) -> UserId {
        let id = self.create_user(email, role).await;
        self.login(email, PASSWORD).await;
        id
    }

    /// The status a sign-in as `email` with `password` gets, from a new client.
    pub async fn login_status(&self, email: &str, password: &str) -> StatusCode {
        self.login_with(&new_client(), email, password)
            .await
            .status()
    }

    /// Clients signed in as a new operator (op@example.com) and a new viewer
    /// (viewer@example.com), with their roles: the users an admin-only page refuses.
    pub async fn non_admin_clients(&self) -> Vec<(Role, reqwest::Client)> {
        let mut clients = vec![];
        for (email, role) in [
            ("op@example.com", Role::Operator),
            ("viewer@example.com", Role::Viewer),
        ] {
            clients.push((role, self.signed_in_client(email, role).await));
        }
        clients
    }

    /// A new client signed in as a new user of `role`.
    pub async fn signed_in_client(&self, email: &str, role: Role) -> reqwest::Client {
        self.create_user(email, role).await;
        let client = new_client();
        let response = self.login_with(&client, email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "login of {email}");
        client
    }

    /// `path` as a new viewer (`viewer@example.com`) sees it.
    pub async fn html_as_viewer(&self, path: &str) -> Html {
        let viewer = self
            .signed_in_client("viewer@example.com", Role::Viewer)
            .await;
        html_of(self.get_with(&viewer, path).await).await
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

/// Asserts that `response` refused its request as bad (400) and says `says`.
pub async fn assert_bad_request(response: Response, says: &str) {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = response.text().await.expect("body");
    assert!(body.contains(says), "{says:?} not in {body}");
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

/// The CSRF token `page` carries: its meta tag, else its form's hidden field.
pub(super) fn csrf_token_of(html: &Html, page: &str) -> String {
    select_attr(html, r#"meta[name="csrf-token"]"#, "content")
        .or_else(|| select_attr(html, r#"input[name="csrf_token"]"#, "value"))
        .unwrap_or_else(|| panic!("no CSRF token on {page}"))
}

impl TestApp {
    /// Links the simulator's seller `seller` straight through the accounts service (the
    /// dashboard flow is tested elsewhere); returns the account id.
    pub async fn link_account(&self, seller: usize) -> AccountId {
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
