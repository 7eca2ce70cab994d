//! `CheckoutForm` (an Allegro order) and the list query. The typed fields cover what the backup
//! indexes; `document` keeps the whole object as sent, unknown fields included.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{
    Deserialize, Deserializer, Serialize, Serializer,
    de::{SeqAccess, Visitor},
};
use serde_json::Value;

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

/// `buyer`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Buyer {
    pub id: String,
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_false")]
    pub guest: bool,
}

/// `payment` and each of `surcharges[]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    #[serde(default)]
    pub id: Option<String>,
    /// `CASH_ON_DELIVERY`, `WIRE_TRANSFER`, `ONLINE`, `SPLIT_PAYMENT`, `EXTENDED_TERM`, ...
    #[serde(default, rename = "type")]
    pub payment_type: Option<String>,
    /// `PAYU`, `P24`, `AF`, `OFFLINE`, `EPT`, ...
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default, deserialize_with = "time::optional")]
    pub finished_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub paid_amount: Option<Money>,
}

/// `delivery` (address fields stay in `raw` only).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    #[serde(default)]
    pub method: Option<DeliveryMethod>,
    #[serde(default)]
    pub pickup_point: Option<PickupPoint>,
    #[serde(default)]
    pub cost: Option<Money>,
}

/// `delivery.method`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeliveryMethod {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// `delivery.pickupPoint`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PickupPoint {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// One of `lineItems[]`; `price` and `original_price` are unit prices.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItem {
    /// Survives a purchase merge (the checkout form id does not).
    pub id: String,
    pub offer: Offer,
    pub quantity: u32,
    pub price: Money,
    #[serde(default)]
    pub original_price: Option<Money>,
    #[serde(default, deserialize_with = "time::optional")]
    pub bought_at: Option<DateTime<Utc>>,
}

/// `lineItems[].offer`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Offer {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub external: Option<OfferExternal>,
}

impl Offer {
    /// The seller's own id of the offer (`external.id`).
    pub fn external_id(&self) -> Option<&str> {
        self.external.as_ref()?.id.as_deref()
    }
}

/// `lineItems[].offer.external`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OfferExternal {
    #[serde(default)]
    pub id: Option<String>,
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

/// `sort` of the order list; Allegro's default is [`CheckoutFormSort::BoughtAtDesc`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckoutFormSort {
    BoughtAtAsc,
    BoughtAtDesc,
    UpdatedAtAsc,
    UpdatedAtDesc,
}

impl CheckoutFormSort {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BoughtAtAsc => "lineItems.boughtAt",
            Self::BoughtAtDesc => "-lineItems.boughtAt",
            Self::UpdatedAtAsc => "updatedAt",
            Self::UpdatedAtDesc => "-updatedAt",
        }
    }
}

/// Filters and paging of `GET /order/checkout-forms`. Allegro caps `offset + limit` at 10 000 and
/// `limit` at 100: page inside time windows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutFormQuery {
    pub offset: u32,
    pub limit: u32,
    pub status: Option<String>,
    /// `fulfillment.status`.
    pub fulfillment_status: Option<String>,
    /// `lineItems.boughtAt.gte`.
    pub bought_at_gte: Option<DateTime<Utc>>,
    /// `lineItems.boughtAt.lte`.
    pub bought_at_lte: Option<DateTime<Utc>>,
    /// `updatedAt.gte`.
    pub updated_at_gte: Option<DateTime<Utc>>,
    /// `updatedAt.lte`.
    pub updated_at_lte: Option<DateTime<Utc>>,
    /// `buyer.login`.
    pub buyer_login: Option<String>,
    /// `marketplace.id`.
    pub marketplace: Option<String>,
    pub sort: Option<CheckoutFormSort>,
}

impl Default for CheckoutFormQuery {
    fn default() -> Self {
        Self {
            offset: 0,
            limit: 100,
            status: None,
            fulfillment_status: None,
            bought_at_gte: None,
            bought_at_lte: None,
            updated_at_gte: None,
            updated_at_lte: None,
            buyer_login: None,
            marketplace: None,
            sort: None,
        }
    }
}

impl CheckoutFormQuery {
    pub(crate) fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![
            ("offset", self.offset.to_string()),
            ("limit", self.limit.to_string()),
        ];
        let texts = [
            ("status", &self.status),
            ("fulfillment.status", &self.fulfillment_status),
            ("buyer.login", &self.buyer_login),
            ("marketplace.id", &self.marketplace),
        ];
        pairs.extend(texts.into_iter().filter_map(|(k, v)| Some((k, v.clone()?))));
        let times = [
            ("lineItems.boughtAt.gte", self.bought_at_gte),
            ("lineItems.boughtAt.lte", self.bought_at_lte),
            ("updatedAt.gte", self.updated_at_gte),
            ("updatedAt.lte", self.updated_at_lte),
        ];
        pairs.extend(
            times
                .into_iter()
                .filter_map(|(k, v)| Some((k, time::format_timestamp(v?)))),
        );
        if let Some(sort) = self.sort {
            pairs.push(("sort", sort.as_str().to_owned()));
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
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

    #[test]
    fn the_list_query_uses_dotted_names_and_millisecond_timestamps() {
        let query = CheckoutFormQuery {
            offset: 200,
            status: Some("READY_FOR_PROCESSING".into()),
            fulfillment_status: Some("SENT".into()),
            bought_at_gte: Some(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()),
            updated_at_lte: Some(Utc.with_ymd_and_hms(2026, 7, 2, 12, 30, 5).unwrap()),
            buyer_login: Some("Jan".into()),
            marketplace: Some("allegro-cz".into()),
            sort: Some(CheckoutFormSort::UpdatedAtAsc),
            ..CheckoutFormQuery::default()
        };
        let encoded = serde_urlencoded::to_string(query.to_pairs()).unwrap();
        assert_eq!(
            encoded,
            "offset=200&limit=100&status=READY_FOR_PROCESSING&fulfillment.status=SENT\
             &buyer.login=Jan&marketplace.id=allegro-cz\
             &lineItems.boughtAt.gte=2026-07-01T00%3A00%3A00.000Z\
             &updatedAt.lte=2026-07-02T12%3A30%3A05.000Z&sort=updatedAt"
        );
    }
}
