//! The orders list's rows, read by keyset: a page starts after (or, going back, before) the
//! `(sort key, id)` of the row that ended the previous one, never at an OFFSET. NULL sort keys
//! rank above every value (PostgreSQL's default: `DESC` puts them first, `ASC` last), which
//! matches the `(key DESC, id DESC)` indexes. Sorted by total, the orders come in currency
//! groups first (PLN, then the others alphabetically, then orders without a currency; the same
//! in both directions), so that amounts of different currencies are never ranked against each
//! other; the key is then `(currency group, total, id)` (migration 18's indexes). The cursor
//! that carries the position between requests is `orders::cursor`'s; the paging around these
//! reads is `orders::page`'s.

use chrono::{DateTime, Utc};
use diesel::{
    dsl::sql,
    pg::Pg,
    prelude::*,
    sql_types::{BigInt, Bool, Text, Timestamptz},
};

use super::{
    OrderColumns,
    visible::{OrdersQuery, in_currency, visible_orders},
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
    /// The total sort's key: the currency (its group) and the amount, a NUMERIC as PostgreSQL
    /// prints it (`149.99`); each `None` when the order has none.
    Total {
        currency: Option<String>,
        amount: Option<String>,
    },
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
            SortKey::Total => KeyValue::Total {
                currency: self.columns.currency.clone(),
                amount: self.columns.total_amount.clone(),
            },
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

/// The currency group of an order (migration 18): `''` for PLN, a space and the code for the
/// others, NULL without a currency; ascending, that is PLN first and no currency last.
const GROUP_SQL: &str = "currency_sort_key(orders.currency)";

type Condition = Box<dyn BoxableExpression<orders::table, Pg, SqlType = Bool>>;

/// The conditions of one part of a walk, all required; the parts are read one after the other.
type Segment = Vec<Condition>;

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
        KeyValue::Total {
            amount: Some(a), ..
        } => Box::new(
            sql::<Bool>(prefix)
                .bind::<Text, _>(a.clone())
                .sql("::numeric, ")
                .bind::<BigInt, _>(id)
                .sql(suffix),
        ),
        KeyValue::Null | KeyValue::Total { amount: None, .. } => Box::new(sql::<Bool>("false")),
    }
}

/// The rows past `(key, id)` in `key_column` when walking downwards (`descending`) or
/// upwards, NULL ranking above every value, as segments read one after the other. Each
/// segment is a single row comparison or NULL test, so that it stays an index condition on the
/// `(key, id)` index (an `OR` of both would make PostgreSQL filter the whole index).
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
    let is_null = matches!(key, KeyValue::Null | KeyValue::Total { amount: None, .. });
    match (is_null, descending) {
        (true, true) => vec![nulls_after("<"), null(true)],
        (true, false) => vec![nulls_after(">")],
        (false, true) => vec![with_key(&format!("({col}, orders.id) < ("), key, id, ")")],
        (false, false) => vec![
            with_key(&format!("({col}, orders.id) > ("), key, id, ")"),
            null(false),
        ],
    }
}

/// The orders of `currency`'s group (`None`: the orders without a currency).
fn in_group(currency: Option<&str>) -> Condition {
    match currency {
        Some(c) => in_currency(c),
        None => Box::new(sql::<Bool>(&format!("{GROUP_SQL} IS NULL"))),
    }
}

/// The groups after `currency`'s, walking the groups in their order (`forwards`) or back.
fn groups_past(currency: Option<&str>, forwards: bool) -> Vec<Condition> {
    let beyond = |op: &str, c: &str| -> Condition {
        Box::new(
            sql::<Bool>(&format!("{GROUP_SQL} {op} currency_sort_key("))
                .bind::<Text, _>(c.to_string())
                .sql(")"),
        )
    };
    match (currency, forwards) {
        (Some(c), true) => vec![beyond(">", c), in_group(None)],
        (Some(c), false) => vec![beyond("<", c)],
        (None, true) => vec![],
        (None, false) => vec![Box::new(sql::<Bool>(&format!("{GROUP_SQL} IS NOT NULL")))],
    }
}

/// The segments of a walk from `after` (exclusive): past the key, and for the total sort
/// first the rest of the row's currency group, then the groups after it.
fn segments(walk: &Walk<'_>) -> Vec<Segment> {
    let descending = walk.descending != walk.backwards;
    let Some((key, id)) = walk.after else {
        return vec![vec![]];
    };
    match (walk.key, key) {
        (SortKey::Total, KeyValue::Total { currency, .. }) => {
            let currency = currency.as_deref();
            let mut parts: Vec<Segment> = past(SortKey::Total, descending, key, id)
                .into_iter()
                .map(|c| vec![in_group(currency), c])
                .collect();
            parts.extend(
                groups_past(currency, !walk.backwards)
                    .into_iter()
                    .map(|c| vec![c]),
            );
            parts
        }
        (key_column, key) => past(key_column, descending, key, id)
            .into_iter()
            .map(|c| vec![c])
            .collect(),
    }
}

fn ordered(query: OrdersQuery, walk: &Walk<'_>) -> OrdersQuery {
    let descending = walk.descending != walk.backwards;
    match (walk.key, descending) {
        (SortKey::Bought, true) => query.order((orders::bought_at.desc(), orders::id.desc())),
        (SortKey::Bought, false) => query.order((orders::bought_at.asc(), orders::id.asc())),
        (SortKey::Updated, true) => query.order((orders::updated_at.desc(), orders::id.desc())),
        (SortKey::Updated, false) => query.order((orders::updated_at.asc(), orders::id.asc())),
        (SortKey::Total, _) => {
            // The groups keep their order in both directions; going back walks them back.
            let groups = if walk.backwards { "DESC" } else { "ASC" };
            let amounts = if descending { "DESC" } else { "ASC" };
            query.order(sql::<Text>(&format!(
                "{GROUP_SQL} {groups}, orders.total_amount {amounts}, orders.id {amounts}"
            )))
        }
    }
}

/// Where a walk goes: the sort column and its direction, whether the walk goes back against
/// it (to the previous page), and the key and id it starts after (exclusive; `None`: from the
/// start).
#[derive(Debug, Clone, Copy)]
pub struct Walk<'a> {
    pub key: SortKey,
    pub descending: bool,
    pub backwards: bool,
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
/// says: `load` reads at most `left` rows of each ordered segment (see [`segments`]) in its own
/// selection, until `limit` rows are read. The list and the export share it.
pub(super) fn walk_with<T>(
    viewer: Visibility<'_>,
    filter: &OrderFilter,
    walk: Walk<'_>,
    limit: i64,
    mut load: impl FnMut(OrdersQuery, i64) -> QueryResult<Vec<T>>,
) -> QueryResult<Vec<T>> {
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
        rows.extend(load(ordered(query, &walk), left)?);
    }
    Ok(rows)
}
