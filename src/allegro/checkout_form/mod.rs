//! `CheckoutForm` (an Allegro order) and the list query. The typed fields cover what the backup
//! indexes; `document` keeps the whole object as sent, unknown fields included.

mod buyer;
mod delivery;
mod line_item;
mod page;
mod payment;
mod query;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

pub use self::{
    buyer::Buyer,
    delivery::{Delivery, DeliveryMethod, PickupPoint},
    line_item::{LineItem, Offer, OfferExternal},
    page::{CheckoutFormsPage, RejectedForm},
    payment::Payment,
    query::{CheckoutFormQuery, CheckoutFormSort},
};
use super::{
    models::{Money, from_raw},
    time,
};
use crate::domain::{CheckoutFormId, Document};

/// One checkout form (order). Nullable fields may be `null` or absent.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckoutForm {
    /// UUID string.
    pub id: CheckoutFormId,
    /// `BOUGHT`, `FILLED_IN`, `READY_FOR_PROCESSING`, `CANCELLED`, or a newer value.
    pub status: String,
    /// `fulfillment.status` (seller-managed: `NEW`, `SENT`, ...).
    pub fulfillment_status: Option<String>,
    pub buyer: Buyer,
    pub payment: Option<Payment>,
    pub delivery: Option<Delivery>,
    /// `invoice.required` (false when there is no invoice object).
    pub invoice_required: bool,
    /// `marketplace.id`, for example `allegro-pl`.
    pub marketplace_id: Option<String>,
    /// `summary.totalToPay`.
    pub total_to_pay: Option<Money>,
    pub line_items: Vec<LineItem>,
    /// Extra payments made later by the buyer (same shape as `payment`).
    pub surcharges: Vec<Payment>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Changes on every change, including fulfillment (which leaves `updated_at` alone).
    pub revision: Option<String>,
    /// The whole object as Allegro sent it (every field, unknown ones included), as canonical
    /// text: a page of forms in flight holds text, not JSON trees several times its size.
    pub document: Document,
}

impl CheckoutForm {
    pub fn surcharges_count(&self) -> usize {
        self.surcharges.len()
    }
}

fn null_as_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(false))
}

impl<'de> Deserialize<'de> for CheckoutForm {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Fields {
            id: CheckoutFormId,
            status: String,
            fulfillment: Option<StatusRef>,
            buyer: Buyer,
            payment: Option<Payment>,
            delivery: Option<Delivery>,
            invoice: Option<Invoice>,
            marketplace: Option<IdRef>,
            summary: Option<Summary>,
            #[serde(default, deserialize_with = "null_as_empty")]
            line_items: Vec<LineItem>,
            #[serde(default, deserialize_with = "null_as_empty")]
            surcharges: Vec<Payment>,
            #[serde(default, deserialize_with = "time::optional")]
            updated_at: Option<DateTime<Utc>>,
            revision: Option<String>,
        }
        #[derive(Deserialize)]
        struct StatusRef {
            status: Option<String>,
        }
        #[derive(Deserialize)]
        struct IdRef {
            id: Option<String>,
        }
        #[derive(Deserialize)]
        struct Invoice {
            #[serde(default, deserialize_with = "null_as_false")]
            required: bool,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Summary {
            total_to_pay: Option<Money>,
        }
        fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
            d: D,
        ) -> Result<Vec<T>, D::Error> {
            Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
        }

        let raw = Value::deserialize(d)?;
        let f: Fields = from_raw::<_, D::Error>(&raw)?;
        Ok(Self {
            id: f.id,
            status: f.status,
            fulfillment_status: f.fulfillment.and_then(|x| x.status),
            buyer: f.buyer,
            payment: f.payment,
            delivery: f.delivery,
            invoice_required: f.invoice.is_some_and(|i| i.required),
            marketplace_id: f.marketplace.and_then(|m| m.id),
            total_to_pay: f.summary.and_then(|s| s.total_to_pay),
            line_items: f.line_items,
            surcharges: f.surcharges,
            updated_at: f.updated_at,
            revision: f.revision,
            document: Document::new(&raw),
        })
    }
}

impl Serialize for CheckoutForm {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.document.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_minimal_checkout_form_with_nulls_and_absent_fields_parses() {
        let raw = json!({
            "id": "29738e61-7f6a-11e8-ac45-09db60ede9d6",
            "buyer": {"id": "1", "login": "x", "email": "x@allegromail.pl", "guest": true, "firstName": null},
            "status": "BOUGHT",
            "payment": null,
            "invoice": {"required": null},
            "lineItems": [],
            "surcharges": null,
            "summary": {"totalToPay": {"amount": "0.00", "currency": "PLN"}}
        });
        let form: CheckoutForm = serde_json::from_value(raw.clone()).unwrap();
        assert!(form.buyer.guest);
        assert!(form.payment.is_none());
        assert!(!form.invoice_required);
        assert_eq!(form.surcharges_count(), 0);
        assert!(form.updated_at.is_none());
        assert_eq!(form.document, Document::new(&raw));
    }
}
