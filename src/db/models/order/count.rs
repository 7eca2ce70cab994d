//! How many orders a list view matches: exact when that is cheap, otherwise PostgreSQL's
//! estimate, clearly marked. Counting a million matches exactly would read a million rows on
//! every page view; the planner's estimate costs a fraction of a millisecond.

use std::marker::PhantomData;

use diesel::{
    pg::Pg,
    prelude::*,
    query_builder::{AstPass, Query, QueryFragment, QueryId},
    result::{DatabaseErrorKind, Error},
    sql_query,
    sql_types::{BigInt, Text},
};

use super::visible::visible_orders;
use crate::domain::Visibility;
use crate::{db::schema::orders, domain::OrderFilter};

/// Up to this many matches the count is exact.
pub const COUNT_CAP: i64 = 10_000;

/// When the planner expects more matches than this, the estimate is shown without counting.
const ESTIMATE_ONLY_ABOVE: i64 = 5 * COUNT_CAP;

/// Time the exact count may take before the estimate is shown instead (the page should answer
/// within 50 ms).
const COUNT_BUDGET_MS: u32 = 50;

/// How many orders match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    Exact(i64),
    /// PostgreSQL's estimate: more than [`COUNT_CAP`], or too slow to count.
    Estimate(i64),
}

impl Total {
    /// The number to show: exact, or the estimate rounded to two significant digits (an
    /// estimate should not look precise); the page says "about" before an estimate.
    pub fn shown(self) -> i64 {
        match self {
            Total::Exact(n) => n,
            Total::Estimate(n) => round_estimate(n),
        }
    }

    pub fn is_one(self) -> bool {
        self == Total::Exact(1)
    }

    pub fn is_estimate(self) -> bool {
        matches!(self, Total::Estimate(_))
    }
}

/// Two significant digits: an estimate should not look precise.
fn round_estimate(n: i64) -> i64 {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    (n + unit / 2) / unit * unit
}

/// Counts the orders `viewer` may see that match `filter`: the planner's estimate when it
/// expects a great many, else an exact count of at most [`COUNT_CAP`]` + 1` rows within
/// [`COUNT_BUDGET_MS`], falling back to the estimate when that overruns.
pub fn count(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    filter: &OrderFilter,
) -> QueryResult<Total> {
    let estimate = estimate(conn, viewer, filter)?;
    if estimate > ESTIMATE_ONLY_ABOVE {
        return Ok(Total::Estimate(estimate));
    }
    let capped = visible_orders(viewer, filter)
        .select(orders::id)
        .limit(COUNT_CAP + 1);
    let counted = conn.transaction(|conn| {
        // JIT compiling alone can take longer than the budget.
        sql_query(format!("SET LOCAL statement_timeout = {COUNT_BUDGET_MS}")).execute(conn)?;
        sql_query("SET LOCAL jit = off").execute(conn)?;
        Around::<_, BigInt>::new("SELECT count(*) FROM (", capped, ") AS matches").get_result(conn)
    });
    match counted {
        Ok(n) if n <= COUNT_CAP => Ok(Total::Exact(n)),
        Ok(_) => Ok(Total::Estimate(estimate.max(COUNT_CAP + 1))),
        Err(e) if is_timeout(&e) => Ok(Total::Estimate(estimate.max(1))),
        Err(e) => Err(e),
    }
}

/// PostgreSQL's estimate of the matching rows (`EXPLAIN`, nothing is read).
fn estimate(
    conn: &mut PgConnection,
    viewer: Visibility<'_>,
    filter: &OrderFilter,
) -> QueryResult<i64> {
    let query = visible_orders(viewer, filter).select(orders::id);
    let plan: String =
        Around::<_, Text>::new("EXPLAIN (FORMAT JSON) ", query, "").get_result(conn)?;
    Ok(plan_rows(&plan).unwrap_or(0))
}

/// `Plan Rows` of the top node of an `EXPLAIN (FORMAT JSON)` output.
fn plan_rows(plan: &str) -> Option<i64> {
    let value: serde_json::Value = serde_json::from_str(plan).ok()?;
    let rows = value.get(0)?.get("Plan")?.get("Plan Rows")?.as_f64()?;
    Some(rows.round() as i64)
}

fn is_timeout(error: &Error) -> bool {
    // SQLSTATE 57014 (query_canceled) has no kind of its own in Diesel.
    matches!(error, Error::DatabaseError(DatabaseErrorKind::Unknown, info)
        if info.message().contains("statement timeout"))
}

/// A query inside fixed SQL text, returning one value of type `T`.
struct Around<Q, T> {
    before: &'static str,
    query: Q,
    after: &'static str,
    value: PhantomData<T>,
}

impl<Q, T> Around<Q, T> {
    fn new(before: &'static str, query: Q, after: &'static str) -> Self {
        Around {
            before,
            query,
            after,
            value: PhantomData,
        }
    }
}

impl<Q: QueryFragment<Pg>, T> QueryFragment<Pg> for Around<Q, T> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.unsafe_to_cache_prepared();
        out.push_sql(self.before);
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(self.after);
        Ok(())
    }
}

impl<Q, T> QueryId for Around<Q, T> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, T: diesel::sql_types::SqlType + diesel::sql_types::SingleValue> Query for Around<Q, T> {
    type SqlType = T;
}

impl<Q, T> RunQueryDsl<PgConnection> for Around<Q, T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_labelled() {
        assert_eq!(Total::Exact(0).shown(), 0);
        assert_eq!(Total::Exact(1234).shown(), 1234);
        assert_eq!(Total::Exact(10_000).shown(), 10_000);
        assert_eq!(Total::Estimate(1_003_417).shown(), 1_000_000);
        assert_eq!(Total::Estimate(10_001).shown(), 10_000);
        assert_eq!(Total::Estimate(87_654).shown(), 88_000);
        assert_eq!(Total::Estimate(3).shown(), 3);
        assert!(Total::Estimate(5).is_estimate() && !Total::Exact(5).is_estimate());
    }

    #[test]
    fn plan_rows_come_from_the_top_node() {
        let plan = r#"[{"Plan": {"Node Type": "Seq Scan", "Plan Rows": 83331, "Plans": []}}]"#;
        assert_eq!(plan_rows(plan), Some(83_331));
        assert_eq!(plan_rows("[]"), None);
        assert_eq!(plan_rows("not json"), None);
    }
}
