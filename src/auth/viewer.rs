//! Who is looking: the one place that decides what a signed-in user may see of the Allegro
//! accounts and their data. The role guard loads a [`Viewer`] with the user on every request;
//! every query that touches an account or its data takes its [`AccountScope`], and everything
//! shown of buyers goes through [`Viewer::hide_personal_data`].
//!
//! Admins always see everything. Other users may be limited by an admin to some accounts (the
//! others do not exist for them: absent from lists, filters and counts, 404 by id) and may have
//! buyer personal data hidden (masked names and addresses, no buyer ids, waybills or raw
//! documents).

use diesel::{PgConnection, QueryResult};

use crate::{
    db::models::{order::visible::Visibility, user::UserRow, user_access::UserAccess},
    domain::{AccountScope, Role, UserId},
};

/// The signed-in user as every account-related query sees them.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user_id: UserId,
    pub role: Role,
    pub scope: AccountScope,
    /// Buyer names, emails, phones, addresses, ids and waybills are hidden from this user.
    pub hide_personal_data: bool,
}

impl Viewer {
    /// The viewer of a user row (one more query for a user limited to some accounts).
    pub fn of(conn: &mut PgConnection, user: &UserRow) -> QueryResult<Viewer> {
        let role = user.role();
        if role == Role::Admin {
            return Ok(Viewer::unrestricted(user.id, role));
        }
        let scope = if user.all_accounts {
            AccountScope::All
        } else {
            AccountScope::Only(UserAccess::accounts(conn, user.id)?)
        };
        Ok(Viewer {
            user_id: user.id,
            role,
            scope,
            hide_personal_data: user.hide_personal_data,
        })
    }

    /// Everything, unmasked: admins, and the CLI (which runs with the database's own rights).
    pub fn unrestricted(user_id: UserId, role: Role) -> Viewer {
        Viewer {
            user_id,
            role,
            scope: AccountScope::All,
            hide_personal_data: false,
        }
    }

    /// What of the orders this user may see, as the storage layer's order queries take it.
    pub fn visibility(&self) -> Visibility<'_> {
        Visibility {
            scope: &self.scope,
            personal_data: !self.hide_personal_data,
        }
    }

    /// Whether this user may link new Allegro accounts: an operator who sees every account.
    /// (A user limited to some accounts could otherwise re-link an account outside their scope,
    /// or create one they cannot see.)
    pub fn may_connect_accounts(&self) -> bool {
        self.role.includes(Role::Operator) && self.scope.is_all()
    }
}
