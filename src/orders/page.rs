//! One page of the orders list: the sort order, the page size and the opaque keyset cursor.
//! Paging never uses OFFSET: a page starts after (or, going back, before) the `(sort key, id)`
//! of the row that ended the previous one, so rows inserted meanwhile cause no repeats or
//! skips. The rows are read by `db::models::order::list`.

use diesel::{PgConnection, QueryResult};

use super::{OrderFilter, OrderParams, Viewer, filter::FilterError};
pub use super::{
    cursor::{Cursor, Direction},
    sort::{SORTS, Sort, SortKey},
};
use crate::db::models::order::list::{self, Walk};
pub use crate::db::models::order::list::{KeyValue, OrderListRow};

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
            .ok_or_else(|| {
                FilterError::new(
                    "page_size",
                    "filter-error-page-size",
                    format!(
                        "“{}” is not offered; use 25, 50 or 100",
                        v.chars().take(20).collect::<String>()
                    ),
                )
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

/// The cursor of a page that starts after (or before) `row`.
fn cursor_of(row: &OrderListRow, sort: Sort, direction: Direction) -> String {
    Cursor {
        sort,
        direction,
        key: row.key(sort.key),
        id: row.id,
    }
    .encode()
}

/// One page of orders with the cursors of its neighbours.
#[derive(Debug, Clone)]
pub struct Page {
    pub rows: Vec<OrderListRow>,
    /// The rows come in currency groups (sorted by total, not filtered by currency).
    pub grouped_by_currency: bool,
    /// Cursor of the following page, if there is one.
    pub next: Option<String>,
    /// Cursor of the preceding page, if this is not the first.
    pub prev: Option<String>,
}

/// Up to `limit` rows walking from `after` (exclusive) in the sort's direction or, going
/// `backwards`, against it.
fn walk(
    conn: &mut PgConnection,
    viewer: &Viewer,
    request: &ListRequest,
    backwards: bool,
    after: Option<&Cursor>,
    limit: i64,
) -> QueryResult<Vec<OrderListRow>> {
    let walk = Walk {
        key: request.sort.key,
        descending: request.sort.descending,
        backwards,
        after: after.map(|c| (&c.key, c.id)),
    };
    list::walk(conn, viewer.visibility(), &request.filter, walk, limit)
}

/// The page `request` asks for, as `viewer` may see it.
pub fn fetch_page(
    conn: &mut PgConnection,
    viewer: &Viewer,
    request: &ListRequest,
) -> QueryResult<Page> {
    let sort = request.sort;
    let size = request.page_size;
    let grouped_by_currency =
        matches!(sort.key, SortKey::Total | SortKey::Net) && request.filter.currency.is_none();
    let Some(cursor) = &request.cursor else {
        let mut rows = walk(conn, viewer, request, false, None, size + 1)?;
        let more = rows.len() as i64 > size;
        rows.truncate(size as usize);
        let next = more
            .then(|| rows.last().map(|r| cursor_of(r, sort, Direction::Next)))
            .flatten();
        return Ok(Page {
            rows,
            grouped_by_currency,
            next,
            prev: None,
        });
    };
    let backwards = cursor.direction == Direction::Prev;
    let mut rows = walk(conn, viewer, request, backwards, Some(cursor), size + 1)?;
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
        .then(|| rows.last().map(|r| cursor_of(r, sort, Direction::Next)))
        .flatten();
    let prev = rows.first().map(|r| cursor_of(r, sort, Direction::Prev));
    Ok(Page {
        rows,
        grouped_by_currency,
        next,
        prev,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
