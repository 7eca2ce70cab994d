use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use super::*;

/// The example page of allegro-api-money.md §2.4, as printed there.
const REFERENCE_PAGE: &str = r#"{
  "customerReturns": [
    {
      "id": "b2c4b9ce-3f10-4c1e-9a52-6c3d2f7a1e05",
      "isFulfillment": false,
      "createdAt": "2026-07-20T08:14:02.118Z",
      "referenceNumber": "4821/Z07A",
      "orderId": "29738e61-7f6a-11e8-ac45-09db60ede9d6",
      "buyer": {"email": "kxq7mz1ab+3f2a9c81@allegromail.pl", "login": "Jan_Kowalski_88"},
      "items": [
        {
          "offerId": "17412345678",
          "quantity": 1,
          "name": "Kubek ceramiczny 330 ml biały",
          "price": {"amount": "29.99", "currency": "PLN"},
          "url": "https://allegro.pl/oferta/kubek-ceramiczny-330-ml-bialy-17412345678",
          "reason": {"type": "DAMAGED", "userComment": "Ucho odklejone po rozpakowaniu"}
        }
      ],
      "refund": null,
      "parcels": [
        {
          "createdAt": "2026-07-21T10:02:44Z",
          "waybill": "AD00R28X72",
          "transportingWaybill": "2171143568953",
          "carrierId": "ALLEGRO",
          "transportingCarrierId": "ORLEN",
          "sender": {"phoneNumber": "+48600100200"}
        }
      ],
      "rejection": null,
      "marketplaceId": "allegro-pl",
      "status": "DELIVERED"
    }
  ],
  "count": 1
}"#;

#[test]
fn the_reference_example_page_reads_with_every_field() {
    let page: CustomerReturnsPage = serde_json::from_str(REFERENCE_PAGE).unwrap();
    assert_eq!((page.count, page.listed()), (1, 1));
    let r = &page.returns()[0];
    assert_eq!(r.id.as_str(), "b2c4b9ce-3f10-4c1e-9a52-6c3d2f7a1e05");
    assert_eq!(
        r.order_id.as_ref().map(CheckoutFormId::as_str),
        Some("29738e61-7f6a-11e8-ac45-09db60ede9d6")
    );
    assert_eq!(r.status.as_deref(), Some("DELIVERED"));
    assert_eq!(r.reference_number.as_deref(), Some("4821/Z07A"));
    assert_eq!(r.marketplace_id.as_deref(), Some("allegro-pl"));
    assert!(!r.is_fulfillment);
    assert_eq!(
        r.created_at,
        Some(
            Utc.with_ymd_and_hms(2026, 7, 20, 8, 14, 2).unwrap()
                + chrono::Duration::milliseconds(118)
        )
    );
    let buyer = r.buyer.as_ref().unwrap();
    assert_eq!(buyer.login.as_deref(), Some("Jan_Kowalski_88"));
    let item = &r.items[0];
    assert_eq!(item.offer_id.as_deref(), Some("17412345678"));
    assert_eq!(item.quantity, Some(1));
    let price = item.price.as_ref().unwrap();
    assert_eq!(
        (price.amount.as_str(), price.currency.as_str()),
        ("29.99", "PLN")
    );
    let reason = item.reason.as_ref().unwrap();
    assert_eq!(reason.kind.as_deref(), Some("DAMAGED"));
    assert_eq!(
        reason.user_comment.as_deref(),
        Some("Ucho odklejone po rozpakowaniu")
    );
    let parcel = &r.parcels[0];
    assert_eq!(parcel.waybill.as_deref(), Some("AD00R28X72"));
    assert_eq!(parcel.transporting_carrier_id.as_deref(), Some("ORLEN"));
    assert_eq!(
        parcel.created_at,
        Some(Utc.with_ymd_and_hms(2026, 7, 21, 10, 2, 44).unwrap())
    );
    assert!(r.rejection.is_none());
    let whole: Value = serde_json::from_str(REFERENCE_PAGE).unwrap();
    assert_eq!(r.document, Document::new(&whole["customerReturns"][0]));
    assert_eq!(
        serde_json::to_value(r).unwrap(),
        whole["customerReturns"][0]
    );
}

#[test]
fn odd_and_unknown_fields_read_as_missing_and_stay_in_the_document() {
    let raw = json!({
        "id": "r-1",
        "createdAt": "2020-01-11T09:36:57.663+01:00",
        "status": 7,
        "items": [{"offerId": "1", "quantity": "two"}, "not an item"],
        "parcels": null,
        "rejection": {"code": "ITEM_FIXED", "reason": "Naprawiony", "createdAt": "soon"},
        "somethingNew": {"x": [1, 2]}
    });
    let r: CustomerReturn = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(
        r.created_at,
        Some(
            Utc.with_ymd_and_hms(2020, 1, 11, 8, 36, 57).unwrap()
                + chrono::Duration::milliseconds(663)
        )
    );
    assert!(r.status.is_none());
    assert_eq!(r.items.len(), 1);
    assert_eq!(r.items[0].quantity, None);
    assert!(r.parcels.is_empty());
    let rejection = r.rejection.unwrap();
    assert_eq!(rejection.code.as_deref(), Some("ITEM_FIXED"));
    assert!(rejection.created_at.is_none());
    assert_eq!(r.document.to_value(), raw);
}

#[test]
fn an_entry_without_an_id_is_kept_raw_and_still_counts_for_the_page() {
    let page: CustomerReturnsPage = serde_json::from_value(json!({
        "customerReturns": [{"id": "a"}, {"status": "CREATED"}, {"id": 5}],
        "count": 3
    }))
    .unwrap();
    assert_eq!(page.returns().len(), 1);
    assert_eq!(page.unreadable().len(), 2);
    assert_eq!(page.listed(), 3);
    let empty: CustomerReturnsPage = serde_json::from_str("{}").unwrap();
    assert_eq!(empty.listed(), 0);
}

#[test]
fn the_list_query_pages_by_from_and_repeats_filters() {
    let query = CustomerReturnQuery {
        limit: 1000,
        from: Some("b2c4".into()),
        created_at_gte: Some(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()),
        statuses: vec!["CREATED".into(), "DELIVERED".into()],
        ids: vec!["x".into(), "y".into()],
        ..CustomerReturnQuery::default()
    };
    let encoded = serde_urlencoded::to_string(query.to_pairs()).unwrap();
    assert_eq!(
        encoded,
        "limit=1000&from=b2c4&createdAt.gte=2026-07-01T00%3A00%3A00.000Z\
         &status=CREATED&status=DELIVERED&customerReturnId=x&customerReturnId=y"
    );
    let plain = serde_urlencoded::to_string(CustomerReturnQuery::default().to_pairs()).unwrap();
    assert_eq!(plain, "limit=100");
}
