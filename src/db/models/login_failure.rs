use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::login_failures;

/// Failed sign-ins inside a time window, for one email or one client IP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailureStats {
    pub count: i64,
    pub latest: Option<DateTime<Utc>>,
}

pub struct LoginFailure;

impl LoginFailure {
    pub fn record(conn: &mut PgConnection, email: &str, ip: &str) -> QueryResult<()> {
        diesel::insert_into(login_failures::table)
            .values((login_failures::email.eq(email), login_failures::ip.eq(ip)))
            .execute(conn)
            .map(drop)
    }

    pub fn stats_for_email(
        conn: &mut PgConnection,
        email: &str,
        since: DateTime<Utc>,
    ) -> QueryResult<FailureStats> {
        login_failures::table
            .filter(login_failures::email.eq(email))
            .filter(login_failures::failed_at.gt(since))
            .select((
                diesel::dsl::count_star(),
                diesel::dsl::max(login_failures::failed_at),
            ))
            .first::<(i64, Option<DateTime<Utc>>)>(conn)
            .map(|(count, latest)| FailureStats { count, latest })
    }

    pub fn stats_for_ip(
        conn: &mut PgConnection,
        ip: &str,
        since: DateTime<Utc>,
    ) -> QueryResult<FailureStats> {
        login_failures::table
            .filter(login_failures::ip.eq(ip))
            .filter(login_failures::failed_at.gt(since))
            .select((
                diesel::dsl::count_star(),
                diesel::dsl::max(login_failures::failed_at),
            ))
            .first::<(i64, Option<DateTime<Utc>>)>(conn)
            .map(|(count, latest)| FailureStats { count, latest })
    }

    /// Forgets an email's failures after a successful sign-in.
    pub fn clear_email(conn: &mut PgConnection, email: &str) -> QueryResult<()> {
        diesel::delete(login_failures::table.filter(login_failures::email.eq(email)))
            .execute(conn)
            .map(drop)
    }

    pub fn delete_older_than(conn: &mut PgConnection, cutoff: DateTime<Utc>) -> QueryResult<usize> {
        diesel::delete(login_failures::table.filter(login_failures::failed_at.lt(cutoff)))
            .execute(conn)
    }
}
