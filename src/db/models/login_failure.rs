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

/// A filter on `login_failures` (by email or by IP).
type Key<'a> = Box<
    dyn diesel::BoxableExpression<
            login_failures::table,
            diesel::pg::Pg,
            SqlType = diesel::sql_types::Bool,
        > + 'a,
>;

impl LoginFailure {
    /// Runs `f` in a transaction holding the advisory locks of this email and of this IP, so
    /// that parallel sign-in attempts for either are checked and recorded one at a time.
    pub fn under_attempt_locks<T>(
        conn: &mut PgConnection,
        email: &str,
        ip: &str,
        f: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
    ) -> QueryResult<T> {
        use diesel::sql_types::Text;
        conn.transaction(|conn| {
            // Always email first, then IP: a fixed order cannot deadlock.
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('login-email:' || $1))")
                .bind::<Text, _>(email)
                .execute(conn)?;
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('login-ip:' || $1))")
                .bind::<Text, _>(ip)
                .execute(conn)?;
            f(conn)
        })
    }

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
        Self::stats(conn, Box::new(login_failures::email.eq(email)), since)
    }

    pub fn stats_for_ip(
        conn: &mut PgConnection,
        ip: &str,
        since: DateTime<Utc>,
    ) -> QueryResult<FailureStats> {
        Self::stats(conn, Box::new(login_failures::ip.eq(ip)), since)
    }

    /// Count and latest time of the failures matching `key` since `since`.
    fn stats(
        conn: &mut PgConnection,
        key: Key<'_>,
        since: DateTime<Utc>,
    ) -> QueryResult<FailureStats> {
        login_failures::table
            .into_boxed()
            .filter(key)
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
