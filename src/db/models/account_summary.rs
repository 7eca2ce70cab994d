//! Read model: each visible account with what a reader of its state wants at once (last
//! successful sync, whether one runs now, order counts, the latest run). Tokens stay out.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::{dsl::count_star, prelude::*};

use super::{
    account::AccountRow,
    sync::{SyncRun, SyncState},
};
use crate::{
    db::schema::orders,
    domain::{AccountId, AccountScope},
};

/// An account and its backup's state.
#[derive(Debug, Clone)]
pub struct AccountSummary {
    pub account: AccountRow,
    /// The end of the last successful sync (`None`: none yet).
    pub last_success_at: Option<DateTime<Utc>>,
    /// A live process holds the account's lease: a sync runs now.
    pub syncing: bool,
    /// Orders stored for the account.
    pub orders: i64,
    /// Of these, orders Allegro no longer lists.
    pub orders_gone: i64,
    /// The newest run, if any.
    pub latest_run: Option<SyncRun>,
}

impl AccountSummary {
    /// The accounts `scope` allows (only `only` when given; empty when `scope` hides it), by
    /// login.
    pub fn list(
        conn: &mut PgConnection,
        scope: &AccountScope,
        only: Option<AccountId>,
    ) -> QueryResult<Vec<AccountSummary>> {
        let accounts: Vec<_> = AccountRow::list_with_last_success(conn, scope)?
            .into_iter()
            .filter(|(row, _)| only.is_none_or(|id| row.id == id))
            .collect();
        let ids: Vec<AccountId> = accounts.iter().map(|(row, _)| row.id).collect();
        let counts: HashMap<AccountId, (i64, i64)> = orders::table
            .filter(orders::account_id.eq_any(&ids))
            .group_by(orders::account_id)
            .select((
                orders::account_id,
                count_star(),
                diesel::dsl::count(orders::gone_from_allegro_at),
            ))
            .load::<(AccountId, i64, i64)>(conn)?
            .into_iter()
            .map(|(id, all, gone)| (id, (all, gone)))
            .collect();
        let mut summaries = Vec::with_capacity(accounts.len());
        for (account, last_success_at) in accounts {
            let id = account.id;
            let (orders, orders_gone) = counts.get(&id).copied().unwrap_or_default();
            summaries.push(AccountSummary {
                syncing: SyncState::lease_held(conn, id)?,
                latest_run: SyncRun::recent(conn, scope, Some(id), 1)?
                    .into_iter()
                    .next(),
                account,
                last_success_at,
                orders,
                orders_gone,
            });
        }
        Ok(summaries)
    }
}
