//! The orders list's rows, read by keyset: a page starts after (or, going back, before) the
//! `(sort key, id)` of the row that ended the previous one, never at an OFFSET (the walk itself
//! is `keyset`'s). Sorted by total, the key is `(currency group, total, id)` (migration 18's
//! indexes); sorted by net amount, the same walk goes over `order_nets` (migration 32)
//! instead, see `list_net`.
//! The cursor that carries the position between requests is `orders::cursor`'s; the paging
//! around these reads is `orders::page`'s.

use chrono::{DateTime, Utc};
use diesel::{
    dsl::sql,
    prelude::*,
    sql_types::{Nullable, Text},
};

pub use super::keyset::{KeyValue, SortKey, Walk};
use super::{
    OrderColumns,
    keyset::{amount_order, columns, segments},
    visible::{OrdersQuery, visible_orders},
};
use crate::{
    db::schema::{order_nets, orders},
    domain::{AccountId, OrderFilter, Visibility},
};

/// An order as the list shows it (never the raw JSON).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders, check_for_backend(diesel::pg::Pg))]
pub struct OrderListRow {
    pub id: i64,
    pub account_id: AccountId,
    #[diesel(embed)]
    pub columns: OrderColumns,
    pub merged_into: Option<String>,
    pub gone_from_allegro_at: Option<DateTime<Utc>>,
    /// What stays of the order's money in its currency (`order_nets`); `None` when no money
    /// moved.
    #[diesel(select_expression = sql::<Nullable<Text>>(
        "(SELECT n.net_amount::text FROM order_nets n WHERE n.order_id = orders.id)"
    ))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<Nullable<Text>>)]
    pub net_amount: Option<String>,
}

impl OrderListRow {
    /// This row's value of the sort key `key`.
    pub fn key(&self, key: SortKey) -> KeyValue {
        let time = |t: Option<DateTime<Utc>>| t.map(KeyValue::Time).unwrap_or(KeyValue::Null);
        match key {
            SortKey::Bought => time(self.columns.bought_at),
            SortKey::Updated => time(self.columns.updated_at),
            SortKey::Total => KeyValue::Total {
                currency: self.columns.currency.clone(),
                amount: self.columns.total_amount.clone(),
            },
            SortKey::Net => KeyValue::Total {
                currency: self.columns.currency.clone(),
                amount: self.net_amount.clone(),
            },
        }
    }
}

/// The net amount of order `order_id` (`order_nets`), as decimal text; `None` when no money
/// moved.
pub fn net_of(conn: &mut PgConnection, order_id: i64) -> QueryResult<Option<String>> {
    order_nets::table
        .find(order_id)
        .select(sql::<Nullable<Text>>("net_amount::text"))
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

fn ordered(query: OrdersQuery, walk: &Walk<'_>) -> OrdersQuery {
    let descending = walk.descending != walk.backwards;
    match (walk.key, descending) {
        (SortKey::Bought, true) => query.order((orders::bought_at.desc(), orders::id.desc())),
        (SortKey::Bought, false) => query.order((orders::bought_at.asc(), orders::id.asc())),
        (SortKey::Updated, true) => query.order((orders::updated_at.desc(), orders::id.desc())),
        (SortKey::Updated, false) => query.order((orders::updated_at.asc(), orders::id.asc())),
        (SortKey::Total | SortKey::Net, _) => {
            query.order(sql::<Text>(&amount_order(columns(walk.key), walk)))
        }
    }
}

/// Loads up to `limit` rows of the orders `viewer` may see matching `filter`, walking as
/// `walk` says.
pub fn walk(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    filter: &OrderFilter,
    walk: Walk<'_>,
    limit: i64,
) -> QueryResult<Vec<OrderListRow>> {
    walk_with(conn, viewer, filter, walk, limit, |conn, query, left| {
        query
            .select(OrderListRow::as_select())
            .limit(left)
            .load(conn)
    })
}

/// Up to `limit` rows of the orders `viewer` may see matching `filter`, walking as `walk`
/// says: `load` reads at most `left` rows of each ordered segment (see [`segments`]) in its own
/// selection, until `limit` rows are read (sorted by net, the rows `list_net` found, in its
/// order). The list and the export share it.
pub(super) fn walk_with<T>(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    filter: &OrderFilter,
    walk: Walk<'_>,
    limit: i64,
    mut load: impl FnMut(&mut PgConnection, OrdersQuery, i64) -> QueryResult<Vec<T>>,
) -> QueryResult<Vec<T>> {
    if walk.key == SortKey::Net {
        let query = super::list_net::walked(conn, viewer, filter, &walk, limit)?;
        return load(conn, query, limit);
    }
    let mut rows = Vec::new();
    for segment in segments(&walk) {
        let left = limit - rows.len() as i64;
        if left <= 0 {
            break;
        }
        let mut query = visible_orders(viewer, filter);
        for condition in segment {
            query = query.filter(condition);
        }
        rows.extend(load(conn, ordered(query, &walk), left)?);
    }
    Ok(rows)
}
