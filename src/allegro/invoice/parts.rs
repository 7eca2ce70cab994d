//! The parts of an order's invoices: an invoice's PDF with the checks Allegro runs on it, and
//! a link to a receipt kept outside Allegro.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::allegro::customer_return::{lenient, lenient_time};

/// `securityVerification` (the scan of the PDF) or `verification` (the content check of
/// `UKRAINE_EXPORT` mode) of an invoice's file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileCheck {
    /// `WAITING`, `ACCEPTED`, `REJECTED`, `NOT_APPLICABLE`, … (see `domain::invoice`), or a
    /// newer value.
    #[serde(default, deserialize_with = "lenient")]
    pub status: Option<String>,
    /// When the scan decided (`securityVerification` only).
    #[serde(default, deserialize_with = "lenient_time")]
    pub verified_at: Option<DateTime<Utc>>,
}

/// `file`: the invoice's PDF, which the API describes but does not hand out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceFile {
    /// The file's name (`FV_214_07_2026.pdf`).
    #[serde(default, deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub uploaded_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient")]
    pub security_verification: Option<FileCheck>,
    #[serde(default, deserialize_with = "lenient")]
    pub verification: Option<FileCheck>,
}

impl InvoiceFile {
    /// `securityVerification.status`.
    pub fn security_status(&self) -> Option<&str> {
        self.security_verification.as_ref()?.status.as_deref()
    }

    /// `verification.status`.
    pub fn verification_status(&self) -> Option<&str> {
        self.verification.as_ref()?.status.as_deref()
    }
}

/// `links[]`: a receipt kept outside Allegro (an e-receipt).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLink {
    #[serde(default, deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "lenient_time")]
    pub created_at: Option<DateTime<Utc>>,
}
