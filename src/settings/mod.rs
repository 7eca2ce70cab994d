//! Settings admins change at run time (the Settings page). The values are typed and validated
//! in `domain::settings`; the environment gives the defaults (`config`); the `settings` table
//! holds what an admin saved. Code that needs a value calls [`current`] at each use, so a change
//! applies without a restart.

pub mod form;

pub use crate::domain::settings::{
    Bounded, DEFAULT_ZONE, HISTORY_MONTHS, HistoryStart, RECONCILE_HOUR, RECONCILE_WINDOW,
    RUN_RETENTION, STALE_AFTER, SYNC_INTERVAL, SyncSettings, local_day, local_time,
    parse_history_start, parse_zone,
};

use chrono_tz::Tz;

use crate::db::{self, DbError, PgPool, models::settings::SettingsRow};

/// The settings in force: what an admin saved, the environment's `defaults` for the rest.
pub async fn current(pool: &PgPool, defaults: &SyncSettings) -> Result<SyncSettings, DbError> {
    let defaults = defaults.clone();
    db::run(pool, move |conn| {
        SettingsRow::in_force(conn, &defaults).map_err(DbError::from)
    })
    .await
}

/// The display time zone in force: pages show times in it and date filters mean its days.
pub async fn display_zone(pool: &PgPool) -> Result<Tz, DbError> {
    db::run(pool, |conn| {
        SettingsRow::display_zone(conn).map_err(DbError::from)
    })
    .await
}
