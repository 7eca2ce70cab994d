//! `GET /order/customer-returns` body: the returns of one page, each read on its own.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::CustomerReturn;

/// One page of returns. A return without a readable `id` cannot be kept apart from the others:
/// it is counted in [`Self::listed`] (so a full page still reads as full) and kept raw in
/// [`Self::unreadable`].
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerReturnsPage {
    returns: Vec<CustomerReturn>,
    unreadable: Vec<Value>,
    /// `count`: the returns in this page, as Allegro counts them (assumed; not documented).
    pub count: u32,
}

impl CustomerReturnsPage {
    /// The returns that read.
    pub fn returns(&self) -> &[CustomerReturn] {
        &self.returns
    }

    /// The entries without a readable id, as sent.
    pub fn unreadable(&self) -> &[Value] {
        &self.unreadable
    }

    /// Entries in the page, readable or not: a page shorter than the limit is the last.
    pub fn listed(&self) -> usize {
        self.returns.len() + self.unreadable.len()
    }

    /// The returns, by value.
    pub fn into_returns(self) -> Vec<CustomerReturn> {
        self.returns
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
        let mut page = Self {
            returns: vec![],
            unreadable: vec![],
            count: body.count.unwrap_or(0),
        };
        for raw in body.customer_returns.unwrap_or_default() {
            match CustomerReturn::deserialize(&raw) {
                Ok(item) => page.returns.push(item),
                Err(_) => page.unreadable.push(raw),
            }
        }
        Ok(page)
    }
}
