//! `api_tokens`: personal API tokens. The table keeps a token's public prefix and the SHA-256
//! of the whole token, never the token itself (see `auth::api_token`).

use chrono::{DateTime, Utc};
use diesel::{prelude::*, sql_query, sql_types::BigInt};
use serde_json::json;

use super::{
    audit::{Actor, AuditAction, AuditEntry},
    user::UserRow,
};
use crate::{
    db::schema::{api_tokens, users},
    domain::{ApiTokenId, ApiTokenScope, ApiTokenStatus, UserId},
};

/// A row of `api_tokens`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens, check_for_backend(diesel::pg::Pg))]
pub struct ApiTokenRow {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub name: String,
    pub scope: String,
    /// The public part of the token, shown in lists.
    pub prefix: String,
    /// SHA-256 of the whole token, hex.
    pub secret_hash: String,
    pub created_at: DateTime<Utc>,
    /// `None`: never expires.
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_ip: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiTokenRow {
    /// The scope column as a scope; the CHECK constraint keeps it valid, and anything
    /// unexpected falls back to the narrower `read`.
    pub fn scope(&self) -> ApiTokenScope {
        self.scope.parse().unwrap_or(ApiTokenScope::Read)
    }

    /// Whether the token opens the API at `now`.
    pub fn status(&self, now: DateTime<Utc>) -> ApiTokenStatus {
        ApiTokenStatus::at(self.revoked_at, self.expires_at, now)
    }
}

/// A token to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken<'a> {
    pub user_id: UserId,
    pub name: &'a str,
    pub scope: &'a str,
    pub prefix: &'a str,
    pub secret_hash: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A token with its owner, for the admins' list.
#[derive(Debug, Clone, Queryable)]
pub struct OwnedApiToken {
    pub token: ApiTokenRow,
    pub owner_email: String,
    pub owner_name: String,
}

impl ApiTokenRow {
    /// Stores a token and records who created it, in one transaction. `owner_email` names the
    /// owner in the audit log; `lifetime_days` (0: never expires) is said in its details.
    pub fn create(
        conn: &mut PgConnection,
        new: &NewApiToken<'_>,
        owner_email: &str,
        lifetime_days: u32,
        actor: &Actor,
    ) -> QueryResult<ApiTokenRow> {
        conn.transaction(|conn| {
            let row = diesel::insert_into(api_tokens::table)
                .values(new)
                .returning(ApiTokenRow::as_returning())
                .get_result(conn)?;
            AuditEntry::record(
                conn,
                actor,
                AuditAction::ApiTokenCreated,
                Some(owner_email),
                json!({
                    "name": row.name,
                    "prefix": row.prefix,
                    "scope": row.scope,
                    "expires_days": lifetime_days,
                }),
            )?;
            Ok(row)
        })
    }

    pub fn find(conn: &mut PgConnection, id: ApiTokenId) -> QueryResult<Option<ApiTokenRow>> {
        api_tokens::table
            .find(id)
            .select(ApiTokenRow::as_select())
            .first(conn)
            .optional()
    }

    /// The token with this public prefix and its owner (prefixes are unique).
    pub fn find_by_prefix(
        conn: &mut PgConnection,
        prefix: &str,
    ) -> QueryResult<Option<(ApiTokenRow, UserRow)>> {
        api_tokens::table
            .inner_join(users::table)
            .filter(api_tokens::prefix.eq(prefix))
            .select((ApiTokenRow::as_select(), UserRow::as_select()))
            .first(conn)
            .optional()
    }

    /// The user's tokens, newest first.
    pub fn list_for_user(
        conn: &mut PgConnection,
        user_id: UserId,
    ) -> QueryResult<Vec<ApiTokenRow>> {
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .select(ApiTokenRow::as_select())
            .order((api_tokens::created_at.desc(), api_tokens::id.desc()))
            .load(conn)
    }

    /// Every user's tokens with their owners: unrevoked first, then newest first.
    pub fn list_all(conn: &mut PgConnection) -> QueryResult<Vec<OwnedApiToken>> {
        api_tokens::table
            .inner_join(users::table)
            .select((ApiTokenRow::as_select(), users::email, users::display_name))
            .order((
                api_tokens::revoked_at.is_not_null(),
                api_tokens::created_at.desc(),
                api_tokens::id.desc(),
            ))
            .load(conn)
    }

    /// Revokes token `id` (only if `owner` is `None` or owns it) and records who did, in one
    /// transaction. `None` when there is no such unrevoked token (unknown, someone else's,
    /// already revoked).
    pub fn revoke(
        conn: &mut PgConnection,
        id: ApiTokenId,
        owner: Option<UserId>,
        actor: &Actor,
    ) -> QueryResult<Option<ApiTokenRow>> {
        conn.transaction(|conn| {
            let mut query = diesel::update(api_tokens::table)
                .filter(api_tokens::id.eq(id))
                .filter(api_tokens::revoked_at.is_null())
                .into_boxed();
            if let Some(owner) = owner {
                query = query.filter(api_tokens::user_id.eq(owner));
            }
            let Some(row) = query
                .set(api_tokens::revoked_at.eq(diesel::dsl::now))
                .returning(ApiTokenRow::as_returning())
                .get_result(conn)
                .optional()?
            else {
                return Ok(None);
            };
            let owner_email: String = users::table
                .find(row.user_id)
                .select(users::email)
                .first(conn)?;
            AuditEntry::record(
                conn,
                actor,
                AuditAction::ApiTokenRevoked,
                Some(&owner_email),
                json!({ "name": row.name, "prefix": row.prefix }),
            )?;
            Ok(Some(row))
        })
    }

    /// Records a use from `ip` unless one was recorded less than `every` ago (checked in the
    /// statement, so concurrent requests write at most once per interval). True when written.
    pub fn record_use(
        conn: &mut PgConnection,
        id: ApiTokenId,
        ip: &str,
        every: std::time::Duration,
    ) -> QueryResult<bool> {
        let since = Utc::now() - chrono::Duration::from_std(every).unwrap_or_default();
        diesel::update(api_tokens::table)
            .filter(api_tokens::id.eq(id))
            .filter(
                api_tokens::last_used_at
                    .is_null()
                    .or(api_tokens::last_used_at.lt(since)),
            )
            .set((
                api_tokens::last_used_at.eq(diesel::dsl::now),
                api_tokens::last_used_ip.eq(ip),
            ))
            .execute(conn)
            .map(|n| n > 0)
    }

    /// Takes one request from token `id`'s budget of `per_minute` requests a minute, shared by
    /// every replica (the GCRA state `rate_tat`, migration 26: all of them may come at once,
    /// then one per minute / `per_minute`). `None`: admitted; `Some(wait)`: refused, and how
    /// long until one more would be admitted. Concurrent requests of one token queue on its
    /// row for the statement only.
    pub fn take_request(
        conn: &mut PgConnection,
        id: ApiTokenId,
        per_minute: u32,
    ) -> QueryResult<Option<std::time::Duration>> {
        let interval_us = 60_000_000 / i64::from(per_minute.max(1));
        let admitted = sql_query(
            "UPDATE api_tokens
             SET rate_tat = greatest(rate_tat, now()) + make_interval(secs => $2 / 1e6)
             WHERE id = $1
               AND greatest(rate_tat, now()) + make_interval(secs => $2 / 1e6)
                   <= now() + interval '1 minute'",
        )
        .bind::<BigInt, _>(id.0)
        .bind::<BigInt, _>(interval_us)
        .execute(conn)?;
        if admitted > 0 {
            return Ok(None);
        }
        let wait: WaitRow = sql_query(
            "SELECT greatest(extract(epoch FROM greatest(rate_tat, now())
                        + make_interval(secs => $2 / 1e6) - interval '1 minute' - now()), 0)::float8
                    AS seconds
             FROM api_tokens WHERE id = $1",
        )
        .bind::<BigInt, _>(id.0)
        .bind::<BigInt, _>(interval_us)
        .get_result(conn)?;
        Ok(Some(std::time::Duration::from_secs_f64(wait.seconds)))
    }
}

#[derive(QueryableByName)]
struct WaitRow {
    #[diesel(sql_type = diesel::sql_types::Double)]
    seconds: f64,
}
