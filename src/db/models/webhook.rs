//! `webhook_endpoints`: the addresses admins registered, the events each one takes, its signing
//! secret (encrypted by the caller: this layer never sees it in clear) and how far the order
//! changes were turned into its deliveries (`last_seq`, see `webhook_delivery`).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::audit::{Actor, AuditAction, AuditEntry};
use crate::{
    db::schema::{allegro_accounts, order_change_head, webhook_endpoints},
    domain::{AccountId, WebhookId, webhook::redacted_url},
};

/// A row of `webhook_endpoints`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints, check_for_backend(diesel::pg::Pg))]
pub struct WebhookRow {
    pub id: WebhookId,
    pub url: String,
    events: Vec<Option<String>>,
    pub account_id: Option<AccountId>,
    pub secret_encrypted: String,
    pub last_seq: i64,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub failing_since: Option<DateTime<Utc>>,
}

impl WebhookRow {
    /// Its address as people are shown it (a password and query values hidden).
    pub fn shown_url(&self) -> String {
        redacted_url(&self.url)
    }

    /// The event types it takes (`order.created`, …).
    pub fn events(&self) -> Vec<&str> {
        self.events.iter().flatten().map(String::as_str).collect()
    }

    /// Whether it takes `event` about `account` (`None`: an event of no account).
    pub fn wants(&self, event: &str, account: Option<AccountId>) -> bool {
        self.events().contains(&event)
            && match (self.account_id, account) {
                (None, _) => true,
                (Some(own), Some(of)) => own == of,
                (Some(_), None) => false,
            }
    }

    /// What the secret is encrypted against (`crypto::TokenCipher`'s context).
    pub fn secret_context(id: WebhookId) -> String {
        format!("webhook:{id}:secret")
    }
}

/// An endpoint to register.
#[derive(Debug, Clone)]
pub struct NewWebhook<'a> {
    pub url: &'a str,
    pub events: Vec<String>,
    pub account_id: Option<AccountId>,
}

/// An endpoint with the login of the account it is limited to.
#[derive(Debug, Clone)]
pub struct ListedWebhook {
    pub webhook: WebhookRow,
    pub account_login: Option<String>,
}

impl WebhookRow {
    /// Registers an endpoint that starts with the changes stored from now on; `seal` encrypts
    /// its secret for the new id. Audit-logged in the same transaction (never the secret).
    pub fn create(
        conn: &mut PgConnection,
        new: &NewWebhook<'_>,
        seal: impl FnOnce(WebhookId) -> String,
        actor: &Actor,
    ) -> QueryResult<WebhookRow> {
        conn.transaction(|conn| {
            let head: i64 = order_change_head::table
                .select(order_change_head::last_seq)
                .first(conn)?;
            let events: Vec<Option<String>> = new.events.iter().cloned().map(Some).collect();
            let id: WebhookId = diesel::insert_into(webhook_endpoints::table)
                .values((
                    webhook_endpoints::url.eq(new.url),
                    webhook_endpoints::events.eq(&events),
                    webhook_endpoints::account_id.eq(new.account_id),
                    webhook_endpoints::secret_encrypted.eq(""),
                    webhook_endpoints::last_seq.eq(head),
                ))
                .returning(webhook_endpoints::id)
                .get_result(conn)?;
            let row = diesel::update(webhook_endpoints::table.find(id))
                .set(webhook_endpoints::secret_encrypted.eq(seal(id)))
                .returning(WebhookRow::as_returning())
                .get_result(conn)?;
            let account = match new.account_id {
                Some(account) => allegro_accounts::table
                    .find(account)
                    .select(allegro_accounts::login)
                    .first::<String>(conn)?,
                None => "*".to_owned(),
            };
            AuditEntry::record(
                conn,
                actor,
                AuditAction::WebhookCreated,
                Some(&redacted_url(new.url)),
                json!({ "id": id.0, "events": new.events.join(", "), "account": account }),
            )?;
            Ok(row)
        })
    }

    pub fn find(conn: &mut PgConnection, id: WebhookId) -> QueryResult<Option<ListedWebhook>> {
        Ok(Self::listed(conn, Some(id))?.into_iter().next())
    }

    /// Every endpoint, oldest first.
    pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<ListedWebhook>> {
        Self::listed(conn, None)
    }

    fn listed(conn: &mut PgConnection, id: Option<WebhookId>) -> QueryResult<Vec<ListedWebhook>> {
        let mut query = webhook_endpoints::table
            .left_join(allegro_accounts::table)
            .select((WebhookRow::as_select(), allegro_accounts::login.nullable()))
            .order(webhook_endpoints::id)
            .into_boxed();
        if let Some(id) = id {
            query = query.filter(webhook_endpoints::id.eq(id));
        }
        Ok(query
            .load::<(WebhookRow, Option<String>)>(conn)?
            .into_iter()
            .map(|(webhook, account_login)| ListedWebhook {
                webhook,
                account_login,
            })
            .collect())
    }

    /// Every endpoint, to match an event against (few rows).
    pub fn all(conn: &mut PgConnection) -> QueryResult<Vec<WebhookRow>> {
        webhook_endpoints::table
            .select(WebhookRow::as_select())
            .order(webhook_endpoints::id)
            .load(conn)
    }

    /// Removes an endpoint with its deliveries, audit-logged; `None` when there is none.
    pub fn remove(
        conn: &mut PgConnection,
        id: WebhookId,
        actor: &Actor,
    ) -> QueryResult<Option<WebhookRow>> {
        conn.transaction(|conn| {
            let Some(row) = diesel::delete(webhook_endpoints::table.find(id))
                .returning(WebhookRow::as_returning())
                .get_result(conn)
                .optional()?
            else {
                return Ok(None);
            };
            AuditEntry::record(
                conn,
                actor,
                AuditAction::WebhookRemoved,
                Some(&row.shown_url()),
                json!({ "id": id.0 }),
            )?;
            Ok(Some(row))
        })
    }

    /// Enables a disabled endpoint again (its failure clock restarts), audit-logged; false
    /// when there is no such disabled endpoint.
    pub fn enable(conn: &mut PgConnection, id: WebhookId, actor: &Actor) -> QueryResult<bool> {
        conn.transaction(|conn| {
            let url: Option<String> = diesel::update(
                webhook_endpoints::table
                    .find(id)
                    .filter(webhook_endpoints::disabled_at.is_not_null()),
            )
            .set((
                webhook_endpoints::disabled_at.eq(None::<DateTime<Utc>>),
                webhook_endpoints::failing_since.eq(None::<DateTime<Utc>>),
            ))
            .returning(webhook_endpoints::url)
            .get_result(conn)
            .optional()?;
            let Some(url) = url else { return Ok(false) };
            AuditEntry::record(
                conn,
                actor,
                AuditAction::WebhookEnabled,
                Some(&url),
                json!({ "id": id.0 }),
            )?;
            Ok(true)
        })
    }

    /// A send succeeded: the endpoint is not failing.
    pub fn record_success(conn: &mut PgConnection, id: WebhookId) -> QueryResult<()> {
        diesel::update(
            webhook_endpoints::table
                .find(id)
                .filter(webhook_endpoints::failing_since.is_not_null()),
        )
        .set(webhook_endpoints::failing_since.eq(None::<DateTime<Utc>>))
        .execute(conn)
        .map(drop)
    }

    /// A send failed at `now`: the endpoint fails since its first failure without a success
    /// since, and is disabled when that is at or before `disable_if_failing_since`. True when
    /// this disabled it.
    pub fn record_failure(
        conn: &mut PgConnection,
        id: WebhookId,
        now: DateTime<Utc>,
        disable_if_failing_since: DateTime<Utc>,
    ) -> QueryResult<bool> {
        let since: Option<DateTime<Utc>> = diesel::update(webhook_endpoints::table.find(id))
            .set(
                webhook_endpoints::failing_since
                    .eq(coalesce(webhook_endpoints::failing_since, now)),
            )
            .returning(webhook_endpoints::failing_since)
            .get_result::<Option<DateTime<Utc>>>(conn)
            .optional()?
            .flatten();
        match since {
            Some(since) if since <= disable_if_failing_since => diesel::update(
                webhook_endpoints::table
                    .find(id)
                    .filter(webhook_endpoints::disabled_at.is_null()),
            )
            .set(webhook_endpoints::disabled_at.eq(now))
            .execute(conn)
            .map(|n| n > 0),
            _ => Ok(false),
        }
    }

    /// The addresses of the endpoints disabled for failing, as shown (the dashboard's banner).
    pub fn disabled_urls(conn: &mut PgConnection) -> QueryResult<Vec<String>> {
        let urls: Vec<String> = webhook_endpoints::table
            .filter(webhook_endpoints::disabled_at.is_not_null())
            .select(webhook_endpoints::url)
            .order(webhook_endpoints::id)
            .load(conn)?;
        Ok(urls.iter().map(|url| redacted_url(url)).collect())
    }
}

diesel::define_sql_function! {
    /// PostgreSQL's `coalesce` of a nullable timestamp and a timestamp.
    fn coalesce(
        a: diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
        b: diesel::sql_types::Timestamptz,
    ) -> diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>;
}
