//! Account scope and personal-data masking on every route. Two Allegro accounts, A and B, are
//! backed up (with shipments, a quarantined order each, a shared view of B, a connect flow
//! that linked B and an alert about B); then every route of the route table is run by three
//! operators, with B's ids in its path, query and form:
//! - one who sees every account (the cases are real: B's data shows up for them),
//! - one limited to A: B's ids answer 404 (never 403) and change nothing, B's data is absent
//!   from every body,
//! - one limited to A with personal data hidden: the same, and no buyer's personal data (names,
//!   emails, phones, streets, buyer ids, waybills) in clear in any body.
//!
//! The world of A and B is built here; `cases::CASES` is the route table, and
//! `every_route_has_a_scope_case` fails when the routing code registers a route without a case
//! there; the exports a masked user gets are in `exports`.

mod cases;
mod exports;

use allegro_backup::domain::{AccountId, UserId};
use std::collections::HashMap;

use allegro_backup::{
    db::{
        models::sync::RunTrigger,
        schema::{order_shipments, orders},
    },
    domain::Role,
    simulator::SimulatorConfig,
    sync::SyncMode,
};
use diesel::{prelude::*, sql_query, sql_types::BigInt};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use self::cases::Case;
use crate::helpers::{
    PASSWORD, TestApp,
    backup::{options_with_shipments, sync_with},
    location, new_client,
    seed::{Count, count},
    spawn_app_with_simulator,
};

/// B's things, and what must never show up where B is out of scope or PII is hidden.
pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) a: AccountId,
    b: AccountId,
    b_login: String,
    b_order: String,
    pub(crate) a_order: String,
    b_view: i64,
    /// A payout of B's wallet.
    b_payout: String,
    /// Per user: a connect flow they started that linked B.
    b_flows: HashMap<UserId, i64>,
    /// Strings that belong to B alone (its login, order ids, buyers' logins and emails).
    b_markers: Vec<String>,
    /// Buyer personal data of A's orders, in clear (names, emails, phones, streets, buyer
    /// ids, waybills).
    pub(crate) a_personal: Vec<String>,
    /// Orders, line items, notes and tags of B before the runs (nothing may change them).
    b_fingerprint: (i64, i64, i64),
}

const ORDERS_PER_SELLER: u32 = 12;

pub(crate) async fn world() -> World {
    let simulator = SimulatorConfig {
        sellers: 2,
        auto_approve: false,
        ..SimulatorConfig::for_tests(ORDERS_PER_SELLER)
    };
    let app = spawn_app_with_simulator(simulator, |_| {}).await;
    app.create_user("root@example.com", Role::Admin).await;
    let (a, b) = (app.link_account(0).await, app.link_account(1).await);
    let sim = app.simulator.world();
    // One unreadable order per account, kept raw in quarantine (buyer data and all).
    for seller in [0, 1] {
        let id = sim.orders(seller)[0]["id"].as_str().unwrap().to_owned();
        assert!(sim.edit_order(&id, |o| o["buyer"]["id"] = json!(["not", "an", "id"])));
    }
    for account in [a, b] {
        let with_shipments = options_with_shipments();
        // Linking may have started the account's first backup in the background: wait it out.
        loop {
            let run = sync_with(
                &app,
                account,
                RunTrigger::Cli,
                SyncMode::Auto,
                &with_shipments,
            )
            .await;
            match run {
                Err(allegro_backup::sync::SyncError::AlreadyRunning) => {
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
                other => {
                    other.expect("sync");
                    break;
                }
            }
        }
    }
    let mut conn = app.db.connect();
    let quarantined = count(
        &mut conn,
        "SELECT count(DISTINCT account_id) AS n FROM order_quarantine",
    );
    assert_eq!(quarantined, 2, "both accounts have a quarantined order");

    let b_login = sim.sellers()[1].login.clone();
    let b_orders = sim.orders(1);
    let b_order = b_orders[1]["id"].as_str().unwrap().to_owned();
    let a_orders = sim.orders(0);
    let a_text: String = a_orders.iter().map(Value::to_string).collect();
    let mut b_markers: Vec<String> = vec![b_login.clone()];
    for order in &b_orders {
        b_markers.push(order["id"].as_str().unwrap().to_owned());
        for key in ["login", "email"] {
            if let Some(v) = order["buyer"][key].as_str() {
                // A buyer of both accounts may be shown for A.
                if !a_text.contains(v) {
                    b_markers.push(v.to_owned());
                }
            }
        }
    }

    let shipments: Vec<(String, Option<String>)> = order_shipments::table
        .filter(order_shipments::account_id.eq(a))
        .select((order_shipments::checkout_form_id, order_shipments::waybill))
        .load(&mut conn)
        .unwrap();
    let a_order = shipments.first().expect("A has shipments").0.clone();
    let waybills: Vec<String> = shipments.into_iter().filter_map(|(_, w)| w).collect();
    assert!(!waybills.is_empty(), "A has shipments with waybills");
    let mut a_personal = waybills;
    for order in &a_orders {
        let buyer = &order["buyer"];
        for value in [
            &buyer["id"],
            &buyer["email"],
            &buyer["lastName"],
            &buyer["phoneNumber"],
            &buyer["address"]["street"],
            &order["delivery"]["address"]["lastName"],
            &order["delivery"]["address"]["street"],
            &order["delivery"]["address"]["phoneNumber"],
        ] {
            if let Some(v) = value.as_str().filter(|v| v.len() >= 4) {
                a_personal.push(v.to_owned());
            }
        }
    }

    // A shared view of B, a note and a tag on B's order, a flow that linked B, B's alert.
    app.login("root@example.com", PASSWORD).await;
    let response = app
        .post_form(
            "/views",
            &[
                ("name", &format!("Orders of {b_login}")),
                ("query", &format!("account={b}")),
                ("shared", "on"),
            ],
        )
        .await;
    assert!(
        response.status().is_redirection(),
        "{:?}",
        response.status()
    );
    let b_view = count(&mut conn, "SELECT max(id) AS n FROM saved_views");
    for (path, field, value) in [("notes", "body", "b-note"), ("tags", "tag", "b-tag")] {
        let response = app
            .post_form(&format!("/orders/{b_order}/{path}"), &[(field, value)])
            .await;
        assert!(response.status().is_redirection() || response.status().is_success());
    }
    sql_query("UPDATE allegro_accounts SET status = 'needs_reauth' WHERE id = $1")
        .bind::<BigInt, _>(b)
        .execute(&mut conn)
        .unwrap();
    let b_payout: Option<String> = {
        use allegro_backup::db::schema::payment_operations::dsl as p;
        p::payment_operations
            .filter(p::account_id.eq(b))
            .filter(p::operation_type.eq("PAYOUT"))
            .select(p::payout_id)
            .first::<Option<String>>(&mut conn)
            .unwrap()
    };
    let b_payout = b_payout.expect("B's wallet has a payout");
    let b_fingerprint = fingerprint(&app, b);
    World {
        app,
        a,
        b,
        b_login,
        b_order,
        a_order,
        b_view,
        b_payout,
        b_flows: HashMap::new(),
        b_markers,
        a_personal,
        b_fingerprint,
    }
}

/// B's orders, line items and team notes + tags.
fn fingerprint(app: &TestApp, b: AccountId) -> (i64, i64, i64) {
    let mut conn = app.db.connect();
    let count = |sql: &str, conn: &mut PgConnection| {
        sql_query(sql)
            .bind::<BigInt, _>(b)
            .get_result::<Count>(conn)
            .unwrap()
            .n
    };
    (
        orders::table
            .filter(orders::account_id.eq(b))
            .count()
            .get_result(&mut conn)
            .unwrap(),
        count(
            "SELECT count(*) AS n FROM order_line_items i JOIN orders o ON o.id = i.order_id \
             WHERE o.account_id = $1",
            &mut conn,
        ),
        count(
            "SELECT (SELECT count(*) FROM order_notes n JOIN orders o ON o.id = n.order_id \
                     WHERE o.account_id = $1) \
                  + (SELECT count(*) FROM order_tags t JOIN orders o ON o.id = t.order_id \
                     WHERE o.account_id = $1) AS n",
            &mut conn,
        ),
    )
}

/// A flow started by `user` that linked B (as if they had approved B's code).
fn flow_linking_b(world: &World, user: UserId) -> i64 {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    sql_query(
        "INSERT INTO device_authorizations (environment, user_code, verification_uri, \
           verification_uri_complete, device_code_enc, interval_secs, expires_at, started_by, \
           status, account_id) \
         VALUES ('simulator', 'abcdefghi', 'http://x/', 'http://x/?c', 'x', 5, \
           now() + interval '5 minutes', $1, 'connected', $2) RETURNING id",
    )
    .bind::<BigInt, _>(user)
    .bind::<BigInt, _>(world.b)
    .get_result::<Id>(&mut world.app.db.connect())
    .unwrap()
    .id
}

impl World {
    fn a_login(&self) -> String {
        self.app.simulator.world().sellers()[0].login.clone()
    }

    fn fill(&self, text: &str, user: UserId) -> String {
        text.replace("{B_ORDER}", &self.b_order)
            .replace("{A_ORDER}", &self.a_order)
            .replace("{B_LOGIN}", &self.b_login)
            .replace("{B_VIEW}", &self.b_view.to_string())
            .replace("{B_PAYOUT}", &self.b_payout)
            .replace(
                "{B_FLOW}",
                &self.b_flows.get(&user).copied().unwrap_or(0).to_string(),
            )
            .replace("{B}", &self.b.to_string())
            .replace("{USER}", &user.to_string())
            .replace("{file}", "app.css")
            .replace("{delivery}", "1")
    }

    /// Signs a new operator in, limited to A (`limited`) and with personal data hidden
    /// (`masked`) as an admin sets it on the access page.
    pub(crate) async fn operator(
        &self,
        email: &str,
        limited: bool,
        masked: bool,
    ) -> (reqwest::Client, UserId) {
        let id = self.app.create_user(email, Role::Operator).await;
        let a = self.a.to_string();
        let mut form = vec![("scope", if limited { "some" } else { "all" })];
        if limited {
            form.push(("account", &a));
        }
        if masked {
            form.push(("hide_personal_data", "on"));
        }
        let response = self
            .app
            .post_form(&format!("/users/{id}/access"), &form)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        (self.sign_in(email).await, id)
    }

    async fn sign_in(&self, email: &str) -> reqwest::Client {
        let client = new_client();
        let response = self.app.login_with(&client, email, PASSWORD).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign-in of {email}"
        );
        client
    }

    /// Sends the case as `client` (with its session's CSRF token on forms).
    async fn send(
        &self,
        client: &reqwest::Client,
        case: &Case,
        user: UserId,
    ) -> (StatusCode, String) {
        let path = self.fill(case.path, user);
        let params: Vec<(String, String)> = case
            .params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), self.fill(v, user)))
            .collect();
        let method = Method::from_bytes(case.method.as_bytes()).unwrap();
        let request = if method == Method::POST {
            let token = self.app.csrf_token_with(client, "/login").await;
            let mut form = params;
            form.push(("csrf_token".to_owned(), token));
            client.post(self.app.url(&path)).form(&form)
        } else {
            client.request(method, self.app.url(&path)).query(&params)
        };
        let response = request.send().await.expect("request");
        let status = response.status();
        let body = if status.is_redirection() {
            // A redirect's flash message is shown on the page it leads to.
            let next = location(&response);
            let page = client
                .get(self.app.url(&next))
                .send()
                .await
                .expect("follow");
            page.text().await.unwrap_or_default()
        } else {
            response.text().await.unwrap_or_default()
        };
        (status, body)
    }
}

fn leaks<'a>(body: &str, secrets: &'a [String]) -> Vec<&'a str> {
    secrets
        .iter()
        .filter(|s| body.contains(s.as_str()))
        .map(String::as_str)
        .collect()
}
