//! What the order detail page reads besides the order row: its revisions (and the document
//! of any of them), its line-item totals per currency, and the login of its account.

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_query,
    sql_types::{BigInt, Text},
};
use serde_json::Value;

use crate::{
    db::schema::{allegro_accounts, order_revisions, orders},
    domain::AccountId,
};

/// One stored version of an order, without its document.
#[derive(Debug, Clone, Queryable)]
pub struct RevisionHead {
    pub id: i64,
    pub revision: Option<String>,
    pub seen_at: DateTime<Utc>,
}

/// The order's revisions, newest first.
pub fn revisions(conn: &mut PgConnection, order_id: i64) -> QueryResult<Vec<RevisionHead>> {
    order_revisions::table
        .filter(order_revisions::order_id.eq(order_id))
        .order((order_revisions::seen_at.desc(), order_revisions::id.desc()))
        .select((
            order_revisions::id,
            order_revisions::revision,
            order_revisions::seen_at,
        ))
        .load(conn)
}

/// One stored version of an order with its document as text.
#[derive(Debug, Clone, Queryable)]
pub struct RevisionDocument {
    pub revision: Option<String>,
    pub seen_at: DateTime<Utc>,
    pub document: String,
}

/// The order's revisions with their documents as text, newest first (the current one's is the
/// order's own document).
pub fn revisions_with_documents(
    conn: &mut PgConnection,
    order_id: i64,
) -> QueryResult<Vec<RevisionDocument>> {
    order_revisions::table
        .inner_join(orders::table)
        .filter(order_revisions::order_id.eq(order_id))
        .order((order_revisions::seen_at.desc(), order_revisions::id.desc()))
        .select((
            order_revisions::revision,
            order_revisions::seen_at,
            diesel::dsl::sql::<Text>("COALESCE(order_revisions.raw, orders.raw)::text"),
        ))
        .load(conn)
}

/// The document of revision `revision_id` of the order. The current revision is held by
/// reference: its document is the order's own.
pub fn revision_document(
    conn: &mut PgConnection,
    order_id: i64,
    revision_id: i64,
) -> QueryResult<Value> {
    order_revisions::table
        .inner_join(orders::table)
        .filter(order_revisions::order_id.eq(order_id))
        .filter(order_revisions::id.eq(revision_id))
        .select(diesel::dsl::sql::<diesel::sql_types::Jsonb>(
            "COALESCE(order_revisions.raw, orders.raw)",
        ))
        .first(conn)
}

/// Sum of unit price × quantity of one currency's line items, as decimal text.
#[derive(Debug, Clone, QueryableByName)]
pub struct CurrencyTotal {
    #[diesel(sql_type = Text)]
    pub currency: String,
    #[diesel(sql_type = Text)]
    pub total: String,
}

/// The order's line items summed per currency, by currency.
pub fn items_totals(conn: &mut PgConnection, order_id: i64) -> QueryResult<Vec<CurrencyTotal>> {
    sql_query(
        "SELECT currency, SUM(price * quantity)::text AS total FROM order_line_items \
         WHERE order_id = $1 GROUP BY currency ORDER BY currency",
    )
    .bind::<BigInt, _>(order_id)
    .load(conn)
}

/// The login of account `id` (`None` once the account is deleted).
pub fn account_login(conn: &mut PgConnection, id: AccountId) -> QueryResult<Option<String>> {
    allegro_accounts::table
        .find(id)
        .select(allegro_accounts::login)
        .first(conn)
        .optional()
}
