//! A whole backup against the simulator's ground truth, every resource at once: the orders, the
//! resources Allegro changes in place (returns, refunds, commission refund claims, fees,
//! invoices: one row per id, one version per distinct document), and the wallet history
//! (operations have no id: held by the hash of each document, and kept once Allegro stops
//! listing them). What a test met of them at each backup tells how many versions each must
//! keep.

use std::collections::{HashMap, HashSet};

use allegro_backup::domain::{AccountId, content_hash};
use diesel::{
    ExpressionMethods, PgConnection, QueryDsl, QueryableByName, RunQueryDsl, sql_query,
    sql_types::Text,
};
use serde_json::Value;

use super::{
    TestApp, backup,
    seed::count,
    versioned::{Resource, Seen},
};

/// The returns' tables and what the simulator serves of them.
pub const RETURNS: Resource = Resource {
    noun: "return",
    table: "customer_returns",
    id_column: "return_id",
    versions_table: "customer_return_versions",
    path: "/order/customer-returns",
    row_column: "return_row_id",
    served: |world| world.customer_returns(0),
};

/// The refunds' tables and what the simulator serves of them.
pub const REFUNDS: Resource = Resource {
    noun: "refund",
    table: "payment_refunds",
    id_column: "refund_id",
    versions_table: "payment_refund_versions",
    path: "/payments/refunds",
    row_column: "refund_row_id",
    served: |world| world.refunds(0),
};

/// The fees' tables and what the simulator serves of them.
pub const FEES: Resource = Resource {
    noun: "billing entry",
    table: "billing_entries",
    id_column: "entry_id",
    versions_table: "billing_entry_versions",
    path: "/billing/billing-entries",
    row_column: "entry_row_id",
    served: |world| world.billing_entries(0),
};

/// The claims' tables and what the simulator serves of them.
pub const CLAIMS: Resource = Resource {
    noun: "claim",
    table: "refund_claims",
    id_column: "claim_id",
    versions_table: "refund_claim_versions",
    path: "/order/refund-claims",
    row_column: "claim_row_id",
    served: |world| world.refund_claims(0),
};

/// The invoices' tables and what the simulator serves of them (of the orders it still keeps).
pub const INVOICES: Resource = Resource {
    noun: "invoice",
    table: "order_invoices",
    id_column: "invoice_id",
    versions_table: "order_invoice_versions",
    path: "/order/checkout-forms/",
    row_column: "invoice_row_id",
    served: |world| {
        world
            .invoices(0)
            .into_iter()
            .map(|(_, invoice)| invoice)
            .collect()
    },
};

/// Every resource kept with its versions, in the order a run backs them up.
pub const VERSIONED: [Resource; 5] = [RETURNS, REFUNDS, FEES, CLAIMS, INVOICES];

/// What the simulator lists now in both wallets of seller 0, by the hash of each document.
pub fn wallet_listed(app: &TestApp) -> HashMap<String, Value> {
    app.simulator
        .world()
        .payment_operations(0)
        .into_iter()
        .map(|op| (content_hash(&op), op))
        .collect()
}

/// The hashes of the wallet operations the backup holds for `account`, each checked against
/// its stored document.
pub fn wallet_held(app: &TestApp, account: AccountId) -> HashSet<String> {
    use allegro_backup::db::schema::payment_operations::dsl as p;
    let rows: Vec<(String, Value)> = p::payment_operations
        .filter(p::account_id.eq(account))
        .select((p::content_hash, p::raw))
        .load(&mut app.db.connect())
        .unwrap();
    rows.into_iter()
        .map(|(hash, raw)| {
            assert_eq!(hash, content_hash(&raw), "the hash is the document's");
            hash
        })
        .collect()
}

/// Wallet operations held, of every account (a duplicate shows as one more than the hashes).
pub fn wallet_rows(app: &TestApp) -> i64 {
    count(
        &mut app.db.connect(),
        "SELECT count(*) AS n FROM payment_operations",
    )
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Text)]
    id: String,
}

/// The invoices held of orders merged into a new one: Allegro no longer serves the old orders
/// (nor so their invoices), the backup keeps them, marked merged.
fn invoices_of_merged_orders(conn: &mut PgConnection, account: AccountId) -> HashSet<String> {
    sql_query(format!(
        "SELECT i.invoice_id AS id FROM order_invoices i JOIN orders o \
           ON o.account_id = i.account_id AND o.checkout_form_id = i.checkout_form_id \
         WHERE i.account_id = {account} AND o.merged_into IS NOT NULL"
    ))
    .load::<Id>(conn)
    .unwrap()
    .into_iter()
    .map(|row| row.id)
    .collect()
}

/// What a test met of seller 0's resources, looked at right after each backup: the backup
/// must equal it.
#[derive(Default)]
pub struct GroundTruth {
    /// Of each of [`VERSIONED`], the distinct documents met of each id.
    versions: [Seen; VERSIONED.len()],
    /// Every wallet operation listed at any look, by hash.
    wallet: HashMap<String, Value>,
    /// The wallet operations listed at the last look.
    wallet_now: HashSet<String>,
}

impl GroundTruth {
    /// Remembers what the simulator serves now (call right after a backup, before the world
    /// moves on).
    pub fn look(&mut self, app: &TestApp) {
        for (resource, seen) in VERSIONED.iter().zip(&mut self.versions) {
            seen.remember(&resource.truth(app));
        }
        let listed = wallet_listed(app);
        self.wallet_now = listed.keys().cloned().collect();
        self.wallet.extend(listed);
    }

    /// How many ids of `resource` (one of [`VERSIONED`]) were met in more than one version.
    pub fn moved(&self, resource: &Resource) -> usize {
        VERSIONED
            .iter()
            .position(|r| r.table == resource.table)
            .map_or(0, |i| self.versions[i].moved())
    }

    /// The backup of `account` equals the last look: every order as Allegro serves it (merged
    /// purchases marked), every return, refund, claim, fee and invoice as served (0 missing,
    /// 0 different, none held that Allegro does not serve but the invoices of purchases since
    /// merged), each with one version per distinct document met and its document among them,
    /// every wallet operation ever listed (those no longer listed: held money since released,
    /// and marked so); nothing stored twice.
    pub fn assert_backup_equals(&self, app: &TestApp, account: AccountId) {
        let mut conn = app.db.connect();
        backup::assert_exactly_allegro(app, account);
        backup::assert_no_duplicates(&mut conn);
        let mut off = Vec::new();
        for (resource, seen) in VERSIONED.iter().zip(&self.versions) {
            let tally = versioned_tally(app, &mut conn, account, resource, seen);
            off.extend(
                tally
                    .into_iter()
                    .filter(|(_, n)| *n != 0)
                    .map(|(what, n)| format!("{}: {n} {what}", resource.noun)),
            );
        }
        let held = wallet_held(app, account);
        let ever: HashSet<String> = self.wallet.keys().cloned().collect();
        let wallet = [
            ("missing", ever.difference(&held).count() as i64),
            ("never listed", held.difference(&ever).count() as i64),
            ("stored twice", wallet_rows(app) - held.len() as i64),
        ];
        off.extend(
            wallet
                .into_iter()
                .filter(|(_, n)| *n != 0)
                .map(|(what, n)| format!("payment operation: {n} {what}")),
        );
        assert!(off.is_empty(), "the backup is not Allegro's data: {off:?}");
        self.assert_unlisted_operations_released(app, account);
    }

    /// The wallet operations no longer listed are money held back (`WAITING`) that has been
    /// released since, and the backup marks each released.
    fn assert_unlisted_operations_released(&self, app: &TestApp, account: AccountId) {
        use allegro_backup::db::schema::payment_operations::dsl as p;
        let rows: Vec<(String, String, bool)> = p::payment_operations
            .filter(p::account_id.eq(account))
            .select((
                p::content_hash,
                p::wallet_type,
                p::released_at.is_not_null(),
            ))
            .load(&mut app.db.connect())
            .unwrap();
        for (hash, wallet, released) in rows {
            let listed = self.wallet_now.contains(&hash);
            assert!(
                listed || (wallet == "WAITING" && released),
                "operation {hash} ({wallet}) is no longer listed, yet not released money"
            );
            assert!(
                !(listed && released),
                "operation {hash} is listed, yet marked released"
            );
        }
    }
}

/// How the backup of `resource` (one of [`VERSIONED`]) stands against what the simulator
/// serves now and the documents `seen` of it: how many of each kind of fault.
fn versioned_tally(
    app: &TestApp,
    conn: &mut PgConnection,
    account: AccountId,
    resource: &Resource,
    seen: &Seen,
) -> [(&'static str, i64); 7] {
    let (stored, truth) = (resource.stored(app, account), resource.truth(app));
    let missing = truth.keys().filter(|id| !stored.contains_key(*id)).count();
    let different = truth
        .iter()
        .filter(|(id, json)| stored.get(*id).is_some_and(|held| held != *json))
        .count();
    let kept_of_merged = if resource.table == INVOICES.table {
        invoices_of_merged_orders(conn, account)
    } else {
        HashSet::new()
    };
    let unknown = stored
        .keys()
        .filter(|id| !truth.contains_key(*id) && !kept_of_merged.contains(*id))
        .count();
    let (twice, versions_twice) = resource.twins(conn);
    let versions_off = resource.versions_not_kept(app, seen);
    if !versions_off.is_empty() {
        eprintln!(
            "{}s: versions kept, documents met: {versions_off:?}",
            resource.noun
        );
    }
    [
        ("missing", missing as i64),
        ("different", different as i64),
        ("not served", unknown as i64),
        ("stored twice", twice),
        ("versions stored twice", versions_twice),
        (
            "documents not among their versions",
            resource.documents_not_versioned(conn, account),
        ),
        (
            "not one version per document met",
            versions_off.len() as i64,
        ),
    ]
}
