//! Database access: the connection pool, embedded migrations and the helper that runs Diesel
//! calls on the blocking thread pool.

pub mod bench;
pub mod failure;
pub mod models;
pub mod request;
pub mod schema;
pub mod status;

use std::{sync::OnceLock, time::Duration};

use diesel::{
    pg::PgConnection,
    prelude::*,
    r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection},
    sql_query,
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use secrecy::{ExposeSecret, SecretString};

/// The migrations in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub type PgPool = Pool<ConnectionManager<PgConnection>>;
pub type PgPooled = PooledConnection<ConnectionManager<PgConnection>>;

/// Errors of the database layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database query failed")]
    Query(#[from] diesel::result::Error),
    #[error("no database connection available")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("could not connect to the database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("migrations failed: {0}")]
    Migration(String),
    #[error("invalid database URL: {0}")]
    Url(String),
    #[error("the blocking task was cancelled or panicked")]
    Blocking,
}

/// How long a caller waits for a pooled connection before giving up.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);

/// What `application_name` of this process's database sessions starts with.
pub const SESSION_NAME_PREFIX: &str = "allegro-backup/";

/// This process's name among the database's sessions: the `application_name` of every pooled
/// connection, unique per process start: `allegro-backup/<host>:<pid>:<random id>` (the host
/// tells replicas apart in containers, where every process is pid 1). A sync lease names its
/// holder by it, so a holder with no session left (a killed process) is known to be gone at
/// once, not only when its lease runs out; runs record it, so the history shows which replica
/// ran them.
pub fn session_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let id = uuid::Uuid::new_v4().simple().to_string();
        // PostgreSQL keeps 63 bytes of application_name: the prefix, 20 of the host, the pid
        // and 12 of the id fit.
        let host: String = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".to_owned())
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            .take(20)
            .collect();
        format!(
            "{SESSION_NAME_PREFIX}{host}:{}:{}",
            std::process::id(),
            &id[..12]
        )
    })
}

/// Names every new pooled connection after the process ([`session_name`]).
#[derive(Debug)]
struct NameSession;

impl CustomizeConnection<PgConnection, diesel::r2d2::Error> for NameSession {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        sql_query(format!(
            "SET application_name = {}",
            quote_literal(session_name())
        ))
        .execute(conn)
        .map(drop)
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Builds the pool without connecting yet, so the server can start while PostgreSQL is down
/// (then `/ready` says so). Connections broken by a database restart are replaced at
/// check-out.
pub fn build_pool(database_url: &SecretString, max_size: u32) -> Result<PgPool, DbError> {
    let manager = ConnectionManager::<PgConnection>::new(database_url.expose_secret());
    Ok(Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(CHECKOUT_TIMEOUT)
        .test_on_check_out(true)
        .connection_customizer(Box::new(NameSession))
        .build_unchecked(manager))
}

/// A small pool for one-shot commands: no idle connections are kept, so no background
/// thread is connecting when the process exits. Four: a sync's two listings side by side
/// each hold one while they store a page, and the lease keeper and the progress line must
/// not wait behind them.
pub fn build_cli_pool(database_url: &SecretString) -> Result<PgPool, DbError> {
    let manager = ConnectionManager::<PgConnection>::new(database_url.expose_secret());
    Ok(Pool::builder()
        .max_size(4)
        .min_idle(Some(0))
        .connection_timeout(CHECKOUT_TIMEOUT)
        .connection_customizer(Box::new(NameSession))
        .build_unchecked(manager))
}

/// Runs `f` with a pooled connection on the blocking thread pool, keeping the caller's span.
/// Inside a request ([`request::scoped`]) the request's connection is reused.
pub async fn run<T, E, F>(pool: &PgPool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    run_within(pool, CHECKOUT_TIMEOUT, f).await
}

/// [`run`], waiting at most `timeout` for a connection (a probe must answer before its own
/// timeout, also while the database is down).
pub async fn run_within<T, E, F>(pool: &PgPool, timeout: Duration, f: F) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    let pool = pool.clone();
    let span = tracing::Span::current();
    let slot = request::Slot::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        let kept = slot.as_ref().and_then(|s| s.take());
        let mut conn = match kept {
            Some(conn) => conn,
            None => {
                let conn = pool.get_timeout(timeout).map_err(DbError::from)?;
                if let Some(slot) = &slot {
                    slot.count_checkout();
                }
                conn
            }
        };
        let result = f(&mut conn);
        if let (Some(slot), true) = (&slot, result.is_ok()) {
            slot.keep(conn);
        }
        result
    })
    .await
    .map_err(|_| DbError::Blocking)?
}

/// Key of the advisory lock held while migrating, so replicas starting together take turns.
const MIGRATION_LOCK: i64 = 0x616c_6c65_6772_6f01;

/// Creates the database when missing and applies pending migrations, off the async workers.
/// Several processes may start at once: the first migrates, the others wait for its lock
/// and then find nothing pending.
pub async fn prepare(database_url: &SecretString) -> Result<(), DbError> {
    let url = database_url.clone();
    tokio::task::spawn_blocking(move || {
        if ensure_database_exists(&url)? {
            tracing::info!("created the database");
        }
        let mut conn = PgConnection::establish(url.expose_secret())?;
        sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).execute(&mut conn)?;
        let applied = run_migrations(&mut conn);
        sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).execute(&mut conn)?;
        let applied = applied?;
        if applied > 0 {
            tracing::info!(migrations = applied, "applied database migrations");
        }
        Ok(())
    })
    .await
    .map_err(|_| DbError::Blocking)?
}

/// Applies pending migrations; returns how many ran.
pub fn run_migrations(conn: &mut PgConnection) -> Result<usize, DbError> {
    conn.run_pending_migrations(MIGRATIONS)
        .map(|applied| applied.len())
        .map_err(|e| DbError::Migration(e.to_string()))
}

/// True when every embedded migration has been applied.
pub fn migrations_applied(conn: &mut PgConnection) -> Result<bool, DbError> {
    conn.has_pending_migration(MIGRATIONS)
        .map(|pending| !pending)
        .map_err(|e| DbError::Migration(e.to_string()))
}

/// Creates the database named in `database_url` when it does not exist yet, connecting to the
/// server's `postgres` maintenance database to do so.
pub fn ensure_database_exists(database_url: &SecretString) -> Result<bool, DbError> {
    if PgConnection::establish(database_url.expose_secret()).is_ok() {
        return Ok(false);
    }
    let (maintenance_url, name) = split_database_url(database_url.expose_secret())?;
    let mut conn = PgConnection::establish(&maintenance_url)?;
    let exists: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
        "EXISTS (SELECT 1 FROM pg_database WHERE datname = {})",
        quote_literal(&name)
    )))
    .get_result(&mut conn)?;
    if exists {
        // The database exists but refused us: report the original connection error.
        PgConnection::establish(database_url.expose_secret())?;
        return Ok(false);
    }
    match sql_query(format!("CREATE DATABASE {}", quote_ident(&name))).execute(&mut conn) {
        Ok(_) => Ok(true),
        // Another process starting at the same moment created it first.
        Err(_) if PgConnection::establish(database_url.expose_secret()).is_ok() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Splits a database URL into the URL of the same server's `postgres` database and the name.
pub fn split_database_url(database_url: &str) -> Result<(String, String), DbError> {
    let mut url = url::Url::parse(database_url).map_err(|e| DbError::Url(e.to_string()))?;
    let name = url.path().trim_start_matches('/').to_owned();
    if name.is_empty() {
        return Err(DbError::Url("the URL names no database".to_owned()));
    }
    url.set_path("/postgres");
    Ok((url.to_string(), name))
}

/// Quotes an SQL identifier (database names cannot be bound as parameters).
pub fn quote_ident(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_maintenance_url_keeps_host_and_credentials() -> Result<(), DbError> {
        let (url, name) =
            split_database_url("postgres://u:p@db:5433/allegro_backup?sslmode=require")?;
        assert_eq!(url, "postgres://u:p@db:5433/postgres?sslmode=require");
        assert_eq!(name, "allegro_backup");
        Ok(())
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
