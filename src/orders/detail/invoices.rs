//! The "Invoices" part of the order detail page: each invoice the seller attached to the order
//! on Allegro (number, when, the file's name and when it was uploaded, Allegro's scan of it),
//! what else the last read said (an invoice delivered outside Allegro, links to e-receipts),
//! and when the backup read them. The PDF itself cannot be downloaded through Allegro's API:
//! the archive keeps what describes it. Read leniently from the invoice as last stored.

use serde_json::Value;

use super::{
    NONE,
    read::{array, get, text, time},
};
use crate::{
    db::models::{invoice::LastRead, versioned::WithHistory},
    domain::InvoiceId,
    i18n::Locale,
};

/// One invoice as the part shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceView {
    pub id: String,
    /// Its number (`FV 214/07/2026`), or "—" while the seller gave none.
    pub number: String,
    pub created: String,
    /// The file's name; `None` while no file is uploaded.
    pub file: Option<String>,
    pub uploaded: String,
    /// Allegro's scan of the file, as its code (`WAITING`, `ACCEPTED`, `REJECTED`).
    pub scan: Option<String>,
}

/// The part: the invoices, and what the last read said of the order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvoicesPart {
    pub invoices: Vec<InvoiceView>,
    /// When the backup last read them, as the reader's language writes times (`None`: not
    /// yet).
    pub read_at: Option<String>,
    /// Allegro no longer knew the order at the last read.
    pub gone: bool,
    /// An invoice was delivered outside Allegro.
    pub external: bool,
    /// Links to receipts kept outside Allegro.
    pub links: Vec<String>,
}

/// The part from the stored invoices and the last read.
pub fn invoices_part(
    stored: &[WithHistory<InvoiceId>],
    last_read: Option<LastRead>,
    loc: &Locale,
) -> InvoicesPart {
    let invoices = stored
        .iter()
        .map(|i| {
            let raw = &i.raw;
            InvoiceView {
                id: text(raw, "/id"),
                number: text(raw, "/invoiceNumber"),
                created: time(raw, "/createdAt", loc),
                file: get(raw, "/file/name"),
                uploaded: time(raw, "/file/uploadedAt", loc),
                scan: get(raw, "/file/securityVerification/status"),
            }
        })
        .collect();
    let Some(LastRead {
        read_at,
        gone,
        answer,
    }) = last_read
    else {
        return InvoicesPart {
            invoices,
            ..InvoicesPart::default()
        };
    };
    let answer = answer.unwrap_or(Value::Null);
    InvoicesPart {
        invoices,
        read_at: Some(loc.time(read_at)),
        gone,
        external: answer.pointer("/hasExternalInvoices") == Some(&Value::Bool(true)),
        links: array(&answer, "/links")
            .iter()
            .map(|l| get(l, "/url").unwrap_or_else(|| NONE.into()))
            .collect(),
    }
}
