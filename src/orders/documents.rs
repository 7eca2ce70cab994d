//! Exporting a resource kept as whole documents besides the orders (returns, refunds, claims,
//! fees, wallet operations, invoices): each document as Allegro sent it (the last version read), one per line
//! (NDJSON), in the order the backup first stored them, optionally of some accounts and since
//! an instant (the resource's own time). Read in batches: memory stays flat however many there
//! are. What `allegro-backup export --resource` and `GET /export` share.

use chrono::{DateTime, Utc};
use diesel::{PgConnection, QueryResult};

use crate::{
    db::models::documents::{DocumentTable, documents_after},
    domain::AccountId,
};

/// Documents read per database round trip.
const BATCH: i64 = 1_000;

/// What `resource` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportResource {
    Orders,
    Returns,
    Refunds,
    RefundClaims,
    BillingEntries,
    PaymentOperations,
    Invoices,
}

impl ExportResource {
    pub const ALL: [(ExportResource, &'static str); 7] = [
        (Self::Orders, "orders"),
        (Self::Returns, "returns"),
        (Self::Refunds, "refunds"),
        (Self::RefundClaims, "refund-claims"),
        (Self::BillingEntries, "billing-entries"),
        (Self::PaymentOperations, "payment-operations"),
        (Self::Invoices, "invoices"),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(r, _)| *r == self)
            .map_or("orders", |(_, name)| name)
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, name)| *name == value)
            .map(|(r, _)| *r)
    }

    /// Every name, comma-separated (for messages).
    pub fn names() -> String {
        Self::ALL.map(|(_, n)| n).join(", ")
    }

    /// The table its documents are kept in; `None` for the orders (exported by their own
    /// encoders).
    pub fn table(self) -> Option<DocumentTable> {
        match self {
            Self::Returns => Some(DocumentTable::CustomerReturns),
            Self::Refunds => Some(DocumentTable::PaymentRefunds),
            Self::BillingEntries => Some(DocumentTable::BillingEntries),
            Self::PaymentOperations => Some(DocumentTable::PaymentOperations),
            Self::RefundClaims => Some(DocumentTable::RefundClaims),
            Self::Invoices => Some(DocumentTable::Invoices),
            Self::Orders => None,
        }
    }
}

/// Which documents to write.
#[derive(Debug, Clone)]
pub struct DocumentSelection {
    pub table: DocumentTable,
    /// `None`: every account's.
    pub accounts: Option<Vec<AccountId>>,
    /// Only those whose own time is at or after it.
    pub since: Option<DateTime<Utc>>,
}

/// How a written export ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentsWritten {
    pub documents: u64,
    /// Whether the reader took everything (`sent` never refused a chunk).
    pub completed: bool,
}

/// Hands the documents of `selection` to `sent` as NDJSON, a batch per chunk, until it refuses
/// one (the reader went away).
pub fn write_documents(
    conn: &mut PgConnection,
    selection: &DocumentSelection,
    mut sent: impl FnMut(Vec<u8>) -> bool,
) -> QueryResult<DocumentsWritten> {
    let mut written = 0;
    let mut after = 0;
    loop {
        let filter = (selection.accounts.as_deref(), selection.since);
        let batch = documents_after(conn, selection.table, filter, after, BATCH)?;
        let Some((last, _)) = batch.last() else {
            return Ok(DocumentsWritten {
                documents: written,
                completed: true,
            });
        };
        after = *last;
        let mut chunk = Vec::new();
        for (_, document) in &batch {
            // A JSON value always serialises.
            serde_json::to_writer(&mut chunk, document).unwrap_or_default();
            chunk.push(b'\n');
        }
        if !sent(chunk) {
            return Ok(DocumentsWritten {
                documents: written,
                completed: false,
            });
        }
        written += batch.len() as u64;
    }
}
