//! Who is looking at orders: privacy by role. Admins may scope a user to some Allegro accounts
//! (they see nothing of the others: not in lists, counts, exports, search or detail pages) and
//! may hide buyer personal data from a user. Admins themselves always see everything.

use diesel::prelude::*;

use crate::{
    auth::CurrentUser,
    db::schema::{user_accounts, users},
    domain::Role,
};

/// The accounts a user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountScope {
    All,
    /// Only these account ids (possibly none).
    Only(Vec<i64>),
}

impl AccountScope {
    pub fn allows(&self, account_id: i64) -> bool {
        match self {
            AccountScope::All => true,
            AccountScope::Only(ids) => ids.contains(&account_id),
        }
    }
}

/// The signed-in user as the orders queries see them.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user_id: i64,
    pub role: Role,
    pub scope: AccountScope,
    /// Buyer names, emails, phones and addresses are masked for this user.
    pub hide_personal_data: bool,
}

impl Viewer {
    /// Loads the user's scope and masking flag (admins: everything, unmasked).
    pub fn load(conn: &mut PgConnection, user: &CurrentUser) -> QueryResult<Viewer> {
        let (all_accounts, hide_personal_data) = users::table
            .find(user.id)
            .select((users::all_accounts, users::hide_personal_data))
            .first::<(bool, bool)>(conn)?;
        if user.role == Role::Admin {
            return Ok(Viewer::unrestricted(user.id, user.role));
        }
        let scope = if all_accounts {
            AccountScope::All
        } else {
            AccountScope::Only(
                user_accounts::table
                    .filter(user_accounts::user_id.eq(user.id))
                    .select(user_accounts::account_id)
                    .order(user_accounts::account_id)
                    .load(conn)?,
            )
        };
        Ok(Viewer {
            user_id: user.id,
            role: user.role,
            scope,
            hide_personal_data,
        })
    }

    /// Everything, unmasked: admins, and the CLI (which runs with the database's own rights).
    pub fn unrestricted(user_id: i64, role: Role) -> Viewer {
        Viewer {
            user_id,
            role,
            scope: AccountScope::All,
            hide_personal_data: false,
        }
    }
}

/// Masks personal data for display: keeps the first character of each word, stars the rest
/// ("Jan Kowalski" → "J** K*******"); emails keep the first character and the domain.
pub fn mask(value: &str) -> String {
    if let Some((local, domain)) = value.split_once('@') {
        return format!("{}@{domain}", mask_word(local));
    }
    value
        .split(' ')
        .map(mask_word)
        .collect::<Vec<_>>()
        .join(" ")
}

fn mask_word(word: &str) -> String {
    word.chars()
        .enumerate()
        .map(|(i, c)| if i == 0 { c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_names_and_emails() {
        assert_eq!(mask("Jan Kowalski"), "J** K*******");
        assert_eq!(mask("anna.nowak@example.pl"), "a*********@example.pl");
        assert_eq!(mask("Łucja"), "Ł****");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn scope_allows_only_listed_accounts() {
        assert!(AccountScope::All.allows(7));
        assert!(AccountScope::Only(vec![1, 2]).allows(2));
        assert!(!AccountScope::Only(vec![]).allows(1));
    }
}
