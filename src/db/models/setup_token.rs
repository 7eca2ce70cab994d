use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::setup_tokens;

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
}
