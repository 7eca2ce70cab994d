//! What the order detail page reads of an order's returns: each return as last read, with the
//! status history its versions make.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::{
    db::schema::{customer_return_versions, customer_returns},
    domain::{AccountId, CheckoutFormId, CustomerReturnId},
};

/// One stored version of a return, without its document.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ReturnVersionHead {
    pub status: Option<String>,
    /// When the backup first read this version.
    pub seen_at: DateTime<Utc>,
}

/// A return as last read, with its versions oldest first.
#[derive(Debug, Clone)]
pub struct ReturnWithHistory {
    pub return_id: CustomerReturnId,
    pub raw: Value,
    pub first_seen_at: DateTime<Utc>,
    pub versions: Vec<ReturnVersionHead>,
}

/// The returns of order `checkout_form_id` of account `account_id`, oldest first.
pub fn for_order(
    conn: &mut PgConnection,
    account_id: AccountId,
    checkout_form_id: &CheckoutFormId,
) -> QueryResult<Vec<ReturnWithHistory>> {
    use customer_returns::dsl as r;
    let rows: Vec<(i64, CustomerReturnId, Value, DateTime<Utc>)> = r::customer_returns
        .filter(r::account_id.eq(account_id))
        .filter(r::checkout_form_id.eq(checkout_form_id))
        .order((r::created_at.asc().nulls_last(), r::id.asc()))
        .select((r::id, r::return_id, r::raw, r::first_seen_at))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|row| row.0).collect();
    let versions: Vec<(i64, Option<String>, DateTime<Utc>)> = customer_return_versions::table
        .filter(customer_return_versions::return_row_id.eq_any(ids))
        .order((
            customer_return_versions::seen_at.asc(),
            customer_return_versions::id.asc(),
        ))
        .select((
            customer_return_versions::return_row_id,
            customer_return_versions::status,
            customer_return_versions::seen_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, return_id, raw, first_seen_at)| ReturnWithHistory {
            return_id,
            raw,
            first_seen_at,
            versions: versions
                .iter()
                .filter(|v| v.0 == row)
                .map(|(_, status, seen_at)| ReturnVersionHead {
                    status: status.clone(),
                    seen_at: *seen_at,
                })
                .collect(),
        })
        .collect())
}
