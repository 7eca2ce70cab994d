//! Billing entries (`billing_entries`): the fees Allegro charges an account and the credits it
//! gives back, with every distinct version of each (`billing_entry_versions`; Allegro fills an
//! entry's offer name in later). An entry names its order by checkout form id within the
//! account (no foreign key: fees are kept six years, orders about one). Stored through
//! `versioned`.

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{BigInt, Nullable, Text},
};
use serde_json::Value;

use crate::{
    db::{
        models::versioned::versioned_row,
        schema::{billing_entries, billing_entry_versions},
    },
    domain::{AccountId, BillingEntryId, CheckoutFormId},
};

/// An entry as read from Allegro, ready to store (a field Allegro no longer sends is cleared).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = billing_entries, treat_none_as_null = true)]
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
