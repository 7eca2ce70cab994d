//! The Users page's templates and what they show of each user (see `users` for the handlers).

use askama::Template;
use chrono::{DateTime, Utc};

use crate::{
    db::models::user::UserRow,
    domain::{Role, UserId},
    i18n::Locale,
    web::{filters, page::PageContext},
};

/// A user as the table shows them.
pub struct UserView {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub must_change_password: bool,
    pub last_login: Option<DateTime<Utc>>,
    pub is_self: bool,
    /// What the user sees of the orders (privacy by role; admins see everything): every
    /// account or the selected ones, with or without personal data.
    pub all_accounts: bool,
    pub hide_personal_data: bool,
}

impl UserView {
    pub fn new(row: UserRow, current_user_id: UserId) -> Self {
        Self {
            id: row.id,
            role: row.role(),
            is_self: row.id == current_user_id,
            last_login: row.last_login_at,
            all_accounts: row.all_accounts,
            hide_personal_data: row.hide_personal_data,
            email: row.email,
            name: row.display_name,
            disabled: row.disabled,
            must_change_password: row.must_change_password,
        }
    }
}

/// A temporary password shown once after creating a user or resetting a password.
pub struct Revealed {
    pub email: String,
    pub password: String,
    pub created: bool,
}

pub struct NewUserFields {
    pub email: String,
    pub name: String,
    pub role: String,
}

impl Default for NewUserFields {
    /// An empty form, offering the least privileged role.
    fn default() -> Self {
        Self {
            email: String::new(),
            name: String::new(),
            role: Role::Viewer.as_str().to_owned(),
        }
    }
}

#[derive(Template)]
#[template(path = "users/index.html")]
pub struct UsersPage {
    pub page: PageContext,
    pub users: Vec<UserView>,
    pub form: NewUserFields,
    pub errors: Vec<String>,
    pub revealed: Option<Revealed>,
    pub roles: [Role; 3],
}

#[derive(Template)]
#[template(path = "users/row_partial.html")]
pub struct UserRowPartial {
    pub loc: Locale,
    pub user: UserView,
    pub csrf_token: String,
    pub roles: [Role; 3],
}
