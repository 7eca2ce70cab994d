//! Backed-up orders (`orders`), their line items and their revision history.
//!
//! Writes are bulk: [`upsert_orders`] stores a whole page of checkout forms with a handful of
//! statements per chunk. Each column travels as one PostgreSQL array parameter and is expanded
//! with `unnest`, so the number of bind parameters stays fixed (far below the protocol's 65 535)
//! whatever the chunk size. Amounts arrive as decimal strings and are cast to `NUMERIC` in SQL:
//! no float ever touches money.
//!
//! Reads for the pages start from one query, the orders a viewer may see that match the
//! filters ([`visible`]): the list's keyset pages ([`list`]), its capped count ([`count`]),
//! the export's chunks ([`export`]); the dashboard's aggregates ([`stats`]) and the detail
//! page's extras ([`detail`]) sit beside them.

use chrono::{DateTime, Utc};
use diesel::{
    dsl::sql,
    prelude::*,
    sql_types::{Nullable, Text},
};
use serde_json::Value;

pub mod by_id;
pub mod count;
pub mod detail;
pub mod export;
mod keyset;
pub mod list;
mod list_net;
mod search;
mod sql;
pub mod stats;
pub mod visible;

mod write;

pub use write::{Refused, UPSERT_CHUNK, upsert_orders, upsert_orders_isolating};

pub use crate::domain::{Document, canonical_json, content_hash};
use crate::{
    db::{
        models::order_change::{self, ChangeKind, NewChange},
        schema::{order_line_items, orders},
    },
    domain::{AccountId, CheckoutFormId},
};

/// An order to store, mapped from a checkout form (see `sync::map`): its columns, the complete
/// document and its line items.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrder {
    pub columns: OrderColumns,
    /// The complete checkout form as Allegro sent it, as canonical text with its hash.
    pub document: Document,
    pub line_items: Vec<NewLineItem>,
}

/// The columns an order's checkout form fills (written by [`upsert_orders`], read back by
/// [`OrderRow`] and the list's [`list::OrderListRow`]). Amounts are decimal strings (`"72.97"`,
/// already validated by the Allegro client); PostgreSQL casts them to `NUMERIC` and they are read
/// back as their exact text.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = orders, check_for_backend(diesel::pg::Pg))]
pub struct OrderColumns {
    pub checkout_form_id: CheckoutFormId,
    pub marketplace_id: Option<String>,
    pub status: String,
    pub fulfillment_status: Option<String>,
    pub buyer_id: String,
    #[diesel(embed)]
    pub buyer: OrderBuyer,
    /// `summary.totalToPay.amount`.
    #[diesel(select_expression = sql::<Nullable<Text>>("orders.total_amount::text"))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<Nullable<Text>>)]
    pub total_amount: Option<String>,
    /// `summary.totalToPay.currency`.
    pub currency: Option<String>,
    pub payment_type: Option<String>,
    pub payment_provider: Option<String>,
    pub payment_finished_at: Option<DateTime<Utc>>,
    #[diesel(select_expression = sql::<Nullable<Text>>("orders.paid_amount::text"))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<Nullable<Text>>)]
    pub paid_amount: Option<String>,
    pub delivery_method_id: Option<String>,
    pub delivery_method_name: Option<String>,
    pub pickup_point_id: Option<String>,
    pub invoice_required: bool,
    pub line_item_count: i32,
    /// The latest `lineItems[].boughtAt`.
    pub bought_at: Option<DateTime<Utc>>,
    /// Allegro's `updatedAt`.
    pub updated_at: Option<DateTime<Utc>>,
    pub revision: Option<String>,
}

/// The buyer's columns of an order (personal data, but for `guest`: masked for users who
/// must not see it).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = orders, check_for_backend(diesel::pg::Pg))]
pub struct OrderBuyer {
    #[diesel(column_name = buyer_login)]
    pub login: Option<String>,
    #[diesel(column_name = buyer_email)]
    pub email: Option<String>,
    #[diesel(column_name = buyer_first_name)]
    pub first_name: Option<String>,
    #[diesel(column_name = buyer_last_name)]
    pub last_name: Option<String>,
    #[diesel(column_name = buyer_company_name)]
    pub company_name: Option<String>,
    #[diesel(column_name = buyer_guest)]
    pub guest: bool,
}

/// One line item of a [`NewOrder`]; prices are unit prices as decimal strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLineItem {
    pub line_item_id: String,
    pub offer_id: String,
    pub offer_name: Option<String>,
    pub external_id: Option<String>,
    pub quantity: i32,
    pub price: String,
    pub original_price: Option<String>,
    pub currency: String,
    pub bought_at: Option<DateTime<Utc>>,
}

/// What [`upsert_orders`] did, per distinct checkout form id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    /// New rows.
    pub created: usize,
    /// Rows whose JSON changed: new revision stored, line items replaced.
    pub updated: usize,
    /// Rows with identical JSON: only `last_seen_at` moved.
    pub unchanged: usize,
}

impl std::ops::AddAssign for UpsertCounts {
    fn add_assign(&mut self, other: Self) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// A stored order: its columns, the stored document and its bookkeeping.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders, check_for_backend(diesel::pg::Pg))]
pub struct OrderRow {
    pub id: i64,
    pub account_id: AccountId,
    #[diesel(embed)]
    pub columns: OrderColumns,
    pub content_hash: String,
    pub raw: Value,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub merged_into: Option<String>,
    pub gone_from_allegro_at: Option<DateTime<Utc>>,
}

/// A stored line item (prices as exact decimal text), as the `csv-items` export and the
/// tests read it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_line_items, check_for_backend(diesel::pg::Pg))]
pub struct LineItemRow {
    pub order_id: i64,
    pub line_item_id: String,
    pub offer_id: String,
    pub offer_name: Option<String>,
    pub external_id: Option<String>,
    pub quantity: i32,
    #[diesel(select_expression = sql::<Text>("order_line_items.price::text"))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<Text>)]
    pub price: String,
    #[diesel(select_expression = sql::<Nullable<Text>>("order_line_items.original_price::text"))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<Nullable<Text>>)]
    pub original_price: Option<String>,
    pub currency: String,
}

/// Marks `old_ids` as merged into `new_id` (Allegro replaced them by one new checkout form).
/// The old orders stay; returns how many rows were marked.
pub fn mark_merged(
    conn: &mut PgConnection,
    account_id: AccountId,
    old_ids: &[CheckoutFormId],
    new_id: &CheckoutFormId,
) -> QueryResult<usize> {
    diesel::update(
        orders::table
            .filter(orders::account_id.eq(account_id))
            .filter(orders::checkout_form_id.eq_any(old_ids))
            .filter(orders::checkout_form_id.ne(new_id)),
    )
    .set(orders::merged_into.eq(new_id))
    .execute(conn)
}

/// Marks orders Allegro no longer serves (out of its ~12-month window), each a change in the
/// feed. Keeps the first time this was noticed; returns how many rows were newly marked.
pub fn mark_gone(
    conn: &mut PgConnection,
    account_id: AccountId,
    ids: &[CheckoutFormId],
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    let marked: Vec<(i64, Option<String>)> = diesel::update(
        orders::table
            .filter(orders::account_id.eq(account_id))
            .filter(orders::checkout_form_id.eq_any(ids))
            .filter(orders::gone_from_allegro_at.is_null()),
    )
    .set(orders::gone_from_allegro_at.eq(at))
    .returning((orders::id, orders::revision))
    .get_results(conn)?;
    let changes: Vec<NewChange<'_>> = marked
        .iter()
        .map(|(id, revision)| NewChange {
            order_id: *id,
            kind: ChangeKind::Gone,
            revision: revision.as_deref(),
        })
        .collect();
    order_change::record(conn, account_id, &changes)?;
    Ok(marked.len())
}

/// Stored orders holding any of `line_item_ids`, as `(checkout_form_id, line_item_id)`: line
/// item ids survive a purchase merge, so this finds the forms a new one replaced.
pub fn find_by_line_item_ids(
    conn: &mut PgConnection,
    account_id: AccountId,
    line_item_ids: &[String],
) -> QueryResult<Vec<(CheckoutFormId, String)>> {
    order_line_items::table
        .inner_join(orders::table)
        .filter(orders::account_id.eq(account_id))
        .filter(order_line_items::line_item_id.eq_any(line_item_ids))
        .select((orders::checkout_form_id, order_line_items::line_item_id))
        .order((orders::checkout_form_id, order_line_items::line_item_id))
        .load(conn)
}

/// The stored orders (`orders.id`) of account `account_id` paid by any of `payment_ids`
/// (`payment.id` of their documents), each once.
pub fn ids_paid_by(
    conn: &mut PgConnection,
    account_id: AccountId,
    payment_ids: &[&str],
) -> QueryResult<Vec<i64>> {
    if payment_ids.is_empty() {
        return Ok(vec![]);
    }
    let found: Vec<super::versioned::OrderIdRow> = diesel::sql_query(
        "SELECT DISTINCT id FROM orders
         WHERE account_id = $1 AND raw #>> '{payment,id}' = ANY($2) ORDER BY id",
    )
    .bind::<diesel::sql_types::BigInt, _>(account_id)
    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(payment_ids)
    .load(conn)?;
    Ok(found.into_iter().map(|row| row.id).collect())
}

/// Number of orders held for the account (merged and gone ones included).
pub fn count_for_account(conn: &mut PgConnection, account_id: AccountId) -> QueryResult<i64> {
    orders::table
        .filter(orders::account_id.eq(account_id))
        .count()
        .get_result(conn)
}

/// The stored `(revision, content_hash)` of an order, to skip re-fetching unchanged forms.
pub fn revision_of(
    conn: &mut PgConnection,
    account_id: AccountId,
    checkout_form_id: &CheckoutFormId,
) -> QueryResult<Option<(Option<String>, String)>> {
    orders::table
        .filter(orders::account_id.eq(account_id))
        .filter(orders::checkout_form_id.eq(checkout_form_id))
        .select((orders::revision, orders::content_hash))
        .first(conn)
        .optional()
}

/// One stored order by its checkout form id.
pub fn find(
    conn: &mut PgConnection,
    account_id: AccountId,
    checkout_form_id: &CheckoutFormId,
) -> QueryResult<Option<OrderRow>> {
    orders::table
        .filter(orders::account_id.eq(account_id))
        .filter(orders::checkout_form_id.eq(checkout_form_id))
        .select(OrderRow::as_select())
        .first(conn)
        .optional()
}

/// Line items of one stored order, in id order.
pub fn line_items(conn: &mut PgConnection, order_id: i64) -> QueryResult<Vec<LineItemRow>> {
    order_line_items::table
        .filter(order_line_items::order_id.eq(order_id))
        .select(LineItemRow::as_select())
        .order(order_line_items::id)
        .load(conn)
}
