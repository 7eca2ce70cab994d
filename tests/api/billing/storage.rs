//! Storing a page of fees straight through the storage layer: what the store leaves behind in
//! the transaction it runs in.

use allegro_backup::{
    db::models::{billing_entry::NewBillingEntry, versioned},
    domain::BillingEntryId,
};
use diesel::Connection;
use serde_json::json;

use crate::helpers::{
    seed::{count, insert_account, text},
    spawn_app,
};

fn entry(id: &str, hash: &str) -> NewBillingEntry {
    NewBillingEntry {
        entry_id: BillingEntryId::from(id),
        occurred_at: None,
        type_id: Some("SUC".to_owned()),
        type_name: Some("Prowizja od sprzedaży".to_owned()),
        offer_id: None,
        offer_name: None,
        checkout_form_id: None,
        marketplace_id: Some("allegro-pl".to_owned()),
        currency: Some("PLN".to_owned()),
        raw: json!({ "id": id }),
        content_hash: hash.to_owned(),
        amount: Some("-1.23".to_owned()),
    }
}

/// The store forces custom plans for its lookup of known ids only. Left on for the rest of the
/// transaction, they had PostgreSQL plan the foreign-key check of every row written afterwards
/// again: a tenth of a first backup's fees.
#[tokio::test]
async fn storing_a_page_leaves_the_plan_cache_mode_as_it_found_it() {
    let app = spawn_app().await;
    let mut conn = app.db.connect();
    let account = insert_account(&mut conn, "sklep_z_prowizjami");

    let (stored, mode) = conn
        .transaction(|conn| {
            let stored = versioned::store(conn, account, &[entry("e-1", "a"), entry("e-2", "b")])?;
            let mode = text(conn, "SELECT current_setting('plan_cache_mode') AS t");
            Ok::<_, diesel::result::Error>((stored, mode))
        })
        .unwrap();

    assert_eq!(mode, "auto");
    assert_eq!(stored.counts.created, 2);
    let versions = count(
        &mut conn,
        "SELECT count(*) AS n FROM billing_entry_versions",
    );
    assert_eq!(versions, 2);
}
