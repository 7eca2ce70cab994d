//! The documents of a resource as Allegro sent them (the last version read of each), read in
//! batches in the order they were first stored: what `export --resource` writes, one per line.

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{Array, BigInt, Jsonb, Nullable, Timestamptz},
};
use serde_json::Value;

use crate::domain::AccountId;

/// A resource kept as whole documents besides the orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentTable {
    CustomerReturns,
    PaymentRefunds,
    BillingEntries,
    PaymentOperations,
}

impl DocumentTable {
    fn table(self) -> &'static str {
        match self {
            Self::CustomerReturns => "customer_returns",
            Self::PaymentRefunds => "payment_refunds",
            Self::BillingEntries => "billing_entries",
            Self::PaymentOperations => "payment_operations",
        }
    }

    /// The resource's own time: when the return or refund was created, the fee
    /// booked, the money moved.
    fn time_column(self) -> &'static str {
        match self {
            Self::CustomerReturns | Self::PaymentRefunds => "created_at",
            Self::BillingEntries | Self::PaymentOperations => "occurred_at",
        }
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Jsonb)]
    raw: Value,
}

/// Up to `limit` documents of `table` after row `after`, of `accounts` (all when `None`) whose
/// own time is at or after `since` (all when `None`); with their row ids.
pub fn documents_after(
    conn: &mut PgConnection,
    table: DocumentTable,
    (accounts, since): (Option<&[AccountId]>, Option<DateTime<Utc>>),
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, Value)>> {
    let sql = format!(
        "SELECT id, raw FROM {} WHERE id > $1 AND ($2::bigint[] IS NULL OR account_id = ANY($2)) \
         AND ($3::timestamptz IS NULL OR {} >= $3) ORDER BY id LIMIT $4",
        table.table(),
        table.time_column()
    );
    let rows: Vec<Row> = diesel::sql_query(sql)
        .bind::<BigInt, _>(after)
        .bind::<Nullable<Array<BigInt>>, _>(
            accounts.map(|a| a.iter().map(|id| id.0).collect::<Vec<_>>()),
        )
        .bind::<Nullable<Timestamptz>, _>(since)
        .bind::<BigInt, _>(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.id, r.raw)).collect())
}
