//! The orders list's rows, read by keyset: a page starts after (or, going back, before) the
//! `(sort key, id)` of the row that ended the previous one, never at an OFFSET. NULL sort keys
//! rank above every value (PostgreSQL's default: `DESC` puts them first, `ASC` last), which
//! matches the `(key DESC, id DESC)` indexes. The cursor that carries the position between
//! requests is `orders::cursor`'s; the paging around these reads is `orders::page`'s.

use chrono::{DateTime, Utc};
use diesel::{
    dsl::sql,
    pg::Pg,
    prelude::*,
    sql_types::{BigInt, Bool, Text, Timestamptz},
};

use super::{
    OrderColumns,
    visible::{OrdersQuery, visible_orders},
};
use crate::{
    db::schema::orders,
    domain::{AccountId, OrderFilter, Visibility},
};

/// The column a page is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Bought,
    Updated,
    Total,
}

/// The sort key value of the row a page starts after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    Null,
    Time(DateTime<Utc>),
    /// A NUMERIC as PostgreSQL prints it (`149.99`).
    Amount(String),
}

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
}

impl OrderListRow {
    /// This row's value of the sort key `key`.
    pub fn key(&self, key: SortKey) -> KeyValue {
        let time = |t: Option<DateTime<Utc>>| t.map(KeyValue::Time).unwrap_or(KeyValue::Null);
        match key {
            SortKey::Bought => time(self.columns.bought_at),
            SortKey::Updated => time(self.columns.updated_at),
            SortKey::Total => self
                .columns
                .total_amount
                .clone()
                .map(KeyValue::Amount)
                .unwrap_or(KeyValue::Null),
        }
    }
}

fn column_sql(key: SortKey) -> &'static str {
    match key {
        SortKey::Bought => "orders.bought_at",
        SortKey::Updated => "orders.updated_at",
        SortKey::Total => "orders.total_amount",
    }
}

type Condition = Box<dyn BoxableExpression<orders::table, Pg, SqlType = Bool>>;

/// `prefix KEY, ID suffix` with the key bound by its type.
fn with_key(prefix: &str, key: &KeyValue, id: i64, suffix: &str) -> Condition {
    match key {
        KeyValue::Time(t) => Box::new(
            sql::<Bool>(prefix)
                .bind::<Timestamptz, _>(*t)
                .sql(", ")
                .bind::<BigInt, _>(id)
                .sql(suffix),
        ),
        KeyValue::Amount(a) => Box::new(
            sql::<Bool>(prefix)
                .bind::<Text, _>(a.clone())
                .sql("::numeric, ")
                .bind::<BigInt, _>(id)
                .sql(suffix),
        ),
        KeyValue::Null => Box::new(sql::<Bool>("false")),
    }
}

/// The rows past `(key, id)` when walking the list downwards (`descending`) or upwards, NULL
/// ranking above every value, as segments read one after the other. Each segment is a single
/// row comparison or NULL test, so that it stays an index condition on the `(key, id)` index
/// (an `OR` of both would make PostgreSQL filter the whole index).
fn past(key_column: SortKey, descending: bool, key: &KeyValue, id: i64) -> Vec<Condition> {
    let col = column_sql(key_column);
    let nulls_after = |op: &str| -> Condition {
        Box::new(
            sql::<Bool>(&format!("({col} IS NULL AND orders.id {op} "))
                .bind::<BigInt, _>(id)
                .sql(")"),
        )
    };
    let null = |negated: bool| -> Condition {
        let not = if negated { " NOT" } else { "" };
        Box::new(sql::<Bool>(&format!("{col} IS{not} NULL")))
    };
    match (key, descending) {
        (KeyValue::Null, true) => vec![nulls_after("<"), null(true)],
        (KeyValue::Null, false) => vec![nulls_after(">")],
        (key, true) => vec![with_key(&format!("({col}, orders.id) < ("), key, id, ")")],
        (key, false) => vec![
            with_key(&format!("({col}, orders.id) > ("), key, id, ")"),
            null(false),
        ],
    }
}

fn ordered(query: OrdersQuery, key: SortKey, descending: bool) -> OrdersQuery {
    match (key, descending) {
        (SortKey::Bought, true) => query.order((orders::bought_at.desc(), orders::id.desc())),
        (SortKey::Bought, false) => query.order((orders::bought_at.asc(), orders::id.asc())),
        (SortKey::Updated, true) => query.order((orders::updated_at.desc(), orders::id.desc())),
        (SortKey::Updated, false) => query.order((orders::updated_at.asc(), orders::id.asc())),
        (SortKey::Total, true) => query.order((orders::total_amount.desc(), orders::id.desc())),
        (SortKey::Total, false) => query.order((orders::total_amount.asc(), orders::id.asc())),
    }
}

/// Where a walk goes: the sort column, the direction, and the `(key, id)` it starts after
/// (exclusive; `None`: from the start).
#[derive(Debug, Clone, Copy)]
pub struct Walk<'a> {
    pub key: SortKey,
    pub descending: bool,
    pub after: Option<(&'a KeyValue, i64)>,
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
    walk_with(viewer, filter, walk, limit, |query, left| {
        query
            .select(OrderListRow::as_select())
            .limit(left)
            .load(conn)
    })
}

/// Up to `limit` rows of the orders `viewer` may see matching `filter`, walking as `walk`
/// says: `load` reads at most `left` rows of each ordered segment (see [`past`]) in its own
/// selection, until `limit` rows are read. The list and the export share it.
pub(super) fn walk_with<T>(
    viewer: Visibility<'_>,
    filter: &OrderFilter,
    walk: Walk<'_>,
    limit: i64,
    mut load: impl FnMut(OrdersQuery, i64) -> QueryResult<Vec<T>>,
) -> QueryResult<Vec<T>> {
    let segments = match walk.after {
        None => vec![None],
        Some((key, id)) => past(walk.key, walk.descending, key, id)
            .into_iter()
            .map(Some)
            .collect(),
    };
    let mut rows = Vec::new();
    for segment in segments {
        let left = limit - rows.len() as i64;
        if left <= 0 {
            break;
        }
        let mut query = visible_orders(viewer, filter);
        if let Some(condition) = segment {
            query = query.filter(condition);
        }
        rows.extend(load(ordered(query, walk.key, walk.descending), left)?);
    }
    Ok(rows)
}
