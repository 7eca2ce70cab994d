use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::schema::{sessions, users},
    domain::{DisplayName, Email, Role},
};

pub type UserId = i64;

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
}

impl UserRow {
    /// The role column as a `Role`; the table's CHECK constraint keeps it valid, and anything
    /// unexpected falls back to the least privileged role.
    pub fn role(&self) -> Role {
        self.role.parse().unwrap_or(Role::Viewer)
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
