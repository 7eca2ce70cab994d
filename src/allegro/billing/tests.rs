use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use super::*;

/// The example page of allegro-api-money.md §5.3, as printed there.
const REFERENCE_PAGE: &str = r#"{
  "billingEntries": [
    {
      "id": "c2228aa1-f60d-4bf1-9f18-d23a80193676",
      "occurredAt": "2026-07-14T09:12:41.071Z",
      "type": {"id": "SUC", "name": "Prowizja od sprzedaży", "group": "COMMISSIONS"},
      "offer": {"id": "17412345678", "name": "Kubek ceramiczny 330 ml biały"},
      "value": {"amount": "-6.30", "currency": "PLN"},
      "tax": {"percentage": "23.00"},
      "balance": {"amount": "-626.82", "currency": "PLN"},
      "order": {"id": "29738e61-7f6a-11e8-ac45-09db60ede9d6"},
      "additionalInfo": [],
      "asset": "DEBIT",
      "marketplaceId": "allegro-pl"
    },
    {
      "id": "a34f42ed-cb98-4df7-a017-3389167ef2cb",
      "occurredAt": "2026-07-14T07:00:02.963Z",
      "type": {"id": "LIS", "name": "Opłata za wystawienie", "group": "LISTING"},
      "offer": {"id": "17499887766", "name": "Zestaw śrubokrętów 12 el."},
      "value": {"amount": "-0.50", "currency": "PLN"},
      "tax": {"percentage": "23.00"},
      "balance": {"amount": "-620.52", "currency": "PLN"},
      "additionalInfo": [],
      "asset": "DEBIT",
      "marketplaceId": "allegro-pl"
    }
  ]
}"#;

fn page(body: &Value) -> BillingEntriesPage {
    let entries = body["billingEntries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    Listed::read(entries)
}

#[test]
fn the_reference_example_page_reads_with_every_field() {
    let page = page(&serde_json::from_str(REFERENCE_PAGE).unwrap());
    assert_eq!(page.len(), 2);
    let fee = &page.items()[0];
    assert_eq!(fee.id.as_str(), "c2228aa1-f60d-4bf1-9f18-d23a80193676");
    assert_eq!(
        fee.occurred_at,
        Some(
            Utc.with_ymd_and_hms(2026, 7, 14, 9, 12, 41).unwrap()
                + chrono::Duration::milliseconds(71)
        )
    );
    assert_eq!(fee.type_id.as_deref(), Some("SUC"));
    assert_eq!(fee.type_name.as_deref(), Some("Prowizja od sprzedaży"));
    assert_eq!(fee.offer_id.as_deref(), Some("17412345678"));
    assert_eq!(
        fee.offer_name.as_deref(),
        Some("Kubek ceramiczny 330 ml biały")
    );
    let value = fee.value.as_ref().unwrap();
    assert_eq!(
        (value.amount.as_str(), value.currency.as_str()),
        ("-6.30", "PLN")
    );
    assert_eq!(
        fee.order_id.as_ref().map(CheckoutFormId::as_str),
        Some("29738e61-7f6a-11e8-ac45-09db60ede9d6")
    );
    assert_eq!(fee.marketplace_id.as_deref(), Some("allegro-pl"));
    let listing = &page.items()[1];
    assert_eq!(listing.type_id.as_deref(), Some("LIS"));
    assert_eq!(listing.order_id, None, "a listing fee belongs to no order");
}

#[test]
fn unknown_fields_are_kept_and_odd_shapes_read_as_missing() {
    let raw = json!({
        "id": "b-1",
        "occurredAt": "not a time",
        "type": "SUC",
        "offer": {"id": "1"},
        "value": {"amount": -6.3, "currency": "PLN"},
        "order": null,
        "brandNewField": {"x": [1, 2]}
    });
    let fee: BillingEntry = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(fee.occurred_at, None);
    assert_eq!((&fee.type_id, &fee.type_name), (&None, &None));
    assert_eq!(
        (fee.offer_id.as_deref(), fee.offer_name.as_deref()),
        (Some("1"), None),
        "the offer's name comes later"
    );
    assert_eq!(fee.value, None, "a number is not Allegro's decimal string");
    assert_eq!(fee.order_id, None);
    assert_eq!(
        serde_json::to_value(&fee).unwrap(),
        raw,
        "the document is kept whole"
    );
}

#[test]
fn an_entry_without_an_id_is_counted_and_kept_apart() {
    let page = page(&json!({"billingEntries": [{"id": "a"}, {"type": {"id": "LIS"}}]}));
    assert_eq!(page.items().len(), 1);
    assert_eq!(page.unreadable(), [json!({"type": {"id": "LIS"}})]);
    assert_eq!(page.len(), 2);
}

#[test]
fn the_query_names_every_filter_as_allegro_spells_it() {
    let q = BillingQuery {
        marketplace_id: Some("allegro-cz".into()),
        limit: 100,
        offset: 10_000,
        occurred_at_gte: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
        occurred_at_lte: Some(Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap()),
        type_ids: vec!["SUC".into(), "REF".into()],
        offer_id: Some("17".into()),
        order_id: Some(CheckoutFormId::from("o")),
    };
    let pairs = q.to_pairs();
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        pairs,
        [
            ("limit", "100"),
            ("offset", "10000"),
            ("marketplaceId", "allegro-cz"),
            ("occurredAt.gte", "2026-01-01T00:00:00.000Z"),
            ("occurredAt.lte", "2026-02-01T00:00:00.000Z"),
            ("type.id", "SUC"),
            ("type.id", "REF"),
            ("offer.id", "17"),
            ("order.id", "o"),
        ]
    );
}
