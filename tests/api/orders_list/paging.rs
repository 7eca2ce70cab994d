//! Keyset paging: every row once in each sort, forwards and back, while orders arrive; counts
//! past ten thousand estimated.

use std::collections::{HashMap, HashSet};

use diesel::{RunQueryDsl, sql_query};

use super::{SORTS, fetch, generated::insert_orders, get_partial, ids_by_sql, order_by, world};
use crate::helpers::select_text;

#[tokio::test]
async fn keyset_paging_visits_every_row_once_in_each_sort_even_while_orders_arrive() {
    let (app, admin, accounts, mut rng) = world(140, 11).await;
    let mut conn = app.db.connect();
    for sort in SORTS {
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
