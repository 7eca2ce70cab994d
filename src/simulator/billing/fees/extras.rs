//! The fees of a sale beyond its commission and delivery fee, as a seller's account shows them
//! next to those (allegro-api-money.md §5.3, the types Allegro's tracker quotes):
//!
//! - `FSF`, the commission on the sale of a featured offer: about two offers in five are
//!   featured (decided per offer id, so every sale of an offer agrees), and each line item of
//!   one is charged 1–3 % of its value on top of its `SUC`, with it;
//! - `APF`, the fee for offering Allegro Pay, on an order paid with it (`payment.features`
//!   holds `ALLEGRO_PAY`, ISS-7301, ISS-9174): 1–2 % of what the buyer paid, at payment;
//! - `DTR`, DPD's surcharge on a parcel (a non-standard size, an extra service): one DPD
//!   parcel in two that is charged a delivery fee, one to three days after it.
//!
//! UNCONFIRMED: the reference quotes no rates or shares for these; the numbers above are the
//! simulator's, chosen so that an order's entries come to about five (issue 18). They are drawn
//! from a generator of their own, so the commissions and delivery fees of a seed are the same
//! as without them.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use super::{Charges, Entry, FeeBasis, commission};
use crate::simulator::{
    billing::types::{APF, DTR, FSF, HB1},
    data::seeded,
};

/// Of every hundred offers, how many are featured.
const FEATURED_PERCENT: u32 = 40;
/// The featured-offer commission, in hundredths of a per cent of the line's value.
const FEATURED_BASIS_POINTS: std::ops::RangeInclusive<i64> = 100..=300;
/// The Allegro Pay fee, in hundredths of a per cent of what the buyer paid.
const ALLEGRO_PAY_BASIS_POINTS: std::ops::RangeInclusive<i64> = 100..=200;
/// Of every hundred DPD parcels charged a delivery fee, how many get a surcharge.
const SURCHARGED_PERCENT: u32 = 50;
/// DPD's surcharges in grosze (scaled to the marketplace's currency).
const SURCHARGES: [i64; 4] = [300, 450, 600, 900];

/// Whether offer `id` is featured in the world of `seed`.
fn featured(seed: u64, id: &str) -> bool {
    seeded(seed, "featured-offer", id).random_range(0..100) < FEATURED_PERCENT
}

impl FeeBasis {
    /// The sale's featured-offer commissions, Allegro Pay fee and DPD surcharge; `charged`:
    /// the sale's commissions and delivery fee, charged already.
    pub(super) fn extra_fees(
        &self,
        paid_at: DateTime<Utc>,
        charged: &[Entry],
        seed: u64,
    ) -> Vec<Entry> {
        let mut charges = Charges::new(seed, "sale-extra-fees", self, true);
        for line in &self.lines {
            if featured(seed, &line.offer.id) {
                let rate = charges.rng.random_range(FEATURED_BASIS_POINTS);
                let at = charges.after(paid_at, 1..90);
                let due = commission(line.unit * line.quantity, rate);
                charges.charge(at, &FSF, -due, Some(&line.offer));
            }
        }
        if self.allegro_pay && self.total > 0 {
            let rate = charges.rng.random_range(ALLEGRO_PAY_BASIS_POINTS);
            let at = charges.after(paid_at, 1..90);
            charges.charge(at, &APF, -commission(self.total, rate), None);
        }
        let dpd = charged.iter().find(|e| e.kind == &HB1);
        if let Some(fee) = dpd.filter(|_| charges.rng.random_range(0..100) < SURCHARGED_PERCENT) {
            let surcharge = SURCHARGES[charges.rng.random_range(0..SURCHARGES.len())];
            let days = charges.rng.random_range(1..=3);
            let at = charges.after(fee.at + Duration::days(days), 0..86_400);
            charges.charge(at, &DTR, -self.market.scaled(surcharge), None);
        }
        charges.entries
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{super::fixtures::order, *};
    use crate::simulator::data::parse_time;

    fn paid_at() -> DateTime<Utc> {
        parse_time("2026-07-01T10:05:00Z").unwrap()
    }

    #[test]
    fn a_featured_offers_line_is_charged_one_to_three_percent_more_with_its_commission() {
        let (mut featured_lines, mut lines) = (0, 0);
        for n in 0..500 {
            let mut o = order(&format!("f-{n}"));
            o["lineItems"][0]["offer"]["id"] = json!(format!("{n}"));
            let basis = FeeBasis::of(&o).unwrap();
            let fees = basis.sale_fees(paid_at(), 42);
            let fsf: Vec<&Entry> = fees.iter().filter(|e| e.kind == &FSF).collect();
            let mugs = fsf
                .iter()
                .filter(|e| e.offer.as_ref().unwrap().id.as_ref() == n.to_string());
            let mugs: Vec<&&Entry> = mugs.collect();
            assert_eq!(mugs.len(), usize::from(featured(42, &n.to_string())));
            if let [mug] = mugs[..] {
                assert!(
                    (-270..=-90).contains(&mug.value),
                    "1–3 % of 89.97: {}",
                    mug.value
                );
                assert!(mug.at > paid_at() && mug.at < paid_at() + Duration::seconds(91));
                assert_eq!(mug.order.as_deref(), Some(format!("f-{n}").as_str()));
                featured_lines += 1;
            }
            lines += 1;
            assert!(
                fees.iter().all(|e| e.kind != &APF),
                "paid online, not with Allegro Pay"
            );
        }
        let share = f64::from(featured_lines) / f64::from(lines);
        assert!((0.33..0.47).contains(&share), "about two in five: {share}");
    }

    #[test]
    fn allegro_pay_is_charged_on_the_order_and_a_dpd_parcel_may_be_surcharged_after_its_fee() {
        let (mut surcharged, mut dpd) = (0, 0);
        for n in 0..400 {
            let mut o = order(&format!("p-{n}"));
            o["payment"]["features"] = json!(["ALLEGRO_PAY"]);
            o["summary"] = json!({"totalToPay": {"amount": "103.01", "currency": "PLN"}});
            o["delivery"] = json!({"method": {"name": "Allegro Kurier DPD"},
                                   "cost": {"amount": "15.99", "currency": "PLN"}});
            let fees = FeeBasis::of(&o).unwrap().sale_fees(paid_at(), 7);
            let apf: Vec<&Entry> = fees.iter().filter(|e| e.kind == &APF).collect();
            assert_eq!(apf.len(), 1);
            assert!((-206..=-103).contains(&apf[0].value), "{}", apf[0].value);
            assert!(apf[0].offer.is_none() && apf[0].order.is_some());
            let fee = fees.iter().find(|e| e.kind == &HB1);
            let dtr: Vec<&Entry> = fees.iter().filter(|e| e.kind == &DTR).collect();
            match (fee, &dtr[..]) {
                (Some(fee), [dtr]) => {
                    assert!(dtr.at >= fee.at + Duration::days(1));
                    assert!(dtr.at < fee.at + Duration::days(4));
                    assert!([-300, -450, -600, -900].contains(&dtr.value));
                    assert_eq!(dtr.order.as_deref(), Some(format!("p-{n}").as_str()));
                    surcharged += 1;
                }
                (None, []) | (Some(_), []) => {}
                _ => panic!("a surcharge only follows a DPD fee: {dtr:?}"),
            }
            dpd += usize::from(fee.is_some());
        }
        assert!(dpd > 300, "{dpd}");
        let share = surcharged as f64 / dpd as f64;
        assert!(
            (0.4..0.6).contains(&share),
            "one DPD parcel in two: {share}"
        );
    }
}
