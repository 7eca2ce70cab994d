//! The order storage layer against a real PostgreSQL: bulk upserts, revisions, events, merges.

use allegro_backup::domain::{AccountId, CheckoutFormId};
use allegro_backup::{
    allegro::{CheckoutForm, OrderEvent},
    db::{
        models::{
            order::{self, NewOrder},
            order_event, quarantine,
        },
        schema::allegro_accounts,
    },
    domain::Document,
    sync::map,
};
use chrono::{TimeZone, Utc};
use diesel::{
    dsl::sql,
    prelude::*,
    sql_types::{BigInt, Text},
};
use serde_json::{Value, json};

use crate::helpers::TestDatabase;

fn fixture() -> Value {
    serde_json::from_str(include_str!("allegro_checkout_form.json")).unwrap()
}

/// The fixture with its own checkout form id, revision and line item ids.
pub(crate) fn form(n: usize, revision: &str) -> CheckoutForm {
    let mut raw = fixture();
    raw["id"] = json!(format!("00000000-0000-4000-8000-{n:012}"));
    raw["revision"] = json!(revision);
    if let Some(items) = raw["lineItems"].as_array_mut() {
        for (i, item) in items.iter_mut().enumerate() {
            item["id"] = json!(format!("10000000-0000-4000-8000-{n:08}{i:04}"));
        }
    }
    serde_json::from_value(raw).unwrap()
}

pub(crate) fn create_account(conn: &mut PgConnection, user_id: &str) -> AccountId {
    diesel::insert_into(allegro_accounts::table)
        .values((
            allegro_accounts::environment.eq("sandbox"),
            allegro_accounts::allegro_user_id.eq(user_id),
            allegro_accounts::login.eq(format!("seller_{user_id}")),
            allegro_accounts::status.eq("connected"),
        ))
        .returning(allegro_accounts::id)
        .get_result(conn)
        .unwrap()
}

/// A fresh database with one account (Allegro user "1"); the database is dropped with the first
/// value.
pub(crate) fn database_with_account() -> (TestDatabase, PgConnection, AccountId) {
    let db = TestDatabase::create();
    let mut conn = db.connect();
    let account = create_account(&mut conn, "1");
    (db, conn, account)
}

/// New orders of [`form`] `n` for each `n`, at revision "aaaa0001".
pub(crate) fn new_orders(ns: impl Iterator<Item = usize>) -> Vec<NewOrder> {
    ns.map(|n| map::new_order(&form(n, "aaaa0001"))).collect()
}

/// What an upsert counted.
fn upsert_counts(created: usize, updated: usize, unchanged: usize) -> order::UpsertCounts {
    order::UpsertCounts {
        created,
        updated,
        unchanged,
    }
}

fn count(conn: &mut PgConnection, query: &str) -> i64 {
    diesel::select(sql::<BigInt>(query))
        .get_result(conn)
        .unwrap()
}

#[test]
fn the_first_upsert_creates_orders_line_items_and_one_revision_each() {
    let (_db, mut conn, account) = database_with_account();
    let orders = new_orders(0..3);

    let counts = conn
        .transaction(|c| order::upsert_orders(c, account, &orders))
        .unwrap();

    assert_eq!(counts, upsert_counts(3, 0, 0));
    assert_eq!(order::count_for_account(&mut conn, account).unwrap(), 3);
    assert_eq!(
        count(&mut conn, "(SELECT count(*) FROM order_revisions)"),
        3
    );
    let items_per_form = orders[0].line_items.len() as i64;
    assert_eq!(
        count(&mut conn, "(SELECT count(*) FROM order_line_items)"),
        3 * items_per_form
    );
    let stored = order::find(&mut conn, account, &orders[1].columns.checkout_form_id)
        .unwrap()
        .unwrap();
    assert_eq!(stored.raw, orders[1].document.to_value());
    assert_eq!(stored.content_hash, orders[1].document.hash());
    assert_eq!(
        stored.columns.buyer.login.as_deref(),
        Some("Jan_Kowalski_88")
    );
    assert_eq!(stored.columns.paid_amount.as_deref(), Some("72.79"));
    assert_eq!(stored.columns.total_amount, orders[1].columns.total_amount);
    assert_eq!(stored.columns.bought_at, orders[1].columns.bought_at);
    assert_eq!(
        order::revision_of(&mut conn, account, &orders[1].columns.checkout_form_id).unwrap(),
        Some((Some("aaaa0001".to_owned()), stored.content_hash.clone()))
    );
    assert_eq!(
        order::revision_of(&mut conn, account, &CheckoutFormId::from("missing")).unwrap(),
        None
    );
}

#[test]
fn an_identical_refetch_is_unchanged_adds_no_revision_and_bumps_last_seen() {
    let (_db, mut conn, account) = database_with_account();
    let orders = vec![map::new_order(&form(1, "aaaa0001"))];
    order::upsert_orders(&mut conn, account, &orders).unwrap();
    let before = order::find(&mut conn, account, &orders[0].columns.checkout_form_id)
        .unwrap()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));

    // The same JSON with its keys in another order is the same content.
    let reordered: Value = serde_json::from_str(orders[0].document.text()).unwrap();
    let again: CheckoutForm = serde_json::from_value(reordered).unwrap();
    let counts = order::upsert_orders(&mut conn, account, &[map::new_order(&again)]).unwrap();

    assert_eq!(counts, upsert_counts(0, 0, 1));
    assert_eq!(
        count(&mut conn, "(SELECT count(*) FROM order_revisions)"),
        1
    );
    let after = order::find(&mut conn, account, &orders[0].columns.checkout_form_id)
        .unwrap()
        .unwrap();
    assert!(after.last_seen_at > before.last_seen_at);
    assert_eq!(after.first_seen_at, before.first_seen_at);
    assert_eq!(after.id, before.id);
}

#[test]
fn a_changed_order_is_updated_with_a_second_revision_and_new_line_items() {
    let (_db, mut conn, account) = database_with_account();
    let original = map::new_order(&form(1, "aaaa0001"));
    order::upsert_orders(&mut conn, account, std::slice::from_ref(&original)).unwrap();

    let mut raw = original.document.to_value();
    raw["revision"] = json!("bbbb0002");
    raw["fulfillment"]["status"] = json!("PICKED_UP");
    let mut item = raw["lineItems"][0].clone();
    item["id"] = json!("20000000-0000-4000-8000-000000000001");
    item["price"] = json!({"amount": "10.01", "currency": "PLN"});
    raw["lineItems"] = json!([item]);
    let changed = map::new_order(&serde_json::from_value(raw).unwrap());
    let counts = order::upsert_orders(&mut conn, account, std::slice::from_ref(&changed)).unwrap();

    assert_eq!(counts, upsert_counts(0, 1, 0));
    let stored = order::find(&mut conn, account, &changed.columns.checkout_form_id)
        .unwrap()
        .unwrap();
    assert_eq!(stored.columns.revision.as_deref(), Some("bbbb0002"));
    assert_eq!(
        stored.columns.fulfillment_status.as_deref(),
        Some("PICKED_UP")
    );
    assert_eq!(stored.columns.line_item_count, 1);
    assert_eq!(stored.raw, changed.document.to_value());
    let items = order::line_items(&mut conn, stored.id).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].line_item_id,
        "20000000-0000-4000-8000-000000000001"
    );
    assert_eq!(items[0].price, "10.01");
    let revisions: Vec<(Option<String>, Value)> = diesel::sql_query(REVISIONS_SQL)
        .load::<RevisionRow>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|r| (r.revision, r.raw))
        .collect();
    assert_eq!(
        revisions,
        vec![
            (Some("aaaa0001".to_owned()), original.document.to_value()),
            (Some("bbbb0002".to_owned()), changed.document.to_value())
        ]
    );
}

/// Every revision's document, in order: the current one is held by reference (`raw` NULL means
/// the order's own document).
const REVISIONS_SQL: &str = "SELECT r.revision, COALESCE(r.raw, o.raw) AS raw \
     FROM order_revisions r JOIN orders o ON o.id = r.order_id ORDER BY r.id";

#[derive(QueryableByName)]
struct RevisionRow {
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    revision: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    raw: Value,
}

#[test]
fn a_batch_of_a_thousand_orders_is_stored_and_restored_as_unchanged() {
    let (_db, mut conn, account) = database_with_account();
    let orders = new_orders(0..1000);

    let counts = conn
        .transaction(|c| order::upsert_orders(c, account, &orders))
        .unwrap();
    assert_eq!(counts.created, 1000);

    // Half of them change; a duplicate in the batch counts once (the last copy wins).
    let mut second: Vec<_> = orders.clone();
    for order in second.iter_mut().take(500) {
        let mut raw = order.document.to_value();
        raw["revision"] = json!("bbbb0002");
        order.document = Document::new(&raw);
        order.columns.revision = Some("bbbb0002".to_owned());
    }
    second.push(second[0].clone());
    let counts = conn
        .transaction(|c| order::upsert_orders(c, account, &second))
        .unwrap();
    assert_eq!(counts, upsert_counts(0, 500, 500));
    assert_eq!(order::count_for_account(&mut conn, account).unwrap(), 1000);
    assert_eq!(
        count(&mut conn, "(SELECT count(*) FROM order_revisions)"),
        1500
    );
    let items_per_form = orders[0].line_items.len() as i64;
    assert_eq!(
        count(&mut conn, "(SELECT count(*) FROM order_line_items)"),
        1000 * items_per_form
    );
}

#[test]
fn amounts_are_exact_numerics() {
    let (_db, mut conn, account) = database_with_account();
    let orders: Vec<_> = (0..3)
        .map(|n| {
            let mut raw = fixture();
            raw["id"] = json!(format!("00000000-0000-4000-8000-{n:012}"));
            raw["summary"]["totalToPay"] = json!({"amount": "72.97", "currency": "PLN"});
            map::new_order(&serde_json::from_value(raw).unwrap())
        })
        .collect();
    order::upsert_orders(&mut conn, account, &orders).unwrap();

    let sum: String = diesel::select(sql::<Text>("(SELECT sum(total_amount)::text FROM orders)"))
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(sum, "218.91");
    let exact: bool = diesel::select(sql::<diesel::sql_types::Bool>(
        "(SELECT sum(total_amount) = 218.91 FROM orders)",
    ))
    .get_result(&mut conn)
    .unwrap();
    assert!(exact);
}

#[test]
fn events_are_stored_once() {
    let (_db, mut conn, account) = database_with_account();
    let events: Vec<_> = ["999", "1000", "1784020205470113", "1000"]
        .iter()
        .map(|id| {
            let event: OrderEvent = serde_json::from_value(json!({
                "id": id,
                "type": "BOUGHT",
                "occurredAt": "2026-07-14T09:12:32.321Z",
                "order": {"checkoutForm": {"id": "00000000-0000-4000-8000-000000000001"}}
            }))
            .unwrap();
            map::new_event(&event)
        })
        .collect();

    assert_eq!(
        order_event::insert_events(&mut conn, account, &events).unwrap(),
        3
    );
    assert_eq!(
        order_event::insert_events(&mut conn, account, &events).unwrap(),
        0
    );

    // Journal order, not text order: "999" < "1000".
    let ids: Vec<String> = order_event::for_checkout_form(
        &mut conn,
        account,
        &CheckoutFormId::from("00000000-0000-4000-8000-000000000001"),
    )
    .unwrap()
    .into_iter()
    .map(|e| e.event_id)
    .collect();
    assert_eq!(ids, ["999", "1000", "1784020205470113"]);
    assert_eq!(
        order_event::latest_event_id(&mut conn, account)
            .unwrap()
            .as_deref(),
        Some("1784020205470113")
    );
    // Another account has its own journal.
    let other = create_account(&mut conn, "2");
    assert_eq!(
        order_event::insert_events(&mut conn, other, &events).unwrap(),
        3
    );
}

#[test]
fn merged_orders_are_found_by_line_item_and_kept_marked() {
    let (_db, mut conn, account) = database_with_account();
    let old = new_orders(1..=2);
    order::upsert_orders(&mut conn, account, &old).unwrap();

    // Allegro's new form carries the line items of both old ones.
    let mut raw = old[0].document.to_value();
    raw["id"] = json!("00000000-0000-4000-8000-000000000099");
    let items: Vec<Value> = old
        .iter()
        .flat_map(|o| {
            o.document.to_value()["lineItems"]
                .as_array()
                .unwrap()
                .clone()
        })
        .collect();
    raw["lineItems"] = json!(items);
    let merged = map::new_order(&serde_json::from_value(raw).unwrap());
    let line_item_ids: Vec<String> = merged
        .line_items
        .iter()
        .map(|i| i.line_item_id.clone())
        .collect();

    let found = order::find_by_line_item_ids(&mut conn, account, &line_item_ids).unwrap();
    let mut old_ids: Vec<CheckoutFormId> = found.iter().map(|(form, _)| form.clone()).collect();
    old_ids.dedup();
    assert_eq!(
        old_ids,
        [
            old[0].columns.checkout_form_id.clone(),
            old[1].columns.checkout_form_id.clone()
        ]
    );
    assert_eq!(found.len(), line_item_ids.len());

    order::upsert_orders(&mut conn, account, std::slice::from_ref(&merged)).unwrap();
    assert_eq!(
        order::mark_merged(
            &mut conn,
            account,
            &old_ids,
            &merged.columns.checkout_form_id
        )
        .unwrap(),
        2
    );
    assert_eq!(order::count_for_account(&mut conn, account).unwrap(), 3);
    for id in &old_ids {
        let row = order::find(&mut conn, account, id).unwrap().unwrap();
        assert_eq!(
            row.merged_into.as_deref(),
            Some(merged.columns.checkout_form_id.as_str())
        );
    }
    let new_row = order::find(&mut conn, account, &merged.columns.checkout_form_id)
        .unwrap()
        .unwrap();
    assert_eq!(new_row.merged_into, None);

    // Gone from Allegro: marked once, kept, and cleared when seen again.
    let at = Utc.with_ymd_and_hms(2027, 8, 1, 0, 0, 0).unwrap();
    assert_eq!(
        order::mark_gone(&mut conn, account, &old_ids, at).unwrap(),
        2
    );
    assert_eq!(
        order::mark_gone(&mut conn, account, &old_ids, at).unwrap(),
        0
    );
    let row = order::find(&mut conn, account, &old_ids[0])
        .unwrap()
        .unwrap();
    assert_eq!(row.gone_from_allegro_at, Some(at));
    order::upsert_orders(&mut conn, account, &old[..1]).unwrap();
    let row = order::find(&mut conn, account, &old_ids[0])
        .unwrap()
        .unwrap();
    assert_eq!(row.gone_from_allegro_at, None);
}

#[test]
fn quarantine_keeps_one_row_per_form_and_counts_attempts() {
    let (_db, mut conn, account) = database_with_account();

    quarantine::add(
        &mut conn,
        account,
        Some(&CheckoutFormId::from("form-1")),
        "{bad",
        "EOF while parsing",
    )
    .unwrap();
    let row = quarantine::add(
        &mut conn,
        account,
        Some(&CheckoutFormId::from("form-1")),
        "{worse",
        "still bad",
    )
    .unwrap();
    quarantine::add(&mut conn, account, None, "garbage", "no id").unwrap();
    quarantine::add(&mut conn, account, None, "garbage", "no id").unwrap();

    assert_eq!(row.attempts, 2);
    assert_eq!(row.raw, "{worse");
    assert_eq!(row.error, "still bad");
    assert_eq!(quarantine::list(&mut conn, account).unwrap().len(), 3);
    assert_eq!(
        quarantine::clear(&mut conn, account, &CheckoutFormId::from("form-1")).unwrap(),
        1
    );
    assert_eq!(quarantine::list(&mut conn, account).unwrap().len(), 2);
}

#[test]
fn deleting_an_account_cascades_to_its_orders() {
    let (_db, mut conn, account) = database_with_account();
    order::upsert_orders(&mut conn, account, &[map::new_order(&form(1, "aaaa0001"))]).unwrap();
    diesel::delete(allegro_accounts::table.find(account))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(count(&mut conn, "(SELECT count(*) FROM orders)"), 0);
    assert_eq!(
        count(&mut conn, "(SELECT count(*) FROM order_revisions)"),
        0
    );
    assert_eq!(
        count(&mut conn, "(SELECT count(*) FROM order_line_items)"),
        0
    );
}

/// The revisions of the only order, oldest first: `(revision, raw held)`.
fn revisions_held(conn: &mut PgConnection) -> Vec<(Option<String>, bool)> {
    #[derive(QueryableByName)]
    struct Held {
        #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
        revision: Option<String>,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        held: bool,
    }
    diesel::sql_query("SELECT revision, raw IS NOT NULL AS held FROM order_revisions ORDER BY id")
        .load::<Held>(conn)
        .unwrap()
        .into_iter()
        .map(|h| (h.revision, h.held))
        .collect()
}

#[test]
fn the_current_revision_is_held_by_reference_and_gets_its_copy_when_superseded() {
    let (_db, mut conn, account) = database_with_account();
    let a = map::new_order(&form(1, "aaaa0001"));
    let mut raw = a.document.to_value();
    raw["revision"] = json!("bbbb0002");
    raw["fulfillment"]["status"] = json!("SENT");
    let b = map::new_order(&serde_json::from_value(raw).unwrap());

    // Stored once: the revision points at the order's document.
    conn.transaction(|c| order::upsert_orders(c, account, std::slice::from_ref(&a)))
        .unwrap();
    assert_eq!(
        revisions_held(&mut conn),
        [(Some("aaaa0001".to_owned()), false)]
    );
    // A new version: the superseded one gets its own copy first.
    conn.transaction(|c| order::upsert_orders(c, account, std::slice::from_ref(&b)))
        .unwrap();
    assert_eq!(
        revisions_held(&mut conn),
        [
            (Some("aaaa0001".to_owned()), true),
            (Some("bbbb0002".to_owned()), false)
        ]
    );
    // Back to the first content (Allegro undid a change): no third row, nothing lost.
    conn.transaction(|c| order::upsert_orders(c, account, std::slice::from_ref(&a)))
        .unwrap();
    assert_eq!(
        revisions_held(&mut conn),
        [
            (Some("aaaa0001".to_owned()), true),
            (Some("bbbb0002".to_owned()), true)
        ]
    );
    let documents: Vec<Value> = diesel::sql_query(REVISIONS_SQL)
        .load::<RevisionRow>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|r| r.raw)
        .collect();
    assert_eq!(
        documents,
        [a.document.to_value(), b.document.to_value()],
        "every version reads back whole"
    );
}
