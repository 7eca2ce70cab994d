//! Who is looking: what a signed-in user may see of the Allegro accounts and their data. The role
//! guard loads a [`Viewer`] with the user on every request (the query is
//! `db::models::user::UserRow::viewer`); every query that touches an account or its data takes
//! its [`AccountScope`], and everything shown of buyers honours [`Viewer::hide_personal_data`].
//!
//! Admins always see everything. Other users may be limited by an admin to some accounts (the
//! others do not exist for them: absent from lists, filters and counts, 404 by id) and may have
//! buyer personal data hidden (masked names and addresses, no buyer ids, waybills or raw
//! documents).

use super::{AccountScope, Role, UserId};

/// The signed-in user as every account-related query sees them.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user_id: UserId,
    pub role: Role,
    pub scope: AccountScope,
    /// Buyer names, emails, phones, addresses, ids and waybills are hidden from this user.
    pub hide_personal_data: bool,
}

/// What of the orders a reader may see, as the storage layer's order queries take it: the
/// accounts of their scope, and whether a search may look at buyer fields (not for users who
/// must not see personal data: a hit would confirm what they searched for).
#[derive(Debug, Clone, Copy)]
pub struct Visibility<'a> {
    pub scope: &'a AccountScope,
    pub personal_data: bool,
}

impl Viewer {
    /// Everything, unmasked: admins, and the CLI (which runs with the database's own rights).
    pub fn unrestricted(user_id: UserId, role: Role) -> Viewer {
        Viewer {
            user_id,
            role,
            scope: AccountScope::All,
            hide_personal_data: false,
        }
    }

    /// What of the orders this user may see.
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
