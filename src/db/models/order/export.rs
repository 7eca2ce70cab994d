//! What the orders export reads, chunk by chunk in `orders.id` order (keyset, never OFFSET):
//! the CSV columns of the orders (amounts as exact decimal text), their line items, and for
//! NDJSON the ids and then the stored documents as text. The encoding is `orders::export`'s.

use diesel::{dsl::sql, prelude::*, sql_types::Text};

use super::{
    LineItemRow,
    list::OrderListRow,
    visible::{OrdersQuery, visible_orders},
};
use crate::domain::Visibility;
use crate::{
    db::schema::{order_line_items, orders},
    domain::OrderFilter,
};

/// Up to `limit` of the orders `viewer` may see matching `filter` whose id is above `after`,
/// in id order.
pub fn rows_after(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    filter: &OrderFilter,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<OrderListRow>> {
    in_id_order(viewer, filter, after)
        .limit(limit)
        .select(OrderListRow::as_select())
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
