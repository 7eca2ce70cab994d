//! What every resource Allegro changes in place and keeps no history of (customer returns,
//! payment refunds, …) stores the same way: one row per resource id within the account,
//! holding the document as last read, and one row per distinct version of it (told apart by
//! the hash of its canonical JSON), so the versions are the status history as the backup saw
//! it. A version's document is kept once: the current version's `raw` is NULL (its resource's
//! row holds it), and a version gets its own copy when a newer one supersedes it (as
//! `order_revisions` do). Here the shared part: the store algorithm, the read of an order's resources with their
//! histories, and `versioned_row!`, which writes a resource's queries from its tables.

use std::{collections::HashMap, hash::Hash};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::domain::AccountId;

/// A resource row ready to store, with the queries on its two tables (written by
/// `versioned_row!`).
pub trait VersionedRow: Sized {
    /// Allegro's id of the resource.
    type Id: Clone + Eq + Hash;
    /// The resource's name in the changes feed and the export (`returns`, …).
    const RESOURCE: &'static str;

    fn external_id(&self) -> &Self::Id;
    fn content_hash(&self) -> &str;
    /// `(id, row id, content hash)` of those of `ids` the account holds.
    fn known(
        conn: &mut PgConnection,
        account_id: AccountId,
        ids: Vec<Self::Id>,
    ) -> QueryResult<Vec<(Self::Id, i64, String)>>;
    /// Adds the resources, each with its first version; `(id, row id)` of each.
    fn insert_all(
        conn: &mut PgConnection,
        account_id: AccountId,
        items: &[&Self],
    ) -> QueryResult<Vec<(Self::Id, i64)>>;
    /// Copies the documents rows `rows` hold now into their current versions, before the rows
    /// are overwritten with newer ones.
    fn keep_superseded(conn: &mut PgConnection, rows: &[i64]) -> QueryResult<()>;
    /// Overwrites row `row` with this version and marks it seen.
    fn update(&self, conn: &mut PgConnection, row: i64) -> QueryResult<()>;
    /// Keeps these versions of these rows (a version kept before is not kept twice).
    fn add_versions(conn: &mut PgConnection, versions: &[(i64, &Self)]) -> QueryResult<()>;
    /// Marks rows `rows` as read now, unchanged.
    fn mark_seen(conn: &mut PgConnection, rows: Vec<i64>) -> QueryResult<()>;
    /// The stored orders (`orders.id`) rows `rows` belong to, each once.
    fn orders_of(conn: &mut PgConnection, rows: &[i64]) -> QueryResult<Vec<i64>>;
}

/// An `orders.id` read by a raw query.
#[derive(QueryableByName)]
pub struct OrderIdRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: i64,
}

/// What storing a page of a resource did, and the rows it stored anew or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    pub counts: StoreCounts,
    pub rows: Vec<i64>,
}

impl Stored {
    /// Records an `order.documents_changed` change for each stored order the new or changed
    /// rows belong to. Call it once the rows are linked to their orders, as late in the
    /// transaction as the changes feed asks (`order_change::record`).
    pub fn record_changes<T: VersionedRow>(
        &self,
        conn: &mut PgConnection,
        account_id: AccountId,
    ) -> QueryResult<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let orders = T::orders_of(conn, &self.rows)?;
        super::order_change::record_documents(conn, account_id, T::RESOURCE, &orders)
    }
}

/// What storing a page of a resource did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreCounts {
    /// Resources seen for the first time.
    pub created: usize,
    /// Known resources that changed (a new version).
    pub changed: usize,
    pub unchanged: usize,
}

impl StoreCounts {
    /// Resources stored with a new version (new or changed).
    pub fn changed_or_created(&self) -> i64 {
        i64::try_from(self.created + self.changed).unwrap_or(i64::MAX)
    }
}

/// Stores `items` of account `account_id`: new ones are added with their first version,
/// changed ones updated with a new version, unchanged ones only marked seen. Call it inside the
/// transaction that also moves the checkpoint.
pub fn store<T: VersionedRow>(
    conn: &mut PgConnection,
    account_id: AccountId,
    items: &[T],
) -> QueryResult<Stored> {
    let known = known_rows::<T>(conn, account_id, items)?;
    let mut counts = StoreCounts::default();
    let (mut unchanged, mut new, mut versions) = (vec![], vec![], vec![]);
    for item in items {
        match known.get(item.external_id()) {
            Some((row, hash)) if hash == item.content_hash() => unchanged.push(*row),
            Some((row, _)) => versions.push((*row, item)),
            None => new.push(item),
        }
    }
    let changed: Vec<i64> = versions.iter().map(|(row, _)| *row).collect();
    if !changed.is_empty() {
        T::keep_superseded(conn, &changed)?;
        for (row, item) in &versions {
            item.update(conn, *row)?;
        }
        counts.changed = changed.len();
    }
    if !new.is_empty() {
        let rows: HashMap<T::Id, i64> =
            T::insert_all(conn, account_id, &new)?.into_iter().collect();
        versions.extend(
            new.iter()
                .filter_map(|item| Some((*rows.get(item.external_id())?, *item))),
        );
        counts.created = new.len();
    }
    T::add_versions(conn, &versions)?;
    counts.unchanged = unchanged.len();
    if !unchanged.is_empty() {
        T::mark_seen(conn, unchanged)?;
    }
    Ok(Stored {
        counts,
        rows: versions.iter().map(|(row, _)| *row).collect(),
    })
}

/// `(row id, content hash)` of those of `items` the account holds, by their ids.
///
/// The lookup alone is planned for the ids at hand: a plan cached while the table was small (a
/// sequential scan) would stay in use as it grows. Custom plans are forced for it only: left
/// on for the rest of the transaction, they would have PostgreSQL plan the foreign-key check
/// of every row written anew (~20 µs a row, a tenth of a first backup's fees).
fn known_rows<T: VersionedRow>(
    conn: &mut PgConnection,
    account_id: AccountId,
    items: &[T],
) -> QueryResult<HashMap<T::Id, (i64, String)>> {
    diesel::sql_query("SET LOCAL plan_cache_mode = force_custom_plan").execute(conn)?;
    let ids = items.iter().map(|i| i.external_id().clone()).collect();
    let known = T::known(conn, account_id, ids)?;
    diesel::sql_query("SET LOCAL plan_cache_mode TO DEFAULT").execute(conn)?;
    Ok(known
        .into_iter()
        .map(|(id, row, hash)| (id, (row, hash)))
        .collect())
}

/// One stored version of a resource, without its document.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct VersionHead {
    pub status: Option<String>,
    /// When the backup first read this version.
    pub seen_at: DateTime<Utc>,
}

/// A resource as last read, with its versions oldest first.
#[derive(Debug, Clone)]
pub struct WithHistory<Id> {
    pub id: Id,
    pub raw: Value,
    pub first_seen_at: DateTime<Utc>,
    pub versions: Vec<VersionHead>,
}

/// Gives each of `rows` (`(row id, id, document, first seen)`) its versions among `versions`
/// (`(row id, status, seen at)`, oldest first).
pub fn with_histories<Id>(
    rows: Vec<(i64, Id, Value, DateTime<Utc>)>,
    versions: &[(i64, Option<String>, DateTime<Utc>)],
) -> Vec<WithHistory<Id>> {
    rows.into_iter()
        .map(|(row, id, raw, first_seen_at)| WithHistory {
            id,
            raw,
            first_seen_at,
            versions: versions
                .iter()
                .filter(|v| v.0 == row)
                .map(|(_, status, seen_at)| VersionHead {
                    status: status.clone(),
                    seen_at: *seen_at,
                })
                .collect(),
        })
        .collect()
}

/// `amount` cast to NUMERIC by PostgreSQL (the decimal text never passes through a float).
macro_rules! numeric {
    ($amount:expr) => {
        diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Numeric>>("")
            .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>($amount)
            .sql("::numeric")
    };
}
pub(crate) use numeric;

/// Implements `VersionedRow` for `$row` (an `Insertable + AsChangeset` of table `$table`, whose
/// id column is `$id_col`, with the fields `raw` and `content_hash`) and its versions table
/// `$versions` (its row column `$row_col`). With `with status` the versions keep the field
/// `status` too, and `for_order` is written: the resources of one order with their histories. Numeric columns written from decimal strings are listed after
/// `numeric:` as `column = field`.
macro_rules! versioned_row {
    (
        $row:ty, id: $id:ty = $table:ident::$id_col:ident, resource: $resource:literal,
        versions: $versions:ident::$row_col:ident $(with $status:ident)?
        $(, numeric: { $($num_col:ident = $num_field:ident),* $(,)? })? $(,)?
    ) => {
        impl $crate::db::models::versioned::VersionedRow for $row {
            type Id = $id;
            const RESOURCE: &'static str = $resource;

            fn external_id(&self) -> &$id {
                &self.$id_col
            }

            fn content_hash(&self) -> &str {
                &self.content_hash
            }

            fn known(
                conn: &mut diesel::PgConnection,
                account_id: $crate::domain::AccountId,
                ids: Vec<$id>,
            ) -> diesel::QueryResult<Vec<($id, i64, String)>> {
                $table::table
                    .filter($table::account_id.eq(account_id))
                    .filter($table::$id_col.eq_any(ids))
                    .select(($table::$id_col, $table::id, $table::content_hash))
                    .load(conn)
            }

            fn insert_all(
                conn: &mut diesel::PgConnection,
                account_id: $crate::domain::AccountId,
                items: &[&Self],
            ) -> diesel::QueryResult<Vec<($id, i64)>> {
                let rows: Vec<_> = items
                    .iter()
                    .map(|item| (
                        $table::account_id.eq(account_id),
                        *item,
                        $($($table::$num_col.eq(
                            $crate::db::models::versioned::numeric!(item.$num_field.as_deref())
                        ),)*)?
                    ))
                    .collect();
                diesel::insert_into($table::table)
                    .values(rows)
                    .returning(($table::$id_col, $table::id))
                    .get_results(conn)
            }

            fn keep_superseded(
                conn: &mut diesel::PgConnection,
                rows: &[i64],
            ) -> diesel::QueryResult<()> {
                diesel::sql_query(concat!(
                    "UPDATE ", stringify!($versions), " AS v SET raw = r.raw FROM ",
                    stringify!($table), " AS r WHERE v.", stringify!($row_col),
                    " = r.id AND r.id = ANY($1) AND v.raw IS NULL",
                ))
                .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(rows)
                .execute(conn)
                .map(drop)
            }

            fn update(&self, conn: &mut diesel::PgConnection, row: i64) -> diesel::QueryResult<()> {
                diesel::update($table::table.find(row))
                    .set((
                        self,
                        $table::last_seen_at.eq(diesel::dsl::now),
                        $($($table::$num_col.eq(
                            $crate::db::models::versioned::numeric!(self.$num_field.as_deref())
                        ),)*)?
                    ))
                    .execute(conn)
                    .map(drop)
            }

            fn add_versions(
                conn: &mut diesel::PgConnection,
                versions: &[(i64, &Self)],
            ) -> diesel::QueryResult<()> {
                if versions.is_empty() {
                    return Ok(());
                }
                let rows: Vec<_> = versions
                    .iter()
                    .map(|(row, item)| (
                        $versions::$row_col.eq(*row),
                        $($versions::$status.eq(&item.$status),)?
                        $versions::content_hash.eq(&item.content_hash),
                    ))
                    .collect();
                diesel::insert_into($versions::table)
                    .values(rows)
                    .on_conflict(($versions::$row_col, $versions::content_hash))
                    .do_nothing()
                    .execute(conn)
                    .map(drop)
            }

            fn mark_seen(conn: &mut diesel::PgConnection, rows: Vec<i64>) -> diesel::QueryResult<()> {
                diesel::update($table::table.filter($table::id.eq_any(rows)))
                    .set($table::last_seen_at.eq(diesel::dsl::now))
                    .execute(conn)
                    .map(drop)
            }

            fn orders_of(
                conn: &mut diesel::PgConnection,
                rows: &[i64],
            ) -> diesel::QueryResult<Vec<i64>> {
                let found: Vec<$crate::db::models::versioned::OrderIdRow> =
                    diesel::sql_query(concat!(
                        "SELECT DISTINCT o.id FROM ", stringify!($table), " AS r ",
                        "JOIN orders AS o ON o.account_id = r.account_id ",
                        "AND o.checkout_form_id = r.checkout_form_id ",
                        "WHERE r.id = ANY($1) ORDER BY o.id",
                    ))
                    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(rows)
                    .load(conn)?;
                Ok(found.into_iter().map(|row| row.id).collect())
            }
        }

        $($crate::db::models::versioned::versioned_row!(
            @for_order $id, $table::$id_col, $versions::$row_col, $status
        );)?
    };
    (@for_order $id:ty, $table:ident::$id_col:ident, $versions:ident::$row_col:ident, $status:ident) => {
        /// The resources of order `checkout_form_id` of account `account_id`, oldest first,
        /// each with its versions.
        pub fn for_order(
            conn: &mut diesel::PgConnection,
            account_id: $crate::domain::AccountId,
            checkout_form_id: &$crate::domain::CheckoutFormId,
        ) -> diesel::QueryResult<Vec<$crate::db::models::versioned::WithHistory<$id>>> {
            let rows: Vec<(i64, $id, serde_json::Value, chrono::DateTime<chrono::Utc>)> =
                $table::table
                    .filter($table::account_id.eq(account_id))
                    .filter($table::checkout_form_id.eq(checkout_form_id))
                    .order(($table::created_at.asc().nulls_last(), $table::id.asc()))
                    .select(($table::id, $table::$id_col, $table::raw, $table::first_seen_at))
                    .load(conn)?;
            let ids: Vec<i64> = rows.iter().map(|row| row.0).collect();
            let versions: Vec<(i64, Option<String>, chrono::DateTime<chrono::Utc>)> =
                $versions::table
                    .filter($versions::$row_col.eq_any(ids))
                    .order(($versions::seen_at.asc(), $versions::id.asc()))
                    .select(($versions::$row_col, $versions::$status, $versions::seen_at))
                    .load(conn)?;
            Ok($crate::db::models::versioned::with_histories(rows, &versions))
        }
    };
}
pub(crate) use versioned_row;
