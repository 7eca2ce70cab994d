//! What a user may see of the orders (privacy by role): all accounts or a chosen few, and
//! whether buyer personal data is masked for them. Read by `UserRow::viewer` (`domain::Viewer`); set by admins.

use diesel::prelude::*;
use serde_json::json;

use super::audit::{Actor, AuditAction, AuditEntry};
use crate::{
    db::schema::{user_accounts, users},
    domain::{AccountId, UserId},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAccess {
    pub all_accounts: bool,
    /// The accounts seen when `all_accounts` is false.
    pub accounts: Vec<AccountId>,
    pub hide_personal_data: bool,
}

impl UserAccess {
    pub fn load(conn: &mut PgConnection, user_id: UserId) -> QueryResult<UserAccess> {
        let (all_accounts, hide_personal_data) = users::table
            .find(user_id)
            .select((users::all_accounts, users::hide_personal_data))
            .first::<(bool, bool)>(conn)?;
        Ok(UserAccess {
            all_accounts,
            accounts: Self::accounts(conn, user_id)?,
            hide_personal_data,
        })
    }

    /// The accounts chosen for the user (those seen when `all_accounts` is false), by id.
    pub fn accounts(conn: &mut PgConnection, user_id: UserId) -> QueryResult<Vec<AccountId>> {
        user_accounts::table
            .filter(user_accounts::user_id.eq(user_id))
            .select(user_accounts::account_id)
            .order(user_accounts::account_id)
            .load(conn)
    }

    /// Replaces the user's access (inside the transaction of [`UserAccess::save_recorded`]).
    fn save(&self, conn: &mut PgConnection, user_id: UserId) -> QueryResult<()> {
        diesel::update(users::table.find(user_id))
            .set((
                users::all_accounts.eq(self.all_accounts),
                users::hide_personal_data.eq(self.hide_personal_data),
                users::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        diesel::delete(user_accounts::table.filter(user_accounts::user_id.eq(user_id)))
            .execute(conn)?;
        let rows: Vec<_> = self
            .accounts
            .iter()
            .map(|account| {
                (
                    user_accounts::user_id.eq(user_id),
                    user_accounts::account_id.eq(*account),
                )
            })
            .collect();
        diesel::insert_into(user_accounts::table)
            .values(&rows)
            .on_conflict_do_nothing()
            .execute(conn)
            .map(drop)
    }

    /// Replaces the access of the user `user_id` (`email`) and records who did, in one
    /// transaction.
    pub fn save_recorded(
        &self,
        conn: &mut PgConnection,
        user_id: UserId,
        email: &str,
        actor: &Actor,
    ) -> QueryResult<()> {
        conn.transaction(|conn| {
            self.save(conn, user_id)?;
            AuditEntry::record(
                conn,
                actor,
                AuditAction::UserAccessChanged,
                Some(email),
                json!({
                    "all_accounts": self.all_accounts,
                    "accounts": self.accounts,
                    "hide_personal_data": self.hide_personal_data,
                }),
            )
        })
    }

    /// "All accounts" or "2 accounts", plus the masking, for the users table.
    pub fn summary(&self) -> String {
        let scope = match (self.all_accounts, self.accounts.len()) {
            (true, _) => "All accounts".to_string(),
            (false, 0) => "No account".to_string(),
            (false, 1) => "1 account".to_string(),
            (false, n) => format!("{n} accounts"),
        };
        if self.hide_personal_data {
            format!("{scope}, personal data hidden")
        } else {
            scope
        }
    }
}
