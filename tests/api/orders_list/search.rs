//! Search: case and Polish letters folded, order ids, buyers and offers found.

use diesel::{RunQueryDsl, sql_query};

use super::{encode, generated::insert_accounts, walk, world};

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
