//! The orders a viewer may see, in `orders.id` order, as the API pages them. An order's id
//! never changes and new orders get higher ones, so a reader walking pages by the last id it
//! saw meets every order that existed when it started exactly once, whatever a sync changes
//! meanwhile (a sort by an updated time or a total would move rows across pages).

use diesel::{
    dsl::sql,
    prelude::*,
    sql_types::{Nullable, Text},
};

use super::{export::in_id_order, list::OrderListRow};
use crate::domain::{OrderFilter, Visibility};

/// Up to `limit` of the orders `viewer` may see matching `filter` whose id is above `after`,
/// in id order, each with its stored document as text when `documents` is asked for.
pub fn page_after(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    filter: &OrderFilter,
    after: i64,
    limit: i64,
    documents: bool,
) -> QueryResult<Vec<(OrderListRow, Option<String>)>> {
    let document = if documents {
        "orders.raw::text"
    } else {
        "NULL::text"
    };
    in_id_order(viewer, filter, after)
        .select((OrderListRow::as_select(), sql::<Nullable<Text>>(document)))
        .limit(limit)
        .load(conn)
}
