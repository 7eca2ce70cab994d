//! Generated orders inserted straight into the database, with the awkward cases on purpose:
//! NULL sort keys, ties, DST days, merged orders, Polish letters.

use allegro_backup::domain::AccountId;
use diesel::{PgConnection, QueryableByName, RunQueryDsl, sql_query, sql_types::BigInt};
use rand::{Rng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;

pub(super) const FIRST_NAMES: [&str; 8] = [
    "Łucja",
    "Żaneta",
    "Jan",
    "Michał",
    "Anna",
    "Grzegorz",
    "Świętopełk",
    "Ewa",
];

pub(super) const LAST_NAMES: [&str; 8] = [
    "Wójcik",
    "Kowalski",
    "Źdźbło",
    "Nowak",
    "Łódzka",
    "Gęślą",
    "Ślusarczyk",
    "Zając",
];

pub(super) const COMPANIES: [&str; 3] = ["Hurtownia Łódź", "Pośpiech sp. z o.o.", "Żółw S.A."];

pub(super) const OFFERS: [&str; 5] = [
    "Kubek ceramiczny Łódź 300 ml",
    "Zestaw śrubokrętów precyzyjnych",
    "Koszulka bawełniana – rozmiar M",
    "Ładowarka USB-C 65W",
    "Herbata zielona 100 g",
];

pub(super) const DELIVERIES: [[&str; 2]; 3] = [
    ["inpost-24", "InPost Paczkomat 24/7"],
    ["dpd", "Kurier DPD"],
    ["pickup", "Odbiór osobisty"],
];

pub(super) const STATUSES: [&str; 4] = ["BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING", "CANCELLED"];

pub(super) const FULFILLMENTS: [&str; 5] = ["NEW", "PROCESSING", "SENT", "PICKED_UP", "CANCELLED"];

pub(super) const PAYMENTS: [&str; 3] = ["ONLINE", "CASH_ON_DELIVERY", "WIRE_TRANSFER"];

/// Instants around midnight and the DST changes in Europe/Warsaw (and some ties).
pub(super) const INSTANTS: [&str; 8] = [
    "2026-03-28 22:59:59+00",
    "2026-03-28 23:00:00+00",
    "2026-03-29 21:59:59+00",
    "2026-03-29 22:00:00+00",
    "2026-10-24 21:59:59+00",
    "2026-10-24 22:00:00+00",
    "2026-10-25 22:59:59+00",
    "2026-10-25 23:00:00+00",
];

pub(super) const DAYS: [&str; 6] = [
    "2026-03-28",
    "2026-03-29",
    "2026-03-30",
    "2026-10-24",
    "2026-10-25",
    "2026-10-26",
];

pub(super) fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

pub(super) fn opt(s: Option<String>) -> String {
    s.map(|s| quote(&s)).unwrap_or_else(|| "NULL".into())
}

/// Inserts allegro accounts; returns their ids.
pub(super) fn insert_accounts(conn: &mut PgConnection, logins: &[&str]) -> Vec<AccountId> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: AccountId,
    }
    logins
        .iter()
        .map(|login| {
            sql_query(format!(
                "INSERT INTO allegro_accounts (environment, allegro_user_id, login, status) \
                 VALUES ('simulator', {}, {}, 'connected') RETURNING id",
                quote(&format!("uid-{login}")),
                quote(login)
            ))
            .get_result::<Id>(conn)
            .unwrap()
            .id
        })
        .collect()
}

/// Inserts `n` generated orders (with line items) spread over `accounts`.
pub(super) fn insert_orders(
    conn: &mut PgConnection,
    rng: &mut ChaCha8Rng,
    accounts: &[AccountId],
    n: usize,
) {
    for _ in 0..n {
        let cf = uuid::Uuid::new_v4().to_string();
        let account = *accounts.choose(rng).unwrap();
        let first = FIRST_NAMES.choose(rng).unwrap();
        let last = LAST_NAMES.choose(rng).unwrap();
        let login = format!("{}_{}", first.to_lowercase(), rng.random_range(1..10_000));
        let email = format!("{}.{}@example.pl", login, rng.random_range(1..100));
        let company = rng
            .random_bool(0.2)
            .then(|| COMPANIES.choose(rng).unwrap().to_string());
        let bought = match rng.random_range(0..10) {
            0 => None,
            1..=4 => Some(INSTANTS.choose(rng).unwrap().to_string()),
            _ => Some(format!(
                "2026-{:02}-{:02} {:02}:{:02}:{:02}+00",
                rng.random_range(1..=12),
                rng.random_range(1..=28),
                rng.random_range(0..24),
                rng.random_range(0..60),
                rng.random_range(0..60)
            )),
        };
        let updated = match rng.random_range(0..8) {
            0 => None,
            1 => bought.clone(),
            _ => Some(format!(
                "2026-11-{:02} {:02}:{:02}:00+00",
                rng.random_range(1..=22),
                rng.random_range(0..24),
                rng.random_range(0..60)
            )),
        };
        let (total, currency) = match rng.random_range(0..12) {
            0 => (None, None),
            1 => (Some("100.00".to_string()), Some("PLN")),
            _ => (
                Some(format!(
                    "{}.{:02}",
                    rng.random_range(0..2000),
                    rng.random_range(0..100)
                )),
                Some(*["PLN", "PLN", "CZK", "EUR"].choose(rng).unwrap()),
            ),
        };
        let delivery = rng
            .random_bool(0.9)
            .then(|| DELIVERIES.choose(rng).unwrap());
        let items = rng.random_range(1..=3);
        let merged = rng
            .random_bool(0.1)
            .then(|| uuid::Uuid::new_v4().to_string());
        let row = [
            account.to_string(),
            quote(&cf),
            opt(rng.random_bool(0.9).then(|| {
                ["allegro-pl", "allegro-cz"]
                    .choose(rng)
                    .unwrap()
                    .to_string()
            })),
            quote(STATUSES.choose(rng).unwrap()),
            opt(rng
                .random_bool(0.8)
                .then(|| FULFILLMENTS.choose(rng).unwrap().to_string())),
            quote(&format!("buyer-{}", rng.random_range(0..1_000_000))),
            quote(&login),
            quote(&email),
            quote(first),
            quote(last),
            opt(company),
            total.clone().unwrap_or_else(|| "NULL".into()),
            opt(currency.map(str::to_string)),
            opt(rng
                .random_bool(0.9)
                .then(|| PAYMENTS.choose(rng).unwrap().to_string())),
            opt(delivery.map(|d| d[0].to_string())),
            opt(delivery.map(|d| d[1].to_string())),
            rng.random_bool(0.3).to_string(),
            items.to_string(),
            opt(bought.clone()),
            opt(updated),
            opt(merged),
            if rng.random_bool(0.05) {
                "now()".into()
            } else {
                "NULL".into()
            },
        ]
        .join(", ");
        let mut sql = format!(
            "WITH o AS (INSERT INTO orders (account_id, checkout_form_id, marketplace_id, status, \
             fulfillment_status, buyer_id, buyer_login, buyer_email, buyer_first_name, \
             buyer_last_name, buyer_company_name, total_amount, currency, payment_type, \
             delivery_method_id, delivery_method_name, invoice_required, line_item_count, \
             bought_at, updated_at, merged_into, gone_from_allegro_at, content_hash, raw) \
             VALUES ({row}, 'test', '{{}}') RETURNING id) \
             INSERT INTO order_line_items (order_id, line_item_id, offer_id, offer_name, \
             external_id, quantity, price, currency) SELECT o.id, v.* FROM o, (VALUES "
        );
        let values: Vec<String> = (0..items)
            .map(|i| {
                format!(
                    "({}, {}, {}, {}, {}, 1.00::numeric, 'PLN')",
                    quote(&format!("li-{cf}-{i}")),
                    quote(&format!(
                        "{}",
                        rng.random_range(10_000_000_000u64..99_999_999_999)
                    )),
                    quote(OFFERS.choose(rng).unwrap()),
                    opt(rng
                        .random_bool(0.5)
                        .then(|| format!("EXT-{}", rng.random_range(1000..9999)))),
                    rng.random_range(1..4)
                )
            })
            .collect();
        sql.push_str(&values.join(", "));
        sql.push_str(") AS v(a, b, c, d, e, f, g)");
        sql_query(sql).execute(conn).unwrap();
    }
    // The checkout form JSON holds the line items too, as after a sync (search reads offers
    // from it).
    sql_query(
        "UPDATE orders o SET raw = jsonb_build_object('lineItems', (\
           SELECT jsonb_agg(jsonb_build_object('id', li.line_item_id, 'offer', \
             jsonb_build_object('id', li.offer_id, 'name', li.offer_name, 'external', \
               CASE WHEN li.external_id IS NOT NULL THEN jsonb_build_object('id', li.external_id) END)) \
             ORDER BY li.id) \
           FROM order_line_items li WHERE li.order_id = o.id)) \
         WHERE o.raw = '{}'",
    )
    .execute(conn)
    .unwrap();
}
