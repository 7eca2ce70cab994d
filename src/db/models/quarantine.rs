//! Orders that failed to store (`order_quarantine`): kept as received with the error, retried
//! later, and never blocking the other orders of the account.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::{
    db::schema::order_quarantine,
    domain::{AccountId, CheckoutFormId},
};

/// A quarantined order.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_quarantine, check_for_backend(diesel::pg::Pg))]
pub struct QuarantineRow {
    pub id: i64,
    pub account_id: AccountId,
    /// Absent when the payload was too broken to find its id.
    pub checkout_form_id: Option<CheckoutFormId>,
    /// The payload exactly as received.
    pub raw: String,
    pub error: String,
    pub attempts: i32,
    pub first_failed_at: DateTime<Utc>,
    pub last_failed_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = order_quarantine)]
struct NewQuarantine<'a> {
    account_id: AccountId,
    checkout_form_id: Option<&'a CheckoutFormId>,
    raw: &'a str,
    error: &'a str,
}

/// Records a failure to store an order. A checkout form already quarantined keeps one row: its
/// payload and error are replaced and `attempts` counts up. A payload without an id gets a row
/// of its own each time.
pub fn add(
    conn: &mut PgConnection,
    account_id: AccountId,
    checkout_form_id: Option<&CheckoutFormId>,
    raw: &str,
    error: &str,
) -> QueryResult<QuarantineRow> {
    let new = NewQuarantine {
        account_id,
        checkout_form_id,
        raw,
        error,
    };
    let insert = diesel::insert_into(order_quarantine::table).values(&new);
    if checkout_form_id.is_none() {
        return insert
            .returning(QuarantineRow::as_returning())
            .get_result(conn);
    }
    insert
        .on_conflict((
            order_quarantine::account_id,
            order_quarantine::checkout_form_id,
        ))
        .do_update()
        .set((
            order_quarantine::raw.eq(raw),
            order_quarantine::error.eq(error),
            order_quarantine::attempts.eq(order_quarantine::attempts + 1),
            order_quarantine::last_failed_at.eq(diesel::dsl::now),
        ))
        .returning(QuarantineRow::as_returning())
        .get_result(conn)
}

/// Removes a checkout form from quarantine (it was stored after all); returns rows removed.
pub fn clear(
    conn: &mut PgConnection,
    account_id: AccountId,
    checkout_form_id: &CheckoutFormId,
) -> QueryResult<usize> {
    diesel::delete(
        order_quarantine::table
            .filter(order_quarantine::account_id.eq(account_id))
            .filter(order_quarantine::checkout_form_id.eq(checkout_form_id)),
    )
    .execute(conn)
}

/// Removes the given checkout forms from quarantine (stored after all); returns rows removed.
pub fn clear_many(
    conn: &mut PgConnection,
    account_id: AccountId,
    checkout_form_ids: &[CheckoutFormId],
) -> QueryResult<usize> {
    if checkout_form_ids.is_empty() {
        return Ok(0);
    }
    diesel::delete(
        order_quarantine::table
            .filter(order_quarantine::account_id.eq(account_id))
            .filter(order_quarantine::checkout_form_id.eq_any(checkout_form_ids)),
    )
    .execute(conn)
}

/// The account's quarantined orders, most recent failure first.
pub fn list(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<Vec<QuarantineRow>> {
    order_quarantine::table
        .filter(order_quarantine::account_id.eq(account_id))
        .order((
            order_quarantine::last_failed_at.desc(),
            order_quarantine::id.desc(),
        ))
        .select(QuarantineRow::as_select())
        .load(conn)
}
