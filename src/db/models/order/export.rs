//! What the orders export reads, chunk by chunk in `orders.id` order (keyset, never OFFSET):
//! the CSV columns of the orders (amounts as exact decimal text), their line items, and for
//! NDJSON the ids and then the stored documents as text. The encoding is `orders::export`'s.

use chrono::{DateTime, Utc};
use diesel::{
    dsl::sql,
    expression::SqlLiteral,
    prelude::*,
    sql_types::{Nullable, Text},
};

use super::{
    LineItemRow, OrderBuyer,
    visible::{OrdersQuery, visible_orders},
};
use crate::domain::Visibility;
use crate::{
    db::schema::{order_line_items, orders},
    domain::{AccountId, CheckoutFormId, OrderFilter},
};

/// An order as the CSV exports read it (amounts as exact decimal text).
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = orders, check_for_backend(diesel::pg::Pg))]
pub struct ExportRow {
    pub id: i64,
    pub account_id: AccountId,
    pub checkout_form_id: CheckoutFormId,
    pub status: String,
    pub fulfillment_status: Option<String>,
    pub bought_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub buyer_id: String,
    #[diesel(embed)]
    pub buyer: OrderBuyer,
    #[diesel(select_expression = sql::<Nullable<Text>>("orders.total_amount::text"))]
    #[diesel(select_expression_type = SqlLiteral<Nullable<Text>>)]
    pub total_amount: Option<String>,
    pub currency: Option<String>,
    #[diesel(select_expression = sql::<Nullable<Text>>("orders.paid_amount::text"))]
    #[diesel(select_expression_type = SqlLiteral<Nullable<Text>>)]
    pub paid_amount: Option<String>,
    pub payment_type: Option<String>,
    pub payment_provider: Option<String>,
    pub payment_finished_at: Option<DateTime<Utc>>,
    pub delivery_method_name: Option<String>,
    pub pickup_point_id: Option<String>,
    pub invoice_required: bool,
    pub line_item_count: i32,
    pub marketplace_id: Option<String>,
    pub merged_into: Option<String>,
    pub revision: Option<String>,
}

/// Up to `limit` of the orders `viewer` may see matching `filter` whose id is above `after`,
/// in id order.
pub fn rows_after(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    filter: &OrderFilter,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<ExportRow>> {
    in_id_order(viewer, filter, after)
        .limit(limit)
        .select(ExportRow::as_select())
        .load(conn)
}

/// The line items of the orders `ids`, by order and item id.
pub fn items_of(conn: &mut PgConnection, ids: Vec<i64>) -> QueryResult<Vec<LineItemRow>> {
    order_line_items::table
        .filter(order_line_items::order_id.eq_any(ids))
        .order((order_line_items::order_id, order_line_items::id))
        .select(LineItemRow::as_select())
        .load(conn)
}

/// The ids of up to `limit` of the orders `viewer` may see matching `filter` above `after`,
/// in order (no document is touched).
pub fn ids_after(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    filter: &OrderFilter,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    in_id_order(viewer, filter, after)
        .select(orders::id)
        .limit(limit)
        .load(conn)
}

/// The orders `viewer` may see matching `filter` whose id is above `after`, in id order.
fn in_id_order(viewer: Visibility<'_>, filter: &OrderFilter, after: i64) -> OrdersQuery {
    visible_orders(viewer, filter)
        .filter(orders::id.gt(after))
        .order(orders::id)
}

/// The stored documents of the orders `ids` as text, in id order.
pub fn documents(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<String>> {
    orders::table
        .filter(orders::id.eq_any(ids))
        .order(orders::id)
        .select(sql::<Text>("orders.raw::text"))
        .load(conn)
}
