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

/// `at` as the pages show it: minutes in the display zone (`2026-11-23 14:05`).
pub fn local_time(at: chrono::DateTime<chrono::Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

/// The day `at` falls on in the display zone.
pub fn local_day(at: chrono::DateTime<chrono::Utc>, zone: Tz) -> chrono::NaiveDate {
    at.with_timezone(&zone).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn late_evening_utc_is_the_next_day_in_warsaw() {
        let at = chrono::Utc.with_ymd_and_hms(2026, 7, 1, 22, 30, 0).unwrap();
        assert_eq!(local_time(at, DEFAULT_ZONE), "2026-07-02 00:30");
        assert_eq!(local_day(at, DEFAULT_ZONE).to_string(), "2026-07-02");
    }

    #[test]
    fn zone_names_are_validated() {
        assert_eq!(parse_zone(" Europe/Warsaw ").unwrap(), DEFAULT_ZONE);
        assert!(parse_zone("Mars/Olympus").is_err());
    }
}
