//! The order's payment operations (its money moving through the seller's Allegro wallets) as
//! the Money part of the order page lists them: when, what, which wallet, how much.

use serde_json::Value;

use crate::{db::models::payment_operation::OperationRow, i18n::Locale};

/// One wallet operation of the order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationLine {
    pub at: String,
    /// Allegro's type code (`CONTRIBUTION`).
    pub code: String,
    /// The type in the reader's language.
    pub kind: String,
    /// The wallet (`AVAILABLE`, `WAITING`) in the reader's language.
    pub wallet: String,
    pub operator: String,
    pub amount: String,
    /// For held money that was released: when.
    pub released: Option<String>,
}

/// The payments of `order` (the checkout form as stored) that wallet operations name: its
/// payment and each surcharge.
pub fn payment_ids(order: &Value) -> Vec<String> {
    let payment = order.pointer("/payment/id").and_then(Value::as_str);
    let surcharges = order
        .get("surcharges")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.pointer("/id").and_then(Value::as_str));
    payment
        .into_iter()
        .chain(surcharges)
        .map(str::to_owned)
        .collect()
}

/// The lines of `operations`, in their order.
pub fn operation_lines(operations: &[OperationRow], loc: &Locale) -> Vec<OperationLine> {
    operations
        .iter()
        .map(|op| {
            let code = op.operation_type.clone().unwrap_or_default();
            OperationLine {
                at: op.occurred_at.map(|at| loc.time(at)).unwrap_or_default(),
                kind: loc.code_name("wallet-op", &code),
                code,
                wallet: loc.code_name("wallet-type", &op.wallet_type),
                operator: op.payment_operator.clone().unwrap_or_default(),
                amount: match (&op.amount, &op.currency) {
                    (Some(amount), Some(currency)) => loc.money(amount, currency),
                    _ => super::NONE.to_owned(),
                },
                released: op.released_at.map(|at| loc.time(at)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_order_names_its_payment_and_its_surcharges() {
        let order =
            json!({"payment": {"id": "p"}, "surcharges": [{"id": "s1"}, {"x": 1}, {"id": "s2"}]});
        assert_eq!(payment_ids(&order), ["p", "s1", "s2"]);
        assert!(payment_ids(&json!({"payment": null})).is_empty());
    }
}
