//! The keyset walk of the orders list, written once for every sort: which rows come after
//! (or, going back, before) the `(sort key, id)` of the row that ended the previous page, as
//! segments read one after the other, and the ORDER BY that goes with them. NULL sort keys rank
//! above every value (PostgreSQL's default: `DESC` puts them first, `ASC` last), which matches
//! the `(key DESC, id DESC)` indexes. Sorted by an amount (total or net), the rows come in
//! currency groups first (PLN, then the others alphabetically, then none; the same in both
//! directions), so that amounts of different currencies are never ranked against each other.
//! The conditions are SQL over named columns ([`KeyColumns`]), so the same walk runs over
//! `orders` (`list`) and over `order_nets` (`list_net`).

use chrono::{DateTime, Utc};
use diesel::{
    dsl::sql,
    pg::Pg,
    prelude::*,
    sql_types::{BigInt, Bool, Text, Timestamptz},
};

/// The column a page is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Bought,
    Updated,
    Total,
    /// The order's net amount (`order_nets`), in currency groups as the total.
    Net,
}

/// The sort key value of the row a page starts after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    Null,
    Time(DateTime<Utc>),
    /// An amount sort's key (total or net): the currency (its group) and the amount, a
    /// NUMERIC as PostgreSQL prints it (`149.99`); each `None` when the order has none.
    Total {
        currency: Option<String>,
        amount: Option<String>,
    },
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

/// The SQL a walk compares and orders by: the sort key, the row's id, and the currency group
/// (migration 18: `''` for PLN, a space and the code for the others, NULL without a currency;
/// ascending, that is PLN first and no currency last).
#[derive(Debug, Clone, Copy)]
pub(super) struct KeyColumns {
    pub key: &'static str,
    pub id: &'static str,
    pub group: &'static str,
}

const ORDER_GROUP: &str = "currency_sort_key(orders.currency)";

/// What the net walk compares and orders by (`order_nets`, migration 32).
pub(super) const NET_COLUMNS: KeyColumns = KeyColumns {
    key: "order_nets.net_amount",
    id: "order_nets.order_id",
    group: "currency_sort_key(order_nets.currency)",
};

pub(super) fn columns(key: SortKey) -> KeyColumns {
    let on_orders = |key| KeyColumns {
        key,
        id: "orders.id",
        group: ORDER_GROUP,
    };
    match key {
        SortKey::Bought => on_orders("orders.bought_at"),
        SortKey::Updated => on_orders("orders.updated_at"),
        SortKey::Total => on_orders("orders.total_amount"),
        SortKey::Net => NET_COLUMNS,
    }
}

pub(super) type Condition<QS> = Box<dyn BoxableExpression<QS, Pg, SqlType = Bool>>;

/// The conditions of one part of a walk, all required; the parts are read one after the other.
pub(super) type Segment<QS> = Vec<Condition<QS>>;

/// `prefix KEY, ID suffix` with the key bound by its type.
fn with_key<QS: 'static>(prefix: &str, key: &KeyValue, id: i64, suffix: &str) -> Condition<QS> {
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

/// The rows past `(key, id)` in `cols` when walking downwards (`descending`) or upwards,
/// NULL ranking above every value, as segments read one after the other. Each segment is a
/// single row comparison or NULL test, so that it stays an index condition on the `(key, id)`
/// index (an `OR` of both would make PostgreSQL filter the whole index).
fn past<QS: 'static>(
    cols: KeyColumns,
    descending: bool,
    key: &KeyValue,
    id: i64,
) -> Vec<Condition<QS>> {
    let (col, id_col) = (cols.key, cols.id);
    let nulls_after = |op: &str| -> Condition<QS> {
        Box::new(
            sql::<Bool>(&format!("({col} IS NULL AND {id_col} {op} "))
                .bind::<BigInt, _>(id)
                .sql(")"),
        )
    };
    let null = |negated: bool| -> Condition<QS> {
        let not = if negated { " NOT" } else { "" };
        Box::new(sql::<Bool>(&format!("{col} IS{not} NULL")))
    };
    let is_null = matches!(key, KeyValue::Null | KeyValue::Total { amount: None, .. });
    match (is_null, descending) {
        (true, true) => vec![nulls_after("<"), null(true)],
        (true, false) => vec![nulls_after(">")],
        (false, true) => vec![with_key(&format!("({col}, {id_col}) < ("), key, id, ")")],
        (false, false) => vec![
            with_key(&format!("({col}, {id_col}) > ("), key, id, ")"),
            null(false),
        ],
    }
}

/// The rows of `currency`'s group (`None`: those without a currency).
fn in_group<QS: 'static>(group: &str, currency: Option<&str>) -> Condition<QS> {
    match currency {
        Some(c) => Box::new(
            sql::<Bool>(&format!("{group} = currency_sort_key("))
                .bind::<Text, _>(c.to_string())
                .sql(")"),
        ),
        None => Box::new(sql::<Bool>(&format!("{group} IS NULL"))),
    }
}

/// The groups after `currency`'s, walking the groups in their order (`forwards`) or back.
fn groups_past<QS: 'static>(
    group: &str,
    currency: Option<&str>,
    forwards: bool,
) -> Vec<Condition<QS>> {
    let beyond = |op: &str, c: &str| -> Condition<QS> {
        Box::new(
            sql::<Bool>(&format!("{group} {op} currency_sort_key("))
                .bind::<Text, _>(c.to_string())
                .sql(")"),
        )
    };
    match (currency, forwards) {
        (Some(c), true) => vec![beyond(">", c), in_group(group, None)],
        (Some(c), false) => vec![beyond("<", c)],
        (None, true) => vec![],
        (None, false) => vec![Box::new(sql::<Bool>(&format!("{group} IS NOT NULL")))],
    }
}

/// The segments of a walk from `after` (exclusive): past the key, and for an amount sort
/// first the rest of the row's currency group, then the groups after it.
pub(super) fn segments<QS: 'static>(walk: &Walk<'_>) -> Vec<Segment<QS>> {
    let descending = walk.descending != walk.backwards;
    let Some((key, id)) = walk.after else {
        return vec![vec![]];
    };
    let cols = columns(walk.key);
    match (walk.key, key) {
        (SortKey::Total | SortKey::Net, KeyValue::Total { currency, .. }) => {
            let currency = currency.as_deref();
            let mut parts: Vec<Segment<QS>> = past(cols, descending, key, id)
                .into_iter()
                .map(|c| vec![in_group(cols.group, currency), c])
                .collect();
            parts.extend(
                groups_past(cols.group, currency, !walk.backwards)
                    .into_iter()
                    .map(|c| vec![c]),
            );
            parts
        }
        (_, key) => past(cols, descending, key, id)
            .into_iter()
            .map(|c| vec![c])
            .collect(),
    }
}

/// The ORDER BY of an amount sort over `cols`: the currency groups keep their order in both
/// directions (going back walks them back), the amounts and ids run as the walk does.
pub(super) fn amount_order(cols: KeyColumns, walk: &Walk<'_>) -> String {
    let descending = walk.descending != walk.backwards;
    let groups = if walk.backwards { "DESC" } else { "ASC" };
    let amounts = if descending { "DESC" } else { "ASC" };
    format!(
        "{} {groups}, {} {amounts}, {} {amounts}",
        cols.group, cols.key, cols.id
    )
}
