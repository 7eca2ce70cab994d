//! The order detail page's sections, read leniently from the stored checkout form JSON
//! (`orders.raw`, Allegro's shape): a missing or odd field shows as "—", never an error.
//! Callers pass the JSON already masked when the viewer must not see personal data (see
//! [`super::mask_json`]), so every section shows what the raw JSON shows.
//!
//! Buyer, delivery recipient and invoice recipient are separate sections: on Allegro they are
//! often different people (a gift, a company invoice, a parcel locker picked up by someone else).

use serde_json::Value;

use crate::i18n::Locale;

pub mod claims;
mod history;
pub mod invoices;
pub mod money;
mod read;
pub mod refunds;
pub mod returns;
pub mod wallet;

pub use history::StatusStep;
pub use read::money;
use read::{address, array, between, bought_at, get, person, tax_id, text, time, yes_no};

/// Shown for anything missing.
pub const NONE: &str = "—";

/// One labelled value of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The message key of the label (`locales/*/order.ftl`).
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
pub fn sections(raw: &Value, loc: &Locale) -> OrderSections {
    OrderSections {
        status: text(raw, "/status"),
        fulfillment: text(raw, "/fulfillment/status"),
        total_to_pay: money(raw, "/summary/totalToPay", loc),
        delivery_cost: money(raw, "/delivery/cost", loc),
        dates: dates(raw, loc),
        buyer: buyer(raw, loc),
        delivery: delivery(raw, loc),
        recipient: recipient(raw, loc),
        pickup_point: pickup_point(raw),
        invoice_required: raw.pointer("/invoice/required") == Some(&Value::Bool(true)),
        invoice: invoice(raw),
        payment: payment(raw, loc),
        line_items: line_items(raw, loc),
        surcharges: surcharges(raw, loc),
        discounts: discounts(raw, loc),
        message_to_seller: get(raw, "/messageToSeller"),
        note: get(raw, "/note/text"),
    }
}

fn buyer(raw: &Value, loc: &Locale) -> Vec<Field> {
    vec![
        field("od-login", text(raw, "/buyer/login")),
        field("od-name", person(raw, "/buyer")),
        field("od-company", text(raw, "/buyer/companyName")),
        field("od-email", text(raw, "/buyer/email")),
        field("od-phone", text(raw, "/buyer/phoneNumber")),
        field("od-address", address(raw, "/buyer/address")),
        field("od-guest", yes_no(raw, "/buyer/guest", loc)),
        field("od-buyer-id", text(raw, "/buyer/id")),
    ]
}

fn delivery(raw: &Value, loc: &Locale) -> Vec<Field> {
    vec![
        field("od-method", text(raw, "/delivery/method/name")),
        field("od-method-id", text(raw, "/delivery/method/id")),
        field("od-cost", money(raw, "/delivery/cost", loc)),
        field(
            "od-delivery-between",
            between(raw, "/delivery/time/from", "/delivery/time/to", loc),
        ),
        field(
            "od-dispatch-between",
            between(
                raw,
                "/delivery/time/dispatch/from",
                "/delivery/time/dispatch/to",
                loc,
            ),
        ),
        field("od-smart", yes_no(raw, "/delivery/smart", loc)),
        field(
            "od-packages",
            text(raw, "/delivery/calculatedNumberOfPackages"),
        ),
    ]
}

fn recipient(raw: &Value, loc: &Locale) -> Vec<Field> {
    vec![
        field("od-name", person(raw, "/delivery/address")),
        field("od-company", text(raw, "/delivery/address/companyName")),
        field("od-phone", text(raw, "/delivery/address/phoneNumber")),
        field("od-address", address(raw, "/delivery/address")),
        field(
            "od-changed-by-buyer",
            time(raw, "/delivery/address/modifiedAt", loc),
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
        field("od-point", text(raw, "/delivery/pickupPoint/name")),
        field("od-point-id", text(raw, "/delivery/pickupPoint/id")),
        field(
            "od-description",
            text(raw, "/delivery/pickupPoint/description"),
        ),
        field("od-address", address(raw, "/delivery/pickupPoint/address")),
    ]
}

fn invoice(raw: &Value) -> Vec<Field> {
    vec![
        field("od-company", text(raw, "/invoice/address/company/name")),
        field("od-tax-id", tax_id(raw)),
        field("od-person", person(raw, "/invoice/address/naturalPerson")),
        field("od-address", address(raw, "/invoice/address")),
        field("od-due-date", text(raw, "/invoice/dueDate")),
    ]
}

fn payment(raw: &Value, loc: &Locale) -> Vec<Field> {
    vec![
        field("od-type", text(raw, "/payment/type")),
        field("od-provider", text(raw, "/payment/provider")),
        field("od-paid", money(raw, "/payment/paidAmount", loc)),
        field("od-finished-at", time(raw, "/payment/finishedAt", loc)),
        field("od-payment-id", text(raw, "/payment/id")),
    ]
}

fn dates(raw: &Value, loc: &Locale) -> Vec<Field> {
    vec![
        field("od-bought", bought_at(raw, loc)),
        field("od-updated", time(raw, "/updatedAt", loc)),
        field("od-payment-finished", time(raw, "/payment/finishedAt", loc)),
        field("od-marketplace", text(raw, "/marketplace/id")),
    ]
}

fn line_items(raw: &Value, loc: &Locale) -> Vec<LineItemView> {
    array(raw, "/lineItems")
        .iter()
        .map(|item| {
            let price = money(item, "/price", loc);
            let original = money(item, "/originalPrice", loc);
            LineItemView {
                name: text(item, "/offer/name"),
                offer_id: text(item, "/offer/id"),
                external_id: text(item, "/offer/external/id"),
                quantity: text(item, "/quantity"),
                original_price: (original != NONE && original != price).then_some(original),
                price,
                bought_at: time(item, "/boughtAt", loc),
            }
        })
        .collect()
}

fn surcharges(raw: &Value, loc: &Locale) -> Vec<Adjustment> {
    array(raw, "/surcharges")
        .iter()
        .map(|s| Adjustment {
            kind: text(s, "/type"),
            detail: format!("{} · {}", text(s, "/provider"), time(s, "/finishedAt", loc)),
            amount: money(s, "/paidAmount", loc),
        })
        .collect()
}

/// The line items' discounts, each with its offer's name.
fn discounts(raw: &Value, loc: &Locale) -> Vec<Adjustment> {
    array(raw, "/lineItems")
        .iter()
        .flat_map(|item| {
            let offer = text(item, "/offer/name");
            array(item, "/discounts").iter().map(move |d| Adjustment {
                kind: text(d, "/type"),
                detail: offer.clone(),
                amount: money(d, "/amount", loc),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
