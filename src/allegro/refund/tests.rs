use chrono::{TimeZone, Utc};
use serde_json::json;

use super::*;

/// The example page of allegro-api-money.md §3, as printed there.
const REFERENCE_PAGE: &str = r#"{
  "refunds": [
    {
      "id": "70514d0d-887c-11ea-b090-7301f2388603",
      "payment": {"id": "0f8f1d13-7e9e-11e8-9b00-c5b0dfb78ea6"},
      "order": {"id": "29738e61-7f6a-11e8-ac45-09db60ede9d6"},
      "reason": "REFUND",
      "status": "SUCCESS",
      "createdAt": "2026-07-24T11:44:23.241Z",
      "totalValue": {"amount": "29.99", "currency": "PLN"},
      "lineItems": [
        {"id": "62ae358b-8f65-4fc4-9c77-bedf604a2e2b", "type": "QUANTITY", "quantity": 1}
      ],
      "surcharges": [],
      "sellerComment": "Zwrot za uszkodzony kubek"
    }
  ],
  "count": 1,
  "totalCount": 1
}"#;

#[test]
fn the_reference_example_page_reads_with_every_field() {
    let page: RefundsPage = serde_json::from_str(REFERENCE_PAGE).unwrap();
    assert_eq!(
        (page.count, page.total_count, page.listed()),
        (1, Some(1), 1)
    );
    let r = &page.refunds()[0];
    assert_eq!(r.id.as_str(), "70514d0d-887c-11ea-b090-7301f2388603");
    assert_eq!(
        r.payment_id.as_deref(),
        Some("0f8f1d13-7e9e-11e8-9b00-c5b0dfb78ea6")
    );
    assert_eq!(
        r.order_id.as_ref().map(CheckoutFormId::as_str),
        Some("29738e61-7f6a-11e8-ac45-09db60ede9d6")
    );
    assert_eq!(r.reason.as_deref(), Some("REFUND"));
    assert_eq!(r.status.as_deref(), Some("SUCCESS"));
    assert_eq!(
        r.created_at,
        Some(
            Utc.with_ymd_and_hms(2026, 7, 24, 11, 44, 23).unwrap()
                + chrono::Duration::milliseconds(241)
        )
    );
    let total = r.total_value.as_ref().unwrap();
    assert_eq!(
        (total.amount.as_str(), total.currency.as_str()),
        ("29.99", "PLN")
    );
    assert_eq!(
        r.seller_comment.as_deref(),
        Some("Zwrot za uszkodzony kubek")
    );
    assert_eq!(r.line_items.len(), 1);
    assert_eq!(r.line_items[0].kind.as_deref(), Some("QUANTITY"));
    assert_eq!(r.line_items[0].quantity, Some(1));
    assert_eq!(r.line_items[0].value, None);
}

#[test]
fn unknown_fields_are_kept_and_odd_shapes_read_as_missing() {
    let raw = json!({
        "id": "r-1",
        "payment": "not an object",
        "status": 7,
        "createdAt": "yesterday",
        "totalValue": {"amount": 12.5, "currency": "PLN"},
        "lineItems": [{"id": "li", "type": "AMOUNT", "value": {"amount": "5.00", "currency": "PLN"}}, 3],
        "brandNewField": {"x": [1, 2]}
    });
    let r: Refund = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(r.payment_id, None);
    assert_eq!(r.status, None);
    assert_eq!(r.created_at, None);
    assert_eq!(
        r.total_value, None,
        "a number is not Allegro's decimal string"
    );
    assert_eq!(r.line_items.len(), 1);
    assert_eq!(
        r.line_items[0].value.as_ref().map(|m| m.amount.as_str()),
        Some("5.00")
    );
    assert_eq!(
        serde_json::to_value(&r).unwrap(),
        raw,
        "the document is kept whole"
    );
}

#[test]
fn an_entry_without_an_id_is_counted_and_kept_apart() {
    let page: RefundsPage = serde_json::from_value(json!({
        "refunds": [{"id": "a"}, {"status": "NEW"}],
        "count": 2,
        "totalCount": 9
    }))
    .unwrap();
    assert_eq!(page.refunds().len(), 1);
    assert_eq!(page.unreadable(), [json!({"status": "NEW"})]);
    assert_eq!(page.listed(), 2);
    assert_eq!(page.total_count, Some(9));
}

#[test]
fn the_query_names_every_filter_as_allegro_spells_it() {
    let q = RefundQuery {
        limit: 100,
        offset: 200,
        id: Some(RefundId::from("r")),
        payment_id: Some("p".into()),
        order_id: Some(CheckoutFormId::from("o")),
        occurred_at_gte: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
        occurred_at_lte: None,
        statuses: vec!["WAITING".into(), "IN_PROGRESS".into()],
    };
    let pairs: Vec<(&str, String)> = q.to_pairs();
    let expected: Vec<(&str, &str)> = vec![
        ("limit", "100"),
        ("offset", "200"),
        ("id", "r"),
        ("payment.id", "p"),
        ("order.id", "o"),
        ("occurredAt.gte", "2026-01-01T00:00:00.000Z"),
        ("status", "WAITING"),
        ("status", "IN_PROGRESS"),
    ];
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(pairs, expected);
}
