use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::schema::{allegro_accounts, sync_state},
    domain::{AccountId, AccountScope, UserId},
};

/// Lifecycle of a linked Allegro account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    /// Tokens present and working.
    Connected,
    /// The refresh token was refused (revoked, expired, password change): someone must connect
    /// the account again.
    NeedsReauth,
    /// Tokens deleted on purpose; the backed-up data stays.
    Disconnected,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::NeedsReauth => "needs_reauth",
            Self::Disconnected => "disconnected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Connected => "Connected",
            Self::NeedsReauth => "Needs re-authorisation",
            Self::Disconnected => "Disconnected",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "connected" => Self::Connected,
            "needs_reauth" => Self::NeedsReauth,
            _ => Self::Disconnected,
        }
    }
}

/// A row of `allegro_accounts`. Token columns hold ciphertext (see `crypto`).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = allegro_accounts, check_for_backend(diesel::pg::Pg))]
pub struct AccountRow {
    pub id: AccountId,
    pub environment: String,
    pub allegro_user_id: String,
    pub login: String,
    pub status: String,
    pub access_token_enc: Option<String>,
    pub refresh_token_enc: Option<String>,
    pub token_expires_at: Option<DateTime<Utc>>,
    pub scope: Option<String>,
    pub last_refresh_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub connected_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The access token's lifetime as granted (`expires_in`); unknown for tokens stored before
    /// the column existed.
    pub token_lifetime_secs: Option<i32>,
}

/// Encrypted tokens to store for an account.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = allegro_accounts)]
pub struct StoredTokens {
    pub access_token_enc: String,
    pub refresh_token_enc: String,
    #[diesel(column_name = token_expires_at)]
    pub expires_at: DateTime<Utc>,
    /// The access token's lifetime as granted (`expires_in`, in seconds).
    #[diesel(column_name = token_lifetime_secs)]
    pub lifetime_secs: i32,
    pub scope: String,
}

/// An account as it comes out of a completed device flow.
#[derive(Debug)]
pub struct LinkedAccount<'a> {
    pub environment: &'a str,
    pub allegro_user_id: &'a str,
    pub login: &'a str,
    pub tokens: &'a StoredTokens,
    pub connected_by: Option<UserId>,
}

impl AccountRow {
    pub fn status(&self) -> AccountStatus {
        AccountStatus::parse(&self.status)
    }

    /// Associated data binding a token ciphertext to this account and token kind.
    pub fn token_context(environment: &str, allegro_user_id: &str, kind: &str) -> String {
        format!("allegro:{environment}:{allegro_user_id}:{kind}")
    }

    /// Inserts the account, or — when the same Allegro account is connected again — replaces
    /// its tokens and marks it connected. Returns the row and whether it was new.
    pub fn upsert_linked(
        conn: &mut PgConnection,
        linked: &LinkedAccount<'_>,
    ) -> QueryResult<(AccountRow, bool)> {
        conn.transaction(|conn| {
            let existing: Option<AccountRow> = allegro_accounts::table
                .filter(allegro_accounts::environment.eq(linked.environment))
                .filter(allegro_accounts::allegro_user_id.eq(linked.allegro_user_id))
                .for_update()
                .select(AccountRow::as_select())
                .first(conn)
                .optional()?;
            let tokens = linked.tokens;
            let row = match existing {
                Some(row) => diesel::update(allegro_accounts::table.find(row.id))
                    .set((
                        allegro_accounts::login.eq(linked.login),
                        allegro_accounts::status.eq(AccountStatus::Connected.as_str()),
                        tokens,
                        allegro_accounts::last_refresh_at.eq(diesel::dsl::now),
                        allegro_accounts::last_error.eq(None::<String>),
                        allegro_accounts::updated_at.eq(diesel::dsl::now),
                    ))
                    .returning(AccountRow::as_returning())
                    .get_result(conn)
                    .map(|r| (r, false))?,
                None => diesel::insert_into(allegro_accounts::table)
                    .values((
                        allegro_accounts::environment.eq(linked.environment),
                        allegro_accounts::allegro_user_id.eq(linked.allegro_user_id),
                        allegro_accounts::login.eq(linked.login),
                        allegro_accounts::status.eq(AccountStatus::Connected.as_str()),
                        tokens,
                        allegro_accounts::last_refresh_at.eq(diesel::dsl::now),
                        allegro_accounts::connected_by.eq(linked.connected_by),
                    ))
                    .returning(AccountRow::as_returning())
                    .get_result(conn)
                    .map(|r| (r, true))?,
            };
            Ok(row)
        })
    }

    pub fn find(conn: &mut PgConnection, id: AccountId) -> QueryResult<Option<AccountRow>> {
        allegro_accounts::table
            .find(id)
            .select(AccountRow::as_select())
            .first(conn)
            .optional()
    }

    /// Locks the row until the end of the transaction (single-flight token refresh across
    /// replicas).
    pub fn find_for_update(
        conn: &mut PgConnection,
        id: AccountId,
    ) -> QueryResult<Option<AccountRow>> {
        allegro_accounts::table
            .find(id)
            .for_update()
            .select(AccountRow::as_select())
            .first(conn)
            .optional()
    }

    /// The account `id` if `scope` allows it (else `None`, as for an unknown id).
    pub fn find_in(
        conn: &mut PgConnection,
        scope: &AccountScope,
        id: AccountId,
    ) -> QueryResult<Option<AccountRow>> {
        if !scope.allows(id) {
            return Ok(None);
        }
        Self::find(conn, id)
    }

    /// The accounts `scope` allows, by login.
    pub fn list(conn: &mut PgConnection, scope: &AccountScope) -> QueryResult<Vec<AccountRow>> {
        let mut query = allegro_accounts::table
            .select(AccountRow::as_select())
            .order((allegro_accounts::login.asc(), allegro_accounts::id.asc()))
            .into_boxed();
        if let Some(ids) = scope.ids() {
            query = query.filter(allegro_accounts::id.eq_any(ids.to_vec()));
        }
        query.load(conn)
    }

    /// The accounts `scope` allows, by login, each with its last successful sync (none yet:
    /// `None`).
    pub fn list_with_last_success(
        conn: &mut PgConnection,
        scope: &AccountScope,
    ) -> QueryResult<Vec<(AccountRow, Option<DateTime<Utc>>)>> {
        let mut query = allegro_accounts::table
            .left_join(sync_state::table)
            .select((
                AccountRow::as_select(),
                sync_state::last_success_at.nullable(),
            ))
            .order(allegro_accounts::login.asc())
            .into_boxed();
        if let Some(ids) = scope.ids() {
            query = query.filter(allegro_accounts::id.eq_any(ids.to_vec()));
        }
        query.load(conn)
    }

    /// Every account's `(id, login)`.
    pub fn logins(conn: &mut PgConnection) -> QueryResult<Vec<(AccountId, String)>> {
        allegro_accounts::table
            .select((allegro_accounts::id, allegro_accounts::login))
            .load(conn)
    }

    /// The id of the account with this Allegro login, if stored.
    pub fn id_by_login(conn: &mut PgConnection, login: &str) -> QueryResult<Option<AccountId>> {
        allegro_accounts::table
            .filter(allegro_accounts::login.eq(login))
            .select(allegro_accounts::id)
            .first(conn)
            .optional()
    }

    /// Whether an account with this Allegro login is stored.
    pub fn login_exists(conn: &mut PgConnection, login: &str) -> QueryResult<bool> {
        let known: i64 = allegro_accounts::table
            .filter(allegro_accounts::login.eq(login))
            .count()
            .get_result(conn)?;
        Ok(known > 0)
    }

    /// Connected accounts whose access token expires before `before`.
    pub fn expiring_before(
        conn: &mut PgConnection,
        before: DateTime<Utc>,
    ) -> QueryResult<Vec<AccountId>> {
        allegro_accounts::table
            .filter(allegro_accounts::status.eq(AccountStatus::Connected.as_str()))
            .filter(allegro_accounts::token_expires_at.lt(before))
            .select(allegro_accounts::id)
            .load(conn)
    }

    pub fn count_needing_reauth(conn: &mut PgConnection) -> QueryResult<i64> {
        allegro_accounts::table
            .filter(allegro_accounts::status.eq(AccountStatus::NeedsReauth.as_str()))
            .count()
            .get_result(conn)
    }

    /// Stores a rotated token pair; false when the account was disconnected or deleted
    /// meanwhile (a disconnect always wins over a refresh in flight).
    pub fn store_tokens(
        conn: &mut PgConnection,
        id: AccountId,
        tokens: &StoredTokens,
    ) -> QueryResult<bool> {
        diesel::update(Self::not_disconnected(id))
            .set((
                allegro_accounts::status.eq(AccountStatus::Connected.as_str()),
                tokens,
                allegro_accounts::last_refresh_at.eq(diesel::dsl::now),
                allegro_accounts::last_error.eq(None::<String>),
                allegro_accounts::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .map(|n| n == 1)
    }

    /// The account's row unless it was disconnected on purpose.
    fn not_disconnected(
        id: AccountId,
    ) -> diesel::dsl::Filter<
        diesel::dsl::Find<allegro_accounts::table, AccountId>,
        diesel::dsl::NotEq<allegro_accounts::status, &'static str>,
    > {
        allegro_accounts::table
            .find(id)
            .filter(allegro_accounts::status.ne(AccountStatus::Disconnected.as_str()))
    }

    /// Marks the account as needing a new connection, keeping the reason; when it was not
    /// already, its `account.needs_reauth` webhooks are queued in the same transaction.
    pub fn mark_needs_reauth(
        conn: &mut PgConnection,
        id: AccountId,
        reason: &str,
    ) -> QueryResult<()> {
        conn.transaction(|conn| {
            let before: Option<String> = allegro_accounts::table
                .find(id)
                .select(allegro_accounts::status)
                .for_update()
                .first(conn)
                .optional()?;
            let changed = diesel::update(Self::not_disconnected(id))
                .set((
                    allegro_accounts::status.eq(AccountStatus::NeedsReauth.as_str()),
                    allegro_accounts::last_error.eq(reason),
                    allegro_accounts::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?;
            let newly = before.as_deref() != Some(AccountStatus::NeedsReauth.as_str());
            if changed > 0 && newly {
                super::webhook_delivery::enqueue_account_event(
                    conn,
                    crate::domain::webhook::WebhookEvent::AccountNeedsReauth,
                    id,
                    None,
                    reason,
                )?;
            }
            Ok(())
        })
    }

    pub fn record_error(
        conn: &mut PgConnection,
        id: AccountId,
        error: Option<&str>,
    ) -> QueryResult<()> {
        diesel::update(allegro_accounts::table.find(id))
            .set((
                allegro_accounts::last_error.eq(error),
                allegro_accounts::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Deletes the tokens and keeps the account and its data.
    pub fn disconnect(conn: &mut PgConnection, id: AccountId) -> QueryResult<usize> {
        diesel::update(allegro_accounts::table.find(id))
            .set((
                allegro_accounts::status.eq(AccountStatus::Disconnected.as_str()),
                allegro_accounts::access_token_enc.eq(None::<String>),
                allegro_accounts::refresh_token_enc.eq(None::<String>),
                allegro_accounts::token_expires_at.eq(None::<DateTime<Utc>>),
                allegro_accounts::token_lifetime_secs.eq(None::<i32>),
                allegro_accounts::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
    }

    /// Deletes the account (later migrations cascade to its backed-up data).
    pub fn delete(conn: &mut PgConnection, id: AccountId) -> QueryResult<usize> {
        diesel::delete(allegro_accounts::table.find(id)).execute(conn)
    }
}
