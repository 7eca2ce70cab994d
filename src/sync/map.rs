//! Pure mapping from the Allegro client's DTOs to the rows the database stores.

use serde_json::Value;

use crate::{
    allegro::{CheckoutForm, LineItem, Money, OrderEvent},
    db::models::{
        order::{NewLineItem, NewOrder, OrderBuyer, OrderColumns},
        order_event::NewOrderEvent,
    },
    domain::CheckoutFormId,
};

/// The order row (and line items) of a checkout form. `document` is the complete original JSON.
pub fn new_order(form: &CheckoutForm) -> NewOrder {
    into_new_order(form.clone())
}

/// [`new_order`] that consumes the form: its JSON document moves into the row instead of being
/// copied (the copy was the engine's largest single cost in a first backup).
pub fn into_new_order(form: CheckoutForm) -> NewOrder {
    let payment = form.payment.as_ref();
    let delivery = form.delivery.as_ref();
    let method = delivery.and_then(|d| d.method.as_ref());
    NewOrder {
        columns: OrderColumns {
            checkout_form_id: form.id.clone(),
            marketplace_id: form.marketplace_id.clone(),
            status: form.status.clone(),
            fulfillment_status: form.fulfillment_status.clone(),
            buyer_id: form.buyer.id.clone(),
            buyer: OrderBuyer {
                login: form.buyer.login.clone(),
                email: form.buyer.email.clone(),
                first_name: form.buyer.first_name.clone(),
                last_name: form.buyer.last_name.clone(),
                company_name: form.buyer.company_name.clone(),
                guest: form.buyer.guest,
            },
            total_amount: form.total_to_pay.as_ref().map(amount),
            currency: form.total_to_pay.as_ref().map(|m| m.currency.clone()),
            payment_type: payment.and_then(|p| p.payment_type.clone()),
            payment_provider: payment.and_then(|p| p.provider.clone()),
            payment_finished_at: payment.and_then(|p| p.finished_at),
            paid_amount: payment.and_then(|p| p.paid_amount.as_ref()).map(amount),
            delivery_method_id: method.and_then(|m| m.id.clone()),
            delivery_method_name: method.and_then(|m| m.name.clone()),
            pickup_point_id: delivery
                .and_then(|d| d.pickup_point.as_ref())
                .and_then(|p| p.id.clone()),
            invoice_required: form.invoice_required,
            line_item_count: saturating_i32(form.line_items.len()),
            bought_at: form.line_items.iter().filter_map(|i| i.bought_at).max(),
            updated_at: form.updated_at,
            revision: form.revision.clone(),
        },
        line_items: form.line_items.iter().map(new_line_item).collect(),
        document: form.document,
    }
}

fn new_line_item(item: &LineItem) -> NewLineItem {
    NewLineItem {
        line_item_id: item.id.clone(),
        offer_id: item.offer.id.clone(),
        offer_name: item.offer.name.clone(),
        external_id: item.offer.external_id().map(str::to_owned),
        quantity: saturating_i32(usize::try_from(item.quantity).unwrap_or(usize::MAX)),
        price: amount(&item.price),
        original_price: item.original_price.as_ref().map(amount),
        currency: item.price.currency.clone(),
        bought_at: item.bought_at,
    }
}

/// The event row of a journal entry.
/// The event row. PostgreSQL's `jsonb` cannot hold NUL characters; an event (a partial
/// snapshot kept for the timeline) has them replaced by U+FFFD. Orders are never altered: one
/// that cannot be stored goes to quarantine as received.
pub fn new_event(event: &OrderEvent) -> NewOrderEvent {
    let mut raw = event.raw.clone();
    replace_nul(&mut raw);
    NewOrderEvent {
        event_id: without_nul(event.id.as_str()),
        event_type: without_nul(&event.event_type),
        occurred_at: event.occurred_at,
        checkout_form_id: event
            .checkout_form_id
            .as_ref()
            .map(|id| CheckoutFormId(without_nul(id.as_str()))),
        raw,
    }
}

fn without_nul(s: &str) -> String {
    s.replace('\0', "\u{FFFD}")
}

fn replace_nul(value: &mut Value) {
    crate::domain::text::rewrite_json_strings(value, &|s| s.contains('\0').then(|| without_nul(s)));
}

/// The decimal text exactly as Allegro sent it (validated by [`crate::allegro::Amount`]).
fn amount(money: &Money) -> String {
    money.amount.as_str().to_owned()
}

fn saturating_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    #[test]
    fn nul_characters_in_events_are_replaced_everywhere() {
        let mut v = serde_json::json!({"a\u{0}": ["x\u{0}y", {"b": "\u{0}"}], "n": 1});
        super::replace_nul(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a\u{FFFD}": ["x\u{FFFD}y", {"b": "\u{FFFD}"}], "n": 1})
        );
    }

    use chrono::{TimeZone, Utc};
    use serde_json::{Value, json};

    use super::*;

    fn fixture() -> Value {
        serde_json::from_str(include_str!("../../tests/api/allegro_checkout_form.json")).unwrap()
    }

    #[test]
    fn a_checkout_form_maps_to_its_order_row() {
        let raw = fixture();
        let form: CheckoutForm = serde_json::from_value(raw.clone()).unwrap();
        let order = new_order(&form);
        assert_eq!(
            order.columns.checkout_form_id,
            "29738e61-7f6a-11e8-ac45-09db60ede9d6"
        );
        assert_eq!(order.columns.status, "READY_FOR_PROCESSING");
        assert_eq!(order.columns.fulfillment_status.as_deref(), Some("SENT"));
        assert_eq!(order.columns.buyer_id, "23123123");
        assert_eq!(
            order.columns.buyer.login.as_deref(),
            Some("Jan_Kowalski_88")
        );
        assert_eq!(order.columns.buyer.first_name.as_deref(), Some("Jan"));
        assert_eq!(order.columns.buyer.company_name, None);
        assert!(!order.columns.buyer.guest);
        assert_eq!(order.columns.payment_type.as_deref(), Some("ONLINE"));
        assert_eq!(order.columns.payment_provider.as_deref(), Some("P24"));
        assert_eq!(order.columns.paid_amount.as_deref(), Some("72.79"));
        assert_eq!(
            order.columns.payment_finished_at,
            Some(
                Utc.with_ymd_and_hms(2026, 7, 14, 9, 12, 32).unwrap()
                    + chrono::Duration::milliseconds(321)
            )
        );
        assert_eq!(
            order.columns.delivery_method_name.as_deref(),
            Some("Allegro Paczkomaty InPost")
        );
        assert_eq!(order.columns.pickup_point_id.as_deref(), Some("POZ08A"));
        assert_eq!(
            order.columns.total_amount,
            form.total_to_pay.as_ref().map(amount)
        );
        assert_eq!(order.columns.currency.as_deref(), Some("PLN"));
        assert_eq!(order.columns.marketplace_id, form.marketplace_id);
        assert_eq!(order.columns.revision, form.revision);
        assert_eq!(order.columns.updated_at, form.updated_at);
        assert_eq!(order.columns.invoice_required, form.invoice_required);
        assert_eq!(order.document.to_value(), raw);
        assert_eq!(
            order.columns.line_item_count as usize,
            form.line_items.len()
        );
        assert_eq!(order.line_items.len(), form.line_items.len());
        let first = &order.line_items[0];
        let source = &form.line_items[0];
        assert_eq!(first.line_item_id, source.id);
        assert_eq!(first.offer_id, source.offer.id);
        assert_eq!(first.external_id.as_deref(), source.offer.external_id());
        assert_eq!(first.price, source.price.amount.as_str());
        assert_eq!(first.currency, source.price.currency);
        assert_eq!(first.quantity as u32, source.quantity);
    }

    #[test]
    fn bought_at_is_the_latest_line_item_purchase() {
        let mut raw = fixture();
        let item = raw["lineItems"][0].clone();
        let mut early = item.clone();
        early["id"] = json!("11111111-1111-1111-1111-111111111111");
        early["boughtAt"] = json!("2026-07-01T10:00:00.000Z");
        let mut late = item;
        late["id"] = json!("22222222-2222-2222-2222-222222222222");
        late["boughtAt"] = json!("2026-07-20T10:00:00.000Z");
        raw["lineItems"] = json!([early, late]);
        let form: CheckoutForm = serde_json::from_value(raw).unwrap();
        let order = new_order(&form);
        assert_eq!(order.columns.line_item_count, 2);
        assert_eq!(
            order.columns.bought_at,
            Some(Utc.with_ymd_and_hms(2026, 7, 20, 10, 0, 0).unwrap())
        );
    }

    #[test]
    fn a_minimal_form_maps_with_empty_optional_columns() {
        let raw = json!({
            "id": "29738e61-7f6a-11e8-ac45-09db60ede9d6",
            "buyer": {"id": "1", "login": "x", "email": "x@allegromail.pl", "guest": true},
            "status": "BOUGHT",
            "lineItems": [],
            "surcharges": [],
            "summary": {"totalToPay": {"amount": "0.00", "currency": "PLN"}}
        });
        let form: CheckoutForm = serde_json::from_value(raw).unwrap();
        let order = new_order(&form);
        assert!(order.columns.buyer.guest);
        assert_eq!(order.columns.payment_type, None);
        assert_eq!(order.columns.delivery_method_id, None);
        assert_eq!(order.columns.bought_at, None);
        assert_eq!(order.columns.line_item_count, 0);
        assert_eq!(order.columns.total_amount.as_deref(), Some("0.00"));
    }

    #[test]
    fn an_event_maps_to_its_row() {
        let raw = json!({
            "id": "1784020205470113",
            "type": "READY_FOR_PROCESSING",
            "occurredAt": "2026-07-14T09:12:32.321Z",
            "order": {"checkoutForm": {"id": "29738e61-7f6a-11e8-ac45-09db60ede9d6", "revision": "819b5836"}}
        });
        let event: OrderEvent = serde_json::from_value(raw.clone()).unwrap();
        let row = new_event(&event);
        assert_eq!(row.event_id, "1784020205470113");
        assert_eq!(row.event_type, "READY_FOR_PROCESSING");
        assert_eq!(
            row.checkout_form_id.as_ref().map(CheckoutFormId::as_str),
            Some("29738e61-7f6a-11e8-ac45-09db60ede9d6")
        );
        assert_eq!(row.occurred_at, event.occurred_at);
        assert_eq!(row.raw, raw);
    }
}
