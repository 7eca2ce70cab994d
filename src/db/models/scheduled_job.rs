//! Jobs that run once a day across every process sharing the database: a process claims the
//! day in one statement, and only the process whose claim succeeds runs the job.

use chrono::NaiveDate;
use diesel::{
    prelude::*,
    sql_types::{Date, Text},
};

use crate::db::schema::scheduled_jobs;

/// Name of the nightly reconcile in `scheduled_jobs`.
pub const NIGHTLY_RECONCILE: &str = "nightly_reconcile";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scheduled_jobs, check_for_backend(diesel::pg::Pg))]
pub struct ScheduledJob {
    pub name: String,
    /// The latest day the job was claimed for.
    pub last_day: NaiveDate,
    /// The process that claimed it.
    pub claimed_by: String,
    pub claimed_at: chrono::DateTime<chrono::Utc>,
}

impl ScheduledJob {
    /// Claims `day` of job `name` for `process`; true for exactly one caller per job and day,
    /// however many processes ask at once (the row lock of the upsert serialises them, and
    /// the update applies only to a row whose day is earlier).
    pub fn claim_day(
        conn: &mut PgConnection,
        name: &str,
        day: NaiveDate,
        process: &str,
    ) -> QueryResult<bool> {
        // Diesel's upsert builder has no `WHERE` on `DO UPDATE`; the statement is written out.
        diesel::sql_query(
            "INSERT INTO scheduled_jobs (name, last_day, claimed_by) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE \
             SET last_day = EXCLUDED.last_day, claimed_by = EXCLUDED.claimed_by, claimed_at = now() \
             WHERE scheduled_jobs.last_day < EXCLUDED.last_day",
        )
        .bind::<Text, _>(name)
        .bind::<Date, _>(day)
        .bind::<Text, _>(process)
        .execute(conn)
            .map(|n| n == 1)
    }

    pub fn find(conn: &mut PgConnection, name: &str) -> QueryResult<Option<ScheduledJob>> {
        scheduled_jobs::table
            .find(name)
            .select(ScheduledJob::as_select())
            .first(conn)
            .optional()
    }

    /// Every daily job's latest claim, by name.
    pub fn all(conn: &mut PgConnection) -> QueryResult<Vec<ScheduledJob>> {
        scheduled_jobs::table
            .order(scheduled_jobs::name)
            .select(ScheduledJob::as_select())
            .load(conn)
    }
}
