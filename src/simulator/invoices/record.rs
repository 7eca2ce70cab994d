//! What one order shows at its invoices endpoint, decided once from the order (whether the
//! buyer asked for an invoice, when it was paid) with a generator seeded by the world's seed and
//! the order's id, so the same seed always gives the same invoices. Each invoice's life is
//! planned at once: created some hours to a few days after the payment, its PDF uploaded with
//! it (now and then later), then scanned (`WAITING` → `ACCEPTED`, rarely `REJECTED`); what it
//! shows is read at the simulated clock (allegro-api-money.md §7, §9).

use chrono::{DateTime, Datelike, Duration, Utc};
use chrono_tz::Europe::Warsaw;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::simulator::data::{format_time, millis, parse_time, seeded, uuid_v4};

/// The numbering series of regular invoices (`FV 214/07/2026`).
pub(crate) const REGULAR: &str = "FV";
/// The numbering series of correction invoices (`FK 3/07/2026`).
pub(crate) const CORRECTION: &str = "FK";

/// Of every thousand paid orders whose buyer asked for an invoice, how many get one through
/// Allegro (the others are invoiced outside it).
const REQUIRED_INVOICED: u32 = 970;
/// Of every thousand paid orders whose buyer did not ask, how many still get one through
/// Allegro, and how many one outside it.
const UNASKED_INVOICED: u32 = 20;
const UNASKED_EXTERNAL: u32 = 15;

/// One invoice with its whole planned life.
pub(crate) struct InvoiceRecord {
    pub id: String,
    pub created_at: DateTime<Utc>,
    /// The series it is numbered in; `None`: uploaded without a number.
    pub series: Option<&'static str>,
    /// When the PDF is uploaded.
    uploaded_at: DateTime<Utc>,
    /// When the scan decides, and what.
    verified_at: DateTime<Utc>,
    verdict: &'static str,
    /// Before the upload `file` is left out, rather than null.
    file_absent: bool,
}

/// An invoice delivered outside Allegro: from `at` on, `hasExternalInvoices` is true and the
/// e-receipt link (if any) is listed.
struct External {
    at: DateTime<Utc>,
    link: Option<Value>,
}

/// Everything one order shows, planned.
pub(crate) struct OrderInvoicing {
    /// In creation order.
    pub invoices: Vec<InvoiceRecord>,
    external: Option<External>,
}

/// `t` plus between `minutes.start` and `minutes.end` minutes, to the millisecond.
fn later(rng: &mut ChaCha8Rng, t: DateTime<Utc>, minutes: std::ops::Range<i64>) -> DateTime<Utc> {
    millis(t + Duration::seconds(rng.random_range(minutes.start * 60..minutes.end * 60)))
}

/// The (year, month) an invoice made at `t` is numbered in: the seller's, in Poland.
pub(crate) fn month_of(t: DateTime<Utc>) -> (i32, u32) {
    let local = t.with_timezone(&Warsaw);
    (local.year(), local.month())
}

/// `FV 214/07/2026`: number `n` of `series` in the month of `created_at`.
fn number_text(series: &str, n: u32, created_at: DateTime<Utc>) -> String {
    let (year, month) = month_of(created_at);
    format!("{series} {n}/{month:02}/{year}")
}

/// The invoices endpoint's answer.
pub(crate) fn answer(invoices: Vec<Value>, link: Option<Value>, external: bool) -> Value {
    json!({
        "invoices": invoices,
        "links": link.into_iter().collect::<Vec<_>>(),
        "hasExternalInvoices": external,
        "orderMode": "REGULAR",
    })
}

impl InvoiceRecord {
    /// An invoice of `series` created at `created_at`: its PDF uploaded with it (nine in ten)
    /// or hours to days later, scanned within hours, rejected one time in forty.
    fn plan(rng: &mut ChaCha8Rng, created_at: DateTime<Utc>, series: Option<&'static str>) -> Self {
        let uploaded_at = if rng.random_bool(0.9) {
            millis(created_at + Duration::milliseconds(rng.random_range(200..10_000)))
        } else {
            later(rng, created_at, 3 * 60..72 * 60)
        };
        let verified_at = later(rng, uploaded_at, 1..6 * 60);
        let rejected = rng.random_range(0..40) == 0;
        Self {
            id: uuid_v4(rng),
            created_at,
            series,
            uploaded_at,
            verified_at,
            verdict: if rejected { "REJECTED" } else { "ACCEPTED" },
            file_absent: rng.random_bool(0.5),
        }
    }

    /// The invoice as the endpoint shows it at `now`, numbered `number` in its series.
    pub(crate) fn json_at(&self, now: DateTime<Utc>, number: Option<u32>) -> Value {
        let number = self
            .series
            .zip(number)
            .map(|(series, n)| number_text(series, n, self.created_at));
        let mut json = json!({
            "id": self.id,
            "invoiceNumber": number,
            "createdAt": format_time(self.created_at, 3),
        });
        if self.uploaded_at <= now {
            json["file"] = self.file_at(now, number.as_deref());
        } else if !self.file_absent {
            json["file"] = Value::Null;
        }
        json
    }

    /// `file` at `now`, once uploaded.
    fn file_at(&self, now: DateTime<Utc>, number: Option<&str>) -> Value {
        let name = number.map_or_else(
            || format!("faktura_{}.pdf", &self.id[..8]),
            |n| format!("{}.pdf", n.replace([' ', '/'], "_")),
        );
        let scan = if self.verified_at <= now {
            json!({"status": self.verdict, "verifiedAt": format_time(self.verified_at, 3)})
        } else {
            json!({"status": "WAITING", "verifiedAt": null})
        };
        json!({
            "name": name,
            "uploadedAt": format_time(self.uploaded_at, 3),
            "securityVerification": scan,
            "verification": {"status": "NOT_APPLICABLE", "details": []},
        })
    }
}

impl OrderInvoicing {
    /// What `order` shows in a world of `seed`, once paid online (`payment.finishedAt`): an
    /// invoice some hours to a few days later for almost every buyer who asked for one and a
    /// few who did not, else now and then one delivered outside Allegro (half of them with an
    /// e-receipt link). `None` when it never shows anything.
    pub(crate) fn for_order(order: &Value, seed: u64) -> Option<Self> {
        let paid = order["payment"]["finishedAt"].as_str()?;
        let mut rng = seeded(seed, "order-invoices", order["id"].as_str()?);
        let roll = rng.random_range(0..1000);
        let (invoiced, external) = if order["invoice"]["required"] == true {
            (roll < REQUIRED_INVOICED, roll >= REQUIRED_INVOICED)
        } else {
            let external = UNASKED_INVOICED..UNASKED_INVOICED + UNASKED_EXTERNAL;
            (roll < UNASKED_INVOICED, external.contains(&roll))
        };
        if !invoiced && !external {
            return None;
        }
        let paid_at = parse_time(paid)?;
        let hours = if rng.random_bool(0.6) { 2..30 } else { 30..96 };
        let created_at = later(&mut rng, paid_at, hours.start * 60..hours.end * 60);
        let series = (rng.random_range(0..50) > 0).then_some(REGULAR);
        let invoices = if invoiced {
            vec![InvoiceRecord::plan(&mut rng, created_at, series)]
        } else {
            vec![]
        };
        let external = external.then(|| External::plan(&mut rng, paid_at));
        Some(Self { invoices, external })
    }

    /// Plans the correction that follows the order's refund, paid back at `refunded_at`: two
    /// times in three, when an invoice was made before it and no correction yet.
    pub(crate) fn add_correction(
        &mut self,
        order_id: &str,
        refunded_at: DateTime<Utc>,
        seed: u64,
    ) -> Option<&InvoiceRecord> {
        let invoiced = self.invoices.iter().any(|r| r.created_at < refunded_at);
        let corrected = self.invoices.iter().any(|r| r.series == Some(CORRECTION));
        let mut rng = seeded(seed, "invoice-correction", order_id);
        if !invoiced || corrected || rng.random_range(0..3) == 0 {
            return None;
        }
        let created_at = later(&mut rng, refunded_at, 60..72 * 60);
        self.invoices
            .push(InvoiceRecord::plan(&mut rng, created_at, Some(CORRECTION)));
        self.invoices.last()
    }

    /// Drops what was to come after `at` (the order was cancelled then); returns the invoices
    /// dropped.
    pub(crate) fn drop_after(&mut self, at: DateTime<Utc>) -> Vec<InvoiceRecord> {
        self.external = self.external.take().filter(|e| e.at <= at);
        let (kept, dropped) = std::mem::take(&mut self.invoices)
            .into_iter()
            .partition(|r| r.created_at <= at);
        self.invoices = kept;
        dropped
    }

    /// The answer at `now`, each invoice numbered by `number`.
    pub(crate) fn answer_at(
        &self,
        now: DateTime<Utc>,
        number: impl Fn(&InvoiceRecord) -> Option<u32>,
    ) -> Value {
        let invoices = self.visible(now).map(|r| r.json_at(now, number(r)));
        let external = self.external.as_ref().filter(|e| e.at <= now);
        let link = external.and_then(|e| e.link.clone());
        answer(invoices.collect(), link, external.is_some())
    }

    /// The invoices made by `now`.
    pub(crate) fn visible(&self, now: DateTime<Utc>) -> impl Iterator<Item = &InvoiceRecord> {
        self.invoices.iter().filter(move |r| r.created_at <= now)
    }
}

impl External {
    /// Delivered an hour to two days after the payment; half the time with an e-receipt link.
    fn plan(rng: &mut ChaCha8Rng, paid_at: DateTime<Utc>) -> Self {
        let at = later(rng, paid_at, 60..48 * 60);
        let link = rng.random_bool(0.5).then(|| {
            let id = uuid_v4(rng);
            let url = format!("https://e-paragon.example.pl/r/{}", &id[..8]);
            json!({"id": id, "url": url, "createdAt": format_time(at, 3)})
        });
        Self { at, link }
    }
}
