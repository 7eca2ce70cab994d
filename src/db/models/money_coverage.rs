//! The coverage of the money listings (`money_coverage_days`): per listing (the fees of one
//! marketplace, one wallet; `ListingKey::stored`) and Warsaw day, what Allegro lists for that
//! `occurredAt` day against what the backup holds for the same bounds: the count, and for the
//! fees the sum per currency. Also the queries that count what the backup holds.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{
    prelude::*,
    sql_query,
    sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz},
    upsert::excluded,
};
use serde_json::Value;

use crate::{
    db::{models::coverage::DayWindow, schema::money_coverage_days},
    domain::AccountId,
};

/// Cents per currency (`{"PLN": -12345}`).
pub type Sums = BTreeMap<String, i64>;

/// What one side (Allegro, the backup) counts for a day of a listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: i64,
    /// The sum per currency; `None` where it is not counted (a wallet's day is counted from
    /// `totalCount` alone).
    pub sums: Option<Sums>,
}

/// What one check of a day found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyDayCount {
    pub day: NaiveDate,
    pub allegro: Tally,
    pub held: Tally,
}

impl MoneyDayCount {
    pub fn matches(&self) -> bool {
        self.allegro == self.held
    }
}

/// Which money resource a listing backs up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyResource {
    Fees,
    Wallet,
}

impl MoneyResource {
    /// The resource of a stored listing key (`billing:allegro-pl`, `payment_operations:…`).
    pub fn of_listing(listing: &str) -> Option<Self> {
        match listing.split_once(':')?.0 {
            "billing" => Some(Self::Fees),
            "payment_operations" => Some(Self::Wallet),
            _ => None,
        }
    }
}

/// A checked day of a listing.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = money_coverage_days, check_for_backend(diesel::pg::Pg))]
pub struct MoneyCoverageDay {
    pub account_id: AccountId,
    pub listing: String,
    pub day: NaiveDate,
    pub allegro_count: i64,
    pub held_count: i64,
    pub allegro_sums: Option<Value>,
    pub held_sums: Option<Value>,
    pub verified_at: DateTime<Utc>,
}

fn sums_json(sums: Option<&Sums>) -> Option<Value> {
    sums.map(|s| {
        Value::Object(
            s.iter()
                .map(|(currency, cents)| (currency.clone(), Value::from(*cents)))
                .collect(),
        )
    })
}

impl MoneyCoverageDay {
    pub fn matches(&self) -> bool {
        self.allegro_count == self.held_count && self.allegro_sums == self.held_sums
    }

    /// Stores the counts of the checked days of `listing` (checked now), replacing earlier ones.
    pub fn record(
        conn: &mut PgConnection,
        account_id: AccountId,
        listing: &str,
        counts: &[MoneyDayCount],
    ) -> QueryResult<()> {
        use money_coverage_days::dsl as m;
        let rows: Vec<_> = counts
            .iter()
            .map(|c| {
                (
                    m::account_id.eq(account_id),
                    m::listing.eq(listing),
                    m::day.eq(c.day),
                    m::allegro_count.eq(c.allegro.count),
                    m::held_count.eq(c.held.count),
                    m::allegro_sums.eq(sums_json(c.allegro.sums.as_ref())),
                    m::held_sums.eq(sums_json(c.held.sums.as_ref())),
                )
            })
            .collect();
        diesel::insert_into(m::money_coverage_days)
            .values(rows)
            .on_conflict((m::account_id, m::listing, m::day))
            .do_update()
            .set((
                m::allegro_count.eq(excluded(m::allegro_count)),
                m::held_count.eq(excluded(m::held_count)),
                m::allegro_sums.eq(excluded(m::allegro_sums)),
                m::held_sums.eq(excluded(m::held_sums)),
                m::verified_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .map(drop)
    }

    /// The checked days of the account's listing `listing`, oldest first.
    pub fn of_listing(
        conn: &mut PgConnection,
        account_id: AccountId,
        listing: &str,
    ) -> QueryResult<Vec<Self>> {
        use money_coverage_days::dsl as m;
        m::money_coverage_days
            .filter(m::account_id.eq(account_id))
            .filter(m::listing.eq(listing))
            .order(m::day.asc())
            .select(Self::as_select())
            .load(conn)
    }

    /// The account's checked days of every listing from `from` on, oldest first.
    pub fn since(
        conn: &mut PgConnection,
        account_id: AccountId,
        from: NaiveDate,
    ) -> QueryResult<Vec<Self>> {
        use money_coverage_days::dsl as m;
        m::money_coverage_days
            .filter(m::account_id.eq(account_id))
            .filter(m::day.ge(from))
            .order((m::day.asc(), m::listing.asc()))
            .select(Self::as_select())
            .load(conn)
    }
}

fn bounds(days: &[DayWindow]) -> (Vec<DateTime<Utc>>, Vec<DateTime<Utc>>) {
    days.iter().map(|d| (d.start, d.end)).unzip()
}

#[derive(QueryableByName)]
struct CurrencyTally {
    /// The day's place in the list, from 1.
    #[diesel(sql_type = BigInt)]
    i: i64,
    #[diesel(sql_type = Nullable<Text>)]
    currency: Option<String>,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    cents: Option<i64>,
}

/// The fees held per day of `days` (in their order) for the listing of `marketplace`: entries
/// whose `occurredAt` falls in the day's bounds, counted and summed per currency. Entries that
/// name no marketplace (older than Allegro's `marketplaceId`) are counted for the home
/// marketplace (`home`), which Allegro lists them under. Read day by day on the
/// `(account_id, occurred_at)` index, as the orders' days are.
pub fn held_fees(
    conn: &mut PgConnection,
    account_id: AccountId,
    marketplace: &str,
    home: bool,
    days: &[DayWindow],
) -> QueryResult<Vec<Tally>> {
    let (starts, ends) = bounds(days);
    let rows: Vec<CurrencyTally> = sql_query(
        "SELECT d.i, b.currency, count(*) AS n, (sum(b.amount) * 100)::bigint AS cents \
         FROM unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS d(s, e, i) \
         CROSS JOIN LATERAL ( \
             SELECT b.currency, b.amount FROM billing_entries b \
             WHERE b.account_id = $1 AND b.occurred_at >= d.s AND b.occurred_at <= d.e \
                 AND (b.marketplace_id = $4 OR ($5 AND b.marketplace_id IS NULL)) \
             OFFSET 0) b \
         GROUP BY d.i, b.currency",
    )
    .bind::<BigInt, _>(account_id)
    .bind::<Array<Timestamptz>, _>(starts)
    .bind::<Array<Timestamptz>, _>(ends)
    .bind::<Text, _>(marketplace)
    .bind::<Bool, _>(home)
    .load(conn)?;
    let mut tallies = vec![
        Tally {
            count: 0,
            sums: Some(Sums::new()),
        };
        days.len()
    ];
    for row in rows {
        let slot = usize::try_from(row.i - 1)
            .ok()
            .and_then(|i| tallies.get_mut(i));
        let Some(tally) = slot else { continue };
        tally.count += row.n;
        if let (Some(currency), Some(cents), Some(sums)) =
            (row.currency, row.cents, tally.sums.as_mut())
        {
            sums.insert(currency, cents);
        }
    }
    Ok(tallies)
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The operations held per day of `days` (in their order) for the listing of wallet type
/// `wallet`: those whose `occurredAt` falls in the day's bounds.
pub fn held_operations(
    conn: &mut PgConnection,
    account_id: AccountId,
    wallet: &str,
    days: &[DayWindow],
) -> QueryResult<Vec<Tally>> {
    let (starts, ends) = bounds(days);
    let rows: Vec<CountRow> = sql_query(
        "SELECT c.n \
         FROM unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS d(s, e, i) \
         CROSS JOIN LATERAL ( \
             SELECT count(*) AS n FROM payment_operations p \
             WHERE p.account_id = $1 AND p.wallet_type = $4 \
                 AND p.occurred_at >= d.s AND p.occurred_at <= d.e) c \
         ORDER BY d.i",
    )
    .bind::<BigInt, _>(account_id)
    .bind::<Array<Timestamptz>, _>(starts)
    .bind::<Array<Timestamptz>, _>(ends)
    .bind::<Text, _>(wallet)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Tally {
            count: r.n,
            sums: None,
        })
        .collect())
}
