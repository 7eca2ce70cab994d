//! The orders list: filters against hand-written SQL, search, keyset paging, bad input and
//! privacy by role. Orders are inserted straight into the database (fast, and with the awkward
//! cases on purpose: NULL sort keys, ties, DST days, merged orders).
//! Here the world and reading the list; the generated orders in [`generated`]; the tests by
//! theme: filters, search, paging, privacy and the page itself.

mod filters;
mod generated;
mod net_sort;
mod page;
mod paging;
mod people_search;
mod privacy;
mod search;
mod total_sort;

use allegro_backup::domain::{AccountId, Role};
use diesel::{PgConnection, QueryableByName, RunQueryDsl, sql_query, sql_types::Text};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use self::generated::{insert_accounts, insert_orders};
use crate::helpers::{TestApp, select_attr, select_text, spawn_app};

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

/// Every sort the list offers.
const SORTS: [&str; 8] = [
    "bought_desc",
    "bought_asc",
    "updated_desc",
    "updated_asc",
    "total_desc",
    "total_asc",
    "net_desc",
    "net_asc",
];

/// The ORDER BY of a sort, written independently of the application. Sorted by total or net,
/// the orders come in currency groups: PLN, the others alphabetically, none.
fn order_by(sort: &str) -> &'static str {
    match sort {
        "bought_desc" => "o.bought_at DESC NULLS FIRST, o.id DESC",
        "bought_asc" => "o.bought_at ASC NULLS LAST, o.id ASC",
        "updated_desc" => "o.updated_at DESC NULLS FIRST, o.id DESC",
        "updated_asc" => "o.updated_at ASC NULLS LAST, o.id ASC",
        "total_desc" => {
            "(CASE WHEN o.currency = 'PLN' THEN 0 WHEN o.currency IS NULL THEN 2 ELSE 1 END), \
             o.currency, o.total_amount DESC NULLS FIRST, o.id DESC"
        }
        "total_asc" => {
            "(CASE WHEN o.currency = 'PLN' THEN 0 WHEN o.currency IS NULL THEN 2 ELSE 1 END), \
             o.currency, o.total_amount ASC NULLS LAST, o.id ASC"
        }
        "net_desc" => {
            "(CASE WHEN o.currency = 'PLN' THEN 0 WHEN o.currency IS NULL THEN 2 ELSE 1 END), \
             o.currency, (SELECT n.net_amount FROM order_nets n WHERE n.order_id = o.id) \
             DESC NULLS FIRST, o.id DESC"
        }
        "net_asc" => {
            "(CASE WHEN o.currency = 'PLN' THEN 0 WHEN o.currency IS NULL THEN 2 ELSE 1 END), \
             o.currency, (SELECT n.net_amount FROM order_nets n WHERE n.order_id = o.id) \
             ASC NULLS LAST, o.id ASC"
        }
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
    let link = |rel: &str| select_attr(html, &format!("a[rel={rel}]"), "href");
    PageSeen {
        ids: html
            .select(&sel)
            .map(|a| a.value().attr("title").unwrap().to_string())
            .collect(),
        // "5 orders match", "about 12,000 orders match": the number as written.
        count: select_text(html, ".orders-count strong")
            .first()
            .and_then(|text| text.split(" order").next())
            .unwrap_or_default()
            .to_owned(),
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

async fn fetch(app: &TestApp, client: &reqwest::Client, path: &str) -> PageSeen {
    let (status, html) = get_partial(app, client, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {}", html.html());
    read_page(&html)
}

/// Follows the next links from `path`; returns every id in order and the count label.
pub(crate) async fn walk(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (Vec<String>, String) {
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
pub(crate) async fn world(
    n: usize,
    seed: u64,
) -> (TestApp, reqwest::Client, Vec<AccountId>, ChaCha8Rng) {
    let app = spawn_app().await;
    let admin = app.signed_in_client("admin@example.com", Role::Admin).await;
    let mut conn = app.db.connect();
    let accounts = insert_accounts(&mut conn, &["sklep_alfa", "sklep_beta", "sklep_gamma"]);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    insert_orders(&mut conn, &mut rng, &accounts, n);
    (app, admin, accounts, rng)
}

fn encode(pairs: &[(String, String)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}
