//! The Payments page's queries: the wallet operations of some accounts in a time range,
//! optionally of one wallet or type, newest first with keyset paging, each with the order its
//! payment belongs to; and the operations a payout carries. Allegro does not say which
//! payments a payout pays out: they are inferred as the operations of the same wallet
//! (operator and currency) since that wallet's payout before.

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{Array, BigInt, Nullable, Text, Timestamptz},
};

use super::{OperationRow, ROW_COLUMNS};
use crate::domain::AccountId;

/// Which operations the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationFilter {
    pub accounts: Vec<AccountId>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// `AVAILABLE` or `WAITING`.
    pub wallet: Option<String>,
    /// An operation type (`PAYOUT`).
    pub kind: Option<String>,
}

/// One operation as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct ListedOperation {
    #[diesel(embed)]
    pub op: OperationRow,
    /// The wallet's balance after it, as decimal text.
    #[diesel(sql_type = Nullable<Text>)]
    pub balance: Option<String>,
    /// The buyer (or the seller), as Allegro names them: personal data.
    #[diesel(sql_type = Nullable<Text>)]
    pub participant_login: Option<String>,
    /// The checkout form whose payment it moves, when the backup holds that order.
    #[diesel(sql_type = Nullable<Text>)]
    pub checkout_form_id: Option<String>,
}

/// The select list of [`ListedOperation`] over `payment_operations o`.
fn listed_columns() -> String {
    let own = ROW_COLUMNS
        .split(", ")
        .map(|c| format!("o.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{own}, o.balance::text AS balance, o.participant_login, \
         (SELECT r.checkout_form_id FROM orders r WHERE r.account_id = o.account_id \
          AND r.raw #>> '{{payment,id}}' = o.payment_id LIMIT 1) AS checkout_form_id"
    )
}

/// Up to `limit` operations of `filter`, newest first, after row `before` (the last of the
/// page before).
pub fn page(
    conn: &mut PgConnection,
    filter: &OperationFilter,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<ListedOperation>> {
    diesel::sql_query(format!(
        "SELECT {} FROM payment_operations o \
         WHERE o.account_id = ANY($1) AND o.occurred_at >= $2 AND o.occurred_at < $3 \
           AND ($4::text IS NULL OR o.wallet_type = $4) \
           AND ($5::text IS NULL OR o.operation_type = $5) \
           AND ($6::bigint IS NULL OR (o.occurred_at, o.id) < \
                (SELECT occurred_at, id FROM payment_operations WHERE id = $6)) \
         ORDER BY o.occurred_at DESC, o.id DESC LIMIT $7",
        listed_columns()
    ))
    .bind::<Array<BigInt>, _>(filter.accounts.iter().map(|a| a.0).collect::<Vec<_>>())
    .bind::<Timestamptz, _>(filter.from)
    .bind::<Timestamptz, _>(filter.to)
    .bind::<Nullable<Text>, _>(filter.wallet.as_deref())
    .bind::<Nullable<Text>, _>(filter.kind.as_deref())
    .bind::<Nullable<BigInt>, _>(before)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// The payout `payout_id` of one of `accounts` and the operations it carries (those of its
/// wallet since that wallet's payout before), newest first; `None` when no such payout is
/// held.
pub fn carried_by_payout(
    conn: &mut PgConnection,
    accounts: &[AccountId],
    payout_id: &str,
) -> QueryResult<Option<(ListedOperation, Vec<ListedOperation>)>> {
    let columns = listed_columns();
    let payout: Option<ListedOperation> = diesel::sql_query(format!(
        "SELECT {columns} FROM payment_operations o \
         WHERE o.account_id = ANY($1) AND o.payout_id = $2 AND o.operation_type = 'PAYOUT' \
         ORDER BY o.occurred_at LIMIT 1"
    ))
    .bind::<Array<BigInt>, _>(accounts.iter().map(|a| a.0).collect::<Vec<_>>())
    .bind::<Text, _>(payout_id)
    .get_result(conn)
    .optional()?;
    let Some(payout) = payout else {
        return Ok(None);
    };
    let carried = diesel::sql_query(format!(
        "SELECT {columns} FROM payment_operations o \
         WHERE o.account_id = $1 AND o.wallet_type = 'AVAILABLE' \
           AND o.payment_operator IS NOT DISTINCT FROM $2 AND o.currency IS NOT DISTINCT FROM $3 \
           AND o.occurred_at < $4 AND o.occurred_at > coalesce( \
               (SELECT max(p.occurred_at) FROM payment_operations p \
                WHERE p.account_id = $1 AND p.wallet_type = 'AVAILABLE' \
                  AND p.operation_type = 'PAYOUT' \
                  AND p.payment_operator IS NOT DISTINCT FROM $2 \
                  AND p.currency IS NOT DISTINCT FROM $3 AND p.occurred_at < $4), \
               '-infinity'::timestamptz) \
         ORDER BY o.occurred_at DESC, o.id DESC"
    ))
    .bind::<BigInt, _>(payout.op.account_id)
    .bind::<Nullable<Text>, _>(payout.op.payment_operator.as_deref())
    .bind::<Nullable<Text>, _>(payout.op.currency.as_deref())
    .bind::<Nullable<Timestamptz>, _>(payout.op.occurred_at)
    .load(conn)?;
    Ok(Some((payout, carried)))
}
