//! The order detail page's sections, read leniently from the stored checkout form JSON
//! (`orders.raw`, Allegro's shape): a missing or odd field shows as "—", never an error.
//! Callers pass the JSON already masked when the viewer must not see personal data (see
//! [`super::mask_json`]), so every section shows what the raw JSON shows.
//!
//! Buyer, delivery recipient and invoice recipient are separate sections: on Allegro they are
//! often different people (a gift, a company invoice, a parcel locker picked up by someone else).

use chrono_tz::Tz;
use serde_json::Value;

mod read;

pub use read::money;
use read::{address, array, between, bought_at, get, person, tax_id, text, time, yes_no};

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

fn field(label: &'static str, value: String) -> Field {
    Field { label, value }
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

#[cfg(test)]
mod tests;
