//! The invoices of orders (`order_invoices`), every distinct version of each
//! (`order_invoice_versions`: a file uploaded later, the scan moving from WAITING to
//! ACCEPTED), and when the backup last read each order's invoices (`invoice_reads`). Allegro
//! lists invoices per order only, so which orders are due for a read is decided here
//! ([`due`]): paid orders never read, read at another revision, with an invoice still open, or
//! paid less than 60 days ago (invoices follow the payment, and a correction may come; read
//! again daily by default); never an order Allegro no longer knows. Every paid order is read,
//! not only those that asked for an invoice: sellers attach invoices to the others too
//! (allegro-api-money.md §7).

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_query,
    sql_types::{BigInt, Nullable, Text, Timestamptz},
};
use serde_json::Value;

use crate::{
    db::{
        models::versioned::versioned_row,
        schema::{invoice_reads, order_invoice_versions, order_invoices},
    },
    domain::{AccountId, CheckoutFormId, InvoiceId},
};

/// An invoice as read from Allegro, ready to store (a field Allegro no longer sends is
/// cleared).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = order_invoices, treat_none_as_null = true)]
pub struct NewInvoice {
    pub invoice_id: InvoiceId,
    pub checkout_form_id: CheckoutFormId,
    pub invoice_number: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub file_name: Option<String>,
    pub uploaded_at: Option<DateTime<Utc>>,
    /// The file's security verification status (`WAITING`, `ACCEPTED`, `REJECTED`).
    pub status: Option<String>,
    /// The invoice as Allegro sent it.
    pub raw: Value,
    /// sha256 of its canonical JSON: what tells one version from another.
    pub content_hash: String,
}

versioned_row!(
    NewInvoice,
    id: InvoiceId = order_invoices::invoice_id,
    resource: "invoices",
    versions: order_invoice_versions::invoice_row_id with status,
);

/// What one read of an order's invoices found.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = invoice_reads, treat_none_as_null = true)]
pub struct InvoiceRead {
    pub account_id: AccountId,
    pub checkout_form_id: CheckoutFormId,
    /// The order's revision when read.
    pub revision: Option<String>,
    /// An invoice had no file yet or its scan was still WAITING.
    pub open: bool,
    /// Allegro answered 404: it no longer knows the order.
    pub gone: bool,
    /// The answer's `orderMode`, `hasExternalInvoices` and `links` as sent.
    pub answer: Option<Value>,
}

impl InvoiceRead {
    /// Records the reads (one per order), replacing the previous ones.
    pub fn record(conn: &mut PgConnection, reads: &[InvoiceRead]) -> QueryResult<()> {
        use invoice_reads::dsl as r;
        for read in reads {
            diesel::insert_into(r::invoice_reads)
                .values((read, r::read_at.eq(diesel::dsl::now)))
                .on_conflict((r::account_id, r::checkout_form_id))
                .do_update()
                .set((read, r::read_at.eq(diesel::dsl::now)))
                .execute(conn)?;
        }
        Ok(())
    }

    /// The last read of the order's invoices.
    pub fn last(
        conn: &mut PgConnection,
        account_id: AccountId,
        checkout_form_id: &CheckoutFormId,
    ) -> QueryResult<Option<LastRead>> {
        invoice_reads::table
            .find((account_id, checkout_form_id))
            .select(LastRead::as_select())
            .first(conn)
            .optional()
    }
}

/// When the backup last read an order's invoices, and what it said of the order.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invoice_reads, check_for_backend(diesel::pg::Pg))]
pub struct LastRead {
    pub read_at: DateTime<Utc>,
    /// Allegro no longer knew the order.
    pub gone: bool,
    /// The answer's `orderMode`, `hasExternalInvoices` and `links`.
    pub answer: Option<Value>,
}

/// An order due for a read of its invoices.
#[derive(Debug, Clone, QueryableByName)]
pub struct DueInvoices {
    #[diesel(sql_type = BigInt)]
    pub order_row: i64,
    #[diesel(sql_type = Text)]
    pub checkout_form_id: CheckoutFormId,
    #[diesel(sql_type = Nullable<Text>)]
    pub revision: Option<String>,
}

/// When reads fall due: orders bought since `bought_since` (what Allegro still keeps), open
/// invoices read before `open_before`, young orders (paid since `young_since`: an order paid
/// months after it was bought is invoiced after the payment) read before `young_before`.
#[derive(Debug, Clone, Copy)]
pub struct InvoicesDue {
    pub bought_since: DateTime<Utc>,
    pub open_before: DateTime<Utc>,
    pub young_since: DateTime<Utc>,
    pub young_before: DateTime<Utc>,
}

/// Up to `limit` orders of the account due for a read of their invoices, after order row
/// `after`, in row order.
pub fn due(
    conn: &mut PgConnection,
    account_id: AccountId,
    when: InvoicesDue,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<DueInvoices>> {
    sql_query(
        "SELECT o.id AS order_row, o.checkout_form_id, o.revision FROM orders o \
         LEFT JOIN invoice_reads r \
           ON r.account_id = o.account_id AND r.checkout_form_id = o.checkout_form_id \
         WHERE o.account_id = $1 AND o.id > $2 \
           AND o.payment_finished_at IS NOT NULL AND o.merged_into IS NULL \
           AND o.gone_from_allegro_at IS NULL AND o.bought_at >= $3 \
           AND (r.checkout_form_id IS NULL OR (NOT r.gone AND ( \
                r.revision IS DISTINCT FROM o.revision \
                OR (r.open AND r.read_at < $4) \
                OR (o.payment_finished_at >= $5 AND r.read_at < $6)))) \
         ORDER BY o.id LIMIT $7",
    )
    .bind::<BigInt, _>(account_id.0)
    .bind::<BigInt, _>(after)
    .bind::<Timestamptz, _>(when.bought_since)
    .bind::<Timestamptz, _>(when.open_before)
    .bind::<Timestamptz, _>(when.young_since)
    .bind::<Timestamptz, _>(when.young_before)
    .bind::<BigInt, _>(limit)
    .load(conn)
}
