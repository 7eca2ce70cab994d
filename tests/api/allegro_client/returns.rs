//! Customer returns over HTTP: the beta media type in `Accept`, the list query as Allegro
//! names it, every return kept whole, and a 403 read as Allegro's refusal.

use allegro_backup::{
    allegro::{ALLEGRO_BETA_MEDIA_TYPE, AllegroError, CustomerReturnQuery},
    domain::{CheckoutFormId, CustomerReturnId},
};
use chrono::{TimeZone, Utc};
use serde_json::json;
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{header, method, path, query_param},
};

use super::{access_denied, account, client_error, mock, setup};

#[tokio::test]
async fn returns_are_asked_for_in_the_beta_media_type_with_the_list_query() {
    let (server, client) = setup().await;
    let listed = json!({
        "id": "b2c4b9ce-3f10-4c1e-9a52-6c3d2f7a1e05",
        "orderId": "29738e61-7f6a-11e8-ac45-09db60ede9d6",
        "status": "DELIVERED",
        "items": [{"offerId": "17412345678", "quantity": 1,
                   "price": {"amount": "29.99", "currency": "PLN"}}],
        "newField": {"kept": true}
    });
    Mock::given(method("GET"))
        .and(path("/order/customer-returns"))
        .and(header("accept", ALLEGRO_BETA_MEDIA_TYPE))
        .and(query_param("limit", "1000"))
        .and(query_param("from", "a1"))
        .and(query_param("createdAt.gte", "2024-06-01T00:00:00.000Z"))
        .and(query_param(
            "orderId",
            "29738e61-7f6a-11e8-ac45-09db60ede9d6",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"customerReturns": [listed], "count": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let query = CustomerReturnQuery {
        limit: 1000,
        from: Some(CustomerReturnId::from("a1")),
        created_at_gte: Some(Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap()),
        order_ids: vec![CheckoutFormId::from("29738e61-7f6a-11e8-ac45-09db60ede9d6")],
        ..CustomerReturnQuery::default()
    };
    let page = account(&client).customer_returns(&query).await.unwrap();

    assert_eq!(page.listed(), 1);
    let r = &page.returns()[0];
    assert_eq!(r.status.as_deref(), Some("DELIVERED"));
    assert_eq!(r.items[0].price.as_ref().unwrap().amount.as_str(), "29.99");
    assert_eq!(
        r.document.to_value(),
        listed,
        "kept whole, unknown fields included"
    );
}

#[tokio::test]
async fn an_unknown_return_is_not_found_and_a_missing_scope_is_a_403() {
    let (server, client) = setup().await;
    mock(
        "GET",
        "/order/customer-returns/nope",
        ResponseTemplate::new(404).set_body_json(json!({"errors": [
            {"code": "CustomerReturnNotFoundException", "message": "not found"}]})),
    )
    .mount(&server)
    .await;
    mock("GET", "/order/customer-returns", access_denied())
        .mount(&server)
        .await;
    let api = account(&client);

    let missing = api
        .customer_return(&CustomerReturnId::from("nope"))
        .await
        .unwrap_err();
    assert!(matches!(missing, AllegroError::NotFound), "{missing:?}");
    let refused = api
        .customer_returns(&CustomerReturnQuery::default())
        .await
        .unwrap_err();
    let (status, code, _) = client_error(refused);
    assert_eq!((status, code.as_deref()), (403, Some("AccessDenied")));
}
