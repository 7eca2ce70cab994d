use std::collections::HashMap;

use super::{fixtures::order, *};
use crate::simulator::data::marketplace;

fn basis(id: &str) -> FeeBasis {
    FeeBasis::of(&order(id)).unwrap()
}

fn paid_at() -> DateTime<Utc> {
    parse_time("2026-07-01T10:05:00Z").unwrap()
}

#[test]
fn each_line_item_is_charged_8_to_12_percent_of_its_value_at_payment() {
    let (mut split, mut delivered) = (0, 0);
    for n in 0..1000 {
        let fees = basis(&format!("o-{n}")).sale_fees(paid_at(), 42);
        let mut per_offer: HashMap<&str, (i64, usize)> = HashMap::new();
        for e in fees.iter().filter(|e| e.kind == &SUC) {
            assert_eq!(e.order.as_deref(), Some(format!("o-{n}").as_str()));
            assert!(e.at > paid_at() && e.at < paid_at() + Duration::days(1) + Duration::hours(2));
            let sum = per_offer.entry(&e.offer.as_ref().unwrap().id).or_default();
            (sum.0, sum.1) = (sum.0 + e.value, sum.1 + 1);
        }
        let mug = -per_offer["174"].0;
        assert!((719..=1080).contains(&mug), "8–12 % of 89.97: {mug}");
        assert_eq!(per_offer["175"], (-1, 1), "at least a grosz, never split");
        split += usize::from(per_offer["174"].1 == 2);
        let fee: Vec<&Entry> = fees.iter().filter(|e| e.kind.id == "HB4").collect();
        if let [fee] = fee[..] {
            assert!((-974..=-454).contains(&fee.value), "35–75 % of 12.99");
            assert!(fee.at >= paid_at() + Duration::days(1));
            delivered += 1;
        }
    }
    assert!((20..=90).contains(&split), "about 5 % split: {split}");
    assert!((850..=950).contains(&delivered), "nine in ten: {delivered}");
}

#[test]
fn offers_are_renewed_every_30_days_after_the_sale_without_naming_the_order() {
    let (mut renewals, mut late) = (0, 0);
    for n in 0..500 {
        for e in basis(&format!("o-{n}")).listing_fees(7) {
            assert_eq!(e.kind, &LIS);
            assert!(e.order.is_none() && e.value < 0);
            let days = (e.at - parse_time("2026-07-01T10:00:00Z").unwrap()).num_days();
            assert!([30, 60, 90].contains(&days), "{days}");
            renewals += 1;
            late += usize::from(e.name_shown_at > e.at);
        }
    }
    assert!(
        (1300..=1700).contains(&renewals),
        "one and a half per offer on average: {renewals}"
    );
    assert!((70..=250).contains(&late), "one in ten named late: {late}");
}

#[test]
fn the_same_seed_gives_the_same_fees_and_another_seed_others() {
    let ids = |seed| -> Vec<Uuid> {
        let b = basis("same");
        let mut fees = b.listing_fees(seed);
        fees.extend(b.sale_fees(paid_at(), seed));
        fees.iter().map(|e| e.id).collect()
    };
    assert_eq!(ids(42), ids(42));
    assert_ne!(ids(42), ids(43));
}

#[test]
fn an_entry_is_shown_as_allegro_writes_it_with_the_name_filled_in_late() {
    let market = marketplace("allegro-cz").unwrap();
    let mut e = fixtures::entry(0, 1, -630, Some("o-1"), Some("174"));
    e.name_shown_at = e.at + Duration::hours(1);
    let early = e.json(-62_682, market, Language::Polish, e.at);
    assert_eq!(early["offer"], json!({"id": "174"}));
    assert_eq!(
        early["value"],
        json!({"amount": "-6.30", "currency": "CZK"})
    );
    assert_eq!(early["balance"]["amount"], "-626.82");
    assert_eq!(early["type"]["name"], "Prowizja od sprzedaży");
    assert_eq!(early["occurredAt"], "2026-07-01T00:00:00.000Z");
    assert_eq!(early["id"], "00000000-0000-0000-0000-000000000001");
    assert_eq!(early["asset"], "DEBIT");
    assert_eq!(early["marketplaceId"], "allegro-cz");
    assert_eq!(early["order"], json!({"id": "o-1"}));
    assert_eq!(early["tax"], json!({"percentage": "23.00"}));
    assert_eq!(early["additionalInfo"], json!([]));
    let later = e.json(-62_682, market, Language::English, e.name_shown_at);
    assert_eq!(later["offer"], json!({"id": "174", "name": "Kubek"}));
    assert_eq!(later["type"]["name"], "Sales commission");
    let credit = fixtures::entry(0, 2, 250, None, None);
    let credit = credit.json(0, market, Language::Polish, credit.at);
    assert_eq!(credit["asset"], "CREDIT");
    assert!(credit.get("offer").is_none() && credit.get("order").is_none());
}

#[test]
fn generated_orders_get_about_five_entries_each_on_average() {
    use rand::SeedableRng;
    let now = parse_time("2026-07-15T12:00:00Z").unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let orders = 2000;
    let mut by_type: std::collections::BTreeMap<&str, usize> = Default::default();
    for i in 0..orders {
        let g = crate::simulator::data::order(&mut rng, now - Duration::hours(i * 4), now, false);
        let b = FeeBasis::of(&g.order).unwrap();
        let mut entries = b.listing_fees(42);
        let paid = g.history.iter().find(|e| e.0 == "READY_FOR_PROCESSING");
        if let Some(&(_, _, at, _)) = paid {
            entries.extend(b.sale_fees(at, 42));
        }
        for e in entries {
            *by_type.entry(e.kind.id).or_default() += 1;
        }
    }
    let per_order = |n: usize| n as f64 / f64::from(orders as u32);
    let total = per_order(by_type.values().sum());
    let shares: Vec<String> = by_type
        .iter()
        .map(|(id, n)| format!("{id} {:.2}", per_order(*n)))
        .collect();
    eprintln!("{total:.2} entries per order: {}", shares.join(", "));
    assert!((4.5..=5.5).contains(&total), "{total} entries per order");
}
