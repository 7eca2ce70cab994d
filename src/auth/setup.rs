//! First run: while there are no users, a one-time link lets the person at the console create
//! the first admin in the browser.

use chrono::Utc;
use diesel::PgConnection;

use crate::{
    auth::{random_token, token_hash},
    db::models::{
        setup_token::SetupToken,
        user::{CreateUserError, NewUser, UserRow},
    },
    domain::{DisplayName, Email, Role},
};

/// How long a setup link stays valid.
pub const SETUP_LINK_TTL: chrono::Duration = chrono::Duration::hours(24);

/// When no user exists, stores a new one-time token and returns it.
pub fn issue_token_if_no_users(conn: &mut PgConnection) -> diesel::QueryResult<Option<String>> {
    if UserRow::count(conn)? > 0 {
        return Ok(None);
    }
    let token = random_token(32);
    SetupToken::insert(conn, &token_hash(&token), Utc::now() + SETUP_LINK_TTL)?;
    Ok(Some(token))
}

/// True when `token` may be used to create the first admin right now.
pub fn token_is_usable(conn: &mut PgConnection, token: &str) -> diesel::QueryResult<bool> {
    Ok(UserRow::count(conn)? == 0 && SetupToken::is_valid(conn, &token_hash(token))?)
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("This setup link is no longer valid.")]
    LinkInvalid,
    #[error(transparent)]
    CreateUser(#[from] CreateUserError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// Creates the first admin and spends the token, atomically: of two racing requests (or
/// replicas) exactly one succeeds.
pub fn create_first_admin(
    conn: &mut PgConnection,
    token: &str,
    email: &Email,
    name: &DisplayName,
    password_hash: &str,
) -> Result<UserRow, SetupError> {
    let new = NewUser::new(email, name, Role::Admin, password_hash, false);
    SetupToken::create_first_user(conn, &token_hash(token), &new)?.ok_or(SetupError::LinkInvalid)
}
