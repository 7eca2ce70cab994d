//! Allegro connection settings: which environment, where its two hosts are, the app's
//! credentials and the client's limits.

use std::{fmt, time::Duration};

use secrecy::SecretString;

use super::{ConfigError, invalid, number};

/// Which Allegro the dashboard talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllegroEnvironment {
    Production,
    Sandbox,
    /// The built-in simulator, started in the same process.
    Simulator,
}

impl AllegroEnvironment {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Sandbox => "sandbox",
            Self::Simulator => "simulator",
        }
    }

    /// Default (auth, api) base URLs; `None` for the simulator, whose port is known only once
    /// it runs.
    fn default_urls(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::Production => Some(("https://allegro.pl", "https://api.allegro.pl")),
            Self::Sandbox => Some((
                "https://allegro.pl.allegrosandbox.pl",
                "https://api.allegro.pl.allegrosandbox.pl",
            )),
            Self::Simulator => None,
        }
    }
}

impl fmt::Display for AllegroEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Client id and secret the built-in simulator accepts in the demo.
pub const SIMULATOR_CLIENT_ID: &str = "allegro-backup-demo";
pub const SIMULATOR_CLIENT_SECRET: &str = "allegro-backup-demo-secret";

/// How to reach Allegro and how hard to use it.
#[derive(Debug, Clone)]
pub struct AllegroConfig {
    pub environment: AllegroEnvironment,
    /// OAuth host (`/auth/oauth/device`, `/auth/oauth/token`), no trailing slash. Empty for the
    /// in-process simulator until it has started (see `with_simulator_url`).
    pub auth_url: String,
    /// REST API host, no trailing slash.
    pub api_url: String,
    pub client_id: String,
    pub client_secret: SecretString,
    /// `<AppName>/<version> (+<info url>)`, as Allegro requires on API calls.
    pub user_agent: String,
    /// Requests per minute for the whole client id, shared by all accounts (Allegro: 9000).
    pub client_requests_per_minute: u32,
    /// Requests per minute for one account.
    pub account_requests_per_minute: u32,
    /// Requests in flight at once for one account.
    pub account_concurrency: u32,
    /// Timeout of every HTTP request.
    pub request_timeout: Duration,
    /// Shortest pause of the whole client id after a 429 (Allegro blocks for about a minute).
    pub rate_limit_pause: Duration,
    /// The scheduled job refreshes access tokens that expire within this window.
    pub refresh_window: Duration,
    /// The in-process simulator (used when `environment` is `Simulator`).
    pub simulator: DemoSimulatorConfig,
}

/// The built-in simulator of the demo.
#[derive(Debug, Clone)]
pub struct DemoSimulatorConfig {
    /// Address its HTTP server binds (`0.0.0.0` in a container so the browser reaches the
    /// approval page through a published port).
    pub host: std::net::IpAddr,
    /// Port of its HTTP server.
    pub port: u16,
    /// Orders per simulated seller account.
    pub orders: u32,
    /// Seed of the generated data.
    pub seed: u64,
    /// Lifetime of the access tokens it issues (Allegro: 12 h); short ones try token refresh.
    pub access_token_lifetime: Duration,
}

/// `ALLEGRO_ENV`; left out, production with a client id and the simulator without one.
fn environment(
    get: &impl Fn(&str) -> Option<String>,
    has_client_id: bool,
) -> Result<AllegroEnvironment, ConfigError> {
    Ok(match get("ALLEGRO_ENV").as_deref().map(str::trim) {
        None if !has_client_id => AllegroEnvironment::Simulator,
        None | Some("production") => AllegroEnvironment::Production,
        Some("sandbox") => AllegroEnvironment::Sandbox,
        Some("simulator") => AllegroEnvironment::Simulator,
        Some(other) => {
            return Err(invalid(
                "ALLEGRO_ENV",
                format!("expected production, sandbox or simulator, got {other:?}"),
            ));
        }
    })
}

/// The client id and secret: required for Allegro, the simulator's own when left out.
fn credentials(
    get: &impl Fn(&str) -> Option<String>,
    environment: AllegroEnvironment,
    client_id: Option<String>,
) -> Result<(String, String), ConfigError> {
    match (environment, client_id) {
        (AllegroEnvironment::Simulator, id) => Ok((
            id.unwrap_or_else(|| SIMULATOR_CLIENT_ID.to_owned()),
            get("ALLEGRO_CLIENT_SECRET").unwrap_or_else(|| SIMULATOR_CLIENT_SECRET.to_owned()),
        )),
        (_, None) => Err(invalid(
            "ALLEGRO_CLIENT_ID",
            "is required for the production and sandbox environments",
        )),
        (_, Some(id)) => {
            let secret = get("ALLEGRO_CLIENT_SECRET").ok_or_else(|| {
                invalid(
                    "ALLEGRO_CLIENT_SECRET",
                    "is required with ALLEGRO_CLIENT_ID",
                )
            })?;
            Ok((id, secret))
        }
    }
}

/// Variable `name` as a whole number of seconds, `default` when it is not set.
fn seconds(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u32,
) -> Result<Duration, ConfigError> {
    Ok(Duration::from_secs(u64::from(number(get, name, default)?)))
}

impl DemoSimulatorConfig {
    /// Reads the `SIMULATOR_*` variables.
    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            host: match get("SIMULATOR_HOST") {
                Some(h) => h.trim().parse().map_err(|e| invalid("SIMULATOR_HOST", e))?,
                None => std::net::IpAddr::from([127, 0, 0, 1]),
            },
            port: u16::try_from(number(get, "SIMULATOR_PORT", 8081)?)
                .map_err(|_| invalid("SIMULATOR_PORT", "must be a port number"))?,
            orders: number(get, "SIMULATOR_ORDERS", 3000)?,
            seed: u64::from(number(get, "SIMULATOR_SEED", 42)?),
            access_token_lifetime: seconds(get, "SIMULATOR_ACCESS_TOKEN_SECS", 43_199)?,
        })
    }
}

impl AllegroConfig {
    /// Reads the `ALLEGRO_*` and `SIMULATOR_*` variables.
    pub fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let client_id = get("ALLEGRO_CLIENT_ID");
        let environment = environment(get, client_id.is_some())?;
        let defaults = environment.default_urls();
        let auth_url = url_or(get, "ALLEGRO_AUTH_URL", defaults.map(|d| d.0))?;
        let api_url = url_or(get, "ALLEGRO_API_URL", defaults.map(|d| d.1))?;
        let (client_id, client_secret) = credentials(get, environment, client_id)?;
        let user_agent = get("ALLEGRO_USER_AGENT").unwrap_or_else(|| {
            format!(
                "allegro-backup/{} (+https://github.com/allegro-backup/allegro-backup)",
                env!("CARGO_PKG_VERSION")
            )
        });
        Ok(Self {
            environment,
            auth_url,
            api_url,
            client_id,
            client_secret: SecretString::from(client_secret),
            user_agent,
            client_requests_per_minute: number(get, "ALLEGRO_CLIENT_REQUESTS_PER_MINUTE", 8000)?,
            account_requests_per_minute: number(get, "ALLEGRO_ACCOUNT_REQUESTS_PER_MINUTE", 3000)?,
            account_concurrency: number(get, "ALLEGRO_ACCOUNT_CONCURRENCY", 4)?,
            request_timeout: seconds(get, "ALLEGRO_TIMEOUT_SECS", 30)?,
            rate_limit_pause: seconds(get, "ALLEGRO_RATE_LIMIT_PAUSE_SECS", 60)?,
            refresh_window: Duration::from_secs(
                60 * u64::from(number(get, "ALLEGRO_REFRESH_WINDOW_MINUTES", 60)?),
            ),
            simulator: DemoSimulatorConfig::from_lookup(get)?,
        })
    }

    /// Points both hosts at a running simulator.
    pub fn with_simulator_url(mut self, base_url: &str) -> Self {
        let base = base_url.trim_end_matches('/');
        if self.auth_url.is_empty() {
            self.auth_url = base.to_owned();
        }
        if self.api_url.is_empty() {
            self.api_url = base.to_owned();
        }
        self
    }

    /// Default settings for a client of a simulator at `base_url` (tests, the CLI).
    pub fn for_simulator(base_url: &str) -> Result<Self, ConfigError> {
        Ok(Self::from_lookup(&|_: &str| None)?.with_simulator_url(base_url))
    }
}

fn url_or(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: Option<&str>,
) -> Result<String, ConfigError> {
    match get(var) {
        Some(url) => {
            url::Url::parse(&url).map_err(|e| invalid(var, e))?;
            Ok(url.trim_end_matches('/').to_owned())
        }
        None => Ok(default.unwrap_or_default().to_owned()),
    }
}
