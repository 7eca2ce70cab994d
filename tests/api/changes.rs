//! The changes feed's storage (`order_changes`): what stored orders leave in it, paging by
//! `after`, scope, retention, and concurrent writers that commit out of order.

use std::{
    collections::BTreeSet,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use allegro_backup::{
    db::models::{
        order,
        order_change::{self, ChangeKind, ChangesPage, CursorGone, NewChange},
    },
    domain::{AccountScope, CheckoutFormId},
    sync::map,
};
use chrono::Utc;
use diesel::{Connection, PgConnection, RunQueryDsl, sql_query};
use rand::{Rng, SeedableRng, rngs::StdRng};

use crate::storage::{create_account, database_with_account, form, new_orders};

fn page(conn: &mut PgConnection, scope: &AccountScope, after: i64, limit: i64) -> ChangesPage {
    order_change::page_after(conn, scope, after, limit)
        .unwrap()
        .expect("the cursor is not pruned")
}

fn kinds(page: &ChangesPage) -> Vec<(i64, ChangeKind, String)> {
    page.changes
        .iter()
        .map(|c| (c.seq, c.kind, c.checkout_form_id.as_str().to_owned()))
        .collect()
}

#[test]
fn stored_orders_leave_created_updated_and_gone_in_order() {
    let (_db, mut conn, account) = database_with_account();
    let orders = new_orders(0..2);
    conn.transaction(|c| order::upsert_orders(c, account, &orders))
        .unwrap();
    // The same documents again change nothing; a new revision of the first is an update.
    conn.transaction(|c| order::upsert_orders(c, account, &orders))
        .unwrap();
    let changed = map::new_order(&form(0, "aaaa0002"));
    conn.transaction(|c| order::upsert_orders(c, account, std::slice::from_ref(&changed)))
        .unwrap();
    let second = orders[1].columns.checkout_form_id.clone();
    order::mark_gone(
        &mut conn,
        account,
        std::slice::from_ref(&second),
        Utc::now(),
    )
    .unwrap();

    let all = page(&mut conn, &AccountScope::All, 0, 100);
    let first = orders[0].columns.checkout_form_id.as_str().to_owned();
    let second = second.as_str().to_owned();
    let seen = kinds(&all);
    assert_eq!(seen.len(), 4, "{seen:?}");
    let created: BTreeSet<_> = seen[..2]
        .iter()
        .map(|(_, k, id)| (*k, id.clone()))
        .collect();
    assert_eq!(
        created,
        BTreeSet::from([
            (ChangeKind::Created, first.clone()),
            (ChangeKind::Created, second.clone())
        ])
    );
    assert_eq!(seen[2], (3, ChangeKind::Updated, first));
    assert_eq!(all.changes[2].revision.as_deref(), Some("aaaa0002"));
    assert_eq!(seen[3], (4, ChangeKind::Gone, second));
    assert_eq!(all.next_after, 4);

    // Page by page with the cursor: the same changes, each once.
    let mut after = 0;
    let mut paged = vec![];
    loop {
        let p = page(&mut conn, &AccountScope::All, after, 3);
        if p.changes.is_empty() {
            assert_eq!(p.next_after, after, "an empty page keeps the cursor");
            break;
        }
        paged.extend(kinds(&p));
        after = p.next_after;
    }
    assert_eq!(paged, seen);
}

#[test]
fn a_scoped_reader_sees_its_accounts_and_moves_past_the_others() {
    let (_db, mut conn, mine) = database_with_account();
    let other = create_account(&mut conn, "2");
    let orders = new_orders(0..3);
    conn.transaction(|c| order::upsert_orders(c, other, &orders[..2]))
        .unwrap();
    conn.transaction(|c| order::upsert_orders(c, mine, &orders[2..]))
        .unwrap();
    conn.transaction(|c| order::upsert_orders(c, other, &new_orders(5..6)))
        .unwrap();

    let scope = AccountScope::Only(vec![mine]);
    let p = page(&mut conn, &scope, 0, 100);
    assert_eq!(p.changes.len(), 1);
    assert_eq!(p.changes[0].account_id, mine);
    assert_eq!(p.changes[0].seq, 3);
    // The short page moves the cursor to the newest change, the other account's included.
    assert_eq!(p.next_after, 4);
    let nothing = page(&mut conn, &AccountScope::Only(vec![]), 0, 100);
    assert!(nothing.changes.is_empty());
    assert_eq!(nothing.next_after, 4);
}

#[test]
fn pruned_changes_answer_an_old_cursor_with_where_to_start_again() {
    let (_db, mut conn, account) = database_with_account();
    conn.transaction(|c| order::upsert_orders(c, account, &new_orders(0..3)))
        .unwrap();
    sql_query("UPDATE order_changes SET changed_at = now() - interval '100 days' WHERE seq <= 2")
        .execute(&mut conn)
        .unwrap();
    let deleted = order_change::prune(&mut conn, chrono::Duration::days(90)).unwrap();
    assert_eq!(deleted, 2);
    let gone = order_change::page_after(&mut conn, &AccountScope::All, 1, 10).unwrap();
    assert_eq!(gone, Err(CursorGone { oldest_after: 2 }));
    let p = page(&mut conn, &AccountScope::All, 2, 10);
    assert_eq!(p.changes.len(), 1);
    assert_eq!(p.changes[0].seq, 3);
    // Nothing recent enough: everything goes, and the head remembers it.
    sql_query("UPDATE order_changes SET changed_at = now() - interval '100 days'")
        .execute(&mut conn)
        .unwrap();
    assert_eq!(
        order_change::prune(&mut conn, chrono::Duration::days(90)).unwrap(),
        1
    );
    let gone = order_change::page_after(&mut conn, &AccountScope::All, 2, 10).unwrap();
    assert_eq!(gone, Err(CursorGone { oldest_after: 3 }));
    assert!(
        page(&mut conn, &AccountScope::All, 3, 10)
            .changes
            .is_empty()
    );
}

#[test]
fn changes_an_enabled_webhook_has_not_sent_yet_outlive_the_retention() {
    let (_db, mut conn, account) = database_with_account();
    conn.transaction(|c| order::upsert_orders(c, account, &new_orders(0..4)))
        .unwrap();
    sql_query("UPDATE order_changes SET changed_at = now() - interval '100 days'")
        .execute(&mut conn)
        .unwrap();
    // One endpoint turned the first change into deliveries; a disabled one only none.
    sql_query(
        "INSERT INTO webhook_endpoints (url, events, secret_encrypted, last_seq, disabled_at) \
         VALUES ('http://hooks.example/a', ARRAY['order.created'], 'sealed', 1, NULL), \
                ('http://hooks.example/b', ARRAY['order.created'], 'sealed', 0, now())",
    )
    .execute(&mut conn)
    .unwrap();
    let keep = chrono::Duration::days(90);
    assert_eq!(order_change::prune(&mut conn, keep).unwrap(), 1);
    sql_query("UPDATE webhook_endpoints SET last_seq = 3 WHERE url LIKE '%/a'")
        .execute(&mut conn)
        .unwrap();
    assert_eq!(order_change::prune(&mut conn, keep).unwrap(), 2);
    let left = page(&mut conn, &AccountScope::All, 3, 10);
    assert_eq!(left.changes.len(), 1, "the change not sent yet stays");
}

/// Writers draw numbers, dawdle a random while before committing (or roll back), and a reader
/// polls with its cursor all along: it must see every committed change exactly once, in
/// number order, and the numbers have no holes (a rolled-back writer's are drawn again). With
/// numbers from a plain sequence, a writer committing n+1 before n makes the reader skip n.
#[test]
fn a_polling_reader_misses_nothing_while_writers_commit_out_of_order() {
    let (db, mut conn, account) = database_with_account();
    let orders = new_orders(0..8);
    conn.transaction(|c| order::upsert_orders(c, account, &orders))
        .unwrap();
    let order_ids: Vec<i64> = orders
        .iter()
        .map(|o| order_id(&mut conn, &o.columns.checkout_form_id))
        .collect();
    let order_ids = Arc::new(order_ids);
    let writing = Arc::new(AtomicBool::new(true));

    let writers: Vec<_> = (0..4u64)
        .map(|w| {
            let (url, ids) = (db.url.clone(), Arc::clone(&order_ids));
            std::thread::spawn(move || {
                let mut conn = PgConnection::establish(&url).unwrap();
                let mut rng = StdRng::seed_from_u64(w);
                for _ in 0..40 {
                    let n = rng.random_range(1..4);
                    let changes: Vec<NewChange<'_>> = (0..n)
                        .map(|_| NewChange {
                            order_id: ids[rng.random_range(0..ids.len())],
                            kind: ChangeKind::Updated,
                            revision: None,
                        })
                        .collect();
                    let pause = Duration::from_millis(rng.random_range(0..4));
                    let commit = rng.random_bool(0.8);
                    let _ = conn.transaction(|c| {
                        order_change::record(c, account, &changes)?;
                        std::thread::sleep(pause);
                        if commit {
                            Ok(())
                        } else {
                            Err(diesel::result::Error::RollbackTransaction)
                        }
                    });
                }
            })
        })
        .collect();

    let reader = {
        let (url, writing) = (db.url.clone(), Arc::clone(&writing));
        std::thread::spawn(move || {
            let mut conn = PgConnection::establish(&url).unwrap();
            let (mut after, mut seen) = (created_count(&mut conn), vec![]);
            loop {
                let done = !writing.load(Ordering::SeqCst);
                let p = page(&mut conn, &AccountScope::All, after, 5);
                seen.extend(p.changes.iter().map(|c| c.seq));
                let stuck = p.next_after <= after && !p.changes.is_empty();
                after = p.next_after;
                if done && (p.changes.is_empty() || stuck) {
                    return seen;
                }
            }
        })
    };
    for writer in writers {
        writer.join().unwrap();
    }
    writing.store(false, Ordering::SeqCst);
    let seen = reader.join().unwrap();

    let first = created_count(&mut conn) + 1;
    let stored: Vec<i64> = stored_seqs(&mut conn)
        .into_iter()
        .filter(|s| *s >= first)
        .collect();
    assert!(stored.len() > 100, "the writers committed {}", stored.len());
    assert_eq!(seen, stored, "the reader saw every change once, in order");
    let expected: Vec<i64> = (first..first + stored.len() as i64).collect();
    assert_eq!(stored, expected, "the numbers have no holes");
}

fn order_id(conn: &mut PgConnection, id: &CheckoutFormId) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    sql_query("SELECT id FROM orders WHERE checkout_form_id = $1")
        .bind::<diesel::sql_types::Text, _>(id.as_str())
        .get_result::<Row>(conn)
        .unwrap()
        .id
}

/// The changes the first upsert left (one per order).
fn created_count(conn: &mut PgConnection) -> i64 {
    crate::helpers::seed::count(
        conn,
        "SELECT count(*) AS n FROM order_changes WHERE kind = 'order.created'",
    )
}

fn stored_seqs(conn: &mut PgConnection) -> Vec<i64> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        seq: i64,
    }
    sql_query("SELECT seq FROM order_changes ORDER BY seq")
        .load::<Row>(conn)
        .unwrap()
        .into_iter()
        .map(|r| r.seq)
        .collect()
}
