//! Payment refunds over HTTP: the public media type in `Accept`, the list query as Allegro
//! names it (repeated `status`), both counts, every refund kept whole, and a 403 read as
//! Allegro's refusal (the account lacks `payments:read`).

use allegro_backup::{
    allegro::{ALLEGRO_MEDIA_TYPE, RefundQuery},
    domain::{CheckoutFormId, RefundId},
};
use chrono::{TimeZone, Utc};
use serde_json::json;
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{header, method, path, query_param},
};

use super::{access_denied, account, client_error, mock, setup};

#[tokio::test]
async fn refunds_are_asked_for_with_the_list_query_and_kept_whole() {
    let (server, client) = setup().await;
    let listed = json!({
        "id": "70514d0d-887c-11ea-b090-7301f2388603",
        "payment": {"id": "0f8f1d13-7e9e-11e8-9b00-c5b0dfb78ea6"},
        "order": {"id": "29738e61-7f6a-11e8-ac45-09db60ede9d6"},
        "reason": "REFUND",
        "status": "IN_PROGRESS",
        "createdAt": "2026-07-24T13:44:23.241+02:00",
        "totalValue": {"amount": "29.99", "currency": "PLN"},
        "lineItems": [{"id": "62ae358b", "type": "QUANTITY", "quantity": 1}],
        "brandNew": {"kept": true}
    });
    Mock::given(method("GET"))
        .and(path("/payments/refunds"))
        .and(header("accept", ALLEGRO_MEDIA_TYPE))
        .and(query_param("limit", "100"))
        .and(query_param("offset", "300"))
        .and(query_param(
            "order.id",
            "29738e61-7f6a-11e8-ac45-09db60ede9d6",
        ))
        .and(query_param("occurredAt.gte", "2026-07-01T00:00:00.000Z"))
        .and(query_param("occurredAt.lte", "2026-07-31T23:59:59.999Z"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"refunds": [listed], "count": 1, "totalCount": 301})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let query = RefundQuery {
        limit: 100,
        offset: 300,
        order_id: Some(CheckoutFormId::from("29738e61-7f6a-11e8-ac45-09db60ede9d6")),
        occurred_at_gte: Some(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()),
        occurred_at_lte: Some(
            Utc.with_ymd_and_hms(2026, 7, 31, 23, 59, 59).unwrap()
                + chrono::Duration::milliseconds(999),
        ),
        statuses: vec!["WAITING".into(), "IN_PROGRESS".into()],
        ..RefundQuery::default()
    };
    let page = account(&client).refunds(&query).await.unwrap();

    assert_eq!((page.count, page.total_count), (1, Some(301)));
    let r = &page.refunds()[0];
    assert_eq!(r.status.as_deref(), Some("IN_PROGRESS"));
    assert_eq!(
        r.created_at,
        Some(
            Utc.with_ymd_and_hms(2026, 7, 24, 11, 44, 23).unwrap()
                + chrono::Duration::milliseconds(241)
        ),
        "an offset is read as the instant it names"
    );
    assert_eq!(r.total_value.as_ref().unwrap().amount.as_str(), "29.99");
    assert_eq!(
        r.document.to_value(),
        listed,
        "kept whole, unknown fields included"
    );
    let sent = &server.received_requests().await.unwrap()[0];
    let statuses: Vec<String> = sent
        .url
        .query_pairs()
        .filter(|(k, _)| k == "status")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(statuses, ["WAITING", "IN_PROGRESS"], "repeated, in order");
}

#[tokio::test]
async fn one_refund_is_asked_for_by_id_and_a_missing_scope_is_a_403() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/payments/refunds"))
        .and(query_param("id", "70514d0d-887c-11ea-b090-7301f2388603"))
        .respond_with(access_denied())
        .mount(&server)
        .await;
    mock(
        "GET",
        "/payments/refunds",
        ResponseTemplate::new(200)
            .set_body_json(json!({"refunds": [], "count": 0, "totalCount": 0})),
    )
    .mount(&server)
    .await;
    let api = account(&client);

    let empty = api.refunds(&RefundQuery::default()).await.unwrap();
    assert_eq!((empty.listed(), empty.total_count), (0, Some(0)));
    let refused = api
        .refunds(&RefundQuery {
            id: Some(RefundId::from("70514d0d-887c-11ea-b090-7301f2388603")),
            ..RefundQuery::default()
        })
        .await
        .unwrap_err();
    let (status, code, _) = client_error(refused);
    assert_eq!((status, code.as_deref()), (403, Some("AccessDenied")));
}
