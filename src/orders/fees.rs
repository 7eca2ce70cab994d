//! The fees page's rows as the reader sees them: a summary group named in the reader's
//! language (a day, a fee type, a marketplace, an account), each fee with its account, type and
//! the order it belongs to.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{
    db::models::billing_entry::{FeeGroup, FeeGroupRow, FeeRow},
    domain::AccountId,
    i18n::Locale,
};

/// One group of the summary, in one currency. Amounts are decimal text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeSummaryRow {
    pub label: String,
    /// Allegro's code, when the group is a fee type.
    pub code: Option<String>,
    pub currency: String,
    pub entries: i64,
    pub charged: String,
    pub credited: String,
    pub total: String,
}

/// One fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeEntryView {
    pub at: Option<DateTime<Utc>>,
    pub account: String,
    pub marketplace: String,
    pub type_code: String,
    pub type_name: String,
    pub offer: String,
    pub order_id: Option<String>,
    pub amount: Option<String>,
    pub currency: String,
}

fn login(accounts: &[(AccountId, String)], id: AccountId) -> String {
    accounts
        .iter()
        .find(|(a, _)| *a == id)
        .map_or_else(|| format!("#{id}"), |(_, login)| login.clone())
}

/// A fee type's name: the reader's language when known, else as Allegro named it, else its code.
fn type_name(code: &str, allegro: Option<String>, loc: &Locale) -> String {
    loc.known_code_name("fee-type", code)
        .or(allegro)
        .unwrap_or_else(|| code.to_owned())
}

pub fn summary_rows(
    rows: Vec<FeeGroupRow>,
    group: FeeGroup,
    accounts: &[(AccountId, String)],
    loc: &Locale,
) -> Vec<FeeSummaryRow> {
    rows.into_iter()
        .map(|row| {
            let (label, code) = match group {
                FeeGroup::Day => (
                    NaiveDate::parse_from_str(&row.key, "%Y-%m-%d")
                        .map_or(row.key.clone(), |d| loc.day(d)),
                    None,
                ),
                FeeGroup::Type => (type_name(&row.key, row.label, loc), Some(row.key)),
                FeeGroup::Marketplace => (row.key, None),
                FeeGroup::Account => (
                    row.key
                        .parse()
                        .map_or(row.key.clone(), |id| login(accounts, AccountId(id))),
                    None,
                ),
            };
            FeeSummaryRow {
                label,
                code,
                currency: row.currency.unwrap_or_default(),
                entries: row.entries,
                charged: row.charged,
                credited: row.credited,
                total: row.total,
            }
        })
        .collect()
}

pub fn entry_views(
    rows: Vec<FeeRow>,
    accounts: &[(AccountId, String)],
    loc: &Locale,
) -> Vec<FeeEntryView> {
    rows.into_iter()
        .map(|row| {
            let code = row.type_id.unwrap_or_default();
            FeeEntryView {
                at: row.occurred_at,
                account: login(accounts, row.account_id),
                marketplace: row.marketplace_id.unwrap_or_default(),
                type_name: type_name(&code, row.type_name, loc),
                type_code: code,
                offer: match (row.offer_name, row.offer_id) {
                    (Some(name), _) => name,
                    (None, Some(id)) => id,
                    (None, None) => String::new(),
                },
                order_id: row.checkout_form_id,
                amount: row.amount,
                currency: row.currency.unwrap_or_default(),
            }
        })
        .collect()
}
