//! The System page (admins): version, migrations, this replica, its connection pool, its
//! scheduled jobs and the effective configuration with each value's source, secrets masked.

use actix_web::{HttpResponse, web};

use super::prelude::*;
use crate::{
    auth::Admin,
    config::{ConfigEntry, VALUE_WORDS, config_report},
    db::{
        self, DbError,
        models::scheduled_job::ScheduledJob,
        status::{MigrationStatus, migration_status},
    },
    metrics::JobStatus,
    web::{filters, ok},
};

/// The connection pool of this process.
pub struct PoolView {
    pub connections: u32,
    pub idle: u32,
    pub in_use: u32,
    /// `DB_POOL_SIZE`.
    pub max_size: u32,
}

/// A configuration value as shown: the report's words for "hidden" or "unset" in the reader's
/// language, any other value as it is.
fn shown_value(value: String, loc: &Locale) -> String {
    VALUE_WORDS
        .iter()
        .find(|(words, _)| *words == value)
        .map_or(value, |(_, key)| loc.t(key))
}

/// A job of this process's scheduler and its last run here.
pub struct JobView {
    pub name: &'static str,
    pub schedule: String,
    pub last_run: Option<chrono::DateTime<chrono::Utc>>,
    pub duration_ms: Option<u128>,
    pub outcome: Option<&'static str>,
}

impl From<JobStatus> for JobView {
    fn from(job: JobStatus) -> Self {
        Self {
            name: job.name,
            schedule: job.schedule,
            last_run: job.last.map(|r| r.started_at),
            duration_ms: job.last.map(|r| r.duration.as_millis()),
            outcome: job.last.map(|r| r.outcome.label()),
        }
    }
}

/// A once-a-day job shared by every replica: the latest day claimed and by whom.
pub struct DailyJobView {
    pub name: String,
    pub last_day: chrono::NaiveDate,
    pub claimed_by: String,
    pub claimed_at: chrono::DateTime<chrono::Utc>,
    pub by_this_replica: bool,
}

#[derive(Template)]
#[template(path = "system/index.html")]
pub struct SystemPage {
    pub page: PageContext,
    pub version: &'static str,
    pub migrations: MigrationStatus,
    /// This process's name among the database's sessions (and as lease holder).
    pub replica: &'static str,
    pub pool: PoolView,
    pub jobs: Vec<JobView>,
    pub daily_jobs: Vec<DailyJobView>,
    pub config: Vec<ConfigEntry>,
}

impl SystemPage {
    fn new(
        page: Page,
        state: &AppState,
        migrations: MigrationStatus,
        daily: Vec<ScheduledJob>,
    ) -> Self {
        let replica = db::session_name();
        let pool = state.pool.state();
        let loc = page.loc();
        Self {
            page: page.at(Nav::System),
            version: env!("CARGO_PKG_VERSION"),
            migrations,
            replica,
            pool: PoolView {
                connections: pool.connections,
                idle: pool.idle_connections,
                in_use: pool.connections.saturating_sub(pool.idle_connections),
                max_size: state.pool.max_size(),
            },
            jobs: state
                .jobs
                .snapshot()
                .into_iter()
                .map(JobView::from)
                .collect(),
            daily_jobs: daily
                .into_iter()
                .map(|job| {
                    // Claimed as `<process name>#<run>` (a lease owner name).
                    let process = job.claimed_by.split('#').next().unwrap_or_default();
                    DailyJobView {
                        by_this_replica: process == replica,
                        claimed_by: process.to_owned(),
                        name: job.name,
                        last_day: job.last_day,
                        claimed_at: job.claimed_at,
                    }
                })
                .collect(),
            config: config_report(&state.config)
                .into_iter()
                .map(|entry| ConfigEntry {
                    value: shown_value(entry.value, &loc),
                    ..entry
                })
                .collect(),
        }
    }
}

/// `GET /system`
pub async fn system_index(
    _admin: RequireRole<Admin>,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (migrations, daily) = db::run(&state.pool, |conn| {
        Ok::<_, DbError>((migration_status(conn)?, ScheduledJob::all(conn)?))
    })
    .await?;
    ok(&SystemPage::new(page, &state, migrations, daily))
}
