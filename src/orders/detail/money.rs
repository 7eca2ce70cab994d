//! The "Money" part of the order detail page, per currency (amounts of different currencies
//! are never added): what the buyer paid (`payment.paidAmount`), the fees Allegro charged for
//! the order by type, the commission it gave back (`REF` entries), the refunds paid out, and
//! the net that remains (allegro-api-money.md §8: paid − refunds + fees + commission refunds).

use std::collections::BTreeMap;

use serde_json::Value;

use super::read::get;
use crate::{
    db::models::{billing_entry::FeeTotal, versioned::WithHistory},
    domain::{RefundId, refund::PAID_OUT_REFUND_STATUSES, signed_cents},
    i18n::Locale,
};

/// The billing type of a commission given back (a credit).
const COMMISSION_REFUND: &str = "REF";

/// One fee line: a type of fee and its sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeLine {
    /// Allegro's type code (`SUC`).
    pub code: String,
    /// The type's name in the reader's language when known, else as Allegro named it.
    pub name: String,
    pub amount: String,
    pub entries: i64,
}

/// The money of the order in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencyMoney {
    pub currency: String,
    pub paid: Option<String>,
    pub fees: Vec<FeeLine>,
    pub fees_total: Option<String>,
    pub commission_refunded: Option<String>,
    pub refunded: Option<String>,
    pub net: String,
}

#[derive(Default)]
struct Sums {
    paid: Option<i128>,
    fees: Vec<(FeeLine, i128)>,
    commission_refunded: Option<i128>,
    refunded: Option<i128>,
}

/// The order's money per currency; `order` is the checkout form as stored, `fees` the order's
/// fee totals, `refunds` its payment refunds. Empty when nothing is known.
pub fn money_views(
    order: &Value,
    fees: &[FeeTotal],
    refunds: &[WithHistory<RefundId>],
    loc: &Locale,
) -> Vec<CurrencyMoney> {
    let mut by_currency: BTreeMap<String, Sums> = BTreeMap::new();
    if let (Some(amount), Some(currency)) = (
        get(order, "/payment/paidAmount/amount"),
        get(order, "/payment/paidAmount/currency"),
    ) {
        by_currency.entry(currency).or_default().paid = Some(signed_cents(&amount));
    }
    for fee in fees {
        let (Some(currency), Some(amount)) = (&fee.currency, &fee.amount) else {
            continue;
        };
        let sums = by_currency.entry(currency.clone()).or_default();
        let cents = signed_cents(amount);
        let code = fee.type_id.clone().unwrap_or_default();
        if code == COMMISSION_REFUND {
            *sums.commission_refunded.get_or_insert(0) += cents;
            continue;
        }
        let name = loc
            .known_code_name("fee-type", &code)
            .or_else(|| fee.type_name.clone())
            .unwrap_or_else(|| code.clone());
        let line = FeeLine {
            code,
            name,
            amount: loc.money_cents(cents, currency),
            entries: fee.entries,
        };
        sums.fees.push((line, cents));
    }
    for refund in refunds.iter().filter(|r| paid_out(&r.raw)) {
        if let (Some(amount), Some(currency)) = (
            get(&refund.raw, "/totalValue/amount"),
            get(&refund.raw, "/totalValue/currency"),
        ) {
            *by_currency
                .entry(currency)
                .or_default()
                .refunded
                .get_or_insert(0) += signed_cents(&amount);
        }
    }
    by_currency
        .into_iter()
        .map(|(currency, sums)| view(currency, sums, loc))
        .collect()
}

fn paid_out(refund: &Value) -> bool {
    get(refund, "/status").is_some_and(|s| PAID_OUT_REFUND_STATUSES.contains(&s.as_str()))
}

fn view(currency: String, sums: Sums, loc: &Locale) -> CurrencyMoney {
    let fees_cents: Option<i128> =
        (!sums.fees.is_empty()).then(|| sums.fees.iter().map(|(_, cents)| cents).sum());
    let net = sums.paid.unwrap_or(0) - sums.refunded.unwrap_or(0)
        + fees_cents.unwrap_or(0)
        + sums.commission_refunded.unwrap_or(0);
    let show = |cents: Option<i128>| cents.map(|c| loc.money_cents(c, &currency));
    CurrencyMoney {
        paid: show(sums.paid),
        fees_total: show(fees_cents),
        commission_refunded: show(sums.commission_refunded),
        refunded: show(sums.refunded.map(|c| -c)),
        net: loc.money_cents(net, &currency),
        fees: sums.fees.into_iter().map(|(line, _)| line).collect(),
        currency,
    }
}
