//! The one row of `settings`: what an admin saved on the Settings page. A NULL column means
//! "the environment's default".

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use super::audit::{Actor, AuditAction, AuditEntry};
use crate::{
    db::schema::settings,
    domain::{
        UserId,
        settings::{DEFAULT_ZONE, HistoryStart, SyncSettings},
    },
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = settings, check_for_backend(diesel::pg::Pg))]
pub struct SettingsRow {
    pub sync_interval_minutes: Option<i32>,
    pub reconcile_window_days: Option<i32>,
    pub reconcile_hour: Option<i32>,
    pub history_months: Option<i32>,
    pub history_start: Option<NaiveDate>,
    pub run_retention_days: Option<i32>,
    pub stale_after_hours: Option<i32>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserId>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = settings, treat_none_as_null = true)]
struct SettingsChangeset {
    sync_interval_minutes: Option<i32>,
    reconcile_window_days: Option<i32>,
    reconcile_hour: Option<i32>,
    history_months: Option<i32>,
    history_start: Option<NaiveDate>,
    run_retention_days: Option<i32>,
    stale_after_hours: Option<i32>,
    updated_at: DateTime<Utc>,
    updated_by: Option<UserId>,
}

/// Settings values are small (bounded by `settings::Bounded`); saturate rather than fail.
fn int(value: u32) -> Option<i32> {
    Some(i32::try_from(value).unwrap_or(i32::MAX))
}

/// A stored value, when it is one a `u32` setting can hold.
fn stored(value: Option<i32>) -> Option<u32> {
    value.and_then(|v| u32::try_from(v).ok())
}

impl SettingsRow {
    /// The display time zone in force (a stored name that no longer parses falls back to
    /// the default).
    pub fn display_zone(conn: &mut PgConnection) -> QueryResult<Tz> {
        let stored: Option<Option<String>> = settings::table
            .select(settings::display_time_zone)
            .first(conn)
            .optional()?;
        Ok(stored
            .flatten()
            .and_then(|name| name.parse().ok())
            .unwrap_or(DEFAULT_ZONE))
    }

    /// Saves the display zone (`None`: back to the default), creating the row if needed.
    pub fn save_display_zone(
        conn: &mut PgConnection,
        zone: Option<Tz>,
        by_user: Option<UserId>,
    ) -> QueryResult<()> {
        let name = zone.map(|z| z.name().to_string());
        diesel::insert_into(settings::table)
            .values((
                settings::display_time_zone.eq(&name),
                settings::updated_at.eq(diesel::dsl::now),
                settings::updated_by.eq(by_user),
            ))
            .on_conflict(settings::id)
            .do_update()
            .set((
                settings::display_time_zone.eq(&name),
                settings::updated_at.eq(diesel::dsl::now),
                settings::updated_by.eq(by_user),
            ))
            .execute(conn)
            .map(drop)
    }

    pub fn find(conn: &mut PgConnection) -> QueryResult<Option<SettingsRow>> {
        settings::table
            .select(SettingsRow::as_select())
            .first(conn)
            .optional()
    }

    /// Stores every value of `values` (inserting the row the first time).
    pub fn save(
        conn: &mut PgConnection,
        values: &SyncSettings,
        by_user: Option<UserId>,
    ) -> QueryResult<()> {
        let (months, start) = match values.history {
            HistoryStart::MonthsBack(m) => (int(m), None),
            HistoryStart::Since(day) => (None, Some(day)),
        };
        let row = SettingsChangeset {
            sync_interval_minutes: int(values.sync_interval_minutes),
            reconcile_window_days: int(values.reconcile_window_days),
            reconcile_hour: int(values.reconcile_hour),
            history_months: months,
            history_start: start,
            run_retention_days: int(values.run_retention_days),
            stale_after_hours: int(values.stale_after_hours),
            updated_at: Utc::now(),
            updated_by: by_user,
        };
        diesel::insert_into(settings::table)
            .values(&row)
            .on_conflict(settings::id)
            .do_update()
            .set(&row)
            .execute(conn)
            .map(drop)
    }

    /// Saves every value of `values` and the display `zone` (`None`: the default) as set by
    /// `by_user`, and records the change, in one transaction: `describe` names what changed
    /// from the settings and the zone in force before (saved values over `defaults`).
    pub fn save_recorded(
        conn: &mut PgConnection,
        defaults: &SyncSettings,
        (values, zone): (&SyncSettings, Option<Tz>),
        by_user: Option<UserId>,
        actor: &Actor,
        describe: impl FnOnce(&SyncSettings, Tz) -> Map<String, Value>,
    ) -> QueryResult<()> {
        conn.transaction(|conn| {
            let old = Self::in_force(conn, defaults)?;
            let old_zone = Self::display_zone(conn)?;
            Self::save(conn, values, by_user)?;
            Self::save_display_zone(conn, zone, by_user)?;
            let changes = describe(&old, old_zone);
            AuditEntry::record(
                conn,
                actor,
                AuditAction::SettingsChanged,
                None,
                json!({ "changes": changes }),
            )
        })
    }

    /// The settings in force: the saved values, `defaults` for the rest.
    pub fn in_force(conn: &mut PgConnection, defaults: &SyncSettings) -> QueryResult<SyncSettings> {
        Ok(Self::find(conn)?.map_or_else(|| defaults.clone(), |row| row.apply_to(defaults)))
    }

    /// The saved values laid over `defaults`.
    pub fn apply_to(&self, defaults: &SyncSettings) -> SyncSettings {
        let history = match (stored(self.history_months), self.history_start) {
            (_, Some(day)) => HistoryStart::Since(day),
            (Some(months), None) => HistoryStart::MonthsBack(months),
            (None, None) => defaults.history,
        };
        SyncSettings {
            sync_interval_minutes: stored(self.sync_interval_minutes)
                .unwrap_or(defaults.sync_interval_minutes),
            reconcile_window_days: stored(self.reconcile_window_days)
                .unwrap_or(defaults.reconcile_window_days),
            reconcile_hour: stored(self.reconcile_hour).unwrap_or(defaults.reconcile_hour),
            history,
            run_retention_days: stored(self.run_retention_days)
                .unwrap_or(defaults.run_retention_days),
            stale_after_hours: stored(self.stale_after_hours).unwrap_or(defaults.stale_after_hours),
        }
    }
}
