use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use super::*;

/// The examples of allegro-api-money.md §6.2, as printed there (a buyer's payment held back
/// in the WAITING wallet, and a payout).
fn reference_page() -> Value {
    json!({
      "paymentOperations": [
        {
          "type": "CONTRIBUTION",
          "group": "INCOME",
          "wallet": {"paymentOperator": "PAYU", "type": "WAITING", "balance": {"amount": "36.14", "currency": "EUR"}},
          "occurredAt": "2026-07-08T19:58:46.820Z",
          "value": {"amount": "12.83", "currency": "EUR"},
          "marketplaceId": "allegro-sk",
          "payment": {"id": "56b96839-3d64-11ef-8503-8333eeb576e5"},
          "participant": {
            "id": "123704171", "companyName": null, "login": "Client:123704171",
            "firstName": "Andrej", "lastName": "Vajda",
            "address": {"street": "Hlavná 55", "city": "Košice", "postCode": "04001"}
          }
        },
        {"type": "PAYOUT", "group": "OUTCOME",
         "wallet": {"paymentOperator": "P24", "type": "AVAILABLE", "balance": {"amount": "0.00", "currency": "PLN"}},
         "occurredAt": "2026-07-15T03:12:09.511Z", "value": {"amount": "-1843.20", "currency": "PLN"},
         "marketplaceId": null, "payout": {"id": "efe29ef4-c279-444d-a1d4-6243eb4bc029"}}
      ],
      "count": 2,
      "totalCount": 2
    })
}

#[test]
fn the_reference_examples_read_with_every_field() {
    let page: PaymentOperationsPage = serde_json::from_value(reference_page()).unwrap();
    assert_eq!((page.listed(), page.total_count), (2, Some(2)));
    let paid = &page.operations()[0];
    assert_eq!(paid.kind.as_deref(), Some("CONTRIBUTION"));
    assert_eq!(paid.group.as_deref(), Some("INCOME"));
    let wallet = paid.wallet.as_ref().unwrap();
    assert_eq!(
        (wallet.payment_operator.as_deref(), wallet.kind.as_deref()),
        (Some("PAYU"), Some("WAITING"))
    );
    assert_eq!(wallet.balance.as_ref().unwrap().amount.as_str(), "36.14");
    let value = paid.value.as_ref().unwrap();
    assert_eq!(
        (value.amount.as_str(), value.currency.as_str()),
        ("12.83", "EUR")
    );
    assert_eq!(
        paid.occurred_at,
        Some(
            Utc.with_ymd_and_hms(2026, 7, 8, 19, 58, 46).unwrap()
                + chrono::Duration::milliseconds(820)
        )
    );
    assert_eq!(paid.marketplace_id.as_deref(), Some("allegro-sk"));
    assert_eq!(
        paid.payment_id.as_deref(),
        Some("56b96839-3d64-11ef-8503-8333eeb576e5")
    );
    assert_eq!(paid.participant_login.as_deref(), Some("Client:123704171"));
    let payout = &page.operations()[1];
    assert_eq!(payout.kind.as_deref(), Some("PAYOUT"));
    assert_eq!(payout.value.as_ref().unwrap().amount.as_str(), "-1843.20");
    assert_eq!(
        payout.marketplace_id, None,
        "a payout belongs to no marketplace"
    );
    assert_eq!(
        payout.payout_id.as_deref(),
        Some("efe29ef4-c279-444d-a1d4-6243eb4bc029")
    );
    assert_eq!(payout.payment_id, None);
}

#[test]
fn the_document_is_the_identity_and_is_kept_whole() {
    let raw = json!({"type": "TOP_UP", "group": "INCOME", "value": {"amount": 5, "currency": "PLN"},
                     "occurredAt": "yesterday", "brandNew": [1, 2]});
    let op: PaymentOperation = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(op.value, None, "a number is not Allegro's decimal string");
    assert_eq!(op.occurred_at, None);
    assert_eq!(serde_json::to_value(&op).unwrap(), raw);
    let same: PaymentOperation = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(op.document.hash(), same.document.hash());
    let mut other = raw;
    other["occurredAt"] = json!("today");
    let other: PaymentOperation = serde_json::from_value(other).unwrap();
    assert_ne!(op.document.hash(), other.document.hash());
}

#[test]
fn an_entry_that_is_no_object_is_counted_and_kept_apart() {
    let page: PaymentOperationsPage = serde_json::from_value(
        json!({"paymentOperations": [{"type": "PAYOUT"}, "junk", 7], "totalCount": 3}),
    )
    .unwrap();
    assert_eq!(page.operations().len(), 1);
    assert_eq!(page.unreadable(), [json!("junk"), json!(7)]);
    assert_eq!(page.listed(), 3);
}

#[test]
fn the_query_names_the_wallet_always_and_every_filter_as_allegro_spells_it() {
    let plain = PaymentOperationQuery::of(WalletType::Available).to_pairs();
    assert_eq!(
        plain,
        [
            ("wallet.type", "AVAILABLE".to_owned()),
            ("limit", "50".to_owned())
        ]
    );
    let q = PaymentOperationQuery {
        payment_operator: Some("P24".into()),
        offset: 9_950,
        occurred_at_gte: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
        occurred_at_lte: Some(Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap()),
        payment_id: Some("p-1".into()),
        groups: vec!["INCOME".into(), "REFUND".into()],
        marketplace_id: Some("allegro-cz".into()),
        currency: Some("CZK".into()),
        ..PaymentOperationQuery::of(WalletType::Waiting)
    };
    let pairs = q.to_pairs();
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        pairs,
        [
            ("wallet.type", "WAITING"),
            ("limit", "50"),
            ("offset", "9950"),
            ("wallet.paymentOperator", "P24"),
            ("payment.id", "p-1"),
            ("marketplaceId", "allegro-cz"),
            ("currency", "CZK"),
            ("occurredAt.gte", "2026-01-01T00:00:00.000Z"),
            ("occurredAt.lte", "2026-02-01T00:00:00.000Z"),
            ("group", "INCOME"),
            ("group", "REFUND"),
        ]
    );
}
