//! The coverage grid (`coverage_days`) and the order queries reconcile runs need: how many
//! orders the backup holds per `boughtAt` day, which of them a re-listing did not see, and
//! which stored orders are still open.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{
    dsl::{not, sql},
    prelude::*,
    sql_query,
    sql_types::{Array, BigInt, Text, Timestamptz},
    upsert::excluded,
};

use crate::{
    db::schema::{coverage_days, orders, sync_state},
    domain::{AccountId, CheckoutFormId},
};

/// One calendar day as a `lineItems.boughtAt` window: `start` and `end` both inclusive, `end`
/// one millisecond (Allegro's precision) before the next day starts. The same bounds go to
/// Allegro's list filter and to [`held_counts`], so both count the same thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayWindow {
    pub day: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A verified day.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = coverage_days, check_for_backend(diesel::pg::Pg))]
pub struct CoverageDay {
    pub account_id: AccountId,
    pub day: NaiveDate,
    /// `totalCount` of Allegro's list for the day.
    pub allegro_count: i64,
    /// Orders the backup holds for the day (see [`held_counts`]).
    pub held_count: i64,
    pub verified_at: DateTime<Utc>,
}

/// What one verification of a day found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCount {
    pub day: NaiveDate,
    pub allegro_count: i64,
    pub held_count: i64,
}

impl DayCount {
    pub fn matches(&self) -> bool {
        self.allegro_count == self.held_count
    }
}

impl CoverageDay {
    pub fn matches(&self) -> bool {
        self.allegro_count == self.held_count
    }

    /// Stores the counts of verified days (verified now), replacing earlier ones.
    pub fn record(
        conn: &mut PgConnection,
        account_id: AccountId,
        counts: &[DayCount],
    ) -> QueryResult<()> {
        let rows: Vec<_> = counts
            .iter()
            .map(|c| {
                (
                    coverage_days::account_id.eq(account_id),
                    coverage_days::day.eq(c.day),
                    coverage_days::allegro_count.eq(c.allegro_count),
                    coverage_days::held_count.eq(c.held_count),
                )
            })
            .collect();
        diesel::insert_into(coverage_days::table)
            .values(rows)
            .on_conflict((coverage_days::account_id, coverage_days::day))
            .do_update()
            .set((
                coverage_days::allegro_count.eq(excluded(coverage_days::allegro_count)),
                coverage_days::held_count.eq(excluded(coverage_days::held_count)),
                coverage_days::verified_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .map(drop)
    }

    /// The account's verified days from `from` on, oldest first.
    pub fn since(
        conn: &mut PgConnection,
        account_id: AccountId,
        from: NaiveDate,
    ) -> QueryResult<Vec<CoverageDay>> {
        coverage_days::table
            .filter(coverage_days::account_id.eq(account_id))
            .filter(coverage_days::day.ge(from))
            .order(coverage_days::day.asc())
            .select(CoverageDay::as_select())
            .load(conn)
    }
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct FormIdRow {
    #[diesel(sql_type = Text)]
    checkout_form_id: CheckoutFormId,
}

fn bounds(days: &[DayWindow]) -> (Vec<DateTime<Utc>>, Vec<DateTime<Utc>>) {
    days.iter().map(|d| (d.start, d.end)).unzip()
}

/// Orders held per day, in the order of `days`: those whose latest line-item purchase falls
/// in the day's bounds, as Allegro's `lineItems.boughtAt` filter counts them, leaving out
/// what Allegro no longer lists (merged away, or gone from Allegro). Each day is counted on
/// its own range of `orders_account_bought_at_idx`: a join of the days with the orders was
/// planned as a scan of all the account's orders per day (160 ms for 8 days of 100,000
/// orders, 5 ms this way), and the check runs for every day of the history.
pub fn held_counts(
    conn: &mut PgConnection,
    account_id: AccountId,
    days: &[DayWindow],
) -> QueryResult<Vec<i64>> {
    let (starts, ends) = bounds(days);
    let rows: Vec<CountRow> = sql_query(
        "SELECT c.n \
         FROM unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS d(s, e, i) \
         CROSS JOIN LATERAL ( \
             SELECT count(*) AS n FROM orders o \
             WHERE o.account_id = $1 AND o.bought_at >= d.s AND o.bought_at <= d.e \
                 AND o.merged_into IS NULL AND o.gone_from_allegro_at IS NULL) c \
         ORDER BY d.i",
    )
    .bind::<BigInt, _>(account_id)
    .bind::<Array<Timestamptz>, _>(starts)
    .bind::<Array<Timestamptz>, _>(ends)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.n).collect())
}

/// Checkout form ids held (and counted) for `days` that no listing stored since `since`: the
/// candidates for a form Allegro stopped listing. Read day by day like [`held_counts`]
/// (`OFFSET 0` keeps the planner from turning it back into a scan of every order per day).
pub fn unseen_held_ids(
    conn: &mut PgConnection,
    account_id: AccountId,
    days: &[DayWindow],
    since: DateTime<Utc>,
) -> QueryResult<Vec<CheckoutFormId>> {
    let (starts, ends) = bounds(days);
    let rows: Vec<FormIdRow> = sql_query(
        "SELECT DISTINCT o.checkout_form_id \
         FROM unnest($2::timestamptz[], $3::timestamptz[]) AS d(s, e) \
         CROSS JOIN LATERAL ( \
             SELECT o.checkout_form_id FROM orders o \
             WHERE o.account_id = $1 AND o.bought_at >= d.s AND o.bought_at <= d.e \
                 AND o.merged_into IS NULL AND o.gone_from_allegro_at IS NULL \
                 AND o.last_seen_at < $4 \
             OFFSET 0) o \
         ORDER BY 1",
    )
    .bind::<BigInt, _>(account_id)
    .bind::<Array<Timestamptz>, _>(starts)
    .bind::<Array<Timestamptz>, _>(ends)
    .bind::<Timestamptz, _>(since)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| r.checkout_form_id).collect())
}

/// Fulfillment statuses after which an order no longer changes in the normal course.
pub const FINAL_FULFILLMENT: [&str; 4] = ["SENT", "PICKED_UP", "CANCELLED", "RETURNED"];

/// Stored orders bought before `before` that are still open, so may change without any
/// listing of recent days seeing it. Final (not open) is: cancelled by the buyer
/// (`status = CANCELLED`), or paid / cash on delivery (`READY_FOR_PROCESSING`) with a final
/// fulfillment status ([`FINAL_FULFILLMENT`]). `BOUGHT` and `FILLED_IN` (payment not
/// finished) and every fulfillment in progress are open. Merged-away and gone orders are
/// left out: Allegro no longer serves them.
pub fn open_orders(
    conn: &mut PgConnection,
    account_id: AccountId,
    before: DateTime<Utc>,
) -> QueryResult<OpenOrders> {
    // `IS NOT NULL` first keeps the test false rather than NULL for a missing fulfillment.
    let is_final = orders::status.eq("CANCELLED").or(orders::status
        .eq("READY_FOR_PROCESSING")
        .and(orders::fulfillment_status.is_not_null())
        .and(orders::fulfillment_status.eq_any(FINAL_FULFILLMENT)));
    let rows: Vec<(CheckoutFormId, Option<DateTime<Utc>>)> = orders::table
        .filter(orders::account_id.eq(account_id))
        .filter(orders::merged_into.is_null())
        .filter(orders::gone_from_allegro_at.is_null())
        .filter(orders::bought_at.lt(before))
        .filter(not(is_final))
        .order(orders::checkout_form_id)
        .select((orders::checkout_form_id, orders::bought_at))
        .load(conn)?;
    let earliest = rows.iter().filter_map(|(_, at)| *at).min();
    Ok(OpenOrders {
        ids: rows.into_iter().map(|(id, _)| id).collect(),
        earliest,
    })
}

/// The result of [`open_orders`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenOrders {
    /// Their checkout form ids, in order.
    pub ids: Vec<CheckoutFormId>,
    /// The earliest `bought_at` among them.
    pub earliest: Option<DateTime<Utc>>,
}

/// Orders the account holds (merged-away and gone ones left out) bought in `[from, before)`.
pub fn held_between(
    conn: &mut PgConnection,
    account_id: AccountId,
    from: DateTime<Utc>,
    before: DateTime<Utc>,
) -> QueryResult<i64> {
    orders::table
        .filter(orders::account_id.eq(account_id))
        .filter(orders::merged_into.is_null())
        .filter(orders::gone_from_allegro_at.is_null())
        .filter(orders::bought_at.ge(from))
        .filter(orders::bought_at.lt(before))
        .count()
        .get_result(conn)
}

/// Those of `ids` that no write stored or saw since `since`, in order.
pub fn unseen_since(
    conn: &mut PgConnection,
    account_id: AccountId,
    ids: &[CheckoutFormId],
    since: DateTime<Utc>,
) -> QueryResult<Vec<CheckoutFormId>> {
    orders::table
        .filter(orders::account_id.eq(account_id))
        .filter(orders::checkout_form_id.eq_any(ids))
        .filter(orders::last_seen_at.lt(since))
        .order(orders::checkout_form_id)
        .select(orders::checkout_form_id)
        .load(conn)
}

/// The database's clock (the one `last_seen_at` is written with).
pub fn database_now(conn: &mut PgConnection) -> QueryResult<DateTime<Utc>> {
    diesel::select(sql::<Timestamptz>("now()")).get_result(conn)
}

/// Where the account's first pass started listing (none before the first sync).
pub fn backfill_from(
    conn: &mut PgConnection,
    account_id: AccountId,
) -> QueryResult<Option<DateTime<Utc>>> {
    sync_state::table
        .find(account_id)
        .select(sync_state::backfill_from)
        .first(conn)
        .optional()
        .map(Option::flatten)
}
