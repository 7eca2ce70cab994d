//! Payment operations over HTTP: the public media type in `Accept`, the wallet always named,
//! the list query as Allegro names it (repeated `group`), the total count, every operation kept
//! whole, and a query matching too many operations read as Allegro's 422.

use allegro_backup::allegro::{
    ALLEGRO_MEDIA_TYPE, PaymentOperationQuery, TOO_MANY_OPERATIONS, WalletType,
};
use chrono::{TimeZone, Utc};
use serde_json::json;
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{header, method, path, query_param},
};

use super::{account, client_error, setup};

#[tokio::test]
async fn operations_are_asked_for_per_wallet_with_the_list_query_and_kept_whole() {
    let (server, client) = setup().await;
    let listed = json!({
        "type": "REFUND_CHARGE", "group": "REFUND",
        "wallet": {"paymentOperator": "P24", "type": "AVAILABLE",
                   "balance": {"amount": "100.00", "currency": "PLN"}},
        "occurredAt": "2026-07-24T13:44:23.241+02:00",
        "value": {"amount": "-29.99", "currency": "PLN"},
        "marketplaceId": "allegro-pl",
        "payment": {"id": "0f8f1d13-7e9e-11e8-9b00-c5b0dfb78ea6"},
        "participant": {"id": "1", "login": "buyer-1"},
        "brandNew": {"kept": true}
    });
    Mock::given(method("GET"))
        .and(path("/payments/payment-operations"))
        .and(header("accept", ALLEGRO_MEDIA_TYPE))
        .and(query_param("wallet.type", "AVAILABLE"))
        .and(query_param("limit", "50"))
        .and(query_param("offset", "150"))
        .and(query_param("occurredAt.gte", "2026-07-01T00:00:00.000Z"))
        .and(query_param("occurredAt.lte", "2026-07-31T23:59:59.999Z"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"paymentOperations": [listed], "count": 1, "totalCount": 151}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;

    let query = PaymentOperationQuery {
        offset: 150,
        occurred_at_gte: Some(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()),
        occurred_at_lte: Some(
            Utc.with_ymd_and_hms(2026, 7, 31, 23, 59, 59).unwrap()
                + chrono::Duration::milliseconds(999),
        ),
        groups: vec!["REFUND".into(), "INCOME".into()],
        ..PaymentOperationQuery::of(WalletType::Available)
    };
    let page = account(&client).payment_operations(&query).await.unwrap();

    assert_eq!((page.listed(), page.total_count), (1, Some(151)));
    let op = &page.operations()[0];
    assert_eq!(op.kind.as_deref(), Some("REFUND_CHARGE"));
    assert_eq!(op.value.as_ref().unwrap().amount.as_str(), "-29.99");
    assert_eq!(
        op.occurred_at,
        Some(
            Utc.with_ymd_and_hms(2026, 7, 24, 11, 44, 23).unwrap()
                + chrono::Duration::milliseconds(241)
        ),
        "an offset is read as the instant it names"
    );
    assert_eq!(
        op.document.to_value(),
        listed,
        "kept whole, unknown fields included"
    );
    let sent = &server.received_requests().await.unwrap()[0];
    let groups: Vec<String> = sent
        .url
        .query_pairs()
        .filter(|(k, _)| k == "group")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(groups, ["REFUND", "INCOME"], "repeated, in order");
}

#[tokio::test]
async fn a_query_matching_too_many_operations_is_allegros_422() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/payments/payment-operations"))
        .and(query_param("wallet.type", "WAITING"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({"errors": [{
            "code": "TooManyOperationsException",
            "message": "too many operations match search filter: 15,757 the maximum number of operations is: 10,000, please narrow search filter",
            "details": null, "path": "/payments/payment-operations",
            "userMessage": "Zbyt wiele operacji"}]})))
        .mount(&server)
        .await;

    let refused = account(&client)
        .payment_operations(&PaymentOperationQuery::of(WalletType::Waiting))
        .await
        .unwrap_err();
    let (status, code, _) = client_error(refused);
    assert_eq!((status, code.as_deref()), (422, Some(TOO_MANY_OPERATIONS)));
}
