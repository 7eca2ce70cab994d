use super::*;
use crate::{domain::Lang, i18n::Locale, settings::DEFAULT_ZONE};
use serde_json::json;

fn value<'a>(fields: &'a [Field], label: &str) -> &'a str {
    fields
        .iter()
        .find(|f| f.label == label)
        .map(|f| f.value.as_str())
        .unwrap_or("missing label")
}

const PL: Locale = Locale {
    lang: Lang::Pl,
    zone: DEFAULT_ZONE,
};

#[test]
fn a_full_checkout_form_fills_every_section() {
    let raw: Value = serde_json::from_str(include_str!(
        "../../../tests/api/allegro_checkout_form.json"
    ))
    .unwrap();
    let s = sections(&raw, &PL);
    assert_eq!(s.status, "READY_FOR_PROCESSING");
    assert_eq!(s.fulfillment, "SENT");
    assert_eq!(s.total_to_pay, "72,79\u{a0}zł");
    assert_eq!(value(&s.buyer, "od-name"), "Jan Kowalski");
    assert_eq!(
        value(&s.buyer, "od-address"),
        "Solna 12/4, 60-166 Poznań, PL"
    );
    assert_eq!(value(&s.buyer, "od-guest"), "nie");
    assert_eq!(value(&s.invoice, "od-company"), "Kowalex Sp. z o.o.");
    assert_eq!(value(&s.invoice, "od-tax-id"), "7811234567");
    assert_eq!(value(&s.payment, "od-finished-at"), "14.07.2026 11:12");
    assert_eq!(value(&s.dates, "od-bought"), "14.07.2026 11:10");
    assert_eq!(value(&s.pickup_point, "od-point-id"), "POZ08A");
    assert_eq!(
        s.line_items[0].original_price.as_deref(),
        Some("34,90\u{a0}zł")
    );
    assert_eq!(s.line_items[0].quantity, "2");
    assert_eq!(s.surcharges[0].amount, "5,00\u{a0}zł");
    let en = sections(&raw, &Locale::default());
    assert_eq!(en.total_to_pay, "PLN\u{a0}72.79");
    assert_eq!(value(&en.dates, "od-bought"), "2026-07-14 11:10");
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
        let s = sections(&raw, &PL);
        assert_eq!(s.status, NONE);
        assert_eq!(value(&s.buyer, "od-name"), NONE);
        assert_eq!(s.total_to_pay, NONE);
        assert!(s.line_items.is_empty() && s.pickup_point.is_empty());
    }
    let odd = json!({"payment": {"finishedAt": "yesterday"}, "summary": {"totalToPay": {"amount": "1.00"}}});
    let s = sections(&odd, &PL);
    assert_eq!(value(&s.payment, "od-finished-at"), "yesterday");
    assert_eq!(s.total_to_pay, "1,00");
}
