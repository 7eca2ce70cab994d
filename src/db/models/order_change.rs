//! The changes feed (`order_changes`): every stored change of an order, numbered so that a
//! consumer polling with `after=<seq>` never misses one and never sees one twice, even when
//! several syncs write at once. Numbers are drawn from `order_change_head`'s one row inside the
//! writing transaction, so commits happen in number order (see the migration
//! `order_changes`): whatever a reader sees is every change up to some number, without holes.

use chrono::{DateTime, Duration, Utc};
use diesel::{
    prelude::*,
    sql_query,
    sql_types::{Array, BigInt, Nullable, Text, Timestamptz},
};

use crate::{
    db::schema::{order_change_head, order_changes, webhook_endpoints},
    domain::{AccountId, AccountScope, CheckoutFormId},
};

/// What happened to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// First stored.
    Created,
    /// Stored again with a different document (a new revision).
    Updated,
    /// No longer served by Allegro (older than its window); kept here.
    Gone,
    /// One of its documents (a return, a refund, a claim, a fee, a wallet operation, an
    /// invoice) stored anew or with a new version; the change names which resource.
    DocumentsChanged,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 4] = [
        ChangeKind::Created,
        ChangeKind::Updated,
        ChangeKind::Gone,
        ChangeKind::DocumentsChanged,
    ];

    /// The name consumers see (`order.created`, …), as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Created => "order.created",
            ChangeKind::Updated => "order.updated",
            ChangeKind::Gone => "order.gone",
            ChangeKind::DocumentsChanged => "order.documents_changed",
        }
    }

    fn parse(stored: &str) -> Option<ChangeKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == stored)
    }
}

/// A change to record: the order (`orders.id`), what happened, and its revision after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange<'a> {
    pub order_id: i64,
    pub kind: ChangeKind,
    pub revision: Option<&'a str>,
}

/// Records `changes` of `account_id`'s orders, numbered in the given order. Call it inside the
/// transaction that stores them, as late as the transaction allows: from here until the
/// transaction ends, other writers wait to number theirs.
pub fn record(
    conn: &mut PgConnection,
    account_id: AccountId,
    changes: &[NewChange<'_>],
) -> QueryResult<()> {
    let order_ids: Vec<i64> = changes.iter().map(|c| c.order_id).collect();
    let kinds: Vec<&str> = changes.iter().map(|c| c.kind.as_str()).collect();
    let revisions: Vec<Option<&str>> = changes.iter().map(|c| c.revision).collect();
    insert(conn, account_id, &order_ids, &kinds, &revisions, None)
}

/// Numbers and inserts changes given column by column (`resource` for all of them).
fn insert(
    conn: &mut PgConnection,
    account_id: AccountId,
    order_ids: &[i64],
    kinds: &[&str],
    revisions: &[Option<&str>],
    resource: Option<&str>,
) -> QueryResult<()> {
    if order_ids.is_empty() {
        return Ok(());
    }
    sql_query(
        "WITH head AS (
             UPDATE order_change_head SET last_seq = last_seq + cardinality($2::BIGINT[])
             RETURNING last_seq - cardinality($2::BIGINT[]) AS base)
         INSERT INTO order_changes (seq, kind, account_id, order_id, revision, resource)
         SELECT head.base + c.n, c.kind, $1, c.order_id, c.revision, $5
         FROM head, unnest($2::BIGINT[], $3::TEXT[], $4::TEXT[])
             WITH ORDINALITY AS c(order_id, kind, revision, n)",
    )
    .bind::<BigInt, _>(account_id)
    .bind::<Array<BigInt>, _>(order_ids)
    .bind::<Array<Text>, _>(kinds)
    .bind::<Array<Nullable<Text>>, _>(revisions)
    .bind::<Nullable<Text>, _>(resource)
    .execute(conn)
    .map(drop)
}

/// Records one `order.documents_changed` change of `resource` (`returns`, `refunds`,
/// `refund-claims`, `billing-entries`, `payment-operations` or `invoices`) for each of
/// `order_ids` (`orders.id`, each once, in the given order). Call it as late in the storing
/// transaction as [`record`].
pub fn record_documents(
    conn: &mut PgConnection,
    account_id: AccountId,
    resource: &'static str,
    order_ids: &[i64],
) -> QueryResult<()> {
    let kinds = vec![ChangeKind::DocumentsChanged.as_str(); order_ids.len()];
    let revisions = vec![None; order_ids.len()];
    insert(
        conn,
        account_id,
        order_ids,
        &kinds,
        &revisions,
        Some(resource),
    )
}

/// One change as the feed shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    pub changed_at: DateTime<Utc>,
    pub kind: ChangeKind,
    pub account_id: AccountId,
    pub checkout_form_id: CheckoutFormId,
    pub revision: Option<String>,
    /// The resource of an `order.documents_changed` change.
    pub resource: Option<String>,
}

/// A page of the feed: the changes after the cursor the reader may see, and the cursor to ask
/// with next time (past changes the reader may not see too, so it never reads them again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    pub next_after: i64,
}

/// The cursor points before what the retention already pruned: the consumer must list the
/// orders again and continue from [`CursorGone::oldest_after`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CursorGone {
    pub oldest_after: i64,
}

#[derive(QueryableByName)]
struct FeedRow {
    #[diesel(sql_type = Nullable<BigInt>)]
    seq: Option<i64>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    changed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    kind: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    account_id: Option<AccountId>,
    #[diesel(sql_type = Nullable<Text>)]
    checkout_form_id: Option<CheckoutFormId>,
    #[diesel(sql_type = Nullable<Text>)]
    revision: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    resource: Option<String>,
    #[diesel(sql_type = BigInt)]
    last_seq: i64,
    #[diesel(sql_type = BigInt)]
    pruned_through: i64,
}

/// Up to `limit` changes after `after` of the accounts `scope` allows, oldest first. One
/// statement, so the head and the changes come from one snapshot: every change up to the
/// head's number is visible in it (commits happen in number order), so a page shorter than
/// `limit` moves the cursor to the head, past changes of other accounts.
pub fn page_after(
    conn: &mut PgConnection,
    scope: &AccountScope,
    after: i64,
    limit: i64,
) -> QueryResult<Result<ChangesPage, CursorGone>> {
    let rows: Vec<FeedRow> = sql_query(
        "SELECT c.seq, c.changed_at, c.kind, c.account_id, o.checkout_form_id, c.revision,
                c.resource, h.last_seq, h.pruned_through
         FROM order_change_head h
         LEFT JOIN LATERAL (
             SELECT ch.* FROM order_changes ch
             WHERE ch.seq > $1 AND ($2::BIGINT[] IS NULL OR ch.account_id = ANY($2))
               AND EXISTS (SELECT 1 FROM orders WHERE orders.id = ch.order_id)
             ORDER BY ch.seq
             LIMIT $3) c ON TRUE
         LEFT JOIN orders o ON o.id = c.order_id
         ORDER BY c.seq",
    )
    .bind::<BigInt, _>(after)
    .bind::<Nullable<Array<BigInt>>, _>(scope.ids())
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    let Some(head) = rows.first() else {
        return Ok(Ok(ChangesPage {
            changes: vec![],
            next_after: after,
        }));
    };
    let (last_seq, pruned_through) = (head.last_seq, head.pruned_through);
    if after < pruned_through {
        return Ok(Err(CursorGone {
            oldest_after: pruned_through,
        }));
    }
    let changes: Vec<Change> = rows.into_iter().filter_map(into_change).collect();
    let next_after = match changes.last() {
        Some(last) if i64::try_from(changes.len()).unwrap_or(i64::MAX) >= limit => last.seq,
        _ => last_seq.max(after),
    };
    Ok(Ok(ChangesPage {
        changes,
        next_after,
    }))
}

fn into_change(row: FeedRow) -> Option<Change> {
    Some(Change {
        seq: row.seq?,
        changed_at: row.changed_at?,
        kind: ChangeKind::parse(row.kind.as_deref()?)?,
        account_id: row.account_id?,
        checkout_form_id: row.checkout_form_id?,
        revision: row.revision,
        resource: row.resource,
    })
}

/// Deletes the changes older than `keep` (walking from the oldest) and remembers the last
/// number pruned, below which a cursor is answered "gone"; returns how many were deleted.
/// Changes an enabled webhook endpoint has not turned into deliveries yet are kept whatever
/// their age (the webhooks' outbox reads them), so a webhook never skips a change.
pub fn prune(conn: &mut PgConnection, keep: Duration) -> QueryResult<usize> {
    conn.transaction(|conn| {
        let cutoff = Utc::now() - keep;
        let first_kept: Option<i64> = order_changes::table
            .filter(order_changes::changed_at.ge(cutoff))
            .order(order_changes::seq)
            .select(order_changes::seq)
            .first(conn)
            .optional()?;
        let first_kept = match first_kept {
            Some(seq) => seq,
            None => order_change_head::table
                .select(order_change_head::last_seq + 1)
                .first(conn)?,
        };
        let first_unsent: Option<i64> = webhook_endpoints::table
            .filter(webhook_endpoints::disabled_at.is_null())
            .select(diesel::dsl::min(webhook_endpoints::last_seq + 1))
            .first(conn)?;
        let first_kept = first_unsent.map_or(first_kept, |unsent| first_kept.min(unsent));
        let deleted =
            diesel::delete(order_changes::table.filter(order_changes::seq.lt(first_kept)))
                .execute(conn)?;
        if deleted > 0 {
            diesel::update(order_change_head::table)
                .set(
                    order_change_head::pruned_through
                        .eq(greatest(order_change_head::pruned_through, first_kept - 1)),
                )
                .execute(conn)?;
        }
        Ok(deleted)
    })
}

diesel::define_sql_function! {
    /// PostgreSQL's `greatest` of two numbers.
    fn greatest(a: BigInt, b: BigInt) -> BigInt;
}
