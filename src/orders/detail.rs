//! The order detail page's sections, read leniently from the stored checkout form JSON
//! (`orders.raw`, Allegro's shape): a missing or odd field shows as "—", never an error.
//! Callers pass the JSON already masked when the viewer must not see personal data (see
//! [`super::mask_json`]), so every section shows what the raw JSON shows.
//!
//! Buyer, delivery recipient and invoice recipient are separate sections: on Allegro they are
//! often different people (a gift, a company invoice, a parcel locker picked up by someone else).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::settings::local_time;

/// Shown for anything missing.
pub const NONE: &str = "—";

/// One labelled value of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
}

/// One row of the line items table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItemView {
    pub name: String,
    pub offer_id: String,
    pub external_id: String,
    pub quantity: String,
    pub price: String,
    /// The price before a discount, when it differs from `price`.
    pub original_price: Option<String>,
    pub bought_at: String,
}

/// A surcharge (a later additional payment) or a discount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    pub kind: String,
    pub detail: String,
    pub amount: String,
}

/// Everything the page shows from the checkout form itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderSections {
    pub status: String,
    pub fulfillment: String,
    pub total_to_pay: String,
    pub delivery_cost: String,
    pub dates: Vec<Field>,
    pub buyer: Vec<Field>,
    pub delivery: Vec<Field>,
    pub recipient: Vec<Field>,
    pub pickup_point: Vec<Field>,
    pub invoice_required: bool,
    pub invoice: Vec<Field>,
    pub payment: Vec<Field>,
    pub line_items: Vec<LineItemView>,
    pub surcharges: Vec<Adjustment>,
    pub discounts: Vec<Adjustment>,
    pub message_to_seller: Option<String>,
    pub note: Option<String>,
}

/// The text at `pointer` (strings as they are, numbers and booleans printed), if any.
fn get(raw: &Value, pointer: &str) -> Option<String> {
    match raw.pointer(pointer)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.into()),
        _ => None,
    }
}

fn text(raw: &Value, pointer: &str) -> String {
    get(raw, pointer).unwrap_or_else(|| NONE.into())
}

fn yes_no(raw: &Value, pointer: &str) -> String {
    match raw.pointer(pointer) {
        Some(Value::Bool(true)) => "yes".into(),
        Some(Value::Bool(false)) => "no".into(),
        _ => NONE.into(),
    }
}

/// `{amount, currency}` at `pointer` as exact decimal text with its currency (`72.79 PLN`).
pub fn money(raw: &Value, pointer: &str) -> String {
    let Some(value) = raw.pointer(pointer) else {
        return NONE.into();
    };
    match (get(value, "/amount"), get(value, "/currency")) {
        (Some(amount), Some(currency)) => format!("{amount} {currency}"),
        (Some(amount), None) => amount,
        _ => NONE.into(),
    }
}

/// A timestamp at `pointer` in the display zone; text that is not a timestamp is shown as it
/// is.
fn time(raw: &Value, pointer: &str, zone: Tz) -> String {
    match get(raw, pointer) {
        Some(s) => DateTime::parse_from_rfc3339(&s)
            .map(|at| local_time(at.with_timezone(&Utc), zone))
            .unwrap_or(s),
        None => NONE.into(),
    }
}

fn field(label: &'static str, value: String) -> Field {
    Field { label, value }
}

/// First and last name (or whichever is there).
fn person(raw: &Value, base: &str) -> String {
    let names: Vec<String> = ["firstName", "lastName"]
        .iter()
        .filter_map(|k| get(raw, &format!("{base}/{k}")))
        .collect();
    if names.is_empty() {
        NONE.into()
    } else {
        names.join(" ")
    }
}

/// Street, zip code and city, country.
fn address(raw: &Value, base: &str) -> String {
    let zip =
        get(raw, &format!("{base}/zipCode")).or_else(|| get(raw, &format!("{base}/postCode")));
    let city_line: Vec<String> = [zip, get(raw, &format!("{base}/city"))]
        .into_iter()
        .flatten()
        .collect();
    let parts: Vec<String> = [
        get(raw, &format!("{base}/street")),
        (!city_line.is_empty()).then(|| city_line.join(" ")),
        get(raw, &format!("{base}/countryCode")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        NONE.into()
    } else {
        parts.join(", ")
    }
}

fn array<'a>(raw: &'a Value, pointer: &str) -> &'a [Value] {
    raw.pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Reads the sections from a checkout form (masked already when it has to be).
pub fn sections(raw: &Value, zone: Tz) -> OrderSections {
    OrderSections {
        status: text(raw, "/status"),
        fulfillment: text(raw, "/fulfillment/status"),
        total_to_pay: money(raw, "/summary/totalToPay"),
        delivery_cost: money(raw, "/delivery/cost"),
        dates: dates(raw, zone),
        buyer: buyer(raw),
        delivery: delivery(raw, zone),
        recipient: recipient(raw, zone),
        pickup_point: pickup_point(raw),
        invoice_required: raw.pointer("/invoice/required") == Some(&Value::Bool(true)),
        invoice: invoice(raw),
        payment: payment(raw, zone),
        line_items: line_items(raw, zone),
        surcharges: surcharges(raw, zone),
        discounts: discounts(raw),
        message_to_seller: get(raw, "/messageToSeller"),
        note: get(raw, "/note/text"),
    }
}

fn buyer(raw: &Value) -> Vec<Field> {
    vec![
        field("Login", text(raw, "/buyer/login")),
        field("Name", person(raw, "/buyer")),
        field("Company", text(raw, "/buyer/companyName")),
        field("Email", text(raw, "/buyer/email")),
        field("Phone", text(raw, "/buyer/phoneNumber")),
        field("Address", address(raw, "/buyer/address")),
        field("Guest purchase", yes_no(raw, "/buyer/guest")),
        field("Allegro buyer id", text(raw, "/buyer/id")),
    ]
}

fn delivery(raw: &Value, zone: Tz) -> Vec<Field> {
    vec![
        field("Method", text(raw, "/delivery/method/name")),
        field("Method id", text(raw, "/delivery/method/id")),
        field("Cost", money(raw, "/delivery/cost")),
        field(
            "Delivery between",
            between(raw, "/delivery/time/from", "/delivery/time/to", zone),
        ),
        field(
            "Dispatch between",
            between(
                raw,
                "/delivery/time/dispatch/from",
                "/delivery/time/dispatch/to",
                zone,
            ),
        ),
        field("Allegro Smart!", yes_no(raw, "/delivery/smart")),
        field(
            "Packages",
            text(raw, "/delivery/calculatedNumberOfPackages"),
        ),
    ]
}

fn recipient(raw: &Value, zone: Tz) -> Vec<Field> {
    vec![
        field("Name", person(raw, "/delivery/address")),
        field("Company", text(raw, "/delivery/address/companyName")),
        field("Phone", text(raw, "/delivery/address/phoneNumber")),
        field("Address", address(raw, "/delivery/address")),
        field(
            "Changed by the buyer",
            time(raw, "/delivery/address/modifiedAt", zone),
        ),
    ]
}

/// Empty when the parcel goes to an address, not a pickup point.
fn pickup_point(raw: &Value) -> Vec<Field> {
    if !raw
        .pointer("/delivery/pickupPoint")
        .is_some_and(Value::is_object)
    {
        return vec![];
    }
    vec![
        field("Point", text(raw, "/delivery/pickupPoint/name")),
        field("Id", text(raw, "/delivery/pickupPoint/id")),
        field(
            "Description",
            text(raw, "/delivery/pickupPoint/description"),
        ),
        field("Address", address(raw, "/delivery/pickupPoint/address")),
    ]
}

fn invoice(raw: &Value) -> Vec<Field> {
    vec![
        field("Company", text(raw, "/invoice/address/company/name")),
        field("Tax id", tax_id(raw)),
        field("Person", person(raw, "/invoice/address/naturalPerson")),
        field("Address", address(raw, "/invoice/address")),
        field("Due date", text(raw, "/invoice/dueDate")),
    ]
}

fn payment(raw: &Value, zone: Tz) -> Vec<Field> {
    vec![
        field("Type", text(raw, "/payment/type")),
        field("Provider", text(raw, "/payment/provider")),
        field("Paid", money(raw, "/payment/paidAmount")),
        field("Finished at", time(raw, "/payment/finishedAt", zone)),
        field("Payment id", text(raw, "/payment/id")),
    ]
}

fn dates(raw: &Value, zone: Tz) -> Vec<Field> {
    vec![
        field("Bought", bought_at(raw, zone)),
        field("Updated on Allegro", time(raw, "/updatedAt", zone)),
        field("Payment finished", time(raw, "/payment/finishedAt", zone)),
        field("Marketplace", text(raw, "/marketplace/id")),
    ]
}

fn line_items(raw: &Value, zone: Tz) -> Vec<LineItemView> {
    array(raw, "/lineItems")
        .iter()
        .map(|item| {
            let price = money(item, "/price");
            let original = money(item, "/originalPrice");
            LineItemView {
                name: text(item, "/offer/name"),
                offer_id: text(item, "/offer/id"),
                external_id: text(item, "/offer/external/id"),
                quantity: text(item, "/quantity"),
                original_price: (original != NONE && original != price).then_some(original),
                price,
                bought_at: time(item, "/boughtAt", zone),
            }
        })
        .collect()
}

fn surcharges(raw: &Value, zone: Tz) -> Vec<Adjustment> {
    array(raw, "/surcharges")
        .iter()
        .map(|s| Adjustment {
            kind: text(s, "/type"),
            detail: format!(
                "{} · {}",
                text(s, "/provider"),
                time(s, "/finishedAt", zone)
            ),
            amount: money(s, "/paidAmount"),
        })
        .collect()
}

/// The line items' discounts, each with its offer's name.
fn discounts(raw: &Value) -> Vec<Adjustment> {
    array(raw, "/lineItems")
        .iter()
        .flat_map(|item| {
            let offer = text(item, "/offer/name");
            array(item, "/discounts").iter().map(move |d| Adjustment {
                kind: text(d, "/type"),
                detail: offer.clone(),
                amount: money(d, "/amount"),
            })
        })
        .collect()
}

/// The latest `lineItems[].boughtAt` (what `orders.bought_at` holds and the list sorts by).
fn bought_at(raw: &Value, zone: Tz) -> String {
    array(raw, "/lineItems")
        .iter()
        .filter_map(|item| item.get("boughtAt")?.as_str())
        .filter_map(|s| DateTime::parse_from_rfc3339(s).ok())
        .max()
        .map_or_else(
            || NONE.into(),
            |at| local_time(at.with_timezone(&Utc), zone),
        )
}

/// `from – to` in the display zone.
fn between(raw: &Value, from: &str, to: &str, zone: Tz) -> String {
    match (time(raw, from, zone), time(raw, to, zone)) {
        (from, to) if from == NONE && to == NONE => NONE.into(),
        (from, to) => format!("{from} – {to}"),
    }
}

/// `company.taxId`, else the first of `company.ids`.
fn tax_id(raw: &Value) -> String {
    get(raw, "/invoice/address/company/taxId")
        .or_else(|| {
            let ids = array(raw, "/invoice/address/company/ids");
            ids.first().and_then(|id| {
                let value = get(id, "/value")?;
                Some(match get(id, "/type") {
                    Some(kind) => format!("{value} ({kind})"),
                    None => value,
                })
            })
        })
        .unwrap_or_else(|| NONE.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::DEFAULT_ZONE;
    use serde_json::json;

    fn value<'a>(fields: &'a [Field], label: &str) -> &'a str {
        fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.value.as_str())
            .unwrap_or("missing label")
    }

    #[test]
    fn a_full_checkout_form_fills_every_section() {
        let raw: Value =
            serde_json::from_str(include_str!("../../tests/api/allegro_checkout_form.json"))
                .unwrap();
        let s = sections(&raw, DEFAULT_ZONE);
        assert_eq!(s.status, "READY_FOR_PROCESSING");
        assert_eq!(s.fulfillment, "SENT");
        assert_eq!(s.total_to_pay, "72.79 PLN");
        assert_eq!(value(&s.buyer, "Name"), "Jan Kowalski");
        assert_eq!(value(&s.buyer, "Address"), "Solna 12/4, 60-166 Poznań, PL");
        assert_eq!(value(&s.invoice, "Company"), "Kowalex Sp. z o.o.");
        assert_eq!(value(&s.invoice, "Tax id"), "7811234567");
        assert_eq!(value(&s.payment, "Finished at"), "2026-07-14 11:12");
        assert_eq!(value(&s.dates, "Bought"), "2026-07-14 11:10");
        assert_eq!(value(&s.pickup_point, "Id"), "POZ08A");
        assert_eq!(s.line_items[0].original_price.as_deref(), Some("34.90 PLN"));
        assert_eq!(s.line_items[0].quantity, "2");
        assert_eq!(s.surcharges[0].amount, "5.00 PLN");
        assert!(s.invoice_required);
        assert_eq!(s.note.as_deref(), Some("Wysłano 15.07"));
    }

    #[test]
    fn missing_and_odd_fields_show_a_dash() {
        for raw in [
            json!({}),
            json!(null),
            json!([1]),
            json!({"buyer": 5, "lineItems": {}}),
        ] {
            let s = sections(&raw, DEFAULT_ZONE);
            assert_eq!(s.status, NONE);
            assert_eq!(value(&s.buyer, "Name"), NONE);
            assert_eq!(s.total_to_pay, NONE);
            assert!(s.line_items.is_empty() && s.pickup_point.is_empty());
        }
        let odd = json!({"payment": {"finishedAt": "yesterday"}, "summary": {"totalToPay": {"amount": "1.00"}}});
        let s = sections(&odd, DEFAULT_ZONE);
        assert_eq!(value(&s.payment, "Finished at"), "yesterday");
        assert_eq!(s.total_to_pay, "1.00");
    }
}
