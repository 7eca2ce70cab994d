//! Filters against hand-written SQL, and bad parameters refused naming the parameter.

use allegro_backup::domain::AccountId;
use diesel::{QueryableByName, RunQueryDsl, sql_query, sql_types::Text};
use rand::{Rng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;
use reqwest::StatusCode;

use super::{
    SORTS, encode,
    generated::{DAYS, DELIVERIES, FULFILLMENTS, PAYMENTS, STATUSES, quote},
    get_partial, ids_by_sql, order_by, read_page, walk, world,
};

/// A random filter set as (query string pairs, SQL conditions written by hand).
fn random_filters(
    rng: &mut ChaCha8Rng,
    accounts: &[AccountId],
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
    // Filters on one column's exact value: (chance, parameter, values, column, whether the
    // parameter is sent in lower case).
    let exact: [(f64, &str, &[&str], &str, bool); 6] = [
        (0.25, "status", &STATUSES, "o.status", true),
        (
            0.2,
            "fulfillment",
            &FULFILLMENTS,
            "o.fulfillment_status",
            false,
        ),
        (0.2, "payment", &PAYMENTS, "o.payment_type", false),
        (
            0.2,
            "delivery",
            &DELIVERIES.map(|d| d[0]),
            "o.delivery_method_id",
            false,
        ),
        (
            0.15,
            "marketplace",
            &["allegro-pl", "allegro-cz"],
            "o.marketplace_id",
            false,
        ),
        (0.2, "currency", &["PLN", "CZK", "EUR"], "o.currency", true),
    ];
    for (chance, parameter, values, column, lower_case) in exact {
        if rng.random_bool(chance) {
            let v = values.choose(rng).unwrap();
            let sent = if lower_case {
                v.to_lowercase()
            } else {
                v.to_string()
            };
            set(&mut q, parameter, sent);
            w.push(format!("{column} = '{v}'"));
        }
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
    let mut nonempty = 0;
    for case in 0..120 {
        let (mut pairs, conditions) = random_filters(&mut rng, &accounts, &sample);
        let sort = *SORTS.choose(&mut rng).unwrap();
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
