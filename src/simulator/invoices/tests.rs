//! The plan of an order's invoices and the seller's numbering, without HTTP.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::{
    book::InvoiceBook,
    record::{CORRECTION, OrderInvoicing},
};
use crate::{
    domain::invoice::{SECURITY_VERIFICATION_STATUSES, is_pending},
    simulator::data::parse_time,
};

fn paid_at() -> DateTime<Utc> {
    parse_time("2026-07-10T10:00:00.000Z").unwrap()
}

/// A paid order `n` whose buyer asked for an invoice or not.
fn order(n: usize, required: bool) -> Value {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "payment": {"finishedAt": "2026-07-10T10:00:00.000Z"},
        "invoice": {"required": required},
    })
}

fn time(v: &Value) -> DateTime<Utc> {
    parse_time(v.as_str().unwrap()).unwrap()
}

/// Whether the invoice as served may still change (no file, or a scan waiting).
fn pending(invoice: &Value) -> bool {
    let file = invoice.get("file").filter(|f| !f.is_null());
    let scan = file.and_then(|f| f["securityVerification"]["status"].as_str());
    is_pending(file.is_some(), scan, Some("NOT_APPLICABLE"))
}

#[test]
fn almost_every_buyer_who_asked_gets_an_invoice_and_a_few_others_too() {
    let plans = |required| -> Vec<OrderInvoicing> {
        (0..4000)
            .filter_map(|n| OrderInvoicing::for_order(&order(n, required), 42))
            .collect()
    };
    let asked = plans(true);
    let invoiced = asked.iter().filter(|p| !p.invoices.is_empty()).count();
    assert!((3800..=3960).contains(&invoiced), "{invoiced} of 4000");
    assert_eq!(asked.len(), 4000, "the others are invoiced outside Allegro");
    let unasked = plans(false);
    let invoiced = unasked.iter().filter(|p| !p.invoices.is_empty()).count();
    assert!((40..=130).contains(&invoiced), "{invoiced} of 4000");
    let external = unasked.len() - invoiced;
    assert!((25..=100).contains(&external), "{external} of 4000");

    let mut unpaid = order(1, true);
    unpaid["payment"]["finishedAt"] = Value::Null;
    assert!(
        OrderInvoicing::for_order(&unpaid, 42).is_none(),
        "not paid online"
    );
}

#[test]
fn an_invoice_appears_after_the_payment_and_only_moves_forward() {
    let (mut late_files, mut waiting, mut rejected) = (0, 0, 0);
    for n in 0..600 {
        let Some(plan) = OrderInvoicing::for_order(&order(n, true), 7) else {
            continue;
        };
        let Some(invoice) = plan.invoices.first() else {
            continue;
        };
        let created = invoice.created_at;
        assert!(created >= paid_at() + Duration::hours(2));
        assert!(created <= paid_at() + Duration::days(4));
        assert!(
            plan.answer_at(created - Duration::seconds(1), |_| Some(1))["invoices"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        let at = |t: DateTime<Utc>| plan.answer_at(t, |_| Some(1))["invoices"][0].clone();
        assert_eq!(time(&at(created)["createdAt"]), created);
        // Nine in ten come with their PDF, uploaded within seconds.
        let first = at(created + Duration::seconds(10));
        late_files += usize::from(first.get("file").is_none_or(Value::is_null));
        waiting += usize::from(pending(&first));
        let settled = at(created + Duration::days(10));
        assert!(!pending(&settled), "{settled}");
        let status = settled["file"]["securityVerification"]["status"].as_str();
        assert!(SECURITY_VERIFICATION_STATUSES.contains(&status.unwrap()));
        rejected += usize::from(status == Some("REJECTED"));
        assert!(time(&settled["file"]["uploadedAt"]) >= created);
        let verified = time(&settled["file"]["securityVerification"]["verifiedAt"]);
        assert!(verified > time(&settled["file"]["uploadedAt"]));
    }
    assert!(
        (25..=110).contains(&late_files),
        "{late_files} without a file at first"
    );
    assert!(waiting >= 500, "{waiting}: the scan takes a while");
    assert!(rejected <= 40, "{rejected} rejected");
}

#[test]
fn numbers_run_per_series_and_month_in_creation_order() {
    let mut book = InvoiceBook::new(3);
    let orders: Vec<Value> = (0..300).map(|n| order(n, true)).collect();
    orders.iter().for_each(|o| book.plan(o));
    let later = paid_at() + Duration::days(30);
    let made = book.made_by(later, |_| true);
    assert!(made.len() > 250, "{}", made.len());
    let numbers: Vec<(u32, String)> = made
        .iter()
        .filter_map(|(_, invoice)| invoice["invoiceNumber"].as_str())
        .map(|n| {
            let (n, month) = n.trim_start_matches("FV ").split_once('/').unwrap();
            (n.parse().unwrap(), month.to_owned())
        })
        .collect();
    // Every invoice here is made in July 2026.
    assert!(numbers.iter().all(|n| n.1 == "07/2026"), "{numbers:?}");
    let run: Vec<u32> = numbers.iter().map(|n| n.0).collect();
    let expected: Vec<u32> = (1..=u32::try_from(run.len()).unwrap()).collect();
    assert_eq!(run, expected, "in creation order, no gaps");
    let unnumbered = made.len() - numbers.len();
    assert!(unnumbered <= 20, "{unnumbered} uploaded without a number");
    let (id, first) = &made[0];
    assert_eq!(first["invoiceNumber"], "FV 1/07/2026");
    assert_eq!(first["file"]["name"], "FV_1_07_2026.pdf");

    // A refund a week on brings a correction in its own series; a cancellation drops what
    // was not made yet.
    let refunded = paid_at() + Duration::days(7);
    let corrected = orders
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .filter(|id| {
            book.plan_correction(id, refunded);
            book.answer_at(id, later)["invoices"]
                .as_array()
                .unwrap()
                .len()
                == 2
        })
        .count();
    assert!((120..=280).contains(&corrected), "{corrected}");
    let corrections: Vec<Value> = book
        .made_by(later, |_| true)
        .into_iter()
        .map(|(_, i)| i)
        .filter(|i| {
            i["invoiceNumber"]
                .as_str()
                .is_some_and(|n| n.starts_with(CORRECTION))
        })
        .collect();
    assert_eq!(corrections.len(), corrected);
    assert!(
        corrections[0]["invoiceNumber"]
            .as_str()
            .unwrap()
            .starts_with("FK 1/07/2026")
    );
    book.cancel(id, paid_at());
    assert_eq!(book.answer_at(id, later)["invoices"], json!([]));
    assert_eq!(
        book.made_by(later, |_| true)[0].1["invoiceNumber"],
        "FV 1/07/2026",
        "an invoice never made leaves its series"
    );
}

#[test]
fn an_order_without_anything_answers_an_empty_regular_list() {
    let book = InvoiceBook::new(1);
    assert_eq!(
        book.answer_at("x", paid_at()),
        json!({"invoices": [], "links": [], "hasExternalInvoices": false, "orderMode": "REGULAR"})
    );
}
