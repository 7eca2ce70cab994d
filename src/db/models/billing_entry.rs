//! Billing entries (`billing_entries`): the fees Allegro charges an account and the credits it
//! gives back, with every distinct version of each (`billing_entry_versions`; Allegro fills an
//! entry's offer name in later). An entry names its order by checkout form id within the
//! account (no foreign key: fees are kept six years, orders about one). Stored through
//! `versioned`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use diesel::{
    pg::Pg,
    prelude::*,
    query_builder::{BoxedSqlQuery, SqlQuery},
    sql_types::{BigInt, Nullable, Text},
};
use serde_json::Value;

use crate::{
    db::{
        models::{order::stats::zone_literal, versioned::versioned_row},
        schema::{billing_entries, billing_entry_versions},
    },
    domain::{AccountId, BillingEntryId, CheckoutFormId},
};

/// An entry as read from Allegro, ready to store (a field Allegro no longer sends is cleared).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(
    table_name = billing_entries,
    treat_none_as_null = true,
    treat_none_as_default_value = false
)]
pub struct NewBillingEntry {
    pub entry_id: BillingEntryId,
    pub occurred_at: Option<DateTime<Utc>>,
    pub type_id: Option<String>,
    pub type_name: Option<String>,
    pub offer_id: Option<String>,
    pub offer_name: Option<String>,
    pub checkout_form_id: Option<CheckoutFormId>,
    pub marketplace_id: Option<String>,
    pub currency: Option<String>,
    /// The whole entry as Allegro sent it.
    pub raw: Value,
    /// sha256 of its canonical JSON: what tells one version from another.
    pub content_hash: String,
    /// `value.amount`, a validated decimal string (stored as NUMERIC).
    #[diesel(skip_insertion, skip_update)]
    pub amount: Option<String>,
}

versioned_row!(
    NewBillingEntry,
    id: BillingEntryId = billing_entries::entry_id,
    resource: "billing-entries",
    versions: billing_entry_versions::entry_row_id,
    numeric: { amount = amount },
);

/// The fees of one type on one order, in one currency.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct FeeTotal {
    #[diesel(sql_type = Nullable<Text>)]
    pub type_id: Option<String>,
    /// The type's name as Allegro last gave it.
    #[diesel(sql_type = Nullable<Text>)]
    pub type_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub currency: Option<String>,
    /// The sum, as decimal text (negative: charged; positive: given back).
    #[diesel(sql_type = Nullable<Text>)]
    pub amount: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub entries: i64,
}

/// The fees of order `checkout_form_id` of account `account_id`, summed per type and currency
/// (charges first, then by type).
pub fn fee_totals_for_order(
    conn: &mut PgConnection,
    account_id: AccountId,
    checkout_form_id: &CheckoutFormId,
) -> QueryResult<Vec<FeeTotal>> {
    diesel::sql_query(
        "SELECT type_id, (array_agg(type_name ORDER BY occurred_at DESC NULLS LAST))[1] \
                AS type_name, currency, sum(amount)::text AS amount, count(*) AS entries \
         FROM billing_entries WHERE account_id = $1 AND checkout_form_id = $2 \
         GROUP BY type_id, currency ORDER BY sum(amount) ASC, type_id",
    )
    .bind::<BigInt, _>(account_id.0)
    .bind::<Text, _>(checkout_form_id.as_str())
    .load(conn)
}

/// When the oldest entry of `marketplace` since `since` happened whose offer Allegro has not
/// named yet: a listing starts there, to read the name once it is given.
pub fn oldest_unnamed_offer(
    conn: &mut PgConnection,
    account_id: AccountId,
    marketplace: &str,
    since: DateTime<Utc>,
) -> QueryResult<Option<DateTime<Utc>>> {
    use billing_entries::dsl as b;
    b::billing_entries
        .filter(b::account_id.eq(account_id))
        .filter(b::offer_id.is_not_null())
        .filter(b::offer_name.is_null())
        .filter(b::occurred_at.ge(since))
        .filter(b::marketplace_id.eq(marketplace))
        .select(diesel::dsl::min(b::occurred_at))
        .first(conn)
}

#[derive(QueryableByName)]
struct Marketplace {
    #[diesel(sql_type = Text)]
    marketplace_id: String,
}

/// The marketplaces the account's orders were bought on, each once (a skip scan of the
/// `(account_id, marketplace_id)` index: a handful of lookups however many orders there are).
pub fn order_marketplaces(
    conn: &mut PgConnection,
    account_id: AccountId,
) -> QueryResult<Vec<String>> {
    let rows: Vec<Marketplace> = diesel::sql_query(
        "WITH RECURSIVE m(marketplace_id) AS ( \
             (SELECT marketplace_id FROM orders \
              WHERE account_id = $1 AND marketplace_id IS NOT NULL \
              ORDER BY marketplace_id LIMIT 1) \
             UNION ALL \
             SELECT (SELECT o.marketplace_id FROM orders o \
                     WHERE o.account_id = $1 AND o.marketplace_id > m.marketplace_id \
                     ORDER BY o.marketplace_id LIMIT 1) \
             FROM m WHERE m.marketplace_id IS NOT NULL) \
         SELECT marketplace_id FROM m WHERE marketplace_id IS NOT NULL",
    )
    .bind::<BigInt, _>(account_id.0)
    .load(conn)?;
    Ok(rows.into_iter().map(|m| m.marketplace_id).collect())
}

/// Which fees a page shows: of these accounts (the viewer's scope, or the one picked), booked
/// in `[from, to)`, optionally of one marketplace and type, optionally only those of no order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeFilter {
    pub accounts: Vec<AccountId>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub marketplace: Option<String>,
    pub type_id: Option<String>,
    pub without_order: bool,
}

/// What the fees are summed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeGroup {
    /// The day of the display zone they were booked.
    Day,
    Type,
    Marketplace,
    Account,
}

impl FeeGroup {
    pub const ALL: [FeeGroup; 4] = [Self::Day, Self::Type, Self::Marketplace, Self::Account];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Type => "type",
            Self::Marketplace => "marketplace",
            Self::Account => "account",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == text)
    }

    /// The SQL of the group's key (as text) and of its label (a name where the key is a code).
    fn sql(self, zone: &str) -> (String, &'static str) {
        match self {
            Self::Day => (
                format!("to_char(occurred_at AT TIME ZONE {zone}, 'YYYY-MM-DD')"),
                "NULL::text",
            ),
            Self::Type => (
                "coalesce(type_id, '')".to_owned(),
                "(array_agg(type_name ORDER BY occurred_at DESC NULLS LAST))[1]",
            ),
            Self::Marketplace => ("coalesce(marketplace_id, '')".to_owned(), "NULL::text"),
            Self::Account => ("account_id::text".to_owned(), "NULL::text"),
        }
    }
}

/// The fees of one group in one currency.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct FeeGroupRow {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub label: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub currency: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub entries: i64,
    /// Charges (negative), credits (positive) and their sum, as decimal text.
    #[diesel(sql_type = Text)]
    pub charged: String,
    #[diesel(sql_type = Text)]
    pub credited: String,
    #[diesel(sql_type = Text)]
    pub total: String,
}

/// The conditions of `filter` as SQL over binds `$1`..`$6`.
const FILTER_SQL: &str = "account_id = ANY($1) AND occurred_at >= $2 AND occurred_at < $3 \
     AND ($4::text IS NULL OR marketplace_id = $4) AND ($5::text IS NULL OR type_id = $5) \
     AND (NOT $6 OR checkout_form_id IS NULL)";

/// `query` with the values of `filter` bound as [`FILTER_SQL`]'s `$1`..`$6`.
fn bind_filter(query: SqlQuery, filter: &FeeFilter) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
    query
        .into_boxed()
        .bind::<diesel::sql_types::Array<BigInt>, _>(
            filter.accounts.iter().map(|a| a.0).collect::<Vec<_>>(),
        )
        .bind::<diesel::sql_types::Timestamptz, _>(filter.from)
        .bind::<diesel::sql_types::Timestamptz, _>(filter.to)
        .bind::<Nullable<Text>, _>(filter.marketplace.clone())
        .bind::<Nullable<Text>, _>(filter.type_id.clone())
        .bind::<diesel::sql_types::Bool, _>(filter.without_order)
}

/// The fees of `filter` summed by `group` and currency (days newest first, else the largest
/// charges first); days are the display zone's.
pub fn fee_summary(
    conn: &mut PgConnection,
    filter: &FeeFilter,
    group: FeeGroup,
    zone: Tz,
) -> QueryResult<Vec<FeeGroupRow>> {
    let (key, label) = group.sql(&zone_literal(zone));
    let order = match group {
        FeeGroup::Day => "key DESC, currency",
        _ => "sum(amount) ASC, key, currency",
    };
    let query = diesel::sql_query(format!(
        "SELECT {key} AS key, {label} AS label, currency, count(*) AS entries, \
                coalesce(sum(amount) FILTER (WHERE amount < 0), 0.00)::text AS charged, \
                coalesce(sum(amount) FILTER (WHERE amount > 0), 0.00)::text AS credited, \
                coalesce(sum(amount), 0.00)::text AS total \
         FROM billing_entries WHERE {FILTER_SQL} \
         GROUP BY 1, currency ORDER BY {order}"
    ));
    bind_filter(query, filter).load(conn)
}

/// One fee as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct FeeRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub account_id: AccountId,
    #[diesel(sql_type = Nullable<diesel::sql_types::Timestamptz>)]
    pub occurred_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub type_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub type_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub offer_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub offer_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub checkout_form_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub marketplace_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub amount: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub currency: Option<String>,
}

/// Up to `limit` fees of `filter`, newest first, after row `before` (the last of the page
/// before: `(row id)`, keyset over booking time and row id).
pub fn fee_entries(
    conn: &mut PgConnection,
    filter: &FeeFilter,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<FeeRow>> {
    let query = diesel::sql_query(format!(
        "SELECT id, account_id, occurred_at, type_id, type_name, offer_id, offer_name, \
                checkout_form_id, marketplace_id, amount::text AS amount, currency \
         FROM billing_entries WHERE {FILTER_SQL} \
           AND ($7::bigint IS NULL OR (occurred_at, id) < \
                (SELECT occurred_at, id FROM billing_entries WHERE id = $7)) \
         ORDER BY occurred_at DESC, id DESC LIMIT $8"
    ));
    bind_filter(query, filter)
        .bind::<Nullable<BigInt>, _>(before)
        .bind::<BigInt, _>(limit)
        .load(conn)
}

/// What the fees page's filters offer: the marketplaces, and the fee types with their latest
/// names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeeChoices {
    pub marketplaces: Vec<String>,
    pub types: Vec<(String, Option<String>)>,
}

/// The marketplaces and the fee types the accounts' fees name.
pub fn fee_choices(conn: &mut PgConnection, accounts: &[AccountId]) -> QueryResult<FeeChoices> {
    use billing_entries::dsl as b;
    let ids: Vec<AccountId> = accounts.to_vec();
    let marketplaces: Vec<Option<String>> = b::billing_entries
        .filter(b::account_id.eq_any(ids.clone()))
        .select(b::marketplace_id)
        .distinct()
        .order(b::marketplace_id.asc())
        .load(conn)?;
    let types: Vec<(Option<String>, Option<String>)> = b::billing_entries
        .filter(b::account_id.eq_any(ids))
        .group_by(b::type_id)
        .select((b::type_id, diesel::dsl::max(b::type_name)))
        .order(b::type_id.asc())
        .load(conn)?;
    Ok(FeeChoices {
        marketplaces: marketplaces.into_iter().flatten().collect(),
        types: types
            .into_iter()
            .filter_map(|(id, name)| Some((id?, name)))
            .collect(),
    })
}
