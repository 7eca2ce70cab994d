use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::{db::schema::sessions, domain::UserId};

/// A row of the server-side session store.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = sessions, check_for_backend(diesel::pg::Pg))]
pub struct SessionRow {
    pub key_hash: String,
    pub user_id: Option<UserId>,
    pub state: Value,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub key_hash: &'a str,
    pub user_id: Option<UserId>,
    pub state: &'a Value,
    pub expires_at: DateTime<Utc>,
}

impl SessionRow {
    /// The session's state when it exists and has not expired.
    pub fn load_state(conn: &mut PgConnection, key_hash: &str) -> QueryResult<Option<Value>> {
        sessions::table
            .find(key_hash)
            .filter(sessions::expires_at.gt(diesel::dsl::now))
            .select(sessions::state)
            .first(conn)
            .optional()
    }

    pub fn insert(conn: &mut PgConnection, new: &NewSession<'_>) -> QueryResult<()> {
        diesel::insert_into(sessions::table)
            .values(new)
            .execute(conn)
            .map(drop)
    }

    /// Replaces the state of a live session; returns false when it is gone (expired or revoked).
    pub fn update_state(
        conn: &mut PgConnection,
        key_hash: &str,
        user_id: Option<UserId>,
        state: &Value,
        expires_at: DateTime<Utc>,
    ) -> QueryResult<bool> {
        diesel::update(
            sessions::table
                .find(key_hash)
                .filter(sessions::expires_at.gt(diesel::dsl::now)),
        )
        .set((
            sessions::user_id.eq(user_id),
            sessions::state.eq(state),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|n| n > 0)
    }

    /// Pushes the expiry of a live session out: to `expires_at` when signed in, to
    /// `anonymous_expires_at` otherwise.
    pub fn extend(
        conn: &mut PgConnection,
        key_hash: &str,
        expires_at: DateTime<Utc>,
        anonymous_expires_at: DateTime<Utc>,
    ) -> QueryResult<()> {
        use diesel::{dsl::case_when, sql_types::Timestamptz};
        let new_expiry = case_when(
            sessions::user_id.is_null(),
            anonymous_expires_at.into_sql::<Timestamptz>(),
        )
        .otherwise(expires_at.into_sql::<Timestamptz>());
        diesel::update(
            sessions::table
                .find(key_hash)
                .filter(sessions::expires_at.gt(diesel::dsl::now)),
        )
        .set(sessions::expires_at.eq(new_expiry))
        .execute(conn)
        .map(drop)
    }

    pub fn delete(conn: &mut PgConnection, key_hash: &str) -> QueryResult<()> {
        diesel::delete(sessions::table.find(key_hash))
            .execute(conn)
            .map(drop)
    }

    /// Removes expired sessions; returns how many.
    pub fn delete_expired(conn: &mut PgConnection) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::expires_at.le(diesel::dsl::now)))
            .execute(conn)
    }

    pub fn count_for_user(conn: &mut PgConnection, user_id: UserId) -> QueryResult<i64> {
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::expires_at.gt(diesel::dsl::now))
            .count()
            .get_result(conn)
    }
}
