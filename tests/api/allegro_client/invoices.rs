//! Order invoices over HTTP: one call per order in the public media type, the answer and each
//! invoice kept whole (unknown fields, a null number, a file not uploaded yet), a gone order
//! read as `None` rather than a failure, a 403 read as Allegro's refusal, and a 429 retried as
//! every call is.

use allegro_backup::{
    allegro::{ALLEGRO_MEDIA_TYPE, AllegroError},
    domain::CheckoutFormId,
};
use chrono::{TimeZone, Utc};
use serde_json::json;
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{header, method, path},
};

use super::{access_denied, account, client_error, mock, setup, too_many_requests};

const ORDER: &str = "29738e61-7f6a-11e8-ac45-09db60ede9d6";
const PATH: &str = "/order/checkout-forms/29738e61-7f6a-11e8-ac45-09db60ede9d6/invoices";

fn order() -> CheckoutFormId {
    CheckoutFormId::from(ORDER)
}

#[tokio::test]
async fn an_orders_invoices_are_asked_for_in_the_public_media_type_and_kept_whole() {
    let (server, client) = setup().await;
    let answer = json!({
        "orderMode": "REGULAR",
        "invoices": [
            {"id": "56ae349d-8045-4bb3-adcc-7cf6fb420f61", "invoiceNumber": "FV 214/07/2026",
             "createdAt": "2026-07-14T17:50:00.000+02:00",
             "file": {"name": "FV_214_07_2026.pdf", "uploadedAt": "2026-07-14T15:50:03.349Z",
                      "securityVerification": {"status": "WAITING", "verifiedAt": null},
                      "verification": {"status": "NOT_APPLICABLE", "details": []}},
             "brandNew": {"kept": true}},
            {"id": "a7c0e6b2-1d0f-4f63-8f4e-2b7f0f5e9c11", "invoiceNumber": null,
             "createdAt": "2026-07-15T08:00:00Z", "file": null},
            {"id": "c3d1f2a4-5b6e-4c7d-8e9f-0a1b2c3d4e5f", "createdAt": "2026-07-16T08:00:00Z"}
        ],
        "links": [{"id": "l-1", "url": "https://e-paragon.example.pl/r/1",
                   "createdAt": "2026-07-14T16:00:00Z"}],
        "hasExternalInvoices": true,
        "somethingNew": [1, 2]
    });
    Mock::given(method("GET"))
        .and(path(PATH))
        .and(header("accept", ALLEGRO_MEDIA_TYPE))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer.clone()))
        .expect(1)
        .mount(&server)
        .await;

    let got = account(&client).order_invoices(&order()).await.unwrap();

    let got = got.expect("the order exists");
    assert_eq!(got.order_mode.as_deref(), Some("REGULAR"));
    assert!(got.has_external_invoices);
    assert_eq!(
        got.links[0].url.as_deref(),
        Some("https://e-paragon.example.pl/r/1")
    );
    assert_eq!(got.invoices.len(), 3);
    let first = &got.invoices[0];
    assert_eq!(
        first.created_at,
        Some(Utc.with_ymd_and_hms(2026, 7, 14, 15, 50, 0).unwrap()),
        "an offset is read as the instant it names"
    );
    assert_eq!(
        first.file.as_ref().unwrap().security_status(),
        Some("WAITING")
    );
    assert_eq!(
        first.document.to_value(),
        answer["invoices"][0],
        "kept as sent"
    );
    let (unnumbered, no_file) = (&got.invoices[1], &got.invoices[2]);
    assert_eq!(unnumbered.invoice_number, None);
    assert_eq!(
        (unnumbered.file.as_ref(), no_file.file.as_ref()),
        (None, None)
    );
    assert!(got.invoices.iter().all(|i| i.is_pending()));
    assert!(got.needs_reread());
    assert_eq!(
        got.document.to_value(),
        answer,
        "kept whole, unknown fields included"
    );
}

#[tokio::test]
async fn an_order_without_invoices_reads_as_an_empty_list() {
    let (server, client) = setup().await;
    mock(
        "GET",
        PATH,
        ResponseTemplate::new(200).set_body_json(json!({"invoices": [], "links": [],
            "hasExternalInvoices": false, "orderMode": "REGULAR"})),
    )
    .mount(&server)
    .await;

    let got = account(&client)
        .order_invoices(&order())
        .await
        .unwrap()
        .unwrap();

    assert!(got.invoices.is_empty() && got.links.is_empty() && !got.needs_reread());
}

#[tokio::test]
async fn a_gone_order_is_none_and_a_missing_scope_is_a_403() {
    let (server, client) = setup().await;
    let gone = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
    mock(
        "GET",
        &format!("/order/checkout-forms/{gone}/invoices"),
        ResponseTemplate::new(404).set_body_json(json!({"errors": [
            {"code": "CheckoutFormNotFoundException", "message": "Checkout form not found"}]})),
    )
    .expect(1)
    .mount(&server)
    .await;
    mock("GET", PATH, access_denied()).mount(&server).await;
    let api = account(&client);

    let missing = api.order_invoices(&CheckoutFormId::from(gone)).await;
    assert!(matches!(missing, Ok(None)), "{missing:?}");
    let refused = api.order_invoices(&order()).await.unwrap_err();
    let (status, code, _) = client_error(refused);
    assert_eq!((status, code.as_deref()), (403, Some("AccessDenied")));
}

#[tokio::test]
async fn a_429_is_retried_and_a_lasting_server_error_is_not_a_gone_order() {
    let (server, client) = setup().await;
    mock("GET", PATH, too_many_requests("0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    mock(
        "GET",
        PATH,
        ResponseTemplate::new(200).set_body_json(json!({"invoices": []})),
    )
    .up_to_n_times(1)
    .expect(1)
    .mount(&server)
    .await;
    mock("GET", PATH, ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let api = account(&client);

    let after_429 = api.order_invoices(&order()).await.unwrap();
    assert!(after_429.is_some_and(|i| i.invoices.is_empty()));
    let failed = api.order_invoices(&order()).await.unwrap_err();
    assert!(
        matches!(failed, AllegroError::Server { status: 503 }),
        "{failed:?}"
    );
}
