//! `GET /payments/refunds` body: the refunds of one page, each read on its own, and the
//! counts.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::Refund;

/// One page of refunds. A refund without a readable `id` cannot be kept apart from the others:
/// it is counted in [`Self::listed`] (so a full page still reads as full) and kept raw in
/// [`Self::unreadable`].
#[derive(Debug, Clone, PartialEq)]
pub struct RefundsPage {
    refunds: Vec<Refund>,
    unreadable: Vec<Value>,
    /// `count`: the refunds in this page.
    pub count: u32,
    /// `totalCount`: every refund the query matches (`None` when Allegro did not say).
    pub total_count: Option<u64>,
}

impl RefundsPage {
    /// The refunds that read.
    pub fn refunds(&self) -> &[Refund] {
        &self.refunds
    }

    /// The entries without a readable id, as sent.
    pub fn unreadable(&self) -> &[Value] {
        &self.unreadable
    }

    /// Entries in the page, readable or not.
    pub fn listed(&self) -> usize {
        self.refunds.len() + self.unreadable.len()
    }

    /// The refunds, by value.
    pub fn into_refunds(self) -> Vec<Refund> {
        self.refunds
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
        let mut page = Self {
            refunds: vec![],
            unreadable: vec![],
            count: body.count.unwrap_or(0),
            total_count: body.total_count,
        };
        for raw in body.refunds.unwrap_or_default() {
            match Refund::deserialize(&raw) {
                Ok(item) => page.refunds.push(item),
                Err(_) => page.unreadable.push(raw),
            }
        }
        Ok(page)
    }
}
