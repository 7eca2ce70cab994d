//! One page of the orders list: the sort order, the page size, the opaque keyset cursor and the
//! capped total count. Paging never uses OFFSET: a page starts after (or, going back, before)
//! the `(sort key, id)` of the row that ended the previous one, so rows inserted meanwhile
//! cause no repeats or skips. NULL sort keys rank above every value (PostgreSQL's default:
//! `DESC` puts them first, `ASC` last), which matches the `(key DESC, id DESC)` indexes.

use chrono::{DateTime, Utc};
use diesel::{
    dsl::sql,
    pg::Pg,
    prelude::*,
    sql_types::{BigInt, Bool, Nullable, Text, Timestamptz},
};

pub use super::cursor::{Cursor, Direction, KeyValue};
use super::{
    OrderFilter, OrderParams, Viewer,
    filter::FilterError,
    query::{OrdersQuery, visible_orders},
};
use crate::db::schema::orders;

/// The column a page is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Bought,
    Updated,
    Total,
}

/// `sort`: a key and a direction. Default: newest purchases first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            key: SortKey::Bought,
            descending: true,
        }
    }
}

/// Every sort as `(parameter value, label)`.
pub const SORTS: [(&str, &str); 6] = [
    ("bought_desc", "Newest purchase first"),
    ("bought_asc", "Oldest purchase first"),
    ("updated_desc", "Recently updated first"),
    ("updated_asc", "Least recently updated first"),
    ("total_desc", "Highest total first"),
    ("total_asc", "Lowest total first"),
];

impl Sort {
    pub fn name(self) -> &'static str {
        match (self.key, self.descending) {
            (SortKey::Bought, true) => "bought_desc",
            (SortKey::Bought, false) => "bought_asc",
            (SortKey::Updated, true) => "updated_desc",
            (SortKey::Updated, false) => "updated_asc",
            (SortKey::Total, true) => "total_desc",
            (SortKey::Total, false) => "total_asc",
        }
    }

    pub(super) fn from_name(name: &str) -> Option<Sort> {
        let (key, direction) = name.rsplit_once('_')?;
        let key = match key {
            "bought" => SortKey::Bought,
            "updated" => SortKey::Updated,
            "total" => SortKey::Total,
            _ => return None,
        };
        let descending = match direction {
            "desc" => true,
            "asc" => false,
            _ => return None,
        };
        Some(Sort { key, descending })
    }

    /// The `sort` parameter (blank: the default).
    pub fn parse(value: Option<&str>) -> Result<Sort, FilterError> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(Sort::default()),
            Some(v) => Sort::from_name(&v.to_ascii_lowercase()).ok_or_else(|| FilterError {
                parameter: "sort",
                message: format!(
                    "unknown sort “{}”; use one of {}",
                    v.chars().take(40).collect::<String>(),
                    SORTS.map(|(name, _)| name).join(", ")
                ),
            }),
        }
    }
}

/// The page sizes offered (`page_size`).
pub const PAGE_SIZES: [i64; 3] = [25, 50, 100];
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// The `page_size` parameter (blank: [`DEFAULT_PAGE_SIZE`]).
pub fn parse_page_size(value: Option<&str>) -> Result<i64, FilterError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| PAGE_SIZES.contains(n))
            .ok_or_else(|| FilterError {
                parameter: "page_size",
                message: format!(
                    "“{}” is not offered; use 25, 50 or 100",
                    v.chars().take(20).collect::<String>()
                ),
            }),
    }
}

/// The list request as validated: filters, sort, page size and position.
#[derive(Debug, Clone)]
pub struct ListRequest {
    pub filter: OrderFilter,
    pub sort: Sort,
    pub page_size: i64,
    pub cursor: Option<Cursor>,
}

impl ListRequest {
    pub fn parse(params: &OrderParams, zone: chrono_tz::Tz) -> Result<ListRequest, FilterError> {
        let filter = OrderFilter::parse(params, zone)?;
        let sort = Sort::parse(params.sort.as_deref())?;
        let page_size = parse_page_size(params.page_size.as_deref())?;
        let cursor = params
            .cursor
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| Cursor::decode(c, sort))
            .transpose()?;
        Ok(ListRequest {
            filter,
            sort,
            page_size,
            cursor,
        })
    }
}

/// An order as the list shows it (never the raw JSON).
#[derive(Debug, Clone, Queryable)]
pub struct OrderListRow {
    pub id: i64,
    pub account_id: i64,
    pub checkout_form_id: String,
    pub marketplace_id: Option<String>,
    pub status: String,
    pub fulfillment_status: Option<String>,
    pub buyer_login: Option<String>,
    pub buyer_email: Option<String>,
    pub buyer_first_name: Option<String>,
    pub buyer_last_name: Option<String>,
    pub buyer_company_name: Option<String>,
    pub buyer_guest: bool,
    /// `total_amount` as text (exact decimal).
    pub total: Option<String>,
    pub currency: Option<String>,
    pub payment_type: Option<String>,
    pub delivery_method_name: Option<String>,
    pub invoice_required: bool,
    pub line_item_count: i32,
    pub bought_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub merged_into: Option<String>,
    pub gone_from_allegro_at: Option<DateTime<Utc>>,
}

impl OrderListRow {
    fn key(&self, key: SortKey) -> KeyValue {
        let time = |t: Option<DateTime<Utc>>| t.map(KeyValue::Time).unwrap_or(KeyValue::Null);
        match key {
            SortKey::Bought => time(self.bought_at),
            SortKey::Updated => time(self.updated_at),
            SortKey::Total => self
                .total
                .clone()
                .map(KeyValue::Amount)
                .unwrap_or(KeyValue::Null),
        }
    }

    fn cursor(&self, sort: Sort, direction: Direction) -> String {
        Cursor {
            sort,
            direction,
            key: self.key(sort.key),
            id: self.id,
        }
        .encode()
    }
}

/// One page of orders with the cursors of its neighbours.
#[derive(Debug, Clone)]
pub struct Page {
    pub rows: Vec<OrderListRow>,
    /// Cursor of the following page, if there is one.
    pub next: Option<String>,
    /// Cursor of the preceding page, if this is not the first.
    pub prev: Option<String>,
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

/// Loads up to `limit` rows walking from `after` (exclusive) in the given direction.
fn walk(
    conn: &mut PgConnection,
    viewer: &Viewer,
    request: &ListRequest,
    descending: bool,
    after: Option<&Cursor>,
    limit: i64,
) -> QueryResult<Vec<OrderListRow>> {
    let segments = match after {
        None => vec![None],
        Some(c) => past(request.sort.key, descending, &c.key, c.id)
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
        let mut query = visible_orders(viewer, &request.filter);
        if let Some(condition) = segment {
            query = query.filter(condition);
        }
        rows.extend(load_rows(
            ordered(query, request.sort.key, descending),
            left,
            conn,
        )?);
    }
    Ok(rows)
}

fn load_rows(
    query: OrdersQuery,
    limit: i64,
    conn: &mut PgConnection,
) -> QueryResult<Vec<OrderListRow>> {
    query
        .select((
            orders::id,
            orders::account_id,
            orders::checkout_form_id,
            orders::marketplace_id,
            orders::status,
            orders::fulfillment_status,
            orders::buyer_login,
            orders::buyer_email,
            orders::buyer_first_name,
            orders::buyer_last_name,
            orders::buyer_company_name,
            orders::buyer_guest,
            sql::<Nullable<Text>>("orders.total_amount::text"),
            orders::currency,
            orders::payment_type,
            orders::delivery_method_name,
            orders::invoice_required,
            orders::line_item_count,
            orders::bought_at,
            orders::updated_at,
            orders::merged_into,
            orders::gone_from_allegro_at,
        ))
        .limit(limit)
        .load(conn)
}

/// The page `request` asks for, as `viewer` may see it.
pub fn fetch_page(
    conn: &mut PgConnection,
    viewer: &Viewer,
    request: &ListRequest,
) -> QueryResult<Page> {
    let sort = request.sort;
    let size = request.page_size;
    let Some(cursor) = &request.cursor else {
        let mut rows = walk(conn, viewer, request, sort.descending, None, size + 1)?;
        let more = rows.len() as i64 > size;
        rows.truncate(size as usize);
        let next = more
            .then(|| rows.last().map(|r| r.cursor(sort, Direction::Next)))
            .flatten();
        return Ok(Page {
            rows,
            next,
            prev: None,
        });
    };
    let backwards = cursor.direction == Direction::Prev;
    let mut rows = walk(
        conn,
        viewer,
        request,
        sort.descending != backwards,
        Some(cursor),
        size + 1,
    )?;
    let more = rows.len() as i64 > size;
    rows.truncate(size as usize);
    if backwards {
        if !more {
            // Back at the start: show a full first page rather than a short one.
            let first = ListRequest {
                cursor: None,
                ..request.clone()
            };
            return fetch_page(conn, viewer, &first);
        }
        rows.reverse();
    }
    let next = (backwards || more)
        .then(|| rows.last().map(|r| r.cursor(sort, Direction::Next)))
        .flatten();
    let prev = rows.first().map(|r| r.cursor(sort, Direction::Prev));
    Ok(Page { rows, next, prev })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sort(name: &str) -> Sort {
        Sort::parse(Some(name)).unwrap()
    }

    #[test]
    fn sorts_round_trip_by_name() {
        for (name, _) in SORTS {
            assert_eq!(sort(name).name(), name);
        }
        assert_eq!(Sort::parse(None).unwrap(), Sort::default());
        assert_eq!(Sort::parse(Some(" ")).unwrap().name(), "bought_desc");
        assert_eq!(
            Sort::parse(Some("price_desc")).unwrap_err().parameter,
            "sort"
        );
        assert!(Sort::parse(Some("bought_sideways")).is_err());
    }

    #[test]
    fn page_sizes_are_the_offered_ones() {
        assert_eq!(parse_page_size(None).unwrap(), DEFAULT_PAGE_SIZE);
        assert_eq!(parse_page_size(Some("100")).unwrap(), 100);
        for bad in ["7", "0", "-25", "1000", "abc", "25.0"] {
            assert_eq!(
                parse_page_size(Some(bad)).unwrap_err().parameter,
                "page_size",
                "{bad}"
            );
        }
    }
}
