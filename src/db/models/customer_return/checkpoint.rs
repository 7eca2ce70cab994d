//! Where the returns pass of an account stands (`customer_return_sync`): the last return
//! received (the list's `from`: it is oldest first), how far back the first pass reaches and
//! whether it completed, and the last re-listing (a missing authorisation is recorded with the
//! other resources', in `scope_gap`). Each move is written in the transaction that stored the page.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::schema::customer_return_sync,
    domain::{AccountId, CustomerReturnId},
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customer_return_sync, check_for_backend(diesel::pg::Pg))]
pub struct ReturnSyncState {
    pub account_id: AccountId,
    /// The last return received, in the list's order.
    pub last_return_id: Option<CustomerReturnId>,
    /// The creation time the first pass reaches back to.
    pub first_pass_from: Option<DateTime<Utc>>,
    pub first_pass_completed_at: Option<DateTime<Utc>>,
    pub relisted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl ReturnSyncState {
    /// The account's state, created empty on first use.
    pub fn get_or_create(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<Self> {
        diesel::insert_into(customer_return_sync::table)
            .values(customer_return_sync::account_id.eq(account_id))
            .on_conflict_do_nothing()
            .execute(conn)?;
        customer_return_sync::table
            .find(account_id)
            .select(Self::as_select())
            .first(conn)
    }

    /// Fixes how far back the first pass reaches (once: a resumed pass keeps its start).
    pub fn begin_first_pass(
        conn: &mut PgConnection,
        account_id: AccountId,
        from: DateTime<Utc>,
    ) -> QueryResult<DateTime<Utc>> {
        diesel::update(
            customer_return_sync::table
                .find(account_id)
                .filter(customer_return_sync::first_pass_from.is_null()),
        )
        .set(customer_return_sync::first_pass_from.eq(from))
        .execute(conn)?;
        customer_return_sync::table
            .find(account_id)
            .select(customer_return_sync::first_pass_from.assume_not_null())
            .first(conn)
    }

    /// Moves the cursor to `last` (when the page had returns) and, with `completes_first_pass`,
    /// records the first pass complete.
    pub fn advance(
        conn: &mut PgConnection,
        account_id: AccountId,
        last: Option<&CustomerReturnId>,
        completes_first_pass: bool,
    ) -> QueryResult<()> {
        let row = || customer_return_sync::table.find(account_id);
        if let Some(last) = last {
            diesel::update(row())
                .set((
                    customer_return_sync::last_return_id.eq(last),
                    customer_return_sync::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?;
        }
        if completes_first_pass {
            diesel::update(row().filter(customer_return_sync::first_pass_completed_at.is_null()))
                .set((
                    customer_return_sync::first_pass_completed_at.eq(diesel::dsl::now),
                    customer_return_sync::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Records that the recent returns were listed again.
    pub fn mark_relisted(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<()> {
        diesel::update(customer_return_sync::table.find(account_id))
            .set((
                customer_return_sync::relisted_at.eq(diesel::dsl::now),
                customer_return_sync::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .map(drop)
    }
}
