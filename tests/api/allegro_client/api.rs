//! Requests and responses: headers and the bearer token, query parameters, checkout forms kept
//! whole, events, error mapping, base URLs with a path, and logs without the token.

use allegro_backup::domain::CheckoutFormId;
use std::sync::{Arc, Mutex};

use allegro_backup::allegro::{
    ALLEGRO_MEDIA_TYPE, AllegroError, CheckoutFormQuery, CheckoutFormSort, EventQuery,
};
use chrono::{TimeZone, Utc};
use serde_json::json;
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{header, method, path, query_param},
};

use super::{
    TestTokens, USER_AGENT, account, checkout_form_json, client_error, me_json, mock, setup,
    setup_with,
};

#[tokio::test]
async fn api_calls_send_accept_user_agent_and_the_bearer_token() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("accept", ALLEGRO_MEDIA_TYPE))
        .and(header("user-agent", USER_AGENT))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(me_json()))
        .expect(1)
        .mount(&server)
        .await;
    let api = client.account(TestTokens::new("a", "token-1", "token-2"));

    let me = api.me().await.unwrap();

    assert_eq!(me.id, "104822444");
    assert_eq!(me.login, "sklep_kubki");
    assert_eq!(me.first_name.as_deref(), Some("Anna"));
    assert_eq!(me.raw, me_json());
}

#[tokio::test]
async fn truncated_json_gives_an_invalid_response_with_a_snippet() {
    let (server, client) = setup().await;
    let truncated =
        r#"{"checkoutForms":[{"id":"29738e61-7f6a-11e8-ac45-09db60ede9d6","buyer":{"id":"231"#;
    mock(
        "GET",
        "/order/checkout-forms",
        ResponseTemplate::new(200).set_body_string(truncated),
    )
    .expect(1)
    .mount(&server)
    .await;

    let error = account(&client)
        .checkout_forms(&CheckoutFormQuery::default())
        .await
        .unwrap_err();

    let AllegroError::InvalidResponse { status, snippet } = error else {
        panic!("expected InvalidResponse, got {error:?}");
    };
    assert_eq!(status, 200);
    assert_eq!(snippet, truncated);
}

#[tokio::test]
async fn a_checkout_form_keeps_unknown_fields_in_raw_and_amounts_as_strings() {
    let (server, client) = setup().await;
    let form = checkout_form_json();
    mock(
        "GET",
        "/order/checkout-forms/29738e61-7f6a-11e8-ac45-09db60ede9d6",
        ResponseTemplate::new(200).set_body_json(&form),
    )
    .expect(1)
    .mount(&server)
    .await;

    let got = account(&client)
        .checkout_form(&CheckoutFormId::from(
            "29738e61-7f6a-11e8-ac45-09db60ede9d6",
        ))
        .await
        .unwrap();

    let got_json = got.document.to_value();
    assert_eq!(got_json, form, "the whole object, unknown fields included");
    assert_eq!(
        got_json["somethingAllegroAddsTomorrow"]["nested"],
        json!([1, "two", null])
    );
    assert_eq!(got.status, "READY_FOR_PROCESSING");
    assert_eq!(got.fulfillment_status.as_deref(), Some("SENT"));
    assert_eq!(got.buyer.login.as_deref(), Some("Jan_Kowalski_88"));
    assert_eq!(got.buyer.company_name, None);
    assert!(got.invoice_required);
    assert_eq!(got.marketplace_id.as_deref(), Some("allegro-pl"));
    let payment = got.payment.as_ref().unwrap();
    assert_eq!(
        payment.paid_amount.as_ref().unwrap().amount.as_str(),
        "72.79"
    );
    assert_eq!(payment.provider.as_deref(), Some("P24"));
    let delivery = got.delivery.as_ref().unwrap();
    assert_eq!(
        delivery.pickup_point.as_ref().unwrap().id.as_deref(),
        Some("POZ08A")
    );
    assert_eq!(delivery.cost.as_ref().unwrap().amount.as_str(), "12.99");
    let item = &got.line_items[0];
    assert_eq!(item.offer.external_id(), Some("KUB-330-W"));
    assert_eq!(item.quantity, 2);
    assert_eq!(item.price.amount.as_str(), "29.90");
    assert_eq!(item.price.currency, "PLN");
    assert_eq!(got.total_to_pay.as_ref().unwrap().amount.as_str(), "72.79");
    assert_eq!(got.surcharges_count(), 1);
    assert_eq!(got.revision.as_deref(), Some("819b5836"));
    assert_eq!(
        got.updated_at.unwrap(),
        Utc.with_ymd_and_hms(2026, 7, 14, 9, 12, 40).unwrap() + chrono::Duration::milliseconds(133)
    );
    assert_eq!(
        serde_json::to_value(&got).unwrap(),
        form,
        "serializes back to the original"
    );
}

#[tokio::test]
async fn the_order_list_sends_dotted_filters_and_reads_the_totals() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/order/checkout-forms"))
        .and(query_param("offset", "100"))
        .and(query_param("limit", "50"))
        .and(query_param(
            "lineItems.boughtAt.gte",
            "2026-07-01T00:00:00.000Z",
        ))
        .and(query_param(
            "lineItems.boughtAt.lte",
            "2026-07-31T23:59:59.999Z",
        ))
        .and(query_param("marketplace.id", "allegro-pl"))
        .and(query_param("sort", "lineItems.boughtAt"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"checkoutForms": [checkout_form_json()], "count": 1, "totalCount": 1342}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let query = CheckoutFormQuery {
        offset: 100,
        limit: 50,
        bought_at_gte: Some(Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()),
        bought_at_lte: Some(
            Utc.with_ymd_and_hms(2026, 7, 31, 23, 59, 59).unwrap()
                + chrono::Duration::milliseconds(999),
        ),
        marketplace: Some("allegro-pl".into()),
        sort: Some(CheckoutFormSort::BoughtAtAsc),
        ..CheckoutFormQuery::default()
    };

    let page = account(&client).checkout_forms(&query).await.unwrap();

    assert_eq!(page.count, 1);
    assert_eq!(page.total_count, 1342);
    assert_eq!(
        page.checkout_forms()[0].document.to_value(),
        checkout_form_json()
    );
}

#[tokio::test]
async fn events_are_read_from_a_cursor_with_repeated_type_filters() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/order/events"))
        .and(query_param("from", "1784020205470112"))
        .and(query_param("type", "BOUGHT"))
        .and(query_param("type", "READY_FOR_PROCESSING"))
        .and(query_param("limit", "1000"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"events": [
            {"id": "1784020205482913", "occurredAt": "2026-07-14T09:10:05.48Z", "type": "BOUGHT",
             "order": {"checkoutForm": {"id": "29738e61-7f6a-11e8-ac45-09db60ede9d6", "revision": "4a1c09e2"}}},
            {"id": "1784020352561747", "occurredAt": "2026-07-14T09:12:32Z", "type": "READY_FOR_PROCESSING",
             "order": {"checkoutForm": {"id": "29738e61-7f6a-11e8-ac45-09db60ede9d6"}}, "brandNew": true}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let query = EventQuery {
        from: Some("1784020205470112".parse().unwrap()),
        types: vec!["BOUGHT".into(), "READY_FOR_PROCESSING".into()],
        ..EventQuery::default()
    };

    let events = account(&client).events(&query).await.unwrap();

    assert_eq!(events.len(), 2);
    assert!(events[0].id < events[1].id);
    assert!(query.from.unwrap() < events[0].id);
    assert_eq!(
        events[0].occurred_at,
        Utc.with_ymd_and_hms(2026, 7, 14, 9, 10, 5).unwrap() + chrono::Duration::milliseconds(480)
    );
    assert_eq!(events[0].revision.as_deref(), Some("4a1c09e2"));
    assert_eq!(events[1].revision, None);
    assert_eq!(events[1].raw["brandNew"], json!(true));
}

#[tokio::test]
async fn an_unknown_checkout_form_gives_not_found() {
    let (server, client) = setup().await;
    mock(
        "GET",
        "/order/checkout-forms/29738e61-7f6a-11e8-ac45-09db60ede9d6",
        ResponseTemplate::new(404).set_body_json(json!({"errors": [{
            "code": "CheckoutFormNotFoundException", "message": "Checkout form not found",
            "details": null, "path": null, "userMessage": "Checkout form not found"}]})),
    )
    .expect(1)
    .mount(&server)
    .await;

    let error = account(&client)
        .checkout_form(&CheckoutFormId::from(
            "29738e61-7f6a-11e8-ac45-09db60ede9d6",
        ))
        .await
        .unwrap_err();

    assert!(matches!(error, AllegroError::NotFound), "{error:?}");
}

#[tokio::test]
async fn a_422_gives_a_client_error_with_allegros_message_and_no_retry() {
    let (server, client) = setup().await;
    mock(
        "GET",
        "/order/checkout-forms",
        ResponseTemplate::new(422).set_body_json(json!({"errors": [{
            "code": "VALIDATION_ERROR",
            "message": "Offset and limit parameters exceed maximal result size of 10000 items",
            "details": null, "path": "/order/checkout-forms", "userMessage": null}]})),
    )
    .expect(1)
    .mount(&server)
    .await;
    let query = CheckoutFormQuery {
        offset: 9950,
        ..CheckoutFormQuery::default()
    };

    let error = account(&client).checkout_forms(&query).await.unwrap_err();

    let (status, code, message) = client_error(error);
    assert_eq!(status, 422);
    assert_eq!(code.as_deref(), Some("VALIDATION_ERROR"));
    assert_eq!(
        message,
        "Offset and limit parameters exceed maximal result size of 10000 items"
    );
}

#[tokio::test]
async fn base_urls_with_a_path_prefix_are_honoured() {
    let (server, client) = setup_with(|settings, server| {
        settings.api_url = format!("{}/allegro-api/", server.uri());
    })
    .await;
    mock(
        "GET",
        "/allegro-api/me",
        ResponseTemplate::new(200).set_body_json(me_json()),
    )
    .expect(1)
    .mount(&server)
    .await;

    assert!(account(&client).me().await.is_ok());
}

/// Collects what the tracing subscriber writes.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn errors_are_logged_with_the_trace_id_and_without_the_token() {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (server, client) = setup().await;
    mock(
        "GET",
        "/me",
        ResponseTemplate::new(401)
            .insert_header("Trace-Id", "35eb442d0bb91345")
            .set_body_json(json!({"error": "invalid_token",
                    "error_description": "Access token expired: secret-token-old"})),
    )
    .mount(&server)
    .await;
    let tokens = TestTokens::new("acc-7", "secret-token-old", "secret-token-new");

    let error = client.account(tokens).me().await.unwrap_err();

    assert!(matches!(error, AllegroError::Unauthorized), "{error:?}");
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("trace_id=\"35eb442d0bb91345\"")
            || logs.contains("trace_id=35eb442d0bb91345"),
        "{logs}"
    );
    assert!(logs.contains("acc-7"), "{logs}");
    assert!(!logs.contains("secret-token"), "{logs}");
}
