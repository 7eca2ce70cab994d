use chrono::{TimeZone, Utc};
use serde_json::json;

use super::*;

/// The example page of allegro-api-money.md §4.3, as printed there.
const REFERENCE_PAGE: &str = r#"{
  "refundClaims": [
    {
      "id": "cde11da8-9465-4e97-8db6-d5e24af5885b",
      "status": "GRANTED",
      "quantity": 1,
      "commission": {"amount": 2.89, "currency": "PLN"},
      "buyer": {"id": "23123123", "login": "Jan_Kowalski_88"},
      "createdAt": "2026-07-25T09:30:11.402Z",
      "lineItem": {
        "id": "62ae358b-8f65-4fc4-9c77-bedf604a2e2b",
        "quantity": 2,
        "boughtAt": "2026-07-14T09:10:05.481Z",
        "offer": {"id": "17412345678"}
      },
      "type": "AUTOMATIC"
    }
  ],
  "count": 1
}"#;

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap() + chrono::Duration::milliseconds(ms)
}

#[test]
fn the_reference_example_page_reads_with_every_field() {
    let page: RefundClaimsPage = serde_json::from_str(REFERENCE_PAGE).unwrap();
    assert_eq!((page.count, page.listed()), (1, 1));
    let c = &page.refund_claims()[0];
    assert_eq!(c.id.as_str(), "cde11da8-9465-4e97-8db6-d5e24af5885b");
    assert_eq!(c.status.as_deref(), Some("GRANTED"));
    assert_eq!(c.kind.as_deref(), Some("AUTOMATIC"));
    assert_eq!(c.quantity, Some(1));
    let commission = c.commission.as_ref().unwrap();
    assert_eq!(
        (commission.amount.as_str(), commission.currency.as_str()),
        ("2.89", "PLN")
    );
    assert_eq!(c.buyer_id.as_deref(), Some("23123123"));
    assert_eq!(c.buyer_login.as_deref(), Some("Jan_Kowalski_88"));
    assert_eq!(c.created_at, Some(at(2026, 7, 25, 9, 30, 11, 402)));
    assert_eq!(
        c.line_item_id.as_deref(),
        Some("62ae358b-8f65-4fc4-9c77-bedf604a2e2b")
    );
    assert_eq!(c.line_item_quantity, Some(2));
    assert_eq!(c.bought_at, Some(at(2026, 7, 14, 9, 10, 5, 481)));
    assert_eq!(c.offer_id.as_deref(), Some("17412345678"));
    assert_eq!(
        c.document.to_value()["commission"]["amount"],
        json!(2.89),
        "the document keeps the number a number"
    );
}

#[test]
fn the_commission_is_the_numbers_own_text_never_recomputed() {
    let amount = |raw: &str| -> Option<String> {
        let text =
            format!(r#"{{"id": "c", "commission": {{"amount": {raw}, "currency": "PLN"}}}}"#);
        let c: RefundClaim = serde_json::from_str(&text).unwrap();
        c.commission.map(|m| m.amount.as_str().to_owned())
    };
    assert_eq!(amount("2.89").as_deref(), Some("2.89"));
    assert_eq!(amount("0.1").as_deref(), Some("0.1"), "no binary noise");
    assert_eq!(amount("1234567.07").as_deref(), Some("1234567.07"));
    assert_eq!(amount("12").as_deref(), Some("12"));
    assert_eq!(
        amount("2.90").as_deref(),
        Some("2.9"),
        "the same value, spelt shorter (serde_json without arbitrary_precision)"
    );
    assert_eq!(
        amount(r#""3.50""#).as_deref(),
        Some("3.50"),
        "a string as sent"
    );
    assert_eq!(amount("1e-7"), None, "not plain decimal digits");
    assert_eq!(amount("null"), None);
    assert_eq!(amount(r#""abc""#), None);
}

#[test]
fn unknown_fields_are_kept_and_odd_shapes_read_as_missing() {
    let raw = json!({
        "id": "c-1",
        "status": 7,
        "type": "MANUAL",
        "quantity": -1,
        "commission": {"amount": 1.5},
        "buyer": "23123123",
        "createdAt": "yesterday",
        "lineItem": {"id": "li", "offer": 17, "boughtAt": "2026-07-14T11:10:05+02:00"},
        "brandNewField": {"x": [1, 2]}
    });
    let c: RefundClaim = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!((&c.status, c.quantity, c.created_at), (&None, None, None));
    assert_eq!(c.kind.as_deref(), Some("MANUAL"));
    assert_eq!(c.commission, None, "no currency, no money");
    assert_eq!((&c.buyer_id, &c.buyer_login), (&None, &None));
    assert_eq!(c.line_item_id.as_deref(), Some("li"));
    assert_eq!(c.offer_id.as_deref(), None);
    assert_eq!(c.bought_at, Some(at(2026, 7, 14, 9, 10, 5, 0)));
    assert_eq!(
        serde_json::to_value(&c).unwrap(),
        raw,
        "the document is kept whole"
    );
}

#[test]
fn an_entry_without_an_id_is_counted_and_kept_apart() {
    let page: RefundClaimsPage = serde_json::from_value(json!({
        "refundClaims": [{"id": "a"}, {"status": "GRANTED"}, "junk"],
        "count": 3
    }))
    .unwrap();
    assert_eq!(page.refund_claims().len(), 1);
    assert_eq!(
        page.unreadable(),
        [json!({"status": "GRANTED"}), json!("junk")]
    );
    assert_eq!((page.listed(), page.count), (3, 3));
    let empty: RefundClaimsPage = serde_json::from_value(json!({})).unwrap();
    assert_eq!((empty.listed(), empty.count), (0, 0));
}

#[test]
fn the_query_names_every_filter_as_allegro_spells_it() {
    let pairs = |q: RefundClaimQuery| -> Vec<(&'static str, String)> { q.to_pairs() };
    assert_eq!(
        pairs(RefundClaimQuery::default()),
        [("limit", "25".to_owned())]
    );
    let q = RefundClaimQuery {
        limit: 100,
        offset: 200,
        status: Some("IN_PROGRESS".into()),
        offer_id: Some("17412345678".into()),
        buyer_id: Some("23123123".into()),
    };
    let expected: Vec<(&str, String)> = [
        ("limit", "100"),
        ("offset", "200"),
        ("status", "IN_PROGRESS"),
        ("lineItem.offer.id", "17412345678"),
        ("buyer.id", "23123123"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect();
    assert_eq!(pairs(q), expected);
}
