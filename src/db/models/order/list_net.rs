//! The orders list sorted by net amount: the keyset walk of `list` over `order_nets`
//! (migration 32: one narrow row per order, indexed by currency group, net and order id)
//! instead of `orders`, each segment keeping the rows whose order the viewer may see and the
//! filter matches (`order_id IN (visible orders)`: PostgreSQL walks the index and checks each
//! order, or, for a narrow filter, reads the few matching orders first). The orders found are
//! then read in that order.

use diesel::{
    dsl::sql,
    prelude::*,
    sql_types::{Array, BigInt, Integer, Text},
};

use super::{
    keyset::{NET_COLUMNS, Walk, amount_order, segments},
    visible::{OrdersQuery, visible_orders},
};
use crate::{
    db::schema::{order_nets, orders},
    domain::{OrderFilter, Visibility},
};

/// The ids of up to `limit` orders `viewer` may see matching `filter`, walking by net as
/// `walk` says.
fn walk_ids(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    filter: &OrderFilter,
    walk: &Walk<'_>,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let mut ids = Vec::new();
    for segment in segments::<order_nets::table>(walk) {
        let left = limit - ids.len() as i64;
        if left <= 0 {
            break;
        }
        let visible = visible_orders(viewer, filter).select(orders::id);
        let mut query = order_nets::table
            .filter(order_nets::order_id.eq_any(visible))
            .into_boxed();
        for condition in segment {
            query = query.filter(condition);
        }
        let found: Vec<i64> = query
            .order(sql::<Text>(&amount_order(NET_COLUMNS, walk)))
            .select(order_nets::order_id)
            .limit(left)
            .load(conn)?;
        ids.extend(found);
    }
    Ok(ids)
}

/// The orders query of the rows the net walk finds, in the walk's order.
pub(super) fn walked(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    filter: &OrderFilter,
    walk: &Walk<'_>,
    limit: i64,
) -> QueryResult<OrdersQuery> {
    let ids = walk_ids(conn, viewer, filter, walk, limit)?;
    Ok(visible_orders(viewer, filter)
        .filter(orders::id.eq_any(ids.clone()))
        .order(
            sql::<Integer>("array_position(")
                .bind::<Array<BigInt>, _>(ids)
                .sql(", orders.id)"),
        ))
}
