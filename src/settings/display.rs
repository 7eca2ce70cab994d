//! The display time zone: pages show times in it and date filters mean its days. Saved in the
//! `settings` row (NULL: [`DEFAULT_ZONE`]).

use chrono_tz::Tz;
use diesel::prelude::*;

use crate::db::{self, DbError, PgPool, schema::settings};

/// Allegro's home zone, where sellers count their days.
pub const DEFAULT_ZONE: Tz = chrono_tz::Europe::Warsaw;

/// An IANA zone name as typed on the Settings page.
pub fn parse_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!(
            "“{}” is not a time zone name such as Europe/Warsaw",
            name.trim()
        )
    })
}

/// The zone in force (a stored name that no longer parses falls back to the default).
pub fn display_zone_in(conn: &mut PgConnection) -> QueryResult<Tz> {
    let stored: Option<Option<String>> = settings::table
        .select(settings::display_time_zone)
        .first(conn)
        .optional()?;
    Ok(stored
        .flatten()
        .and_then(|name| name.parse().ok())
        .unwrap_or(DEFAULT_ZONE))
}

/// [`display_zone_in`] off the async threads.
pub async fn display_zone(pool: &PgPool) -> Result<Tz, DbError> {
    db::run(pool, |conn| display_zone_in(conn).map_err(DbError::from)).await
}

/// Saves the zone (`None`: back to the default), creating the settings row if needed.
pub fn save_display_zone(
    conn: &mut PgConnection,
    zone: Option<Tz>,
    by_user: Option<i64>,
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
