//! `GET /payments/refunds` body: the refunds of one page, each read on its own, and the
//! counts.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::Refund;
use crate::allegro::listed::Listed;

/// One page of refunds. A refund without a readable `id` cannot be kept apart from the others:
/// it is counted in [`Self::listed`] (so a full page still reads as full) and kept raw in
/// [`Self::unreadable`].
#[derive(Debug, Clone, PartialEq)]
pub struct RefundsPage {
    entries: Listed<Refund>,
    /// `count`: the refunds in this page.
    pub count: u32,
    /// `totalCount`: every refund the query matches (`None` when Allegro did not say).
    pub total_count: Option<u64>,
}

impl RefundsPage {
    /// The refunds that read.
    pub fn refunds(&self) -> &[Refund] {
        self.entries.items()
    }

    /// The entries without a readable id, as sent.
    pub fn unreadable(&self) -> &[Value] {
        self.entries.unreadable()
    }

    /// Entries in the page, readable or not.
    pub fn listed(&self) -> usize {
        self.entries.len()
    }

    /// The refunds, by value.
    pub fn into_refunds(self) -> Vec<Refund> {
        self.entries.into_items()
    }
}

impl<'de> Deserialize<'de> for RefundsPage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            #[serde(default)]
            refunds: Option<Vec<Value>>,
            #[serde(default)]
            count: Option<u32>,
            #[serde(default)]
            total_count: Option<u64>,
        }
        let body = Body::deserialize(d)?;
        Ok(Self {
            entries: Listed::read(body.refunds.unwrap_or_default()),
            count: body.count.unwrap_or(0),
            total_count: body.total_count,
        })
    }
}
