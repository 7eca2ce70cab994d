//! The resources an account's authorisation does not allow reading (`account_scope_gaps`): an
//! account connected before a scope was asked for keeps its old scopes until it is connected
//! again. One row per account and resource; the sync writes it, the Accounts page reads it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::schema::account_scope_gaps,
    domain::{AccountId, ScopedResource},
};

/// Where gaps are recorded and read.
pub struct ScopeGap;

impl ScopeGap {
    /// Records whether account `account_id` lacks the authorisation `resource` needs (the
    /// first time it was found missing is kept).
    pub fn set(
        conn: &mut PgConnection,
        account_id: AccountId,
        resource: ScopedResource,
        missing: bool,
    ) -> QueryResult<()> {
        use account_scope_gaps::dsl as g;
        if missing {
            diesel::insert_into(g::account_scope_gaps)
                .values((
                    g::account_id.eq(account_id),
                    g::resource.eq(resource.as_str()),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .map(drop)
        } else {
            diesel::delete(
                g::account_scope_gaps
                    .filter(g::account_id.eq(account_id))
                    .filter(g::resource.eq(resource.as_str())),
            )
            .execute(conn)
            .map(drop)
        }
    }

    /// The resources account `account_id` cannot back up for want of authorisation, in the
    /// order of [`ScopedResource::ALL`].
    pub fn for_account(
        conn: &mut PgConnection,
        account_id: AccountId,
    ) -> QueryResult<Vec<ScopedResource>> {
        use account_scope_gaps::dsl as g;
        let names: Vec<String> = g::account_scope_gaps
            .filter(g::account_id.eq(account_id))
            .select(g::resource)
            .load(conn)?;
        Ok(ScopedResource::ALL
            .into_iter()
            .filter(|r| names.iter().any(|n| n == r.as_str()))
            .collect())
    }

    /// Since when account `account_id` lacks what `resource` needs (`None`: it does not).
    pub fn since(
        conn: &mut PgConnection,
        account_id: AccountId,
        resource: ScopedResource,
    ) -> QueryResult<Option<DateTime<Utc>>> {
        use account_scope_gaps::dsl as g;
        g::account_scope_gaps
            .filter(g::account_id.eq(account_id))
            .filter(g::resource.eq(resource.as_str()))
            .select(g::since)
            .first(conn)
            .optional()
    }
}
