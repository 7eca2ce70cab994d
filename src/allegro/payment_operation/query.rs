//! The list query of `GET /payments/payment-operations`: the wallet (always named: Allegro's
//! default is `AVAILABLE` only), offset paging (`limit` ≤ 50, `offset` ≤ 10,000), the
//! `occurredAt` window and the exact-match filters.

use chrono::{DateTime, Utc};

use super::PAYMENT_OPERATIONS_PAGE_MAX;
use crate::allegro::time;

/// `wallet.type`: money free to pay out, or money Allegro holds back for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WalletType {
    Available,
    Waiting,
}

impl WalletType {
    pub const ALL: [Self; 2] = [Self::Available, Self::Waiting];

    /// As Allegro names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Available => "AVAILABLE",
            Self::Waiting => "WAITING",
        }
    }
}

/// Filters and paging. `group` values are sent as repeated parameters (§1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentOperationQuery {
    pub wallet: WalletType,
    /// `wallet.paymentOperator`.
    pub payment_operator: Option<String>,
    /// 1..=50; Allegro's default is 50.
    pub limit: u32,
    /// 0..=10,000.
    pub offset: u32,
    /// `occurredAt.gte`.
    pub occurred_at_gte: Option<DateTime<Utc>>,
    /// `occurredAt.lte`.
    pub occurred_at_lte: Option<DateTime<Utc>>,
    /// `payment.id`.
    pub payment_id: Option<String>,
    /// `group`.
    pub groups: Vec<String>,
    /// `marketplaceId` (none: every marketplace and operations of none).
    pub marketplace_id: Option<String>,
    pub currency: Option<String>,
}

impl PaymentOperationQuery {
    /// Every operation of `wallet`, a full page from the start.
    pub fn of(wallet: WalletType) -> Self {
        Self {
            wallet,
            payment_operator: None,
            limit: PAYMENT_OPERATIONS_PAGE_MAX,
            offset: 0,
            occurred_at_gte: None,
            occurred_at_lte: None,
            payment_id: None,
            groups: vec![],
            marketplace_id: None,
            currency: None,
        }
    }

    pub(crate) fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![
            ("wallet.type", self.wallet.as_str().to_owned()),
            ("limit", self.limit.to_string()),
        ];
        if self.offset > 0 {
            pairs.push(("offset", self.offset.to_string()));
        }
        let optional = [
            ("wallet.paymentOperator", &self.payment_operator),
            ("payment.id", &self.payment_id),
            ("marketplaceId", &self.marketplace_id),
            ("currency", &self.currency),
        ];
        pairs.extend(
            optional
                .into_iter()
                .filter_map(|(k, v)| Some((k, v.clone()?))),
        );
        pairs.extend(time::time_pairs([
            ("occurredAt.gte", self.occurred_at_gte),
            ("occurredAt.lte", self.occurred_at_lte),
        ]));
        pairs.extend(self.groups.iter().map(|g| ("group", g.clone())));
        pairs
    }
}
