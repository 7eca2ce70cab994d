//! Order invoices (`GET /order/checkout-forms/{id}/invoices`): the invoices a seller attached
//! to one order, with the state of each one's PDF (uploaded, scanned), and the call. One call per
//! order; there is no list across orders. The typed fields cover what the backup indexes and
//! re-reads; `document` keeps the whole answer as sent, and each invoice its own object as sent,
//! unknown fields included. Every field but an invoice's `id` may be absent, null or of a shape
//! this version does not know: such a field reads as missing, the document still holds it
//! (allegro-api-money.md §7).

mod parts;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

pub use self::parts::{FileCheck, InvoiceFile, InvoiceLink};
use super::{
    account::AccountApi,
    customer_return::{lenient, lenient_list, lenient_time},
    error::AllegroError,
    listed::Listed,
    models::from_raw,
};
use crate::domain::{CheckoutFormId, Document, InvoiceId, invoice};

/// The scope the invoices endpoint needs (the same as the orders').
pub const INVOICES_SCOPE: &str = "allegro:api:orders:read";

/// One invoice of an order.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    pub id: InvoiceId,
    /// `invoiceNumber` (`FV 214/07/2026`); optional when the seller uploads, so may be null.
    pub invoice_number: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// `file`: the PDF; `None` while the seller has not uploaded it.
    pub file: Option<InvoiceFile>,
    /// The invoice object exactly as Allegro sent it, as canonical text with its hash: what the
    /// backup archives, next to the order's id.
    pub document: Document,
}

impl Invoice {
    /// Whether the invoice may still change (no file yet, or a check of it still `WAITING`).
    pub fn is_pending(&self) -> bool {
        let file = self.file.as_ref();
        invoice::is_pending(
            file.is_some(),
            file.and_then(InvoiceFile::security_status),
            file.and_then(InvoiceFile::verification_status),
        )
    }
}

impl<'de> Deserialize<'de> for Invoice {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            id: InvoiceId,
            #[serde(default, deserialize_with = "lenient")]
            invoice_number: Option<String>,
            #[serde(default, deserialize_with = "lenient_time")]
            created_at: Option<DateTime<Utc>>,
            #[serde(default, deserialize_with = "lenient")]
            file: Option<InvoiceFile>,
        }
        let raw = Value::deserialize(d)?;
        let f: Fields = from_raw::<_, D::Error>(&raw)?;
        Ok(Self {
            id: f.id,
            invoice_number: f.invoice_number,
            created_at: f.created_at,
            file: f.file,
            document: Document::new(&raw),
        })
    }
}

impl Serialize for Invoice {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(s)
    }
}

/// The invoices of one order, as `CheckoutFormsOrderInvoices`. An order without any answers
/// with an empty `invoices`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderInvoices {
    /// `orderMode`: `REGULAR`, `UKRAINE_EXPORT` or a newer value.
    pub order_mode: Option<String>,
    /// `hasExternalInvoices`: an invoice was delivered outside Allegro.
    pub has_external_invoices: bool,
    /// `links[]`: receipts kept outside Allegro (e-receipts).
    pub links: Vec<InvoiceLink>,
    /// The invoices that read, in Allegro's order.
    pub invoices: Vec<Invoice>,
    /// Entries of `invoices[]` without a readable `id`, as sent (the document holds them too).
    pub unreadable: Vec<Value>,
    /// The whole answer as Allegro sent it, as canonical text with its hash.
    pub document: Document,
}

impl OrderInvoices {
    /// Whether the order's invoices should be read again whatever its age (§7): one of them
    /// has no file yet, or a check of its file is still `WAITING`. Entries without an id do
    /// not count (they cannot be told apart on the next read either).
    pub fn needs_reread(&self) -> bool {
        self.invoices.iter().any(Invoice::is_pending)
    }
}

impl<'de> Deserialize<'de> for OrderInvoices {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            #[serde(default, deserialize_with = "lenient")]
            order_mode: Option<String>,
            #[serde(default, deserialize_with = "lenient")]
            has_external_invoices: Option<bool>,
            #[serde(default, deserialize_with = "lenient_list")]
            links: Vec<InvoiceLink>,
            #[serde(default, deserialize_with = "lenient")]
            invoices: Option<Vec<Value>>,
        }
        let raw = Value::deserialize(d)?;
        if !raw.is_object() {
            return Err(serde::de::Error::custom(
                "an order's invoices are an object",
            ));
        }
        let f: Fields = from_raw::<_, D::Error>(&raw)?;
        let (invoices, unreadable) = Listed::read(f.invoices.unwrap_or_default()).into_parts();
        Ok(Self {
            order_mode: f.order_mode,
            has_external_invoices: f.has_external_invoices.unwrap_or(false),
            links: f.links,
            invoices,
            unreadable,
            document: Document::new(&raw),
        })
    }
}

impl Serialize for OrderInvoices {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(s)
    }
}

impl<E: From<AllegroError> + Send + 'static> AccountApi<E> {
    /// `GET /order/checkout-forms/{id}/invoices` (public media type, scope `orders:read`):
    /// the order's invoices; `None` when the order answers 404 (unknown, merged into another
    /// checkout form, or older than Allegro keeps orders).
    pub async fn order_invoices(&self, id: &CheckoutFormId) -> Result<Option<OrderInvoices>, E> {
        self.get_found_as(
            "/order/checkout-forms/{id}/invoices",
            id.as_str(),
            &[],
            super::ALLEGRO_MEDIA_TYPE,
        )
        .await
    }
}

#[cfg(test)]
mod tests;
