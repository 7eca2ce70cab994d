//! `GET /order/customer-returns` body: the returns of one page, each read on its own.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::CustomerReturn;
use crate::allegro::listed::Listed;

/// One page of returns. A return without a readable `id` cannot be kept apart from the others:
/// it is counted in [`Self::listed`] (so a full page still reads as full) and kept raw in
/// [`Self::unreadable`].
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerReturnsPage {
    entries: Listed<CustomerReturn>,
    /// `count`: the returns in this page, as Allegro counts them (assumed; not documented).
    pub count: u32,
}

impl CustomerReturnsPage {
    /// The returns that read.
    pub fn returns(&self) -> &[CustomerReturn] {
        self.entries.items()
    }

    /// The entries without a readable id, as sent.
    pub fn unreadable(&self) -> &[Value] {
        self.entries.unreadable()
    }

    /// Entries in the page, readable or not: a page shorter than the limit is the last.
    pub fn listed(&self) -> usize {
        self.entries.len()
    }

    /// The returns, by value.
    pub fn into_returns(self) -> Vec<CustomerReturn> {
        self.entries.into_items()
    }
}

impl<'de> Deserialize<'de> for CustomerReturnsPage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            #[serde(default)]
            customer_returns: Option<Vec<Value>>,
            #[serde(default)]
            count: Option<u32>,
        }
        let body = Body::deserialize(d)?;
        Ok(Self {
            entries: Listed::read(body.customer_returns.unwrap_or_default()),
            count: body.count.unwrap_or(0),
        })
    }
}
