//! The orders list: filters against hand-written SQL, search, keyset paging, bad input and
//! privacy by role. Orders are inserted straight into the database (fast, and with the awkward
//! cases on purpose: NULL sort keys, ties, DST days, merged orders).

use std::collections::{HashMap, HashSet};

use allegro_backup::domain::Role;
use diesel::{
    PgConnection, QueryableByName, RunQueryDsl, sql_query,
    sql_types::{BigInt, Text},
};
use rand::{Rng, SeedableRng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::helpers::{TestApp, select_text, spawn_app};

const FIRST_NAMES: [&str; 8] = [
    "Łucja",
    "Żaneta",
    "Jan",
    "Michał",
    "Anna",
    "Grzegorz",
    "Świętopełk",
    "Ewa",
];
const LAST_NAMES: [&str; 8] = [
    "Wójcik",
    "Kowalski",
    "Źdźbło",
    "Nowak",
    "Łódzka",
    "Gęślą",
    "Ślusarczyk",
    "Zając",
];
const COMPANIES: [&str; 3] = ["Hurtownia Łódź", "Pośpiech sp. z o.o.", "Żółw S.A."];
const OFFERS: [&str; 5] = [
    "Kubek ceramiczny Łódź 300 ml",
    "Zestaw śrubokrętów precyzyjnych",
    "Koszulka bawełniana – rozmiar M",
    "Ładowarka USB-C 65W",
    "Herbata zielona 100 g",
];
const DELIVERIES: [[&str; 2]; 3] = [
    ["inpost-24", "InPost Paczkomat 24/7"],
    ["dpd", "Kurier DPD"],
    ["pickup", "Odbiór osobisty"],
];
const STATUSES: [&str; 4] = ["BOUGHT", "FILLED_IN", "READY_FOR_PROCESSING", "CANCELLED"];
const FULFILLMENTS: [&str; 5] = ["NEW", "PROCESSING", "SENT", "PICKED_UP", "CANCELLED"];
const PAYMENTS: [&str; 3] = ["ONLINE", "CASH_ON_DELIVERY", "WIRE_TRANSFER"];
/// Instants around midnight and the DST changes in Europe/Warsaw (and some ties).
const INSTANTS: [&str; 8] = [
    "2026-03-28 22:59:59+00",
    "2026-03-28 23:00:00+00",
    "2026-03-29 21:59:59+00",
    "2026-03-29 22:00:00+00",
    "2026-10-24 21:59:59+00",
    "2026-10-24 22:00:00+00",
    "2026-10-25 22:59:59+00",
    "2026-10-25 23:00:00+00",
];
const DAYS: [&str; 6] = [
    "2026-03-28",
    "2026-03-29",
    "2026-03-30",
    "2026-10-24",
    "2026-10-25",
    "2026-10-26",
];

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn opt(s: Option<String>) -> String {
    s.map(|s| quote(&s)).unwrap_or_else(|| "NULL".into())
}

/// Inserts allegro accounts; returns their ids.
fn insert_accounts(conn: &mut PgConnection, logins: &[&str]) -> Vec<i64> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
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
fn insert_orders(conn: &mut PgConnection, rng: &mut ChaCha8Rng, accounts: &[i64], n: usize) {
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

#[derive(QueryableByName)]
struct Cf {
    #[diesel(sql_type = Text)]
    checkout_form_id: String,
}

fn ids_by_sql(conn: &mut PgConnection, sql: &str) -> Vec<String> {
    sql_query(sql)
        .load::<Cf>(conn)
        .unwrap_or_else(|e| panic!("{e}: {sql}"))
        .into_iter()
        .map(|c| c.checkout_form_id)
        .collect()
}

/// The ORDER BY of a sort, written independently of the application.
fn order_by(sort: &str) -> &'static str {
    match sort {
        "bought_desc" => "o.bought_at DESC NULLS FIRST, o.id DESC",
        "bought_asc" => "o.bought_at ASC NULLS LAST, o.id ASC",
        "updated_desc" => "o.updated_at DESC NULLS FIRST, o.id DESC",
        "updated_asc" => "o.updated_at ASC NULLS LAST, o.id ASC",
        "total_desc" => "o.total_amount DESC NULLS FIRST, o.id DESC",
        "total_asc" => "o.total_amount ASC NULLS LAST, o.id ASC",
        other => panic!("sort {other}"),
    }
}

/// One page as the partial shows it.
struct PageSeen {
    ids: Vec<String>,
    count: String,
    next: Option<String>,
    prev: Option<String>,
}

fn read_page(html: &Html) -> PageSeen {
    let sel = Selector::parse("a.order-id").unwrap();
    let link = |rel: &str| crate::helpers::select_attr(html, &format!("a[rel={rel}]"), "href");
    PageSeen {
        ids: html
            .select(&sel)
            .map(|a| a.value().attr("title").unwrap().to_string())
            .collect(),
        count: select_text(html, ".orders-count strong")
            .first()
            .cloned()
            .unwrap_or_default(),
        next: link("next"),
        prev: link("prev"),
    }
}

async fn get_partial(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, Html) {
    let response = app.htmx_get_with(client, path).await;
    let status = response.status();
    (
        status,
        Html::parse_document(&response.text().await.unwrap()),
    )
}

async fn full_page(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, Html) {
    let response = app.get_with(client, path).await;
    let status = response.status();
    (
        status,
        Html::parse_document(&response.text().await.unwrap()),
    )
}

async fn fetch(app: &TestApp, client: &reqwest::Client, path: &str) -> PageSeen {
    let (status, html) = get_partial(app, client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {}", html.html());
    read_page(&html)
}

/// Follows the next links from `path`; returns every id in order and the count label.
async fn walk(app: &TestApp, client: &reqwest::Client, path: &str) -> (Vec<String>, String) {
    let first = fetch(app, client, path).await;
    let count = first.count.clone();
    let mut ids = first.ids;
    let mut next = first.next;
    let mut pages = 1;
    while let Some(href) = next {
        let page = fetch(app, client, &href).await;
        assert!(
            !page.ids.is_empty(),
            "an empty page behind a next link: {href}"
        );
        ids.extend(page.ids);
        next = page.next;
        pages += 1;
        assert!(pages < 1000, "paging does not end");
    }
    (ids, count)
}

/// A world of three accounts and `n` orders; an admin client.
async fn world(n: usize, seed: u64) -> (TestApp, reqwest::Client, Vec<i64>, ChaCha8Rng) {
    let app = spawn_app().await;
    let admin = app.signed_in_client("admin@example.com", Role::Admin).await;
    let mut conn = app.db.connect();
    let accounts = insert_accounts(&mut conn, &["sklep_alfa", "sklep_beta", "sklep_gamma"]);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    insert_orders(&mut conn, &mut rng, &accounts, n);
    (app, admin, accounts, rng)
}

/// A random filter set as (query string pairs, SQL conditions written by hand).
fn random_filters(
    rng: &mut ChaCha8Rng,
    accounts: &[i64],
    sample: &[(String, String, String)],
) -> (Vec<(String, String)>, Vec<String>) {
    let fold =
        |e: &str| format!("lower(translate({e}, 'ąćęłńóśźżĄĆĘŁŃÓŚŹŻ', 'acelnoszzACELNOSZZ'))");
    let mut q = Vec::new();
    let mut w = Vec::new();
    let set = |q: &mut Vec<(String, String)>, k: &str, v: String| q.push((k.to_string(), v));
    if rng.random_bool(0.3) {
        let a = *accounts.choose(rng).unwrap();
        set(&mut q, "account", a.to_string());
        w.push(format!("o.account_id = {a}"));
    }
    if rng.random_bool(0.25) {
        let s = STATUSES.choose(rng).unwrap();
        set(&mut q, "status", s.to_lowercase());
        w.push(format!("o.status = '{s}'"));
    }
    if rng.random_bool(0.2) {
        let s = FULFILLMENTS.choose(rng).unwrap();
        set(&mut q, "fulfillment", s.to_string());
        w.push(format!("o.fulfillment_status = '{s}'"));
    }
    if rng.random_bool(0.2) {
        let s = PAYMENTS.choose(rng).unwrap();
        set(&mut q, "payment", s.to_string());
        w.push(format!("o.payment_type = '{s}'"));
    }
    if rng.random_bool(0.2) {
        let d = DELIVERIES.choose(rng).unwrap()[0];
        set(&mut q, "delivery", d.to_string());
        w.push(format!("o.delivery_method_id = '{d}'"));
    }
    if rng.random_bool(0.15) {
        let m = ["allegro-pl", "allegro-cz"].choose(rng).unwrap();
        set(&mut q, "marketplace", m.to_string());
        w.push(format!("o.marketplace_id = '{m}'"));
    }
    if rng.random_bool(0.2) {
        let c = ["PLN", "CZK", "EUR"].choose(rng).unwrap();
        set(&mut q, "currency", c.to_lowercase());
        w.push(format!("o.currency = '{c}'"));
    }
    let zone = "'Europe/Warsaw'";
    let mut from = rng.random_bool(0.3).then(|| *DAYS.choose(rng).unwrap());
    let mut to = rng.random_bool(0.3).then(|| *DAYS.choose(rng).unwrap());
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        (from, to) = (Some(t), Some(f));
    }
    if let Some(d) = from {
        set(&mut q, "bought_from", d.to_string());
        w.push(format!(
            "o.bought_at >= ('{d}'::date::timestamp AT TIME ZONE {zone})"
        ));
    }
    if let Some(d) = to {
        set(&mut q, "bought_to", d.to_string());
        w.push(format!(
            "o.bought_at < (('{d}'::date + 1)::timestamp AT TIME ZONE {zone})"
        ));
    }
    if rng.random_bool(0.2) {
        let v = format!("{}", rng.random_range(0..1500));
        set(&mut q, "min_total", v.clone());
        w.push(format!("o.total_amount >= {v}"));
    }
    if rng.random_bool(0.2) {
        let v = format!(
            "{},{:02}",
            rng.random_range(0..1500),
            rng.random_range(0..100)
        );
        set(&mut q, "max_total", v.clone());
        w.push(format!("o.total_amount <= {}", v.replace(',', ".")));
    }
    if rng.random_bool(0.2) {
        let yes = rng.random_bool(0.5);
        set(
            &mut q,
            "invoice",
            if yes { "yes" } else { "no" }.to_string(),
        );
        w.push(format!("o.invoice_required = {yes}"));
    }
    if rng.random_bool(0.3) {
        set(&mut q, "merged", "1".to_string());
    } else {
        w.push("o.merged_into IS NULL".to_string());
    }
    if rng.random_bool(0.3) {
        let (cf, email, offer) = sample.choose(rng).unwrap();
        let text = match rng.random_range(0..6) {
            0 => "łódź".to_string(),
            1 => "LODZ".to_string(),
            2 => cf[..6].to_string(),
            3 => email.clone(),
            4 => offer.clone(),
            _ => "zajac".to_string(),
        };
        let pattern = quote(&format!("%{text}%"));
        w.push(format!(
            "(o.checkout_form_id LIKE {prefix} \
             OR {buyer} LIKE {pat} \
             OR EXISTS (SELECT 1 FROM order_line_items li WHERE li.order_id = o.id \
                AND {offer} LIKE {pat}))",
            prefix = quote(&format!("{}%", text.to_lowercase())),
            buyer = fold(
                "concat_ws(' ', o.buyer_login, o.buyer_email, o.buyer_first_name, \
                 o.buyer_last_name, o.buyer_company_name)"
            ),
            pat = fold(&pattern),
            offer = fold("concat_ws(' ', li.offer_id, li.offer_name, li.external_id)"),
        ));
        set(&mut q, "q", text);
    }
    (q, w)
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

#[tokio::test]
async fn every_filter_combination_shows_exactly_what_plain_sql_selects() {
    let (app, admin, accounts, mut rng) = world(260, 7).await;
    let mut conn = app.db.connect();
    #[derive(QueryableByName)]
    struct Sample {
        #[diesel(sql_type = Text)]
        cf: String,
        #[diesel(sql_type = Text)]
        email: String,
        #[diesel(sql_type = Text)]
        offer: String,
    }
    let sample: Vec<(String, String, String)> = sql_query(
        "SELECT o.checkout_form_id AS cf, o.buyer_email AS email, li.offer_id AS offer \
         FROM orders o JOIN order_line_items li ON li.order_id = o.id ORDER BY o.id LIMIT 40",
    )
    .load::<Sample>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|s| (s.cf, s.email, s.offer))
    .collect();
    let sorts = [
        "bought_desc",
        "bought_asc",
        "updated_desc",
        "updated_asc",
        "total_desc",
        "total_asc",
    ];
    let mut nonempty = 0;
    for case in 0..120 {
        let (mut pairs, conditions) = random_filters(&mut rng, &accounts, &sample);
        let sort = *sorts.choose(&mut rng).unwrap();
        let size = *["25", "50", "100"].choose(&mut rng).unwrap();
        pairs.push(("sort".into(), sort.into()));
        pairs.push(("page_size".into(), size.into()));
        let query = encode(&pairs);
        let where_sql = if conditions.is_empty() {
            "true".to_string()
        } else {
            conditions.join(" AND ")
        };
        let expected = ids_by_sql(
            &mut conn,
            &format!(
                "SELECT o.checkout_form_id FROM orders o WHERE {where_sql} ORDER BY {}",
                order_by(sort)
            ),
        );
        let (seen, count) = walk(&app, &admin, &format!("/orders?{query}")).await;
        assert_eq!(seen, expected, "case {case}: /orders?{query}");
        assert_eq!(
            count,
            expected.len().to_string(),
            "case {case}: count of {query}"
        );
        nonempty += usize::from(!expected.is_empty());
    }
    assert!(nonempty > 40, "too few cases match anything: {nonempty}");
}

#[tokio::test]
async fn search_folds_case_and_polish_letters_and_finds_ids_and_offers() {
    let (app, admin, _accounts, _) = world(0, 1).await;
    let mut conn = app.db.connect();
    let accounts = insert_accounts(&mut conn, &["sklep_delta"]);
    // The search reads offers from the checkout form itself (the raw JSON), as stored by a sync.
    let form = |id: &str, name: &str, external: Option<&str>| {
        serde_json::json!({"lineItems": [{"offer": {"id": id, "name": name,
            "external": external.map(|e| serde_json::json!({"id": e}))}}]})
        .to_string()
        .replace('\'', "''")
    };
    sql_query(format!(
        "INSERT INTO orders (account_id, checkout_form_id, status, buyer_id, \
         buyer_login, buyer_email, buyer_first_name, buyer_last_name, buyer_company_name, \
         content_hash, raw, bought_at) VALUES \
         ({a}, 'aaaa1111-0000-4000-8000-000000000001', 'READY_FOR_PROCESSING', 'b1', 'kupiec1', \
          'kasia.lis@poczta.pl', 'Kasia', 'Lis', 'Zakład Łódź', 'h', '{first_form}', now()), \
         ({a}, 'bbbb2222-0000-4000-8000-000000000002', 'BOUGHT', 'b2', 'kupiec2', \
          'jan@example.com', 'Jan', 'Bąk', NULL, 'h', '{second_form}', now())",
        a = accounts[0],
        first_form = form("11112222333", "Lampka nocna", None),
        second_form = form("44445555666", "Młynek do kawy żarnowy", Some("SKU-KAWA-9")),
    ))
    .execute(&mut conn)
    .unwrap();
    let first = "aaaa1111-0000-4000-8000-000000000001".to_string();
    let second = "bbbb2222-0000-4000-8000-000000000002".to_string();
    for (q, expected) in [
        ("łódź", vec![first.clone()]),
        ("LODZ", vec![first.clone()]),
        ("Łódź", vec![first.clone()]),
        ("aaaa11", vec![first.clone()]),
        ("AAAA1111-0000", vec![first.clone()]),
        ("kasia.lis@poczta.pl", vec![first.clone()]),
        ("POCZTA", vec![first.clone()]),
        ("mlynek do", vec![second.clone()]),
        ("żarnowy", vec![second.clone()]),
        ("11112222333", vec![first.clone()]),
        ("SKU-KAWA-9", vec![second.clone()]),
        ("bak", vec![second.clone()]),
        ("1111222", vec![first.clone()]),
        ("11112222334", vec![]),
        ("sku-kawa", vec![second.clone()]),
        ("nobody-at-all", vec![]),
        ("100%_", vec![]),
    ] {
        let path = format!("/orders?{}", encode(&[("q".into(), q.into())]));
        let (ids, _) = walk(&app, &admin, &path).await;
        assert_eq!(ids, expected, "search {q}");
    }
}

#[tokio::test]
async fn keyset_paging_visits_every_row_once_in_each_sort_even_while_orders_arrive() {
    let (app, admin, accounts, mut rng) = world(140, 11).await;
    let mut conn = app.db.connect();
    for sort in [
        "bought_desc",
        "bought_asc",
        "updated_desc",
        "updated_asc",
        "total_desc",
        "total_asc",
    ] {
        let old: HashSet<String> = ids_by_sql(
            &mut conn,
            "SELECT checkout_form_id FROM orders WHERE merged_into IS NULL",
        )
        .into_iter()
        .collect();
        // Forwards, with new orders (random keys, some NULL) inserted between requests.
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut page = fetch(&app, &admin, &format!("/orders?sort={sort}&page_size=25")).await;
        loop {
            for id in &page.ids {
                *seen.entry(id.clone()).or_default() += 1;
            }
            insert_orders(&mut conn, &mut rng, &accounts, 6);
            let Some(next) = page.next.clone() else { break };
            page = fetch(&app, &admin, &next).await;
        }
        for id in &old {
            assert_eq!(
                seen.get(id),
                Some(&1),
                "{sort}: old order {id} seen {:?} times",
                seen.get(id)
            );
        }
        assert!(seen.values().all(|n| *n == 1), "{sort}: a row repeated");

        // Backwards from the last page: the same rows in reverse, each once.
        let expected = ids_by_sql(
            &mut conn,
            &format!(
                "SELECT o.checkout_form_id FROM orders o WHERE o.merged_into IS NULL ORDER BY {}",
                order_by(sort)
            ),
        );
        let mut last = fetch(&app, &admin, &format!("/orders?sort={sort}&page_size=25")).await;
        while let Some(next) = last.next.clone() {
            last = fetch(&app, &admin, &next).await;
        }
        let mut backwards = last.ids.clone();
        let mut current = last;
        while let Some(prev) = current.prev.clone() {
            current = fetch(&app, &admin, &prev).await;
            let mut ids = current.ids.clone();
            ids.extend(backwards);
            backwards = ids;
        }
        assert_eq!(backwards, expected, "{sort}: walking back");
    }
}

#[tokio::test]
async fn bad_parameters_get_400_naming_the_parameter() {
    let (app, admin, _, _) = world(30, 3).await;
    let (_, html) = get_partial(&app, &admin, "/orders?page_size=25").await;
    let next = read_page(&html).next.unwrap();
    let other_sort_cursor = next.replace("page_size=25", "page_size=25&sort=total_desc");
    let huge = "a".repeat(500);
    for (path, needle) in [
        ("/orders?bought_from=2026-02-30".to_string(), "bought_from"),
        ("/orders?bought_to=yesterday".to_string(), "bought_to"),
        ("/orders?status=SHIPPED".to_string(), "status"),
        ("/orders?min_total=-5".to_string(), "min_total"),
        ("/orders?max_total=1e9".to_string(), "max_total"),
        ("/orders?cursor=not-a-real-cursor".to_string(), "cursor"),
        (
            "/orders?cursor=eyJzIjoiYm91Z2h0X2Rlc2MiLCJkIjoibiIsImkiOi0xfQ".to_string(),
            "cursor",
        ),
        (other_sort_cursor, "cursor"),
        ("/orders?page_size=7".to_string(), "page_size"),
        ("/orders?sort=price".to_string(), "sort"),
        (format!("/orders?q={huge}"), "q"),
        ("/orders?invoice=maybe".to_string(), "invoice"),
        ("/orders?currency=PLN%27--".to_string(), "currency"),
        ("/orders?q=a&q=b".to_string(), "q"),
    ] {
        let response = admin.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        let body = response.text().await.unwrap();
        assert!(body.contains(needle), "{path}: {body}");
    }
}

#[tokio::test]
async fn a_user_scoped_to_one_account_sees_nothing_of_the_others() {
    let (app, admin, accounts, _) = world(120, 5).await;
    let viewer = app
        .signed_in_client("scoped@example.com", Role::Viewer)
        .await;
    let mut conn = app.db.connect();
    sql_query("UPDATE users SET all_accounts = false WHERE email = 'scoped@example.com'")
        .execute(&mut conn)
        .unwrap();
    sql_query(format!(
        "INSERT INTO user_accounts (user_id, account_id) \
         SELECT id, {} FROM users WHERE email = 'scoped@example.com'",
        accounts[0]
    ))
    .execute(&mut conn)
    .unwrap();
    let mine = ids_by_sql(
        &mut conn,
        &format!(
            "SELECT o.checkout_form_id FROM orders o WHERE o.account_id = {} \
             AND o.merged_into IS NULL ORDER BY {}",
            accounts[0],
            order_by("bought_desc")
        ),
    );
    let (seen, count) = walk(&app, &viewer, "/orders?page_size=100").await;
    assert_eq!(seen, mine);
    assert_eq!(count, mine.len().to_string());

    // The account select offers only the viewer's account.
    let (status, html) = full_page(&app, &viewer, "/orders").await;
    assert_eq!(status, StatusCode::OK);
    let options = select_text(&html, "select[name=account] option");
    assert_eq!(options, ["All accounts", "sklep_alfa"]);

    // Asking for another account, or searching for its orders, finds nothing.
    let theirs = ids_by_sql(
        &mut conn,
        &format!(
            "SELECT checkout_form_id FROM orders WHERE account_id = {} LIMIT 3",
            accounts[1]
        ),
    );
    for path in [
        format!("/orders?account={}", accounts[1]),
        "/orders?account=sklep_beta".to_string(),
        format!("/orders?q={}&merged=1", theirs[0]),
        format!("/orders?q={}&merged=1", &theirs[1][..8]),
    ] {
        let (ids, count) = walk(&app, &viewer, &path).await;
        assert!(ids.is_empty(), "{path}: {ids:?}");
        assert_eq!(count, "0", "{path}");
    }
    // The admin does see them.
    let (ids, _) = walk(&app, &admin, &format!("/orders?q={}&merged=1", theirs[0])).await;
    assert_eq!(ids, [theirs[0].clone()]);
}

#[tokio::test]
async fn hidden_personal_data_is_masked_in_the_list() {
    let (app, admin, _, _) = world(40, 9).await;
    let viewer = app
        .signed_in_client("masked@example.com", Role::Operator)
        .await;
    let mut conn = app.db.connect();
    sql_query("UPDATE users SET hide_personal_data = true WHERE email = 'masked@example.com'")
        .execute(&mut conn)
        .unwrap();
    let (_, plain) = full_page(&app, &admin, "/orders?page_size=100").await;
    let names = select_text(&plain, ".buyer-name");
    assert!(
        names
            .iter()
            .any(|n| LAST_NAMES.iter().any(|l| n.contains(l)))
    );

    let (status, masked) = full_page(&app, &viewer, "/orders?page_size=100").await;
    assert_eq!(status, StatusCode::OK);
    let text = masked.root_element().text().collect::<String>();
    for last in LAST_NAMES {
        assert!(!text.contains(last), "{last} shown to a masked user");
    }
    assert!(
        !text.contains("@example.pl"),
        "an email shown to a masked user"
    );
    let logins = select_text(&masked, ".buyer-login");
    assert!(!logins.is_empty());
    assert!(logins.iter().all(|l| l.contains('*')), "{logins:?}");

    // Searching by personal data finds nothing for them (a hit would confirm it), while order
    // ids still work.
    let last = LAST_NAMES
        .iter()
        .find(|l| names.iter().any(|n| n.contains(*l)))
        .unwrap();
    let path = format!("/orders?{}", encode(&[("q".into(), last.to_string())]));
    let (found_by_admin, _) = walk(&app, &admin, &path).await;
    assert!(!found_by_admin.is_empty());
    let (found_masked, _) = walk(&app, &viewer, &path).await;
    assert!(found_masked.is_empty(), "{last} found by a masked user");
    let id = &found_by_admin[0];
    let (by_id, _) = walk(&app, &viewer, &format!("/orders?q={}", &id[..13])).await;
    assert_eq!(by_id, std::slice::from_ref(id));
}

#[tokio::test]
async fn the_full_page_has_the_filter_form_and_htmx_gets_only_the_results() {
    let (app, admin, _, _) = world(30, 13).await;
    let (status, html) = full_page(
        &app,
        &admin,
        "/orders?status=bought&q=%C5%81%C3%B3d%C5%BA&cursor=",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        crate::helpers::select_attr(&html, "form#order-filters", "hx-push-url").as_deref(),
        Some("true")
    );
    assert_eq!(
        crate::helpers::select_attr(&html, "input[name=q]", "value").as_deref(),
        Some("Łódź")
    );
    assert_eq!(
        crate::helpers::select_attr(&html, "select[name=status] option[selected]", "value")
            .as_deref(),
        Some("BOUGHT")
    );
    let exports = select_text(&html, ".orders-exports a");
    assert_eq!(exports.len(), 3);
    let href = crate::helpers::select_attr(&html, ".orders-exports a", "href").unwrap();
    assert!(href.starts_with("/orders/export?format=csv&"), "{href}");
    assert!(
        href.contains("status=bought") && !href.contains("cursor"),
        "{href}"
    );
    // Delivery methods come from the orders.
    let deliveries = select_text(&html, "select[name=delivery] option");
    assert!(
        deliveries.iter().any(|d| d == "Kurier DPD"),
        "{deliveries:?}"
    );

    // The save-view form carries the filters (without cursor).
    assert_eq!(
        crate::helpers::select_attr(&html, "form#save-view input[name=query]", "value").as_deref(),
        Some("q=%C5%81%C3%B3d%C5%BA&status=bought")
    );

    let response = app
        .htmx_get_with(&admin, "/orders?q=&status=bought&account=&page_size=25")
        .await;
    assert_eq!(
        response.headers()["hx-push-url"].to_str().unwrap(),
        "/orders?status=bought&page_size=25"
    );
    let (status, partial) = get_partial(&app, &admin, "/orders?status=bought").await;
    assert_eq!(status, StatusCode::OK);
    // htmx swaps only the results, and updates the save-view form's copy out of band.
    assert_eq!(
        crate::helpers::select_attr(&partial, "input#view-query[hx-swap-oob]", "value").as_deref(),
        Some("status=bought")
    );
    assert!(crate::helpers::select_attr(&partial, "form#order-filters", "action").is_none());
    assert!(partial.html().contains("orders-count"));
}

#[tokio::test]
async fn counts_past_ten_thousand_are_estimates_and_marks_show_merged_and_gone_orders() {
    let (app, admin, accounts, _) = world(0, 17).await;
    let mut conn = app.db.connect();
    sql_query(format!(
        "INSERT INTO orders (account_id, checkout_form_id, status, buyer_id, content_hash, raw, \
         bought_at, merged_into, gone_from_allegro_at) \
         SELECT {}, md5(g::text), 'BOUGHT', 'b', 'h', '{{}}', now() - g * interval '1 minute', \
           CASE WHEN g = 1 THEN 'ffffffff-0000-4000-8000-000000000000' END, \
           CASE WHEN g = 2 THEN now() END \
         FROM generate_series(1, 10050) g",
        accounts[0]
    ))
    .execute(&mut conn)
    .unwrap();
    let page = fetch(&app, &admin, "/orders?page_size=25").await;
    // More than 10,000 matches: PostgreSQL's estimate, marked as one.
    assert!(page.count.starts_with("about "), "{}", page.count);
    assert_eq!(page.ids.len(), 25);
    let (_, html) = get_partial(&app, &admin, "/orders?bought_to=2099-01-01&merged=1").await;
    let marks = select_text(&html, ".order-mark");
    assert_eq!(marks, ["merged", "no longer on Allegro"]);
    let page = fetch(&app, &admin, "/orders?min_total=1").await;
    assert_eq!(page.count, "0");
}
