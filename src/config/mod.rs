//! Settings read once from the environment (and an optional `.env` file), validated up front
//! with messages that name the variable at fault.

mod allegro;
mod report;
mod scheduler;
mod sync;
mod webhooks;

pub use allegro::{
    AllegroConfig, AllegroEnvironment, DemoSimulatorConfig, SIMULATOR_CLIENT_ID,
    SIMULATOR_CLIENT_SECRET,
};
pub use report::{
    ConfigEntry, ConfigSource, ConfigSources, HIDDEN, VALUE_WORDS, VARIABLES, config_report,
    mask_database_url,
};
pub use scheduler::SchedulerConfig;
pub use webhooks::WebhookConfig;

use std::{
    collections::HashSet,
    fs,
    io::Write,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use base64::Engine;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};

/// The log filter when `RUST_LOG` is unset.
pub const DEFAULT_LOG_FILTER: &str =
    "info,actix_server=warn,actix_web=warn,tokio_cron_scheduler=warn";

/// Minimum length of `SECRET_KEY` once decoded.
pub const SECRET_KEY_MIN_BYTES: usize = 32;

/// Everything the application needs to start, as typed values.
#[derive(Debug)]
pub struct Config {
    pub database_url: SecretString,
    pub bind_addr: SocketAddr,
    /// Base URL people use to reach the dashboard; used for links printed in the log.
    pub public_url: String,
    pub secret_key: SecretKey,
    pub cookie_secure: bool,
    pub log_format: LogFormat,
    /// Use the `X-Forwarded-For` header for the client IP (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    pub session: SessionConfig,
    pub throttle: ThrottleConfig,
    /// Size of the database connection pool.
    pub db_pool_size: u32,
    pub allegro: AllegroConfig,
    /// Defaults of the settings admins change on the Settings page.
    pub sync: crate::domain::settings::SyncSettings,
    /// Sync every connected account once as soon as the server starts (`SYNC_ON_STARTUP`),
    /// instead of waiting for the schedule.
    pub sync_on_startup: bool,
    /// Bearer token that lets a scraper read `/metrics` without a session.
    pub metrics_token: Option<SecretString>,
    /// Requests per minute one API token may make (`API_RATE_LIMIT_PER_MINUTE`); more are
    /// answered 429 with `Retry-After`. Counted in the database (shared by every replica).
    pub api_rate_limit_per_minute: u32,
    /// Days the API's changes feed keeps each change (`CHANGES_RETENTION_DAYS`); a consumer
    /// whose cursor is older is told to list the orders again.
    pub changes_retention_days: u32,
    /// Scheduler tick, lease and interval timing (short values for tests of replicas).
    pub scheduler: SchedulerConfig,
    /// Webhooks: the SSRF guard's switch (`WEBHOOK_ALLOW_PRIVATE`) and the sending timing.
    pub webhooks: WebhookConfig,
    /// Where each variable's value came from (the System page); `ConfigSources::default()`
    /// for settings built in code.
    pub sources: ConfigSources,
}

/// Session lifetimes.
#[derive(Debug, Clone, Copy)]
pub struct SessionConfig {
    /// A session unused for this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after login, however busy.
    pub absolute_timeout: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(60 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
        }
    }
}

/// Sign-in throttling: after `free_failures` failures inside `window`, further attempts wait
/// an exponentially growing back-off (from `base_backoff`, capped at `max_backoff`).
#[derive(Debug, Clone, Copy)]
pub struct ThrottleConfig {
    pub window: Duration,
    pub free_failures_per_email: i64,
    pub free_failures_per_ip: i64,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(15 * 60),
            free_failures_per_email: 5,
            free_failures_per_ip: 20,
            base_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(15 * 60),
        }
    }
}

/// Output format of the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// The application's master secret (cookie signing; later the token-encryption key).
pub struct SecretKey(SecretBox<[u8]>);

impl SecretKey {
    /// Decodes a key written as hex or base64 and checks its length.
    pub fn parse(encoded: &str) -> Result<Self, String> {
        let encoded = encoded.trim();
        let bytes = hex::decode(encoded)
            .ok()
            .or_else(|| {
                base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .ok()
            })
            .or_else(|| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(encoded)
                    .ok()
            })
            .ok_or("must be hex or base64")?;
        if bytes.len() < SECRET_KEY_MIN_BYTES {
            return Err(format!(
                "must decode to at least {SECRET_KEY_MIN_BYTES} bytes (got {})",
                bytes.len()
            ));
        }
        Ok(Self(SecretBox::new(bytes.into_boxed_slice())))
    }

    /// A fresh random key of 64 bytes.
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; 64];
        rand::rng().fill_bytes(&mut bytes);
        Self(SecretBox::new(bytes.into_boxed_slice()))
    }

    pub fn expose(&self) -> &[u8] {
        self.0.expose_secret()
    }

    fn to_hex(&self) -> String {
        hex::encode(self.expose())
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey([REDACTED])")
    }
}

/// A configuration problem, naming the variable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{var} is invalid: {reason}")]
    Invalid { var: &'static str, reason: String },
    #[error("could not keep the generated SECRET_KEY in {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where a generated development key is kept.
pub const DEV_SECRET_KEY_PATH: &str = "data/secret.key";

/// Where `SECRET_KEY` came from, so start-up can say so in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretKeySource {
    Environment,
    KeyFile(PathBuf),
    Generated(PathBuf),
}

impl Config {
    /// Reads the settings from the process environment (after loading `.env` if present).
    pub fn from_env() -> Result<(Self, SecretKeySource), ConfigError> {
        // `.env` never overrides a variable already set, so a variable set only after loading
        // it came from the file.
        let before: HashSet<&str> = VARIABLES
            .into_iter()
            .filter(|name| std::env::var_os(name).is_some())
            .collect();
        let _ = dotenvy::dotenv();
        Self::from_lookup_with(
            |name| std::env::var(name).ok(),
            |name| !before.contains(name),
            Path::new(DEV_SECRET_KEY_PATH),
        )
    }

    /// Reads the settings through `lookup`; `key_file` is used when `SECRET_KEY` is unset.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
        key_file: &Path,
    ) -> Result<(Self, SecretKeySource), ConfigError> {
        Self::from_lookup_with(lookup, |_| false, key_file)
    }

    /// [`Config::from_lookup`], where `from_file` tells the variables whose value the `.env`
    /// file supplied.
    pub fn from_lookup_with(
        lookup: impl Fn(&str) -> Option<String>,
        from_file: impl Fn(&str) -> bool,
        key_file: &Path,
    ) -> Result<(Self, SecretKeySource), ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let database_url =
            get("DATABASE_URL").unwrap_or_else(|| "postgres://localhost/allegro_backup".to_owned());
        url::Url::parse(&database_url).map_err(|e| invalid("DATABASE_URL", e))?;
        let bind_addr: SocketAddr = get("BIND_ADDR")
            .unwrap_or_else(|| "127.0.0.1:8080".to_owned())
            .parse()
            .map_err(|e| invalid("BIND_ADDR", e))?;
        let public_url = match get("PUBLIC_URL") {
            Some(url) => {
                url::Url::parse(&url).map_err(|e| invalid("PUBLIC_URL", e))?;
                url.trim_end_matches('/').to_owned()
            }
            None => default_public_url(bind_addr),
        };
        let (secret_key, source) = match get("SECRET_KEY") {
            Some(value) => (
                SecretKey::parse(&value).map_err(|reason| ConfigError::Invalid {
                    var: "SECRET_KEY",
                    reason,
                })?,
                SecretKeySource::Environment,
            ),
            None => load_or_generate_key(key_file)?,
        };
        let session = SessionConfig {
            idle_timeout: minutes(&get, "SESSION_IDLE_MINUTES", 60)?,
            absolute_timeout: minutes(&get, "SESSION_ABSOLUTE_MINUTES", 12 * 60)?,
        };
        let config = Config {
            database_url: SecretString::from(database_url),
            bind_addr,
            public_url,
            secret_key,
            cookie_secure: boolean(&get, "COOKIE_SECURE", false)?,
            log_format: log_format(get("LOG_FORMAT"))?,
            trust_forwarded_for: boolean(&get, "TRUST_FORWARDED_FOR", false)?,
            session,
            throttle: ThrottleConfig::default(),
            db_pool_size: number(&get, "DB_POOL_SIZE", 10)?,
            allegro: AllegroConfig::from_lookup(&get)?,
            sync: sync::sync_defaults(&get)?,
            sync_on_startup: boolean(&get, "SYNC_ON_STARTUP", false)?,
            metrics_token: sync::metrics_token(&get)?,
            api_rate_limit_per_minute: number(&get, "API_RATE_LIMIT_PER_MINUTE", 600)?,
            changes_retention_days: number(&get, "CHANGES_RETENTION_DAYS", 90)?,
            scheduler: scheduler::scheduler_settings(&get)?,
            webhooks: WebhookConfig {
                allow_private: boolean(&get, "WEBHOOK_ALLOW_PRIVATE", false)?,
                ..WebhookConfig::default()
            },
            sources: ConfigSources::detect(|name| get(name).is_some(), from_file)
                .with_secret_key(&source)
                .with_rust_log(get("RUST_LOG")),
        };
        Ok((config, source))
    }
}

pub(crate) fn invalid(var: &'static str, reason: impl ToString) -> ConfigError {
    ConfigError::Invalid {
        var,
        reason: reason.to_string(),
    }
}

fn default_public_url(bind_addr: SocketAddr) -> String {
    let host = if bind_addr.ip().is_unspecified() {
        "localhost".to_owned()
    } else {
        bind_addr.ip().to_string()
    };
    format!("http://{host}:{}", bind_addr.port())
}

fn boolean(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(var).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if matches!(v.as_str(), "1" | "true" | "yes" | "on") => Ok(true),
        Some(v) if matches!(v.as_str(), "0" | "false" | "no" | "off") => Ok(false),
        Some(v) => Err(invalid(var, format!("expected true or false, got {v:?}"))),
    }
}

pub(crate) fn number(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: u32,
) -> Result<u32, ConfigError> {
    match get(var) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<u32>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(invalid(
                var,
                format!("expected a positive number, got {v:?}"),
            )),
        },
    }
}

fn minutes(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: u32,
) -> Result<Duration, ConfigError> {
    number(get, var, default).map(|m| Duration::from_secs(u64::from(m) * 60))
}

fn log_format(value: Option<String>) -> Result<LogFormat, ConfigError> {
    match value.as_deref().map(str::trim) {
        None | Some("pretty") => Ok(LogFormat::Pretty),
        Some("json") => Ok(LogFormat::Json),
        Some(other) => Err(invalid(
            "LOG_FORMAT",
            format!("expected pretty or json, got {other:?}"),
        )),
    }
}

fn load_or_generate_key(path: &Path) -> Result<(SecretKey, SecretKeySource), ConfigError> {
    let key_file_error = |source| ConfigError::KeyFile {
        path: path.to_owned(),
        source,
    };
    if path.exists() {
        let contents = fs::read_to_string(path).map_err(key_file_error)?;
        let key = SecretKey::parse(&contents).map_err(|reason| ConfigError::Invalid {
            var: "SECRET_KEY",
            reason: format!("the key in {} {reason}", path.display()),
        })?;
        return Ok((key, SecretKeySource::KeyFile(path.to_owned())));
    }
    let key = SecretKey::generate();
    write_private_file(path, &key.to_hex()).map_err(key_file_error)?;
    Ok((key, SecretKeySource::Generated(path.to_owned())))
}

/// Creates `path` (and its directory) readable by the owner only.
fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())?;
    file.write_all(b"\n")
}

#[cfg(test)]
mod tests;
