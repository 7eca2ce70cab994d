//! The returns page's query: the returns of some accounts created in a time range, optionally
//! of one status, not refunded yet, or without a commission refund claimed; newest first with
//! keyset paging; each with the statuses of its order's payment refunds.

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz},
};
use serde_json::Value;

use crate::domain::{AccountId, refund::PAID_OUT_REFUND_STATUSES};

/// Which returns the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnFilter {
    pub accounts: Vec<AccountId>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub status: Option<String>,
    /// Only returns whose order has no refund paid out.
    pub refund_not_paid: bool,
    /// Only returns that reached the seller (delivered or finished) and whose commission refund
    /// has not been claimed.
    pub commission_not_claimed: bool,
}

/// One return as the page lists it.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct ReturnRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub account_id: AccountId,
    #[diesel(sql_type = Nullable<Text>)]
    pub checkout_form_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub status: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub created_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    pub raw: Value,
    /// The statuses of the order's payment refunds, comma-separated (none: `None`).
    #[diesel(sql_type = Nullable<Text>)]
    pub refund_statuses: Option<String>,
}

/// Statuses of a return that reached the seller, after which a commission refund may be
/// claimed, and those that say it was.
const CLAIMABLE: &str = "'DELIVERED', 'WAREHOUSE_DELIVERED', 'WAREHOUSE_VERIFICATION', 'FINISHED'";

/// Up to `limit` returns of `filter`, newest first, after row `before` (the last of the page
/// before).
pub fn page(
    conn: &mut PgConnection,
    filter: &ReturnFilter,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<ReturnRow>> {
    let paid = PAID_OUT_REFUND_STATUSES
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    diesel::sql_query(format!(
        "SELECT r.id, r.account_id, r.checkout_form_id, r.status, r.created_at, r.raw, \
                (SELECT string_agg(p.status, ',' ORDER BY p.created_at) FROM payment_refunds p \
                 WHERE p.account_id = r.account_id AND p.checkout_form_id = r.checkout_form_id) \
                 AS refund_statuses \
         FROM customer_returns r \
         WHERE r.account_id = ANY($1) AND r.created_at >= $2 AND r.created_at < $3 \
           AND ($4::text IS NULL OR r.status = $4) \
           AND (NOT $5 OR (coalesce(r.status, '') <> 'REJECTED' AND NOT EXISTS ( \
                SELECT 1 FROM payment_refunds p WHERE p.account_id = r.account_id \
                AND p.checkout_form_id = r.checkout_form_id AND p.status IN ({paid})))) \
           AND (NOT $6 OR r.status IN ({CLAIMABLE})) \
           AND ($7::bigint IS NULL OR (r.created_at, r.id) < \
                (SELECT created_at, id FROM customer_returns WHERE id = $7)) \
         ORDER BY r.created_at DESC, r.id DESC LIMIT $8"
    ))
    .bind::<Array<BigInt>, _>(filter.accounts.iter().map(|a| a.0).collect::<Vec<_>>())
    .bind::<Timestamptz, _>(filter.from)
    .bind::<Timestamptz, _>(filter.to)
    .bind::<Nullable<Text>, _>(filter.status.as_deref())
    .bind::<Bool, _>(filter.refund_not_paid)
    .bind::<Bool, _>(filter.commission_not_claimed)
    .bind::<Nullable<BigInt>, _>(before)
    .bind::<BigInt, _>(limit)
    .load(conn)
}
