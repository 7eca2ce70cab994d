//! Which Allegro accounts a signed-in user may see. Every query that touches an Allegro account
//! or its data takes one: the storage layer filters by it, so an account outside it is absent
//! from lists, filters and counts, and its id is answered like an unknown one (404).

use super::AccountId;

/// The accounts a user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountScope {
    /// Every account (admins, unrestricted users, the CLI and the jobs).
    All,
    /// Only these account ids (possibly none).
    Only(Vec<AccountId>),
}

impl AccountScope {
    pub fn allows(&self, account_id: AccountId) -> bool {
        match self {
            AccountScope::All => true,
            AccountScope::Only(ids) => ids.contains(&account_id),
        }
    }

    /// The ids a query must be limited to; `None` when every account is allowed.
    pub fn ids(&self) -> Option<&[AccountId]> {
        match self {
            AccountScope::All => None,
            AccountScope::Only(ids) => Some(ids),
        }
    }

    pub fn is_all(&self) -> bool {
        matches!(self, AccountScope::All)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_allows_only_listed_accounts() {
        assert!(AccountScope::All.allows(AccountId(7)));
        assert!(AccountScope::Only(vec![AccountId(1), AccountId(2)]).allows(AccountId(2)));
        assert!(!AccountScope::Only(vec![]).allows(AccountId(1)));
        assert_eq!(AccountScope::All.ids(), None);
        assert_eq!(
            AccountScope::Only(vec![AccountId(3)]).ids(),
            Some(&[AccountId(3)][..])
        );
    }
}
