//! `GET /order/checkout-forms` body: the forms of one page, each read on its own.

use std::fmt;

use serde::{
    Deserialize, Deserializer,
    de::{SeqAccess, Visitor},
};
use serde_json::Value;

use super::CheckoutForm;
use crate::domain::CheckoutFormId;

/// `GET /order/checkout-forms` body. Each form is read on its own: one that does not parse
/// lands in `rejected` (kept raw) instead of failing the whole page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutFormsPage {
    #[serde(
        default,
        rename = "checkoutForms",
        deserialize_with = "forms_one_by_one"
    )]
    forms: (Vec<CheckoutForm>, Vec<RejectedForm>),
    /// Forms in this page.
    #[serde(default)]
    pub count: u32,
    /// Forms matching the filters, regardless of offset and limit.
    #[serde(default)]
    pub total_count: u64,
}

impl CheckoutFormsPage {
    /// The forms that parsed.
    pub fn checkout_forms(&self) -> &[CheckoutForm] {
        &self.forms.0
    }

    /// The forms that did not parse, kept as sent.
    pub fn rejected(&self) -> &[RejectedForm] {
        &self.forms.1
    }

    /// Both lists, by value.
    pub fn into_parts(self) -> (Vec<CheckoutForm>, Vec<RejectedForm>) {
        self.forms
    }
}

/// A checkout form Allegro sent that this version cannot read: stored raw in quarantine.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedForm {
    /// The form's `id`, when it has a readable one.
    pub id: Option<CheckoutFormId>,
    pub raw: Value,
    pub error: String,
}

impl RejectedForm {
    /// Reads `raw` as a checkout form, or says why it cannot be read.
    pub fn parse(raw: Value) -> Result<CheckoutForm, RejectedForm> {
        CheckoutForm::deserialize(&raw).map_err(|e| RejectedForm {
            id: raw
                .get("id")
                .and_then(Value::as_str)
                .map(CheckoutFormId::from),
            error: e.to_string(),
            raw,
        })
    }
}

/// Reads the forms of a page one at a time: only one form's JSON tree exists at once.
fn forms_one_by_one<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<(Vec<CheckoutForm>, Vec<RejectedForm>), D::Error> {
    Ok(Option::<FormList>::deserialize(d)?
        .map(|list| list.0)
        .unwrap_or_default())
}

struct FormList((Vec<CheckoutForm>, Vec<RejectedForm>));

impl<'de> Deserialize<'de> for FormList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(FormListVisitor)
    }
}

struct FormListVisitor;

impl<'de> Visitor<'de> for FormListVisitor {
    type Value = FormList;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of checkout forms")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FormList, A::Error> {
        let mut forms = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(100));
        let mut rejected = vec![];
        while let Some(raw) = seq.next_element::<Value>()? {
            match RejectedForm::parse(raw) {
                Ok(form) => forms.push(form),
                Err(bad) => rejected.push(bad),
            }
        }
        Ok(FormList((forms, rejected)))
    }
}
