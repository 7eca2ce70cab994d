//! Commission refund claims over HTTP: the public media type in `Accept`, the list query as
//! Allegro names it, every claim kept whole with its commission as the JSON number sent, one
//! claim by id, an unknown claim read as not found, a 403 read as Allegro's refusal and a 429
//! waited out and retried.

use allegro_backup::{
    allegro::{ALLEGRO_MEDIA_TYPE, AllegroError, RefundClaimQuery},
    domain::RefundClaimId,
};
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{header, method, path, query_param, query_param_is_missing},
};

use super::{access_denied, account, client_error, mock, setup, too_many_requests};

const ID: &str = "cde11da8-9465-4e97-8db6-d5e24af5885b";

/// The reference's example claim (§4.3) with a field this version has never heard of.
fn claim() -> Value {
    json!({
        "id": ID,
        "status": "IN_PROGRESS",
        "quantity": 1,
        "commission": {"amount": 2.89, "currency": "PLN"},
        "buyer": {"id": "23123123", "login": "Jan_Kowalski_88"},
        "createdAt": "2026-07-25T11:30:11.402+02:00",
        "lineItem": {"id": "62ae358b-8f65-4fc4-9c77-bedf604a2e2b", "quantity": 2,
                     "boughtAt": "2026-07-14T09:10:05.481Z", "offer": {"id": "17412345678"}},
        "type": "MANUAL",
        "brandNew": {"kept": true}
    })
}

#[tokio::test]
async fn claims_are_asked_for_with_the_list_query_and_kept_whole() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/order/refund-claims"))
        .and(header("accept", ALLEGRO_MEDIA_TYPE))
        .and(query_param("limit", "100"))
        .and(query_param("offset", "200"))
        .and(query_param("status", "IN_PROGRESS"))
        .and(query_param("lineItem.offer.id", "17412345678"))
        .and(query_param("buyer.id", "23123123"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"refundClaims": [claim()], "count": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let query = RefundClaimQuery {
        limit: 100,
        offset: 200,
        status: Some("IN_PROGRESS".into()),
        offer_id: Some("17412345678".into()),
        buyer_id: Some("23123123".into()),
    };
    let page = account(&client).refund_claims(&query).await.unwrap();

    assert_eq!((page.count, page.listed()), (1, 1));
    let c = &page.refund_claims()[0];
    assert_eq!(c.id.as_str(), ID);
    assert_eq!(
        c.commission.as_ref().map(|m| m.amount.as_str()),
        Some("2.89"),
        "the number's own text"
    );
    assert_eq!(
        c.created_at,
        Some(
            Utc.with_ymd_and_hms(2026, 7, 25, 9, 30, 11).unwrap()
                + chrono::Duration::milliseconds(402)
        ),
        "an offset is read as the instant it names"
    );
    assert_eq!(
        c.line_item_id.as_deref(),
        Some("62ae358b-8f65-4fc4-9c77-bedf604a2e2b")
    );
    assert_eq!(
        c.document.to_value(),
        claim(),
        "kept whole, unknown fields included, the amount still a number"
    );
}

#[tokio::test]
async fn the_default_query_asks_for_25_from_the_start() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/order/refund-claims"))
        .and(query_param("limit", "25"))
        .and(query_param_is_missing("offset"))
        .and(query_param_is_missing("status"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"refundClaims": [], "count": 0})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let page = account(&client)
        .refund_claims(&RefundClaimQuery::default())
        .await
        .unwrap();
    assert_eq!((page.count, page.listed()), (0, 0));
}

#[tokio::test]
async fn one_claim_is_read_by_id_and_an_unknown_one_is_not_found() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/order/refund-claims/{ID}")))
        .and(header("accept", ALLEGRO_MEDIA_TYPE))
        .respond_with(ResponseTemplate::new(200).set_body_json(claim()))
        .expect(1)
        .mount(&server)
        .await;
    let missing = "00000000-0000-4000-8000-000000000000";
    let m = format!("Claim data not found for id: {missing}.");
    mock(
        "GET",
        &format!("/order/refund-claims/{missing}"),
        ResponseTemplate::new(404).set_body_json(json!({"errors": [{
            "code": "ClaimNotFoundException", "message": m, "details": null, "path": null,
            "userMessage": m, "metadata": {}}]})),
    )
    .mount(&server)
    .await;
    let api = account(&client);

    let found = api.refund_claim(&RefundClaimId::from(ID)).await.unwrap();
    assert_eq!(found.status.as_deref(), Some("IN_PROGRESS"));
    assert_eq!(found.document.to_value(), claim());
    let error = api
        .refund_claim(&RefundClaimId::from(missing))
        .await
        .unwrap_err();
    assert!(matches!(error, AllegroError::NotFound), "{error:?}");
}

#[tokio::test]
async fn a_missing_scope_is_a_403_and_a_429_is_waited_out() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/order/refund-claims"))
        .and(query_param("buyer.id", "1"))
        .respond_with(access_denied())
        .mount(&server)
        .await;
    mock("GET", "/order/refund-claims", too_many_requests("0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    mock(
        "GET",
        "/order/refund-claims",
        ResponseTemplate::new(200).set_body_json(json!({"refundClaims": [claim()], "count": 1})),
    )
    .expect(1)
    .mount(&server)
    .await;
    let api = account(&client);

    let refused = api
        .refund_claims(&RefundClaimQuery {
            buyer_id: Some("1".into()),
            ..RefundClaimQuery::default()
        })
        .await
        .unwrap_err();
    let (status, code, _) = client_error(refused);
    assert_eq!((status, code.as_deref()), (403, Some("AccessDenied")));
    let page = api
        .refund_claims(&RefundClaimQuery::default())
        .await
        .unwrap();
    assert_eq!(
        page.refund_claims()[0].id.as_str(),
        ID,
        "retried after the 429"
    );
}
