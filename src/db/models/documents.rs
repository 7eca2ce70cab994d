//! The documents of a resource as Allegro sent them (the last version read of each), read in
//! batches in the order they were first stored: what `export --resource` writes, one per line.

use chrono::{DateTime, Utc};
use diesel::{
    pg::Pg,
    prelude::*,
    sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz},
};
use serde_json::Value;

use self::CellKind::{Amount, Personal, Plain, Time};

use crate::domain::AccountId;

/// A resource kept as whole documents besides the orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentTable {
    CustomerReturns,
    PaymentRefunds,
    BillingEntries,
    PaymentOperations,
    RefundClaims,
    /// Each line `{"checkoutFormId": …, "invoice": …}`: Allegro lists invoices per order.
    Invoices,
}

impl DocumentTable {
    fn table(self) -> &'static str {
        match self {
            Self::CustomerReturns => "customer_returns",
            Self::PaymentRefunds => "payment_refunds",
            Self::BillingEntries => "billing_entries",
            Self::PaymentOperations => "payment_operations",
            Self::RefundClaims => "refund_claims",
            Self::Invoices => "order_invoices",
        }
    }

    /// The resource's own time: when the return or refund was created, the fee
    /// booked, the money moved.
    fn time_column(self) -> &'static str {
        match self {
            Self::CustomerReturns | Self::PaymentRefunds => "created_at",
            Self::RefundClaims | Self::Invoices => "created_at",
            Self::BillingEntries | Self::PaymentOperations => "occurred_at",
        }
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Jsonb)]
    raw: Value,
}

/// Which rows of a resource: of `accounts` (all when `None`) whose own time is at or after
/// `since` (all when `None`).
pub type DocumentFilter<'a> = (Option<&'a [AccountId]>, Option<DateTime<Utc>>);

/// Up to `limit` rows of `table` (as `d`, its account as `a`) after row `after` that `filter`
/// selects, in the order they were stored, each as `select` reads it.
fn load_after<R: QueryableByName<Pg> + 'static>(
    conn: &mut PgConnection,
    (table, select): (DocumentTable, &str),
    (accounts, since): DocumentFilter<'_>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<R>> {
    let sql = format!(
        "SELECT {select} FROM {} d JOIN allegro_accounts a ON a.id = d.account_id \
         WHERE d.id > $1 AND ($2::bigint[] IS NULL OR d.account_id = ANY($2)) \
         AND ($3::timestamptz IS NULL OR d.{} >= $3) ORDER BY d.id LIMIT $4",
        table.table(),
        table.time_column()
    );
    diesel::sql_query(sql)
        .bind::<BigInt, _>(after)
        .bind::<Nullable<Array<BigInt>>, _>(
            accounts.map(|a| a.iter().map(|id| id.0).collect::<Vec<_>>()),
        )
        .bind::<Nullable<Timestamptz>, _>(since)
        .bind::<BigInt, _>(limit)
        .load(conn)
}

/// Up to `limit` documents of `table` after row `after` that `filter` selects, with their row
/// ids.
pub fn documents_after(
    conn: &mut PgConnection,
    table: DocumentTable,
    filter: DocumentFilter<'_>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, Value)>> {
    let select = match table {
        DocumentTable::Invoices => {
            "d.id, jsonb_build_object('checkoutFormId', d.checkout_form_id, 'invoice', d.raw) AS raw"
        }
        _ => "d.id, d.raw",
    };
    let rows: Vec<Row> = load_after(conn, (table, select), filter, after, limit)?;
    Ok(rows.into_iter().map(|r| (r.id, r.raw)).collect())
}

/// How a column of a resource's CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// Text as it is.
    Plain,
    /// A time (read as ISO-8601 text with its offset).
    Time,
    /// An exact decimal as PostgreSQL prints it.
    Amount,
    /// The buyer's personal data: masked for users who must not see it.
    Personal,
}

/// One column of a resource's CSV: its name (the plain dialect's header), the SQL that reads
/// it from the resource's row `d` as text, and how it is written.
#[derive(Debug, Clone, Copy)]
pub struct CsvColumn {
    pub name: &'static str,
    sql: &'static str,
    pub kind: CellKind,
}

const fn column(name: &'static str, sql: &'static str, kind: CellKind) -> CsvColumn {
    CsvColumn { name, sql, kind }
}

/// `d.raw`'s array `field` (an empty one when it is not an array), for `jsonb_array_elements`.
macro_rules! raw_array {
    ($field:literal) => {
        concat!(
            "CASE WHEN jsonb_typeof(d.raw->'",
            $field,
            "') = 'array' THEN d.raw->'",
            $field,
            "' ELSE '[]'::jsonb END"
        )
    };
}

const ACCOUNT: CsvColumn = column("account", "a.login", Plain);

const RETURN_COLUMNS: [CsvColumn; 12] = [
    ACCOUNT,
    column("return_id", "d.return_id", Plain),
    column("reference_number", "d.reference_number", Plain),
    column("order_id", "d.checkout_form_id", Plain),
    column("status", "d.status", Plain),
    column("created_at_utc", "to_json(d.created_at) #>> '{}'", Time),
    column("marketplace", "d.raw #>> '{marketplaceId}'", Plain),
    column("buyer_login", "d.raw #>> '{buyer,login}'", Personal),
    column("buyer_email", "d.raw #>> '{buyer,email}'", Personal),
    column(
        "return_items",
        concat!(
            "(SELECT string_agg(concat_ws(' × ', i->>'quantity', i->>'offerId'), ', ') ",
            "FROM jsonb_array_elements(",
            raw_array!("items"),
            ") i)"
        ),
        Plain,
    ),
    column(
        "return_reasons",
        concat!(
            "(SELECT string_agg(DISTINCT i #>> '{reason,type}', ', ') ",
            "FROM jsonb_array_elements(",
            raw_array!("items"),
            ") i)"
        ),
        Plain,
    ),
    column(
        "tracking_numbers",
        concat!(
            "(SELECT string_agg(p->>'waybill', ', ') ",
            "FROM jsonb_array_elements(",
            raw_array!("parcels"),
            ") p)"
        ),
        Plain,
    ),
];

const REFUND_COLUMNS: [CsvColumn; 9] = [
    ACCOUNT,
    column("refund_id", "d.refund_id", Plain),
    column("order_id", "d.checkout_form_id", Plain),
    column("payment_id", "d.payment_id", Plain),
    column("reason", "d.reason", Plain),
    column("status", "d.status", Plain),
    column("created_at_utc", "to_json(d.created_at) #>> '{}'", Time),
    column("amount", "d.total_amount::text", Amount),
    column("currency", "d.currency", Plain),
];

const BILLING_COLUMNS: [CsvColumn; 12] = [
    ACCOUNT,
    column("entry_id", "d.entry_id", Plain),
    column("occurred_at_utc", "to_json(d.occurred_at) #>> '{}'", Time),
    column("fee_type", "d.type_id", Plain),
    column("fee_name", "d.type_name", Plain),
    column("offer_id", "d.offer_id", Plain),
    column("offer_name", "d.offer_name", Plain),
    column("order_id", "d.checkout_form_id", Plain),
    column("marketplace", "d.marketplace_id", Plain),
    column("amount", "d.amount::text", Amount),
    column("currency", "d.currency", Plain),
    column("balance", "d.raw #>> '{balance,amount}'", Amount),
];

const OPERATION_COLUMNS: [CsvColumn; 14] = [
    ACCOUNT,
    column("occurred_at_utc", "to_json(d.occurred_at) #>> '{}'", Time),
    column("wallet_type", "d.wallet_type", Plain),
    column("payment_operator", "d.payment_operator", Plain),
    column("operation_type", "d.operation_type", Plain),
    column("operation_group", "d.operation_group", Plain),
    column("amount", "d.amount::text", Amount),
    column("currency", "d.currency", Plain),
    column("balance", "d.balance::text", Amount),
    column("marketplace", "d.marketplace_id", Plain),
    column("payment_id", "d.payment_id", Plain),
    column("payout_id", "d.payout_id", Plain),
    column("participant_login", "d.participant_login", Personal),
    column("released_at_utc", "to_json(d.released_at) #>> '{}'", Time),
];

const CLAIM_COLUMNS: [CsvColumn; 11] = [
    ACCOUNT,
    column("claim_id", "d.claim_id", Plain),
    column("created_at_utc", "to_json(d.created_at) #>> '{}'", Time),
    column("status", "d.status", Plain),
    column("claim_type", "d.claim_type", Plain),
    column("order_id", "d.checkout_form_id", Plain),
    column("line_item_id", "d.line_item_id", Plain),
    column("offer_id", "d.offer_id", Plain),
    column("quantity", "d.quantity::text", Plain),
    column("amount", "d.commission_amount::text", Amount),
    column("currency", "d.currency", Plain),
];

const INVOICE_COLUMNS: [CsvColumn; 8] = [
    ACCOUNT,
    column("order_id", "d.checkout_form_id", Plain),
    column("invoice_id", "d.invoice_id", Plain),
    column("invoice_number", "d.invoice_number", Plain),
    column("created_at_utc", "to_json(d.created_at) #>> '{}'", Time),
    column("file_name", "d.file_name", Plain),
    column("uploaded_at_utc", "to_json(d.uploaded_at) #>> '{}'", Time),
    column("scan_status", "d.status", Plain),
];

impl DocumentTable {
    /// The columns of this resource's CSV.
    pub fn csv_columns(self) -> &'static [CsvColumn] {
        match self {
            Self::CustomerReturns => &RETURN_COLUMNS,
            Self::PaymentRefunds => &REFUND_COLUMNS,
            Self::BillingEntries => &BILLING_COLUMNS,
            Self::PaymentOperations => &OPERATION_COLUMNS,
            Self::RefundClaims => &CLAIM_COLUMNS,
            Self::Invoices => &INVOICE_COLUMNS,
        }
    }
}

#[derive(QueryableByName)]
struct CsvRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Array<Nullable<Text>>)]
    cells: Vec<Option<String>>,
}

/// As [`documents_after`], each row as the text of its [`DocumentTable::csv_columns`].
pub fn csv_rows_after(
    conn: &mut PgConnection,
    table: DocumentTable,
    filter: DocumentFilter<'_>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, Vec<Option<String>>)>> {
    let cells = table
        .csv_columns()
        .iter()
        .map(|c| c.sql)
        .collect::<Vec<_>>()
        .join(", ");
    let select = format!("d.id, ARRAY[{cells}]::text[] AS cells");
    let rows: Vec<CsvRow> = load_after(conn, (table, &select), filter, after, limit)?;
    Ok(rows.into_iter().map(|r| (r.id, r.cells)).collect())
}

/// A document as stored for an order: when the backup first stored it, and the last version
/// read (invoices as sent, without their order's id).
#[derive(Debug, Clone, QueryableByName)]
pub struct StoredDocument {
    #[diesel(sql_type = Timestamptz)]
    pub first_seen_at: DateTime<Utc>,
    #[diesel(sql_type = Jsonb)]
    pub raw: Value,
}

/// The documents of `table` that belong to order `checkout_form_id` of account `account_id`
/// (wallet operations: those of its payments `payment_ids`), oldest first by their own time.
pub fn of_order(
    conn: &mut PgConnection,
    table: DocumentTable,
    (account_id, checkout_form_id): (AccountId, &str),
    payment_ids: &[String],
) -> QueryResult<Vec<StoredDocument>> {
    let link = match table {
        DocumentTable::PaymentOperations => "d.payment_id = ANY($3)",
        _ => "d.checkout_form_id = $2",
    };
    diesel::sql_query(format!(
        "SELECT d.first_seen_at, d.raw FROM {} d WHERE d.account_id = $1 AND {link} \
         ORDER BY d.{} NULLS LAST, d.id",
        table.table(),
        table.time_column()
    ))
    .bind::<BigInt, _>(account_id.0)
    .bind::<Text, _>(checkout_form_id)
    .bind::<Array<Text>, _>(payment_ids)
    .load(conn)
}
