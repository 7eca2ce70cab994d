//! What the tests of a resource Allegro changes in place (customer returns, payment refunds, …)
//! check the same way: the account holds exactly what the simulator serves, each version kept
//! once, no resource and no version stored twice; and the app they start from.

use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use allegro_backup::{
    db::{
        models::sync::{RunCounters, RunTrigger, SyncRun},
        schema::users,
    },
    domain::{AccountId, AccountScope, Role, RunNote},
    simulator::{Faults, SimulatorConfig, World},
    sync::SyncMode,
};
use chrono::{DateTime, Utc};
use diesel::{
    ExpressionMethods, PgConnection, QueryDsl, QueryableByName, RunQueryDsl, sql_query,
    sql_types::{BigInt, Jsonb, Text},
};
use serde_json::Value;

use super::{
    TestApp,
    backup::{spawn_sync, sync_once},
    seed::count,
    spawn_app_with_simulator,
};

/// An app whose simulator holds `orders` orders of seller 0, `percent` of the paid ones
/// returned (the returns that end refunded have their refund), its clock starting at `start`.
pub async fn spawn_app_with_returns(orders: u32, percent: u32, start: DateTime<Utc>) -> TestApp {
    let simulator = SimulatorConfig {
        auto_approve: false,
        returns_percent: percent,
        start,
        ..SimulatorConfig::for_tests(orders)
    };
    spawn_app_with_simulator(simulator, |_| {}).await
}

/// An app whose simulator holds `orders` orders of seller 0 (3 % returned and refunded), its
/// clock starting now and stopped there (see `World::stop_clock`): the money Allegro books
/// moves on only when the test advances the clock, so a backup compares with what is served
/// after it, however long the run takes.
pub async fn money_app(orders: u32) -> TestApp {
    let app = spawn_app_with_returns(orders, 3, Utc::now()).await;
    app.simulator.world().stop_clock();
    app
}

/// Starts a backup of `account` whose calls to `path` the simulator holds: they are let through
/// one at a time while `stored_rows` (a count, as `n`) finds nothing; once it finds a page,
/// every call to Allegro fails. Waits for the run to fail (mid-pass, with whole pages kept: a
/// listing that reads ahead may have had one more page let through).
/// The notes of `account`'s last run, which succeeded.
pub fn last_run_notes(app: &TestApp, account: AccountId) -> Vec<RunNote> {
    let mut conn = app.db.connect();
    let runs = SyncRun::recent(&mut conn, &AccountScope::All, Some(account), 1).unwrap();
    assert_eq!(runs[0].status, "succeeded");
    runs[0].read_report().notes
}

pub async fn fail_once_stored(app: &TestApp, account: AccountId, path: &str, stored_rows: &str) {
    let world = app.simulator.world();
    let gate = world.hold_calls(path);
    let run = spawn_sync(app, account, RunTrigger::Cli, SyncMode::Auto);
    let mut conn = app.db.connect();
    // A call held means the pass waits for it: what it read before is stored and visible,
    // except while a listing that reads ahead stores a page; then one more page may be let
    // through (so the tests allow whole pages, not exactly one).
    while !run.is_finished() {
        if gate.waiting() > 0 {
            if count(&mut conn, stored_rows) > 0 {
                break;
            }
            gate.let_one_through();
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    world.set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    gate.open();
    let outcome = run.await.unwrap();
    assert!(outcome.is_err(), "the run failed mid-pass");
}

/// A resource's two tables, and what the simulator serves of it.
#[derive(Clone, Copy)]
pub struct Resource {
    /// What an assertion calls one ("refund").
    pub noun: &'static str,
    pub table: &'static str,
    /// The column of Allegro's id.
    pub id_column: &'static str,
    pub versions_table: &'static str,
    /// The path Allegro lists it at (`/order/refund-claims`; a prefix of the per-order path for
    /// invoices).
    pub path: &'static str,
    /// The versions table's column naming the resource's row.
    pub row_column: &'static str,
    /// Everything of seller 0 the simulator serves now, as served.
    pub served: fn(&World) -> Vec<Value>,
}

#[derive(QueryableByName)]
struct IdAndJson {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Jsonb)]
    raw: Value,
}

#[derive(QueryableByName)]
struct IdAndCount {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl Resource {
    /// What `account` holds: id → the JSON as last read.
    pub fn stored(&self, app: &TestApp, account: AccountId) -> HashMap<String, Value> {
        let Resource {
            table, id_column, ..
        } = self;
        sql_query(format!(
            "SELECT {id_column} AS id, raw FROM {table} WHERE account_id = $1"
        ))
        .bind::<BigInt, _>(account.0)
        .load::<IdAndJson>(&mut app.db.connect())
        .unwrap()
        .into_iter()
        .map(|row| (row.id, row.raw))
        .collect()
    }

    /// What the simulator serves for seller 0 now: id → JSON.
    pub fn truth(&self, app: &TestApp) -> HashMap<String, Value> {
        (self.served)(&app.simulator.world())
            .into_iter()
            .map(|r| (r["id"].as_str().unwrap().to_owned(), r))
            .collect()
    }

    /// The account holds exactly what Allegro serves, each as served now.
    pub fn assert_stored_equals_truth(&self, app: &TestApp, account: AccountId) {
        let (stored, truth) = (self.stored(app, account), self.truth(app));
        let noun = self.noun;
        assert_eq!(
            stored.len(),
            truth.len(),
            "as many {noun}s as Allegro serves"
        );
        for (id, json) in &truth {
            assert_eq!(stored.get(id), Some(json), "{noun} {id}");
        }
    }

    /// Versions kept per id.
    pub fn versions(&self, app: &TestApp) -> HashMap<String, i64> {
        let Resource {
            table,
            id_column,
            versions_table,
            row_column,
            ..
        } = self;
        sql_query(format!(
            "SELECT r.{id_column} AS id, count(*) AS n FROM {versions_table} v \
             JOIN {table} r ON r.id = v.{row_column} GROUP BY r.{id_column}"
        ))
        .load::<IdAndCount>(&mut app.db.connect())
        .unwrap()
        .into_iter()
        .map(|row| (row.id, row.n))
        .collect()
    }

    /// The ids met whose versions kept are not one for each distinct document `seen` of
    /// them: id → (versions kept, documents met).
    pub fn versions_not_kept(&self, app: &TestApp, seen: &Seen) -> HashMap<String, (i64, i64)> {
        let kept = self.versions(app);
        seen.0
            .iter()
            .map(|(id, distinct)| {
                let held = kept.get(id).copied().unwrap_or(0);
                (id.clone(), (held, distinct.len() as i64))
            })
            .filter(|(_, (held, met))| held != met)
            .collect()
    }

    /// Each id keeps one version for each distinct document `seen` of it.
    pub fn assert_versions_kept(&self, app: &TestApp, seen: &Seen) {
        let off = self.versions_not_kept(app, seen);
        assert!(
            off.is_empty(),
            "{}s whose versions kept (left) are not those met (right): {off:?}",
            self.noun
        );
    }

    /// Rows stored more than once (the same id twice), and versions stored more than once
    /// (the same content twice for one row).
    pub fn twins(&self, conn: &mut PgConnection) -> (i64, i64) {
        let Resource {
            table,
            id_column,
            versions_table,
            row_column,
            ..
        } = self;
        let rows = count(conn, &format!("SELECT count(*) AS n FROM {table}"));
        let distinct = count(
            conn,
            &format!("SELECT count(DISTINCT (account_id, {id_column})) AS n FROM {table}"),
        );
        let versions = count(
            conn,
            &format!(
                "SELECT count(*) AS n FROM (SELECT {row_column}, content_hash \
                 FROM {versions_table} GROUP BY 1, 2 HAVING count(*) > 1) t"
            ),
        );
        (rows - distinct, versions)
    }

    /// No resource is stored twice, and no version of one twice.
    pub fn assert_no_duplicates(&self, conn: &mut PgConnection) {
        let (rows, versions) = self.twins(conn);
        let noun = self.noun;
        assert_eq!(rows, 0, "a {noun} was stored twice");
        assert_eq!(versions, 0, "a version was stored twice");
    }

    /// Rows of `account` whose document is not among their versions (the versions kept must
    /// include the one held).
    pub fn documents_not_versioned(&self, conn: &mut PgConnection, account: AccountId) -> i64 {
        let Resource {
            table,
            versions_table,
            row_column,
            ..
        } = self;
        count(
            conn,
            &format!(
                "SELECT count(*) AS n FROM {table} r WHERE r.account_id = {account} \
                 AND NOT EXISTS (SELECT 1 FROM {versions_table} v WHERE v.{row_column} = r.id \
                   AND v.content_hash = r.content_hash AND COALESCE(v.raw, r.raw) = r.raw)"
            ),
        )
    }

    /// The ids the simulator serves for seller 0 now, in the order it lists them.
    pub fn ids_served(&self, app: &TestApp) -> Vec<String> {
        (self.served)(&app.simulator.world())
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Starts a backup of `account` that fails once a page of this resource is stored (see
    /// `fail_once_stored`). What the account holds then.
    pub async fn fail_after_a_page(
        &self,
        app: &TestApp,
        account: AccountId,
    ) -> HashMap<String, Value> {
        let stored_rows = format!("SELECT count(*) AS n FROM {}", self.table);
        fail_once_stored(app, account, self.path, &stored_rows).await;
        self.stored(app, account)
    }

    /// Asserts that what `fail_after_a_page` left, `held`, is whole pages of `page` documents
    /// and not all of the `listed` ones.
    pub fn assert_whole_pages(&self, held: &HashMap<String, Value>, listed: usize, page: usize) {
        assert!(
            held.len() % page == 0 && !held.is_empty() && held.len() < listed,
            "{}: whole pages kept: {} of {listed}",
            self.table,
            held.len()
        );
    }

    /// With Allegro answering again, a backup completes the pass `fail_after_a_page` broke:
    /// it stores only what was missing (`changed` counts it in the run), once.
    pub async fn assert_resumes(
        &self,
        app: &TestApp,
        account: AccountId,
        held: &HashMap<String, Value>,
        changed: fn(&RunCounters) -> i64,
    ) {
        app.simulator.world().set_faults(Faults::default());
        let resumed = sync_once(app, account, RunTrigger::Cli).await;
        self.assert_stored_equals_truth(app, account);
        assert_eq!(
            changed(&resumed.counters),
            (self.truth(app).len() - held.len()) as i64,
            "only what was missing is stored"
        );
        assert!(self.versions(app).values().all(|n| *n == 1));
        self.assert_no_duplicates(&mut app.db.connect());
    }

    /// The id of an order of seller 0 that none of what the simulator serves refers to at
    /// `order_pointer` (`/orderId`, `/order/id`).
    pub fn order_without(&self, app: &TestApp, order_pointer: &str) -> String {
        let taken: Vec<Value> = self
            .truth(app)
            .into_values()
            .filter_map(|r| r.pointer(order_pointer).cloned())
            .collect();
        app.simulator
            .world()
            .orders(0)
            .into_iter()
            .find(|o| !taken.contains(&o["id"]))
            .and_then(|o| o["id"].as_str().map(str::to_owned))
            .unwrap()
    }
}

/// The distinct documents a test met of each id of a resource over time: how many versions
/// the backup must keep of each.
#[derive(Default)]
pub struct Seen(HashMap<String, HashSet<String>>);

impl Seen {
    /// Adds what the simulator serves now (id → document).
    pub fn remember(&mut self, truth: &HashMap<String, Value>) {
        for (id, json) in truth {
            self.0
                .entry(id.clone())
                .or_default()
                .insert(json.to_string());
        }
    }

    /// How many ids were met in more than one version.
    pub fn moved(&self) -> usize {
        self.0
            .values()
            .filter(|versions| versions.len() > 1)
            .count()
    }
}

impl TestApp {
    /// Gives every linked account the authorisation `scope` (as if connected with it).
    pub fn set_account_scope(&self, scope: &str) {
        sql_query("UPDATE allegro_accounts SET scope = $1")
            .bind::<Text, _>(scope)
            .execute(&mut self.db.connect())
            .unwrap();
    }

    /// A new client signed in as a viewer `email` who must not see personal data.
    pub async fn masked_viewer(&self, email: &str) -> reqwest::Client {
        let client = self.signed_in_client(email, Role::Viewer).await;
        self.hide_personal_data_of(email);
        client
    }

    /// Hides personal data from user `email` from now on.
    pub fn hide_personal_data_of(&self, email: &str) {
        diesel::update(users::table.filter(users::email.eq(email)))
            .set(users::hide_personal_data.eq(true))
            .execute(&mut self.db.connect())
            .unwrap();
    }
}
