//! `GET /payments/payment-operations`: parameters, filters and offset paging over one wallet
//! type's operations, oldest first (allegro-api-money.md §6.1, §9). A bad value is a 422
//! `VALIDATION_ERROR`; a query that matches more than 10,000 operations is a 422
//! `TooManyOperationsException`, whatever its offset.

use std::sync::Arc;

use super::{
    operation::{Booked, Group, Operator, WalletType},
    wallets::{Facet, Wallets},
};
use crate::simulator::{
    api_guard::Refusal,
    data::{known_currency, marketplace},
    params::{Paging, Window, bad, uuid},
};

/// The largest `offset` the list accepts.
const OFFSET_MAX: usize = 10_000;
/// The most operations one query may match.
const MATCHES_MAX: usize = 10_000;

/// A parsed list request.
#[derive(Debug)]
pub(super) struct Query {
    pub(super) wallet: WalletType,
    operator: Option<Operator>,
    payment: Option<String>,
    login: Option<String>,
    occurred: Window,
    /// Alternatives (`group=INCOME&group=REFUND`); empty: any.
    groups: Vec<Group>,
    /// `None`: every marketplace, and operations without one.
    marketplace: Option<&'static str>,
    currency: Option<String>,
    paging: Paging,
}

/// The value of `key` among the names `named` knows, or the 422 message.
fn one_of<T>(key: &str, value: &str, named: fn(&str) -> Option<T>) -> Result<T, String> {
    named(value).ok_or_else(|| bad(key, value))
}

/// The request's parameters, or the 422 message.
pub(super) fn parse(params: &[(String, String)]) -> Result<Query, String> {
    let mut q = Query {
        wallet: WalletType::Available,
        operator: None,
        payment: None,
        login: None,
        occurred: Window::default(),
        groups: Vec::new(),
        marketplace: None,
        currency: None,
        paging: Paging::new(50, 50, OFFSET_MAX),
    };
    for (key, value) in params {
        let v = value.as_str();
        if q.paging.read(key, v)? {
            continue;
        }
        if q.occurred.read("occurredAt", key, v)? {
            continue;
        }
        match key.as_str() {
            "wallet.type" => q.wallet = one_of(key, v, WalletType::named)?,
            "wallet.paymentOperator" => q.operator = Some(one_of(key, v, Operator::named)?),
            "payment.id" => q.payment = Some(uuid(key, v)?),
            "participant.login" => q.login = Some(value.clone()),
            "group" => q.groups.push(one_of(key, v, Group::named)?),
            "marketplaceId" => q.marketplace = Some(one_of(key, v, marketplace)?.id),
            "currency" if v.len() == 3 && v.bytes().all(|b| b.is_ascii_uppercase()) => {
                q.currency = Some(value.clone());
            }
            "currency" => return Err(bad(key, v)),
            _ => {}
        }
    }
    if !q.occurred.is_ordered() {
        return Err("occurredAt.gte must not be later than occurredAt.lte".to_owned());
    }
    Ok(q)
}

/// One page of a query's matches, and how many there are in all.
pub(super) struct Page<'a> {
    pub(super) operations: Vec<&'a Booked>,
    pub(super) total: usize,
}

/// `15757` as `15,757`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// The refusal of a query matching `total` operations (the message as Allegro words it).
fn too_many(total: usize) -> Refusal {
    Refusal {
        code: "TooManyOperationsException",
        message: format!(
            "too many operations match search filter: {} the maximum number of operations is: \
             {}, please narrow search filter",
            grouped(total),
            grouped(MATCHES_MAX)
        ),
    }
}

impl Query {
    /// Whether nothing but the time window filters.
    fn by_time_only(&self) -> bool {
        self.operator.is_none()
            && self.payment.is_none()
            && self.login.is_none()
            && self.groups.is_empty()
            && self.marketplace.is_none()
            && self.currency.is_none()
    }

    fn matches(&self, b: &Booked) -> bool {
        let op = &b.op;
        let login = op.participant.as_ref().map(|p| &*p.login);
        self.occurred.contains(b.at)
            && self.operator.is_none_or(|o| o == op.operator)
            && (self.payment.is_none() || self.payment.as_deref() == op.payment.as_deref())
            && (self.login.is_none() || self.login.as_deref() == login)
            && (self.groups.is_empty() || self.groups.contains(&op.kind.group()))
            && (self.marketplace.is_none() || self.marketplace == op.marketplace)
            && self.currency.as_ref().is_none_or(|c| c == op.currency)
    }

    /// The filters as choices of facets, each met by any one of its facets; `None` when nothing
    /// can match (a currency no wallet is kept in).
    fn choices(&self) -> Option<Vec<Vec<Facet>>> {
        let text = |t: &Option<String>| t.as_deref().map(Arc::from);
        let mut choices: Vec<Vec<Facet>> = [
            text(&self.payment).map(Facet::Payment),
            text(&self.login).map(Facet::Login),
            self.operator.map(Facet::Operator),
            self.marketplace.map(Facet::Marketplace),
        ]
        .into_iter()
        .flatten()
        .map(|facet| vec![facet])
        .collect();
        if let Some(code) = &self.currency {
            choices.push(vec![Facet::Currency(known_currency(code)?)]);
        }
        if !self.groups.is_empty() {
            choices.push(self.groups.iter().copied().map(Facet::Group).collect());
        }
        Some(choices)
    }

    /// The page of the wallet type's operations, oldest first, with the count of all matches:
    /// a slice of the time window (two binary searches) when only time filters, else the
    /// window's part of the most selective filter's index, checked against the others.
    /// `WAITING` holds little: its window is walked.
    pub(super) fn page<'a>(&self, wallets: &'a mut Wallets) -> Result<Page<'a>, Refusal> {
        let page = match self.choices() {
            None => self.cut(std::iter::empty()),
            Some(choices) if self.wallet == WalletType::Available && !choices.is_empty() => {
                self.cut(wallets.narrowest(&choices, &self.occurred).into_iter())
            }
            Some(_) => {
                let window = wallets.within(self.wallet, &self.occurred);
                if self.by_time_only() {
                    let from = self.paging.offset.min(window.len());
                    let to = (self.paging.offset + self.paging.limit).min(window.len());
                    Page {
                        operations: window[from..to].iter().collect(),
                        total: window.len(),
                    }
                } else {
                    self.cut(window.iter())
                }
            }
        };
        if page.total > MATCHES_MAX {
            return Err(too_many(page.total));
        }
        Ok(page)
    }

    fn cut<'a>(&self, oldest_first: impl Iterator<Item = &'a Booked>) -> Page<'a> {
        let mut page = Page {
            operations: Vec::with_capacity(self.paging.limit),
            total: 0,
        };
        for b in oldest_first.filter(|b| self.matches(b)) {
            if page.total >= self.paging.offset && page.operations.len() < self.paging.limit {
                page.operations.push(b);
            }
            page.total += 1;
        }
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::{params::reversed_window, reply::owned_pairs as p};

    #[test]
    fn defaults_limits_enums_and_dates_are_checked() {
        let q = parse(&[]).unwrap();
        assert_eq!(
            (q.wallet, q.paging.limit, q.paging.offset),
            (WalletType::Available, 50, 0)
        );
        assert!(q.marketplace.is_none() && q.by_time_only());
        let q = parse(&p(&[("limit", "1"), ("offset", "10000")])).unwrap();
        assert_eq!((q.paging.limit, q.paging.offset), (1, 10_000));
        for bad in [
            ("limit", "0"),
            ("limit", "51"),
            ("offset", "-1"),
            ("offset", "10001"),
            ("wallet.type", "available"),
            ("wallet.type", "BLOCKED"),
            ("wallet.paymentOperator", "PAYPAL"),
            ("group", "FEES"),
            ("payment.id", "56b96839"),
            ("marketplaceId", "allegro-de"),
            ("currency", "zloty"),
            ("occurredAt.gte", "yesterday"),
        ] {
            assert!(parse(&p(&[bad])).is_err(), "{bad:?}");
        }
        assert!(parse(&reversed_window()).is_err(), "gte after lte");
        let q = parse(&p(&[
            ("wallet.type", "WAITING"),
            ("wallet.paymentOperator", "AF_PAYU"),
            ("group", "INCOME"),
            ("group", "REFUND"),
            ("marketplaceId", "allegro-cz"),
            ("currency", "CZK"),
            ("participant.login", "Client:123704171"),
        ]))
        .unwrap();
        assert_eq!(q.wallet, WalletType::Waiting);
        assert_eq!(q.operator, Some(Operator::AfPayu));
        assert_eq!(q.groups, [Group::Income, Group::Refund]);
        assert_eq!(q.marketplace, Some("allegro-cz"));
        assert!(!q.by_time_only());
    }

    #[test]
    fn too_many_matches_are_refused_in_allegros_words() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(10_000), "10,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        let refusal = too_many(15_757);
        assert_eq!(refusal.code, "TooManyOperationsException");
        assert_eq!(
            refusal.message,
            "too many operations match search filter: 15,757 the maximum number of operations \
             is: 10,000, please narrow search filter"
        );
    }
}
