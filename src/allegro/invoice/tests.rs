use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use super::*;

/// The example of allegro-api-money.md §7, as printed there.
const REFERENCE_ANSWER: &str = r#"{
  "orderMode": "REGULAR",
  "invoices": [
    {
      "id": "56ae349d-8045-4bb3-adcc-7cf6fb420f61",
      "invoiceNumber": "FV 214/07/2026",
      "createdAt": "2026-07-14T15:50:00.000Z",
      "file": {
        "name": "FV_214_07_2026.pdf",
        "uploadedAt": "2026-07-14T15:50:03.349Z",
        "securityVerification": {"status": "ACCEPTED", "verifiedAt": "2026-07-14T15:50:10.118Z"},
        "verification": {"status": "NOT_APPLICABLE", "details": []}
      }
    }
  ],
  "links": [],
  "hasExternalInvoices": false
}"#;

fn at(h: u32, m: u32, s: u32, ms: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 14, h, m, s).unwrap() + chrono::Duration::milliseconds(ms)
}

#[test]
fn the_reference_example_reads_with_every_field() {
    let answer: OrderInvoices = serde_json::from_str(REFERENCE_ANSWER).unwrap();
    assert_eq!(answer.order_mode.as_deref(), Some("REGULAR"));
    assert!(!answer.has_external_invoices);
    assert!(answer.links.is_empty() && answer.unreadable.is_empty());
    assert_eq!(answer.invoices.len(), 1);
    let invoice = &answer.invoices[0];
    assert_eq!(invoice.id.as_str(), "56ae349d-8045-4bb3-adcc-7cf6fb420f61");
    assert_eq!(invoice.invoice_number.as_deref(), Some("FV 214/07/2026"));
    assert_eq!(invoice.created_at, Some(at(15, 50, 0, 0)));
    let file = invoice.file.as_ref().unwrap();
    assert_eq!(file.name.as_deref(), Some("FV_214_07_2026.pdf"));
    assert_eq!(file.uploaded_at, Some(at(15, 50, 3, 349)));
    assert_eq!(file.security_status(), Some("ACCEPTED"));
    let scan = file.security_verification.as_ref().unwrap();
    assert_eq!(scan.verified_at, Some(at(15, 50, 10, 118)));
    assert_eq!(file.verification_status(), Some("NOT_APPLICABLE"));
    assert!(!invoice.is_pending() && !answer.needs_reread());
    let whole: Value = serde_json::from_str(REFERENCE_ANSWER).unwrap();
    assert_eq!(serde_json::to_value(&answer).unwrap(), whole);
    assert_eq!(invoice.document.to_value(), whole["invoices"][0]);
}

#[test]
fn an_invoice_without_a_file_or_with_a_waiting_scan_is_read_again() {
    let answer: OrderInvoices = serde_json::from_value(json!({
        "invoices": [
            {"id": "a", "invoiceNumber": null, "createdAt": "2026-07-14T15:50:00Z"},
            {"id": "b", "file": null},
            {"id": "c", "file": {"name": "c.pdf", "securityVerification": {"status": "WAITING"}}},
            {"id": "d", "file": {"name": "d.pdf", "securityVerification": {"status": "REJECTED",
                "verifiedAt": "2026-07-14T15:50:10Z"}}}
        ]
    }))
    .unwrap();
    let pending: Vec<bool> = answer.invoices.iter().map(Invoice::is_pending).collect();
    assert_eq!(pending, [true, true, true, false]);
    assert!(answer.needs_reread());
    assert_eq!(answer.invoices[0].invoice_number, None);
    assert_eq!(answer.invoices[1].file, None);
    assert_eq!(answer.order_mode, None, "absent");
    assert!(!answer.has_external_invoices);
}

#[test]
fn unknown_fields_are_kept_and_odd_shapes_read_as_missing() {
    let raw = json!({
        "orderMode": "UKRAINE_EXPORT",
        "hasExternalInvoices": "yes",
        "links": [{"id": "l-1", "url": "https://e-paragon.example/1", "createdAt": "2026-07-14T16:00:00Z"}, 7],
        "invoices": [
            {"id": "x", "invoiceNumber": 12, "createdAt": "yesterday",
             "file": {"name": "x.pdf", "verification": {"status": "ACCEPTED_WITH_WARNINGS",
                      "details": [{"type": "WARNING", "code": "W1", "message": "m"}]}},
             "brandNewField": {"x": [1, 2]}},
            {"invoiceNumber": "FV 1/07/2026"}
        ],
        "somethingElse": true
    });
    let answer: OrderInvoices = serde_json::from_value(raw.clone()).unwrap();
    assert!(!answer.has_external_invoices, "not a boolean");
    assert_eq!(answer.links.len(), 1);
    assert_eq!(
        answer.links[0].url.as_deref(),
        Some("https://e-paragon.example/1")
    );
    let x = &answer.invoices[0];
    assert_eq!((x.invoice_number.as_deref(), x.created_at), (None, None));
    let file = x.file.as_ref().unwrap();
    assert_eq!(file.verification_status(), Some("ACCEPTED_WITH_WARNINGS"));
    assert!(x.is_pending(), "no scan verdict read");
    assert_eq!(
        answer.unreadable,
        [json!({"invoiceNumber": "FV 1/07/2026"})]
    );
    assert_eq!(x.document.to_value(), raw["invoices"][0], "kept as sent");
    assert_eq!(serde_json::to_value(&answer).unwrap(), raw, "kept whole");
}

#[test]
fn an_answer_that_is_not_an_object_does_not_read() {
    assert!(serde_json::from_value::<OrderInvoices>(json!([])).is_err());
    let empty: OrderInvoices = serde_json::from_value(json!({})).unwrap();
    assert!(empty.invoices.is_empty() && !empty.needs_reread());
}
