//! `GET /order/refund-claims` body: the claims of one page, each read on its own, and the
//! page's count (no total: the list has none).

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::RefundClaim;
use crate::allegro::listed::Listed;

/// One page of claims. A claim without a readable `id` cannot be kept apart from the others:
/// it is counted in [`Self::listed`] (so a full page still reads as full) and kept raw in
/// [`Self::unreadable`].
#[derive(Debug, Clone, PartialEq)]
pub struct RefundClaimsPage {
    entries: Listed<RefundClaim>,
    /// `count`: the claims in this page.
    pub count: u32,
}

impl RefundClaimsPage {
    /// The claims that read.
    pub fn refund_claims(&self) -> &[RefundClaim] {
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

    /// The claims, by value.
    pub fn into_refund_claims(self) -> Vec<RefundClaim> {
        self.entries.into_items()
    }
}

impl<'de> Deserialize<'de> for RefundClaimsPage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            #[serde(default)]
            refund_claims: Option<Vec<Value>>,
            #[serde(default)]
            count: Option<u32>,
        }
        let body = Body::deserialize(d)?;
        Ok(Self {
            entries: Listed::read(body.refund_claims.unwrap_or_default()),
            count: body.count.unwrap_or(0),
        })
    }
}
