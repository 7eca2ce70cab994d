//! What the order detail page reads of an order's refunds: each refund as last read, with the
//! status history its versions make.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::{
    db::schema::{payment_refund_versions, payment_refunds},
    domain::{AccountId, CheckoutFormId, RefundId},
};

/// One stored version of a refund, without its document.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct RefundVersionHead {
    pub status: Option<String>,
    /// When the backup first read this version.
    pub seen_at: DateTime<Utc>,
}

/// A refund as last read, with its versions oldest first.
#[derive(Debug, Clone)]
pub struct RefundWithHistory {
    pub refund_id: RefundId,
    pub raw: Value,
    pub versions: Vec<RefundVersionHead>,
}

/// The refunds of order `checkout_form_id` of account `account_id`, oldest first.
pub fn for_order(
    conn: &mut PgConnection,
    account_id: AccountId,
    checkout_form_id: &CheckoutFormId,
) -> QueryResult<Vec<RefundWithHistory>> {
    use payment_refunds::dsl as r;
    let rows: Vec<(i64, RefundId, Value)> = r::payment_refunds
        .filter(r::account_id.eq(account_id))
        .filter(r::checkout_form_id.eq(checkout_form_id))
        .order((r::created_at.asc().nulls_last(), r::id.asc()))
        .select((r::id, r::refund_id, r::raw))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|row| row.0).collect();
    let versions: Vec<(i64, Option<String>, DateTime<Utc>)> = payment_refund_versions::table
        .filter(payment_refund_versions::refund_row_id.eq_any(ids))
        .order((
            payment_refund_versions::seen_at.asc(),
            payment_refund_versions::id.asc(),
        ))
        .select((
            payment_refund_versions::refund_row_id,
            payment_refund_versions::status,
            payment_refund_versions::seen_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, refund_id, raw)| RefundWithHistory {
            refund_id,
            raw,
            versions: versions
                .iter()
                .filter(|v| v.0 == row)
                .map(|(_, status, seen_at)| RefundVersionHead {
                    status: status.clone(),
                    seen_at: *seen_at,
                })
                .collect(),
        })
        .collect())
}
