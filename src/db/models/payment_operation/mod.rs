//! Payment operations (`payment_operations`): the history of an account's Allegro Finance
//! wallets. An operation has no id at Allegro and never changes, so it is stored once, known
//! by the hash of its canonical document; reading it again only marks it seen. Money held back
//! (the `WAITING` wallet) shows up again in `AVAILABLE` as a new operation when released; the
//! held one is then marked released (`mark_released`).

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{Array, BigInt, Nullable, Text, Timestamptz},
};
use serde_json::Value;

pub mod list;

use crate::{
    db::{models::versioned::numeric, schema::payment_operations},
    domain::AccountId,
};

/// An operation as read from Allegro, ready to store.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = payment_operations, treat_none_as_default_value = false)]
pub struct NewPaymentOperation {
    /// sha256 of its canonical JSON: its identity.
    pub content_hash: String,
    /// `wallet.type`, else the wallet the listing asked for.
    pub wallet_type: String,
    pub payment_operator: Option<String>,
    pub operation_type: Option<String>,
    pub operation_group: Option<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub currency: Option<String>,
    pub marketplace_id: Option<String>,
    pub payment_id: Option<String>,
    pub payout_id: Option<String>,
    pub participant_login: Option<String>,
    /// The whole operation as Allegro sent it.
    pub raw: Value,
    /// `value.amount`, a validated decimal string (stored as NUMERIC).
    #[diesel(skip_insertion)]
    pub amount: Option<String>,
    /// `wallet.balance.amount`, likewise.
    #[diesel(skip_insertion)]
    pub balance: Option<String>,
}

/// Stores the operations of account `account_id` not stored yet and marks the others seen;
/// how many were new. Records an `order.documents_changed` change for each stored order whose
/// payment a new operation moves. Call it inside the transaction that also moves the
/// checkpoint.
pub fn store(
    conn: &mut PgConnection,
    account_id: AccountId,
    operations: &[NewPaymentOperation],
) -> QueryResult<usize> {
    use payment_operations::dsl as p;
    if operations.is_empty() {
        return Ok(0);
    }
    let rows: Vec<_> = operations
        .iter()
        .map(|op| {
            (
                p::account_id.eq(account_id),
                op,
                p::amount.eq(numeric!(op.amount.as_deref())),
                p::balance.eq(numeric!(op.balance.as_deref())),
            )
        })
        .collect();
    let created: Vec<(String, Option<String>)> = diesel::insert_into(p::payment_operations)
        .values(rows)
        .on_conflict((p::account_id, p::content_hash))
        .do_nothing()
        .returning((p::content_hash, p::payment_id))
        .get_results(conn)?;
    let known: Vec<&str> = operations
        .iter()
        .map(|op| op.content_hash.as_str())
        .filter(|hash| !created.iter().any(|(c, _)| c == hash))
        .collect();
    if !known.is_empty() {
        diesel::update(
            p::payment_operations
                .filter(p::account_id.eq(account_id))
                .filter(p::content_hash.eq_any(known)),
        )
        .set(p::last_seen_at.eq(diesel::dsl::now))
        .execute(conn)?;
    }
    let payments: Vec<&str> = created.iter().filter_map(|(_, p)| p.as_deref()).collect();
    let orders = super::order::ids_paid_by(conn, account_id, &payments)?;
    super::order_change::record_documents(conn, account_id, "payment-operations", &orders)?;
    Ok(created.len())
}

/// Marks released every held (`WAITING`) operation of the account that the `AVAILABLE` wallet
/// now lists too (same type, payment, amount, currency and operator, no earlier): released at
/// the time the available one names. How many were marked.
pub fn mark_released(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE payment_operations AS held SET released_at = released.at \
         FROM (SELECT w.id, min(a.occurred_at) AS at \
               FROM payment_operations w \
               JOIN payment_operations a ON a.account_id = w.account_id \
                 AND a.wallet_type = 'AVAILABLE' AND a.payment_id = w.payment_id \
                 AND a.operation_type IS NOT DISTINCT FROM w.operation_type \
                 AND a.amount = w.amount AND a.currency = w.currency \
                 AND a.payment_operator IS NOT DISTINCT FROM w.payment_operator \
                 AND a.occurred_at >= w.occurred_at \
               WHERE w.account_id = $1 AND w.wallet_type = 'WAITING' \
                 AND w.released_at IS NULL AND w.payment_id IS NOT NULL \
               GROUP BY w.id) AS released \
         WHERE held.id = released.id",
    )
    .bind::<BigInt, _>(account_id.0)
    .execute(conn)
}

/// How many operations the account holds (all wallets), for tests and the CLI.
pub fn count(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<i64> {
    use payment_operations::dsl as p;
    p::payment_operations
        .filter(p::account_id.eq(account_id))
        .count()
        .get_result(conn)
}

/// One stored operation as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct OperationRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub account_id: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub occurred_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub operation_type: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub operation_group: Option<String>,
    #[diesel(sql_type = Text)]
    pub wallet_type: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub payment_operator: Option<String>,
    /// Decimal text; negative when money left the wallet.
    #[diesel(sql_type = Nullable<Text>)]
    pub amount: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub currency: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub payment_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub payout_id: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub released_at: Option<DateTime<Utc>>,
}

/// The columns of [`OperationRow`], as a select list.
pub(crate) const ROW_COLUMNS: &str = "id, account_id, occurred_at, operation_type, operation_group, \
     wallet_type, payment_operator, amount::text AS amount, currency, payment_id, payout_id, \
     released_at";

/// The operations of account `account_id` that move the payments `payment_ids` (an order's
/// payment and its surcharges), oldest first.
pub fn for_payments(
    conn: &mut PgConnection,
    account_id: AccountId,
    payment_ids: &[String],
) -> QueryResult<Vec<OperationRow>> {
    if payment_ids.is_empty() {
        return Ok(vec![]);
    }
    diesel::sql_query(format!(
        "SELECT {ROW_COLUMNS} FROM payment_operations \
         WHERE account_id = $1 AND payment_id = ANY($2) \
         ORDER BY occurred_at NULLS LAST, id"
    ))
    .bind::<BigInt, _>(account_id.0)
    .bind::<Array<Text>, _>(payment_ids)
    .load(conn)
}
