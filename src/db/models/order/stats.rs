//! The dashboard's numbers, aggregated in SQL per account: orders, revenue and fees per day of
//! the display zone and currency; orders per status (sync health is `SyncState::health`). Callers
//! pass the accounts the viewer's scope allows (`AccountRow::list`); merged-away orders are
//! left out, as in the list. (Diesel cannot group a boxed `visible_orders` query, hence plain
//! SQL with the same scope.) Also the orders stored per account, for `/metrics`.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use diesel::{
    dsl::count_star,
    prelude::*,
    sql_query,
    sql_types::{Array, BigInt, Date, Nullable, Text, Timestamptz},
};

use crate::{db::schema::orders, domain::AccountId};

/// Orders bought on one day (of the display zone) in one currency on one account. Revenue
/// leaves cancelled orders out; it is exact decimal text.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DayTotal {
    #[diesel(sql_type = BigInt)]
    pub account_id: AccountId,
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    pub currency: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub revenue: Option<String>,
}

/// Orders of one account in one status (all time).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct StatusCount {
    #[diesel(sql_type = BigInt)]
    pub account_id: AccountId,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
}

/// The SQL text of a zone name (IANA names are letters, digits, `/`, `_`, `+`, `-`).
pub(crate) fn zone_literal(zone: Tz) -> String {
    let name: String = zone
        .name()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '+' | '-'))
        .collect();
    format!("'{name}'")
}

/// Orders and revenue per account, day and currency, for orders of `accounts` bought since
/// `from`.
pub fn day_totals(
    conn: &mut PgConnection,
    accounts: &[AccountId],
    zone: Tz,
    from: DateTime<Utc>,
) -> QueryResult<Vec<DayTotal>> {
    sql_query(format!(
        "SELECT account_id, \
                (date_trunc('day', bought_at AT TIME ZONE {zone}))::date AS day, \
                currency, count(*) AS orders, \
                (sum(total_amount) FILTER (WHERE status <> 'CANCELLED'))::text AS revenue \
         FROM orders \
         WHERE account_id = ANY($1) AND merged_into IS NULL AND bought_at >= $2 \
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        zone = zone_literal(zone)
    ))
    .bind::<Array<BigInt>, _>(accounts)
    .bind::<Timestamptz, _>(from)
    .load(conn)
}

/// Money of one account on one day (of the display zone) in one currency, as exact decimal
/// text.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DayAmount {
    #[diesel(sql_type = BigInt)]
    pub account_id: AccountId,
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    pub currency: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub amount: Option<String>,
}

/// The fees of `accounts` (billing entries: charges negative, credits positive) per account,
/// day they were booked and currency, since `from`.
pub fn fee_day_totals(
    conn: &mut PgConnection,
    accounts: &[AccountId],
    zone: Tz,
    from: DateTime<Utc>,
) -> QueryResult<Vec<DayAmount>> {
    sql_query(format!(
        "SELECT account_id, \
                (date_trunc('day', occurred_at AT TIME ZONE {zone}))::date AS day, \
                currency, sum(amount)::text AS amount \
         FROM billing_entries \
         WHERE account_id = ANY($1) AND occurred_at >= $2 \
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        zone = zone_literal(zone)
    ))
    .bind::<Array<BigInt>, _>(accounts)
    .bind::<Timestamptz, _>(from)
    .load(conn)
}

/// Orders of `accounts` per account and status, all time.
pub fn status_counts(
    conn: &mut PgConnection,
    accounts: &[AccountId],
) -> QueryResult<Vec<StatusCount>> {
    sql_query(
        "SELECT account_id, status, count(*) AS orders FROM orders \
         WHERE account_id = ANY($1) AND merged_into IS NULL \
         GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
    )
    .bind::<Array<BigInt>, _>(accounts)
    .load(conn)
}

/// Orders stored per account (merged and gone ones included), as `(account, count)`.
pub fn count_per_account(conn: &mut PgConnection) -> QueryResult<Vec<(AccountId, i64)>> {
    orders::table
        .group_by(orders::account_id)
        .select((orders::account_id, count_star()))
        .load(conn)
}
