use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::{
    db::schema::audit_log,
    domain::{
        UserId,
        text::{strip_control_chars, strip_control_chars_in_json},
    },
};

/// What happened, as stored in `audit_log.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Login,
    LoginFailed,
    LoginThrottled,
    Logout,
    LogoutEverywhere,
    SetupCompleted,
    UserCreated,
    UserRoleChanged,
    UserDisabled,
    UserEnabled,
    UserPasswordReset,
    PasswordChanged,
    AccountConnectStarted,
    AccountConnectEnded,
    AccountConnected,
    AccountReconnected,
    AccountRefreshed,
    AccountValidated,
    AccountDisconnected,
    AccountDeleted,
    SettingsChanged,
    UserAccessChanged,
    OrderNoteAdded,
    OrderTagAdded,
    OrderTagRemoved,
    OrdersExported,
    DocumentsExported,
    SavedViewCreated,
    SavedViewDeleted,
    ApiTokenCreated,
    ApiTokenRevoked,
    WebhookCreated,
    WebhookRemoved,
    WebhookEnabled,
}

impl AuditAction {
    pub const ALL: [AuditAction; 34] = [
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::LoginThrottled,
        AuditAction::Logout,
        AuditAction::LogoutEverywhere,
        AuditAction::SetupCompleted,
        AuditAction::UserCreated,
        AuditAction::UserRoleChanged,
        AuditAction::UserDisabled,
        AuditAction::UserEnabled,
        AuditAction::UserPasswordReset,
        AuditAction::PasswordChanged,
        AuditAction::AccountConnectStarted,
        AuditAction::AccountConnectEnded,
        AuditAction::AccountConnected,
        AuditAction::AccountReconnected,
        AuditAction::AccountRefreshed,
        AuditAction::AccountValidated,
        AuditAction::AccountDisconnected,
        AuditAction::AccountDeleted,
        AuditAction::SettingsChanged,
        AuditAction::UserAccessChanged,
        AuditAction::OrderNoteAdded,
        AuditAction::OrderTagAdded,
        AuditAction::OrderTagRemoved,
        AuditAction::OrdersExported,
        AuditAction::DocumentsExported,
        AuditAction::SavedViewCreated,
        AuditAction::SavedViewDeleted,
        AuditAction::ApiTokenCreated,
        AuditAction::ApiTokenRevoked,
        AuditAction::WebhookCreated,
        AuditAction::WebhookRemoved,
        AuditAction::WebhookEnabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::LoginThrottled => "login_throttled",
            AuditAction::Logout => "logout",
            AuditAction::LogoutEverywhere => "logout_everywhere",
            AuditAction::SetupCompleted => "setup_completed",
            AuditAction::UserCreated => "user_created",
            AuditAction::UserRoleChanged => "user_role_changed",
            AuditAction::UserDisabled => "user_disabled",
            AuditAction::UserEnabled => "user_enabled",
            AuditAction::UserPasswordReset => "user_password_reset",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::AccountConnectStarted => "account_connect_started",
            AuditAction::AccountConnectEnded => "account_connect_ended",
            AuditAction::AccountConnected => "account_connected",
            AuditAction::AccountReconnected => "account_reconnected",
            AuditAction::AccountRefreshed => "account_refreshed",
            AuditAction::AccountValidated => "account_validated",
            AuditAction::AccountDisconnected => "account_disconnected",
            AuditAction::AccountDeleted => "account_deleted",
            AuditAction::SettingsChanged => "settings_changed",
            AuditAction::UserAccessChanged => "user_access_changed",
            AuditAction::OrderNoteAdded => "order_note_added",
            AuditAction::OrderTagAdded => "order_tag_added",
            AuditAction::OrderTagRemoved => "order_tag_removed",
            AuditAction::OrdersExported => "orders_exported",
            AuditAction::DocumentsExported => "documents_exported",
            AuditAction::SavedViewCreated => "saved_view_created",
            AuditAction::SavedViewDeleted => "saved_view_deleted",
            AuditAction::ApiTokenCreated => "api_token_created",
            AuditAction::ApiTokenRevoked => "api_token_revoked",
            AuditAction::WebhookCreated => "webhook_created",
            AuditAction::WebhookRemoved => "webhook_removed",
            AuditAction::WebhookEnabled => "webhook_enabled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Who acted: a known user, or someone who typed an email at the login form.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub email: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log, check_for_backend(diesel::pg::Pg))]
pub struct AuditEntry {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_user_id: Option<UserId>,
    pub actor_email: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub details: Value,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
struct NewAuditEntry<'a> {
    actor_user_id: Option<UserId>,
    actor_email: Option<&'a str>,
    action: &'a str,
    target: Option<&'a str>,
    ip: Option<&'a str>,
    details: Value,
}

/// Filters for the audit page; `before` is the keyset cursor (an entry id).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    pub actor: Option<String>,
    pub before: Option<i64>,
}

impl AuditEntry {
    /// Writes an entry. Text that came from someone else (a typed email, a filter, a note) is
    /// stored without control characters: NUL would make PostgreSQL refuse the entry.
    pub fn record(
        conn: &mut PgConnection,
        actor: &Actor,
        action: AuditAction,
        target: Option<&str>,
        mut details: Value,
    ) -> QueryResult<()> {
        strip_control_chars_in_json(&mut details);
        let email = actor.email.as_deref().map(strip_control_chars);
        let target = target.map(strip_control_chars);
        let ip = actor.ip.as_deref().map(strip_control_chars);
        diesel::insert_into(audit_log::table)
            .values(NewAuditEntry {
                actor_user_id: actor.user_id,
                actor_email: email.as_deref(),
                action: action.as_str(),
                target: target.as_deref(),
                ip: ip.as_deref(),
                details,
            })
            .execute(conn)
            .map(drop)
    }

    /// Records `action` by `actor`, unless an entry of that action from the same client IP was
    /// written since `since`: then that entry counts this one instead (`details.count`, and
    /// `details.last_at` with the latest `details`). For what unauthenticated traffic causes
    /// (refused sign-ins): one row per IP and window, however many requests.
    pub fn record_counted(
        conn: &mut PgConnection,
        actor: &Actor,
        action: AuditAction,
        mut details: Value,
        since: DateTime<Utc>,
    ) -> QueryResult<()> {
        use diesel::{PgExpressionMethods, sql_query, sql_types::Text};
        let ip = actor.ip.as_deref().map(strip_control_chars);
        conn.transaction(|conn| {
            // Parallel requests from one IP must not each find no entry and insert one.
            sql_query("SELECT pg_advisory_xact_lock(hashtext('audit-count:' || $1 || ':' || $2))")
                .bind::<Text, _>(action.as_str())
                .bind::<Text, _>(ip.as_deref().unwrap_or_default())
                .execute(conn)?;
            let existing: Option<(i64, Value)> = audit_log::table
                .filter(audit_log::action.eq(action.as_str()))
                .filter(audit_log::ip.is_not_distinct_from(ip.as_deref()))
                .filter(audit_log::occurred_at.gt(since))
                .order(audit_log::id.desc())
                .select((audit_log::id, audit_log::details))
                .first(conn)
                .optional()?;
            let Some((id, previous)) = existing else {
                details["count"] = 1.into();
                return Self::record(conn, actor, action, None, details);
            };
            strip_control_chars_in_json(&mut details);
            let count = previous.get("count").and_then(Value::as_i64).unwrap_or(1);
            details["count"] = count.saturating_add(1).into();
            details["last_at"] = Utc::now().to_rfc3339().into();
            diesel::update(audit_log::table.find(id))
                .set(audit_log::details.eq(details))
                .execute(conn)
                .map(drop)
        })
    }

    /// Newest first, at most `limit` entries older than the cursor.
    pub fn page(
        conn: &mut PgConnection,
        filter: &AuditFilter,
        limit: i64,
    ) -> QueryResult<Vec<AuditEntry>> {
        let mut query = audit_log::table
            .select(AuditEntry::as_select())
            .order(audit_log::id.desc())
            .limit(limit)
            .into_boxed();
        if let Some(action) = filter.action {
            query = query.filter(audit_log::action.eq(action.as_str()));
        }
        if let Some(actor) = &filter.actor {
            let pattern = format!("%{}%", escape_like(actor));
            query = query.filter(audit_log::actor_email.ilike(pattern));
        }
        if let Some(before) = filter.before {
            query = query.filter(audit_log::id.lt(before));
        }
        query.load(conn)
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
pub fn escape_like(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
