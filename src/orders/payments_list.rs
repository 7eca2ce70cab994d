//! The Payments page's rows as the reader sees them: each wallet operation with its account,
//! type and wallet in the reader's language, its order (when the backup holds it), the
//! participant (masked for a user who must not see personal data) and the amounts.

use chrono::{DateTime, Utc};

use crate::{
    db::models::payment_operation::list::ListedOperation,
    domain::{AccountId, Viewer, wallet::PAYOUT},
    i18n::Locale,
    orders::{detail::NONE, mask_json::HIDDEN},
};

/// One operation as the page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationView {
    pub at: Option<DateTime<Utc>>,
    pub account: String,
    /// Allegro's type code, and its name.
    pub code: String,
    pub kind: String,
    pub wallet: String,
    pub operator: String,
    pub order_id: Option<String>,
    pub participant: String,
    pub amount: String,
    /// Money leaving the wallet.
    pub outgoing: bool,
    pub balance: String,
    /// A payout's id: its row links to what it carries.
    pub payout: Option<String>,
    pub released: Option<DateTime<Utc>>,
}

fn money(amount: Option<&String>, currency: Option<&String>, loc: &Locale) -> String {
    match (amount, currency) {
        (Some(a), Some(c)) => loc.money(a, c),
        _ => NONE.to_owned(),
    }
}

pub fn operation_views(
    rows: Vec<ListedOperation>,
    accounts: &[(AccountId, String)],
    viewer: &Viewer,
    loc: &Locale,
) -> Vec<OperationView> {
    rows.into_iter()
        .map(|row| {
            let op = row.op;
            let code = op.operation_type.clone().unwrap_or_default();
            let participant = match row.participant_login {
                Some(_) if viewer.hide_personal_data => HIDDEN.to_owned(),
                Some(login) => login,
                None => NONE.to_owned(),
            };
            OperationView {
                at: op.occurred_at,
                account: accounts
                    .iter()
                    .find(|(id, _)| id.0 == op.account_id)
                    .map_or_else(|| format!("#{}", op.account_id), |(_, l)| l.clone()),
                kind: loc.code_name("wallet-op", &code),
                wallet: loc.code_name("wallet-type", &op.wallet_type),
                operator: op.payment_operator.unwrap_or_default(),
                order_id: row.checkout_form_id,
                participant,
                amount: money(op.amount.as_ref(), op.currency.as_ref(), loc),
                outgoing: op.amount.as_deref().is_some_and(|a| a.starts_with('-')),
                balance: money(row.balance.as_ref(), op.currency.as_ref(), loc),
                payout: op.payout_id.filter(|_| code == PAYOUT),
                released: op.released_at,
                code,
            }
        })
        .collect()
}
