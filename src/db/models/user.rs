use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::{
    audit::{Actor, AuditAction, AuditEntry},
    user_access::UserAccess,
};
use crate::{
    db::schema::{sessions, users},
    domain::{AccountScope, DisplayName, Email, Lang, Role, UserId, Viewer},
};

/// A row of `users`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub all_accounts: bool,
    pub hide_personal_data: bool,
    /// The language picked on the profile page (`pl`, `en`); `None`: the browser's.
    pub locale: Option<String>,
}

impl UserRow {
    /// The language the user picked, if any.
    pub fn lang(&self) -> Option<Lang> {
        self.locale.as_deref().and_then(|code| code.parse().ok())
    }

    /// The role column as a `Role`; the table's CHECK constraint keeps it valid, and anything
    /// unexpected falls back to the least privileged role.
    pub fn role(&self) -> Role {
        self.role.parse().unwrap_or(Role::Viewer)
    }

    /// What this user may see (one more query for a user limited to some accounts).
    pub fn viewer(&self, conn: &mut PgConnection) -> QueryResult<Viewer> {
        let role = self.role();
        if role == Role::Admin {
            return Ok(Viewer::unrestricted(self.id, role));
        }
        let scope = if self.all_accounts {
            AccountScope::All
        } else {
            AccountScope::Only(UserAccess::accounts(conn, self.id)?)
        };
        Ok(Viewer {
            user_id: self.id,
            role,
            scope,
            hide_personal_data: self.hide_personal_data,
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

impl<'a> NewUser<'a> {
    pub fn new(
        email: &'a Email,
        name: &'a DisplayName,
        role: Role,
        password_hash: &'a str,
        must_change_password: bool,
    ) -> Self {
        Self {
            email: email.as_str(),
            display_name: name.as_str(),
            role: role.as_str(),
            password_hash,
            must_change_password,
        }
    }
}

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("A user with this email already exists.")]
    EmailTaken,
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

impl UserRow {
    pub fn insert(conn: &mut PgConnection, new: &NewUser<'_>) -> Result<UserRow, CreateUserError> {
        diesel::insert_into(users::table)
            .values(new)
            .returning(UserRow::as_returning())
            .get_result(conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => CreateUserError::EmailTaken,
                other => CreateUserError::Query(other),
            })
    }

    pub fn find(conn: &mut PgConnection, id: UserId) -> QueryResult<Option<UserRow>> {
        users::table
            .find(id)
            .select(UserRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn find_by_email(conn: &mut PgConnection, email: &str) -> QueryResult<Option<UserRow>> {
        users::table
            .filter(users::email.eq(email.to_lowercase()))
            .select(UserRow::as_select())
            .first(conn)
            .optional()
    }

    /// All users, admins first, then by name.
    pub fn list(conn: &mut PgConnection) -> QueryResult<Vec<UserRow>> {
        users::table
            .select(UserRow::as_select())
            .order((
                users::disabled.asc(),
                users::display_name.asc(),
                users::id.asc(),
            ))
            .load(conn)
    }

    pub fn count(conn: &mut PgConnection) -> QueryResult<i64> {
        users::table.count().get_result(conn)
    }

    /// Number of enabled admins, to keep the last one from being removed.
    pub fn count_active_admins(conn: &mut PgConnection) -> QueryResult<i64> {
        users::table
            .filter(users::role.eq(Role::Admin.as_str()))
            .filter(users::disabled.eq(false))
            .count()
            .get_result(conn)
    }

    /// Serialises changes to users for the rest of the transaction (readers are not blocked),
    /// so "is this the last admin?" stays true until the change commits.
    pub fn lock_for_changes(conn: &mut PgConnection) -> QueryResult<()> {
        diesel::sql_query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
            .execute(conn)
            .map(drop)
    }

    /// True when this user is the only enabled admin (call inside a transaction holding a
    /// lock on `users`, so two concurrent changes cannot both pass).
    pub fn is_last_active_admin(&self, conn: &mut PgConnection) -> QueryResult<bool> {
        Ok(self.role() == Role::Admin && !self.disabled && Self::count_active_admins(conn)? <= 1)
    }

    pub fn record_login(conn: &mut PgConnection, id: UserId) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set(users::last_login_at.eq(diesel::dsl::now))
            .execute(conn)
            .map(drop)
    }

    pub fn set_role(conn: &mut PgConnection, id: UserId, role: Role) -> QueryResult<usize> {
        diesel::update(users::table.find(id))
            .set((
                users::role.eq(role.as_str()),
                users::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
    }

    /// The user's own language (`None`: the browser's).
    pub fn set_lang(conn: &mut PgConnection, id: UserId, lang: Option<Lang>) -> QueryResult<usize> {
        diesel::update(users::table.find(id))
            .set((
                users::locale.eq(lang.map(Lang::code)),
                users::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
    }

    pub fn set_disabled(conn: &mut PgConnection, id: UserId, disabled: bool) -> QueryResult<usize> {
        diesel::update(users::table.find(id))
            .set((
                users::disabled.eq(disabled),
                users::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
    }

    pub fn set_password(
        conn: &mut PgConnection,
        id: UserId,
        password_hash: &str,
        must_change_password: bool,
    ) -> QueryResult<usize> {
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(password_hash),
                users::must_change_password.eq(must_change_password),
                users::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
    }

    /// Ends every session of the user at once (server-side store).
    pub fn revoke_sessions(conn: &mut PgConnection, id: UserId) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::user_id.eq(id))).execute(conn)
    }
}

/// Changes with their audit entry, each in one transaction: both are written or neither.
impl UserRow {
    /// Creates a user and records who did, with the role.
    pub fn create(
        conn: &mut PgConnection,
        new: &NewUser<'_>,
        actor: &Actor,
    ) -> Result<UserRow, CreateUserError> {
        conn.transaction(|conn| {
            let user = UserRow::insert(conn, new)?;
            AuditEntry::record(
                conn,
                actor,
                AuditAction::UserCreated,
                Some(&user.email),
                json!({ "role": new.role }),
            )?;
            Ok(user)
        })
    }

    /// Runs `change` on the user `id` in a transaction that serialises user changes (see
    /// [`UserRow::lock_for_changes`]), then reads the user back. `None` when there is no
    /// such user.
    pub fn change<T, E: From<diesel::result::Error>>(
        conn: &mut PgConnection,
        id: UserId,
        change: impl FnOnce(&mut PgConnection, &UserRow) -> Result<T, E>,
    ) -> Result<Option<(T, UserRow)>, E> {
        conn.transaction(|conn| {
            // Two admins cannot both remove "the other" last admin.
            UserRow::lock_for_changes(conn)?;
            let Some(target) = UserRow::find(conn, id)? else {
                return Ok(None);
            };
            let done = change(conn, &target)?;
            Ok(UserRow::find(conn, id)?.map(|user| (done, user)))
        })
    }

    /// Disables `target` and ends all of their sessions at once (call in
    /// [`UserRow::change`]); returns how many sessions ended.
    pub fn disable(conn: &mut PgConnection, target: &UserRow, actor: &Actor) -> QueryResult<usize> {
        UserRow::set_disabled(conn, target.id, true)?;
        let ended = UserRow::revoke_sessions(conn, target.id)?;
        AuditEntry::record(
            conn,
            actor,
            AuditAction::UserDisabled,
            Some(&target.email),
            json!({ "sessions_ended": ended }),
        )?;
        Ok(ended)
    }

    /// Lets `target` sign in again (call in [`UserRow::change`]).
    pub fn enable(conn: &mut PgConnection, target: &UserRow, actor: &Actor) -> QueryResult<()> {
        UserRow::set_disabled(conn, target.id, false)?;
        AuditEntry::record(
            conn,
            actor,
            AuditAction::UserEnabled,
            Some(&target.email),
            json!({}),
        )
    }

    /// Gives `target` the role `role` (call in [`UserRow::change`]).
    pub fn change_role(
        conn: &mut PgConnection,
        target: &UserRow,
        role: Role,
        actor: &Actor,
    ) -> QueryResult<()> {
        UserRow::set_role(conn, target.id, role)?;
        AuditEntry::record(
            conn,
            actor,
            AuditAction::UserRoleChanged,
            Some(&target.email),
            json!({ "from": target.role, "to": role.as_str() }),
        )
    }

    /// Sets a temporary password `target` must change at their next sign-in and ends their
    /// sessions (call in [`UserRow::change`]).
    pub fn reset_password(
        conn: &mut PgConnection,
        target: &UserRow,
        password_hash: &str,
        actor: &Actor,
    ) -> QueryResult<()> {
        UserRow::set_password(conn, target.id, password_hash, true)?;
        UserRow::revoke_sessions(conn, target.id)?;
        AuditEntry::record(
            conn,
            actor,
            AuditAction::UserPasswordReset,
            Some(&target.email),
            json!({}),
        )
    }

    /// The user `actor` (signed in as user `id`) changed their own password: every session of
    /// theirs ends (the caller renews its own).
    pub fn change_own_password(
        conn: &mut PgConnection,
        id: UserId,
        password_hash: &str,
        actor: &Actor,
    ) -> QueryResult<()> {
        conn.transaction(|conn| {
            UserRow::set_password(conn, id, password_hash, false)?;
            let ended = UserRow::revoke_sessions(conn, id)?;
            AuditEntry::record(
                conn,
                actor,
                AuditAction::PasswordChanged,
                Some(actor.email.as_deref().unwrap_or_default()),
                json!({ "other_sessions_ended": ended.saturating_sub(1) }),
            )
        })
    }

    /// The user `actor` (signed in as user `id`) signed out everywhere: every session of
    /// theirs ends.
    pub fn sign_out_everywhere(
        conn: &mut PgConnection,
        id: UserId,
        actor: &Actor,
    ) -> QueryResult<()> {
        conn.transaction(|conn| {
            let ended = UserRow::revoke_sessions(conn, id)?;
            AuditEntry::record(
                conn,
                actor,
                AuditAction::LogoutEverywhere,
                None,
                json!({ "sessions_ended": ended }),
            )
        })
    }
}
