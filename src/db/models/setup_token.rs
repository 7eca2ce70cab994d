use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::user::{CreateUserError, NewUser, UserRow};
use crate::db::schema::setup_tokens;

/// Advisory-lock key that serialises first-admin creation across replicas.
const SETUP_LOCK_KEY: i64 = 0x5e70_0001;

pub struct SetupToken;

impl SetupToken {
    /// Stores a new token hash. Earlier tokens stay valid until they expire, so each
    /// replica's printed link works.
    pub fn insert(
        conn: &mut PgConnection,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> QueryResult<()> {
        diesel::insert_into(setup_tokens::table)
            .values((
                setup_tokens::token_hash.eq(token_hash),
                setup_tokens::expires_at.eq(expires_at),
            ))
            .execute(conn)
            .map(drop)
    }

    /// True when the token exists, is unused and has not expired.
    pub fn is_valid(conn: &mut PgConnection, token_hash: &str) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            setup_tokens::table
                .find(token_hash)
                .filter(setup_tokens::used_at.is_null())
                .filter(setup_tokens::expires_at.gt(diesel::dsl::now)),
        ))
        .get_result(conn)
    }

    /// Marks the token used; false when it was not valid (already used, expired, unknown).
    pub fn consume(conn: &mut PgConnection, token_hash: &str) -> QueryResult<bool> {
        diesel::update(
            setup_tokens::table
                .find(token_hash)
                .filter(setup_tokens::used_at.is_null())
                .filter(setup_tokens::expires_at.gt(diesel::dsl::now)),
        )
        .set(setup_tokens::used_at.eq(diesel::dsl::now))
        .execute(conn)
        .map(|n| n == 1)
    }

    /// Creates the first user and spends the token, atomically: of two racing requests (or
    /// replicas) exactly one gets the user. `None` when a user exists already or the token is
    /// not valid (used, expired, unknown).
    pub fn create_first_user(
        conn: &mut PgConnection,
        token_hash: &str,
        new: &NewUser<'_>,
    ) -> Result<Option<UserRow>, CreateUserError> {
        conn.transaction(|conn| {
            diesel::sql_query(format!("SELECT pg_advisory_xact_lock({SETUP_LOCK_KEY})"))
                .execute(conn)?;
            if UserRow::count(conn)? > 0 || !Self::consume(conn, token_hash)? {
                return Ok(None);
            }
            UserRow::insert(conn, new).map(Some)
        })
    }
}
