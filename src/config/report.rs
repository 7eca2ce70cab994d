//! Where each configuration value came from, and the effective configuration as the System
//! page shows it: every variable of README's "Configuration" table with its value in force
//! (secrets masked) and its source.

use std::{collections::BTreeMap, fmt, path::PathBuf, time::Duration};

use secrecy::ExposeSecret;

use super::{Config, SecretKeySource};
use crate::domain::settings::HistoryStart;

/// Every variable the application reads, in the order of README's "Configuration" table.
pub const VARIABLES: [&str; 43] = [
    "DATABASE_URL",
    "BIND_ADDR",
    "PUBLIC_URL",
    "SECRET_KEY",
    "COOKIE_SECURE",
    "TRUST_FORWARDED_FOR",
    "SESSION_IDLE_MINUTES",
    "SESSION_ABSOLUTE_MINUTES",
    "DB_POOL_SIZE",
    "SYNC_ON_STARTUP",
    "SYNC_INTERVAL_MINUTES",
    "RECONCILE_WINDOW_DAYS",
    "RECONCILE_HOUR",
    "HISTORY_MONTHS",
    "HISTORY_START",
    "SYNC_RUN_RETENTION_DAYS",
    "SYNC_INTERVAL_SECONDS",
    "SYNC_LEASE_SECONDS",
    "SCHEDULER_TICK_SECONDS",
    "STALE_SYNC_ALERT_HOURS",
    "METRICS_TOKEN",
    "API_RATE_LIMIT_PER_MINUTE",
    "CHANGES_RETENTION_DAYS",
    "WEBHOOK_ALLOW_PRIVATE",
    "ALLEGRO_ENV",
    "ALLEGRO_CLIENT_ID",
    "ALLEGRO_CLIENT_SECRET",
    "ALLEGRO_AUTH_URL",
    "ALLEGRO_API_URL",
    "ALLEGRO_USER_AGENT",
    "ALLEGRO_CLIENT_REQUESTS_PER_MINUTE",
    "ALLEGRO_ACCOUNT_REQUESTS_PER_MINUTE",
    "ALLEGRO_ACCOUNT_CONCURRENCY",
    "ALLEGRO_TIMEOUT_SECS",
    "ALLEGRO_RATE_LIMIT_PAUSE_SECS",
    "ALLEGRO_REFRESH_WINDOW_MINUTES",
    "SIMULATOR_HOST",
    "SIMULATOR_PORT",
    "SIMULATOR_ORDERS",
    "SIMULATOR_SEED",
    "SIMULATOR_ACCESS_TOKEN_SECS",
    "LOG_FORMAT",
    "RUST_LOG",
];

/// What a secret shows instead of its value.
pub const HIDDEN: &str = "set (hidden)";
/// What a variable without a value (and without a default) shows.
pub const UNSET: &str = "unset";
/// `SCHEDULER_TICK_SECONDS` unset.
pub const TICK_DEFAULT: &str = "unset (once a minute, at second 15)";
/// `HISTORY_MONTHS` while `HISTORY_START` is set.
pub const HISTORY_NOT_USED: &str = "not used (HISTORY_START is set)";

/// The words [`config_report`] writes instead of a value, with the message that says them
/// in the reader's language.
pub const VALUE_WORDS: [(&str, &str); 4] = [
    (HIDDEN, "system-value-hidden"),
    (UNSET, "system-value-unset"),
    (TICK_DEFAULT, "system-value-tick-default"),
    (HISTORY_NOT_USED, "system-value-history-not-used"),
];

/// What replaces the password inside a database URL.
const MASK: &str = "***";

/// Where one variable's effective value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The process environment.
    Environment,
    /// The `.env` file (loaded into the environment without overriding what was already set).
    DotEnv,
    /// Unset (or blank): the built-in default applies.
    Default,
    /// `SECRET_KEY` unset: the key kept in (or just generated into) this file.
    KeyFile(PathBuf),
    /// The settings were built in code (tests), not read from the environment.
    Code,
}

impl ConfigSource {
    /// A short name for styling.
    pub fn key(&self) -> &'static str {
        match self {
            Self::Environment => "environment",
            Self::DotEnv => "dotenv",
            Self::Default => "default",
            Self::KeyFile(_) => "keyfile",
            Self::Code => "code",
        }
    }
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Environment => f.write_str("environment"),
            Self::DotEnv => f.write_str(".env file"),
            Self::Default => f.write_str("default"),
            Self::KeyFile(path) => write!(f, "key file {}", path.display()),
            Self::Code => f.write_str("set in code"),
        }
    }
}

/// The sources of every variable, recorded while the settings are read. `Default` of this
/// type stands for settings built in code: every variable reports [`ConfigSource::Code`].
#[derive(Debug, Clone, Default)]
pub struct ConfigSources {
    /// `None` when the settings were not read from the environment.
    read: Option<BTreeMap<&'static str, ConfigSource>>,
    /// `RUST_LOG` as read with the configuration (the logger reads it itself).
    rust_log: Option<String>,
}

impl ConfigSources {
    /// Sources of [`VARIABLES`]: `is_set` says whether a variable has a (non-blank) value,
    /// `from_file` whether that value was put there by the `.env` file.
    pub fn detect(is_set: impl Fn(&str) -> bool, from_file: impl Fn(&str) -> bool) -> Self {
        let read = VARIABLES
            .iter()
            .map(|&name| {
                let source = match (is_set(name), from_file(name)) {
                    (false, _) => ConfigSource::Default,
                    (true, true) => ConfigSource::DotEnv,
                    (true, false) => ConfigSource::Environment,
                };
                (name, source)
            })
            .collect();
        Self {
            read: Some(read),
            rust_log: None,
        }
    }

    /// Records where `SECRET_KEY` came from when it was not set.
    pub(crate) fn with_secret_key(mut self, key: &SecretKeySource) -> Self {
        let path = match key {
            SecretKeySource::Environment => return self,
            SecretKeySource::KeyFile(path) | SecretKeySource::Generated(path) => path,
        };
        if let Some(read) = self.read.as_mut() {
            read.insert("SECRET_KEY", ConfigSource::KeyFile(path.clone()));
        }
        self
    }

    /// Records the value of `RUST_LOG`.
    pub(crate) fn with_rust_log(mut self, value: Option<String>) -> Self {
        self.rust_log = value;
        self
    }

    /// Where `name`'s value came from.
    pub fn of(&self, name: &str) -> ConfigSource {
        match &self.read {
            None => ConfigSource::Code,
            Some(read) => read.get(name).cloned().unwrap_or(ConfigSource::Default),
        }
    }
}

/// One row of the effective configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEntry {
    pub name: &'static str,
    /// The value in force, secrets masked.
    pub value: String,
    pub source: ConfigSource,
}

/// Every variable of [`VARIABLES`] with its value in force (read from `settings`, so it shows
/// defaults and values derived from other variables too) and its source. Secrets show
/// [`HIDDEN`]; a database URL shows its password as `***`.
pub fn config_report(config: &Config) -> Vec<ConfigEntry> {
    let s = config;
    let (allegro, sim, sync) = (&s.allegro, &s.allegro.simulator, &s.sync);
    let unset = || UNSET.to_owned();
    let or_unset = |value: &str| {
        if value.is_empty() {
            unset()
        } else {
            value.to_owned()
        }
    };
    let values: [String; 43] = [
        mask_database_url(s.database_url.expose_secret()),
        s.bind_addr.to_string(),
        s.public_url.clone(),
        HIDDEN.to_owned(),
        s.cookie_secure.to_string(),
        s.trust_forwarded_for.to_string(),
        minutes(s.session.idle_timeout),
        minutes(s.session.absolute_timeout),
        s.db_pool_size.to_string(),
        s.sync_on_startup.to_string(),
        sync.sync_interval_minutes.to_string(),
        sync.reconcile_window_days.to_string(),
        sync.reconcile_hour.to_string(),
        match sync.history {
            HistoryStart::MonthsBack(months) => months.to_string(),
            HistoryStart::Since(_) => HISTORY_NOT_USED.to_owned(),
        },
        match sync.history {
            HistoryStart::MonthsBack(_) => unset(),
            HistoryStart::Since(day) => day.to_string(),
        },
        sync.run_retention_days.to_string(),
        s.scheduler.interval.map_or_else(unset, seconds),
        seconds(s.scheduler.lease),
        s.scheduler
            .tick
            .map_or_else(|| TICK_DEFAULT.to_owned(), seconds),
        sync.stale_after_hours.to_string(),
        s.metrics_token
            .as_ref()
            .map_or_else(unset, |_| HIDDEN.to_owned()),
        s.api_rate_limit_per_minute.to_string(),
        s.changes_retention_days.to_string(),
        s.webhooks.allow_private.to_string(),
        allegro.environment.to_string(),
        allegro.client_id.clone(),
        HIDDEN.to_owned(),
        or_unset(&allegro.auth_url),
        or_unset(&allegro.api_url),
        allegro.user_agent.clone(),
        allegro.client_requests_per_minute.to_string(),
        allegro.account_requests_per_minute.to_string(),
        allegro.account_concurrency.to_string(),
        allegro.request_timeout.as_secs().to_string(),
        allegro.rate_limit_pause.as_secs().to_string(),
        minutes(allegro.refresh_window),
        sim.host.to_string(),
        sim.port.to_string(),
        sim.orders.to_string(),
        sim.seed.to_string(),
        sim.access_token_lifetime.as_secs().to_string(),
        match s.log_format {
            super::LogFormat::Pretty => "pretty".to_owned(),
            super::LogFormat::Json => "json".to_owned(),
        },
        s.sources
            .rust_log
            .clone()
            .unwrap_or_else(|| super::DEFAULT_LOG_FILTER.to_owned()),
    ];
    VARIABLES
        .into_iter()
        .zip(values)
        .map(|(name, value)| ConfigEntry {
            name,
            value,
            source: s.sources.of(name),
        })
        .collect()
}

fn minutes(d: Duration) -> String {
    (d.as_secs() / 60).to_string()
}

fn seconds(d: Duration) -> String {
    d.as_secs().to_string()
}

/// `url` with its password (in the user part or a `password=` query parameter) replaced by
/// `***`; a URL that does not parse is hidden whole.
pub fn mask_database_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return HIDDEN.to_owned();
    };
    if parsed.password().is_some() && parsed.set_password(Some(MASK)).is_err() {
        return HIDDEN.to_owned();
    }
    if parsed.query_pairs().any(|(key, _)| key == "password") {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = if key == "password" {
                    MASK.to_owned()
                } else {
                    value.into_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SecretKey;
    use std::collections::{BTreeSet, HashMap};

    #[test]
    fn a_variable_comes_from_the_environment_the_dotenv_file_or_the_default() {
        let set = ["BIND_ADDR", "DB_POOL_SIZE"];
        let sources = ConfigSources::detect(|n| set.contains(&n), |n| n == "DB_POOL_SIZE");
        assert_eq!(sources.of("BIND_ADDR"), ConfigSource::Environment);
        assert_eq!(sources.of("DB_POOL_SIZE"), ConfigSource::DotEnv);
        assert_eq!(sources.of("LOG_FORMAT"), ConfigSource::Default);
        // A key the file holds but the environment already had is the environment's.
        let sources = ConfigSources::detect(|n| n == "BIND_ADDR", |n| n == "LOG_FORMAT");
        assert_eq!(sources.of("LOG_FORMAT"), ConfigSource::Default);
        assert_eq!(ConfigSources::default().of("BIND_ADDR"), ConfigSource::Code);
    }

    #[test]
    fn an_unset_secret_key_reports_its_key_file() {
        let path = PathBuf::from("data/secret.key");
        let sources = ConfigSources::detect(|_| false, |_| false)
            .with_secret_key(&SecretKeySource::Generated(path.clone()));
        assert_eq!(sources.of("SECRET_KEY"), ConfigSource::KeyFile(path));
    }

    #[test]
    fn a_database_url_shows_everything_but_its_password() {
        assert_eq!(
            mask_database_url("postgres://backup:s3cr%40t@db:5433/allegro?sslmode=require"),
            "postgres://backup:***@db:5433/allegro?sslmode=require"
        );
        assert_eq!(
            mask_database_url("postgres://db/allegro?user=u&password=s3cret"),
            "postgres://db/allegro?user=u&password=***"
        );
        assert_eq!(
            mask_database_url("postgres://localhost/allegro_backup"),
            "postgres://localhost/allegro_backup"
        );
        assert_eq!(mask_database_url("not a url"), HIDDEN);
    }

    #[test]
    fn the_report_lists_every_variable_with_secrets_masked() -> Result<(), super::super::ConfigError>
    {
        const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let vars: HashMap<&str, &str> = [
            ("DATABASE_URL", "postgres://u:hunter2hunter2@db/ab"),
            ("SECRET_KEY", KEY),
            ("ALLEGRO_CLIENT_SECRET", "client-secret-value"),
            ("METRICS_TOKEN", "metrics-token-value-123"),
            ("DB_POOL_SIZE", "7"),
        ]
        .into_iter()
        .collect();
        let dir = std::env::temp_dir().join(format!("ab-report-{}", rand::random::<u64>()));
        let (config, _) = Config::from_lookup_with(
            |k| vars.get(k).map(|v| (*v).to_owned()),
            |k| k == "DB_POOL_SIZE",
            &dir.join("secret.key"),
        )?;
        let report = config_report(&config);
        let names: Vec<&str> = report.iter().map(|e| e.name).collect();
        assert_eq!(names, VARIABLES);
        let shown = format!("{report:?}");
        for secret in [
            KEY,
            "hunter2hunter2",
            "client-secret-value",
            "metrics-token-value",
        ] {
            assert!(!shown.contains(secret), "{secret} shown");
        }
        let entry = |name: &str| report.iter().find(|e| e.name == name).cloned();
        let pool = entry("DB_POOL_SIZE");
        assert_eq!(pool.as_ref().map(|e| e.value.as_str()), Some("7"));
        assert_eq!(pool.map(|e| e.source), Some(ConfigSource::DotEnv));
        let url = entry("DATABASE_URL");
        assert_eq!(
            url.as_ref().map(|e| e.value.as_str()),
            Some("postgres://u:***@db/ab")
        );
        assert_eq!(url.map(|e| e.source), Some(ConfigSource::Environment));
        assert_eq!(
            entry("BIND_ADDR").map(|e| e.source),
            Some(ConfigSource::Default)
        );
        // Settings built in code report so, whatever their values.
        let mut built = config;
        built.sources = ConfigSources::default();
        built.secret_key = SecretKey::generate();
        assert!(
            config_report(&built)
                .iter()
                .all(|e| e.source == ConfigSource::Code)
        );
        Ok(())
    }

    #[test]
    fn the_variables_are_those_of_the_readme() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("## Configuration")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .unwrap_or_default();
        let documented: BTreeSet<&str> = section
            .lines()
            .filter(|l| l.starts_with("| `"))
            .filter_map(|l| l.split('|').nth(1))
            .flat_map(|cell| cell.split('`').skip(1).step_by(2))
            .collect();
        let known: BTreeSet<&str> = VARIABLES.into_iter().collect();
        assert_eq!(documented, known);
    }
}
