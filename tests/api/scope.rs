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
//! [`CASES`] is the route table; [`every_route_has_a_scope_case`] fails when the routing code
//! registers a route without a case here.

use std::collections::{BTreeSet, HashMap, HashSet};

use allegro_backup::{
    db::{
        models::sync::RunTrigger,
        schema::{order_shipments, orders},
    },
    domain::Role,
    simulator::SimulatorConfig,
    sync::{SyncMode, SyncOptions, sync_account},
};
use diesel::{prelude::*, sql_query, sql_types::BigInt};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{PASSWORD, TestApp, location, new_client, spawn_app_with_simulator, text_of},
    malformed::registered_routes,
    sync::options,
};

/// What a route owes a user limited to account A.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Shows data of accounts: answers, with nothing of B in it. `b_shown`: the unrestricted
    /// operator's answer holds B's login (the case is not vacuous).
    Lists { b_shown: bool },
    /// Names one of B's things by id: 404, and nothing of B changes.
    NotFound,
    /// Linking a new account needs access to every account: 403 naming that reason.
    Refused,
    /// Admins only: 403 for every operator (the role, not the scope).
    AdminOnly,
    /// Reachable without a session (health, sign-in, setup, assets): run without one.
    Public,
    /// Ends the session it is sent with: run with a fresh sign-in, last.
    EndsSession,
}

use Expect::*;

/// One route: method, path and parameters (`{B}`, `{B_ORDER}`, `{B_VIEW}`, `{B_FLOW}`,
/// `{B_LOGIN}`, `{USER}` stand for B's things and a user id; `{A_ORDER}` is an order of A with
/// a shipment), and what it owes.
struct Case {
    method: &'static str,
    path: &'static str,
    params: &'static [(&'static str, &'static str)],
    expect: Expect,
}

const fn case(
    method: &'static str,
    path: &'static str,
    params: &'static [(&'static str, &'static str)],
    expect: Expect,
) -> Case {
    Case {
        method,
        path,
        params,
        expect,
    }
}

const SHOWN: Expect = Lists { b_shown: true };
const QUIET: Expect = Lists { b_shown: false };

/// Every route, state-changing ones on B late (B must still be whole after each).
const CASES: &[Case] = &[
    case("GET", "/health", &[], Public),
    case("HEAD", "/health", &[], Public),
    case("GET", "/ready", &[], Public),
    case("HEAD", "/ready", &[], Public),
    case("GET", "/static/{file}", &[], Public),
    case("GET", "/login", &[("next", "/orders?account={B}")], Public),
    case(
        "POST",
        "/login",
        &[("email", "nobody@example.com"), ("password", "wrong")],
        Public,
    ),
    case("GET", "/setup", &[("token", "none")], Public),
    case(
        "POST",
        "/setup",
        &[("token", "none"), ("email", "x@example.com")],
        Public,
    ),
    case("GET", "/metrics", &[], AdminOnly),
    case("GET", "/", &[("days", "30")], SHOWN),
    case("GET", "/orders", &[], SHOWN),
    case("GET", "/orders", &[("account", "{B}")], QUIET),
    case("GET", "/orders", &[("account", "{B_LOGIN}")], QUIET),
    case("GET", "/orders", &[("q", "{B_ORDER}")], QUIET),
    case("GET", "/orders/export", &[("format", "csv")], SHOWN),
    case(
        "GET",
        "/orders/export",
        &[("format", "csv-items"), ("account", "{B}")],
        QUIET,
    ),
    case(
        "GET",
        "/orders/export",
        &[("format", "csv"), ("account", "{B}")],
        SHOWN,
    ),
    case("GET", "/orders/{A_ORDER}", &[], QUIET),
    case("GET", "/orders/{A_ORDER}/diff", &[], QUIET),
    case("GET", "/orders/{B_ORDER}", &[], NotFound),
    case("GET", "/orders/{B_ORDER}/diff", &[], NotFound),
    case(
        "POST",
        "/orders/{B_ORDER}/notes",
        &[("body", "seen")],
        NotFound,
    ),
    case(
        "POST",
        "/orders/{B_ORDER}/tags",
        &[("tag", "seen")],
        NotFound,
    ),
    case(
        "POST",
        "/orders/{B_ORDER}/tags/delete",
        &[("tag", "b-tag")],
        NotFound,
    ),
    case("GET", "/views", &[], SHOWN),
    case("GET", "/views/menu", &[], SHOWN),
    case(
        "POST",
        "/views",
        &[("name", "mine"), ("query", "account={B}")],
        QUIET,
    ),
    case("POST", "/views/{B_VIEW}/delete", &[], NotFound),
    case("GET", "/accounts", &[], SHOWN),
    case("GET", "/accounts/connect/{B_FLOW}", &[], NotFound),
    case("GET", "/accounts/connect/{B_FLOW}/status", &[], NotFound),
    case("GET", "/accounts/{B}/coverage", &[], NotFound),
    case("GET", "/sync", &[], SHOWN),
    case("GET", "/sync", &[("account", "{B}")], QUIET),
    case("GET", "/quarantine", &[], SHOWN),
    case("GET", "/account/password", &[], QUIET),
    case(
        "POST",
        "/account/password",
        &[("current_password", "wrong")],
        QUIET,
    ),
    case("GET", "/users", &[], AdminOnly),
    case(
        "POST",
        "/users",
        &[("email", "new@example.com"), ("role", "viewer")],
        AdminOnly,
    ),
    case(
        "POST",
        "/users/{USER}/role",
        &[("role", "admin")],
        AdminOnly,
    ),
    case("GET", "/users/{USER}/access", &[], AdminOnly),
    case(
        "POST",
        "/users/{USER}/access",
        &[("scope", "all")],
        AdminOnly,
    ),
    case("POST", "/users/{USER}/disable", &[], AdminOnly),
    case("POST", "/users/{USER}/enable", &[], AdminOnly),
    case("POST", "/users/{USER}/reset-password", &[], AdminOnly),
    case("GET", "/audit", &[], AdminOnly),
    case("GET", "/settings", &[], AdminOnly),
    case("GET", "/system", &[], AdminOnly),
    case(
        "POST",
        "/settings",
        &[("sync_interval_minutes", "1")],
        AdminOnly,
    ),
    case("POST", "/accounts/connect", &[], Refused),
    case("POST", "/accounts/{B}/validate", &[], NotFound),
    case("POST", "/accounts/{B}/refresh", &[], NotFound),
    case("POST", "/accounts/{B}/sync", &[], NotFound),
    case("POST", "/accounts/{B}/sync", &[("full", "1")], NotFound),
    case(
        "POST",
        "/accounts/{B}/sync",
        &[("reconcile", "1")],
        NotFound,
    ),
    case("POST", "/accounts/{B}/disconnect", &[], NotFound),
    case(
        "POST",
        "/accounts/{B}/delete",
        &[("confirm_login", "{B_LOGIN}")],
        NotFound,
    ),
    case("POST", "/logout", &[], EndsSession),
    case("POST", "/account/logout-everywhere", &[], EndsSession),
];

#[test]
fn every_route_has_a_scope_case() {
    let registered = registered_routes();
    let covered: BTreeSet<(String, String)> = CASES
        .iter()
        .map(|c| (c.method.to_owned(), pattern(c.path)))
        .collect();
    let missing: Vec<_> = registered.difference(&covered).collect();
    let stale: Vec<_> = covered.difference(&registered).collect();
    assert!(
        missing.is_empty(),
        "routes without a scope case (add them to CASES): {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "cases of routes that do not exist: {stale:?}"
    );
}

/// The route pattern of a case's path: `{B_ORDER}` → `{id}`.
fn pattern(path: &str) -> String {
    path.split('/')
        .map(|part| {
            if part.starts_with('{') && part != "{file}" {
                "{id}"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// B's things, and what must never show up where B is out of scope or PII is hidden.
pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) a: i64,
    b: i64,
    b_login: String,
    b_order: String,
    pub(crate) a_order: String,
    b_view: i64,
    /// Per user: a connect flow they started that linked B.
    b_flows: HashMap<i64, i64>,
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
        let with_shipments = SyncOptions {
            shipments_per_run: SyncOptions::default().shipments_per_run,
            ..options()
        };
        sync_account(
            &app.state.accounts,
            account,
            RunTrigger::Cli,
            SyncMode::Auto,
            &with_shipments,
        )
        .await
        .expect("sync");
    }
    let mut conn = app.db.connect();
    let quarantined: i64 =
        sql_query("SELECT count(DISTINCT account_id) AS n FROM order_quarantine")
            .get_result::<Count>(&mut conn)
            .unwrap()
            .n;
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
    let b_view: i64 = sql_query("SELECT max(id) AS n FROM saved_views")
        .get_result::<Count>(&mut conn)
        .unwrap()
        .n;
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
    let b_fingerprint = fingerprint(&app, b);
    World {
        app,
        a,
        b,
        b_login,
        b_order,
        a_order,
        b_view,
        b_flows: HashMap::new(),
        b_markers,
        a_personal,
        b_fingerprint,
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// B's orders, line items and team notes + tags.
fn fingerprint(app: &TestApp, b: i64) -> (i64, i64, i64) {
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
fn flow_linking_b(world: &World, user: i64) -> i64 {
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

    fn fill(&self, text: &str, user: i64) -> String {
        text.replace("{B_ORDER}", &self.b_order)
            .replace("{A_ORDER}", &self.a_order)
            .replace("{B_LOGIN}", &self.b_login)
            .replace("{B_VIEW}", &self.b_view.to_string())
            .replace(
                "{B_FLOW}",
                &self.b_flows.get(&user).copied().unwrap_or(0).to_string(),
            )
            .replace("{B}", &self.b.to_string())
            .replace("{USER}", &user.to_string())
            .replace("{file}", "app.css")
    }

    /// Signs a new operator in, limited to A (`limited`) and with personal data hidden
    /// (`masked`) as an admin sets it on the access page.
    pub(crate) async fn operator(
        &self,
        email: &str,
        limited: bool,
        masked: bool,
    ) -> (reqwest::Client, i64) {
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
    async fn send(&self, client: &reqwest::Client, case: &Case, user: i64) -> (StatusCode, String) {
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

#[tokio::test]
async fn restricted_and_masked_users_see_nothing_of_other_accounts_on_any_route() {
    let mut world = world().await;
    let (everything, everything_id) = world.operator("all@example.com", false, false).await;
    let (limited, limited_id) = world.operator("limited@example.com", true, false).await;
    let (masked, masked_id) = world.operator("masked@example.com", true, true).await;
    for user in [everything_id, limited_id, masked_id] {
        let flow = flow_linking_b(&world, user);
        world.b_flows.insert(user, flow);
    }
    let anonymous = new_client();
    let mut failures: Vec<String> = vec![];

    for (n, case) in CASES.iter().enumerate() {
        let shown = format!("{} {} {:?}", case.method, case.path, case.params);
        // What the request itself carries may be echoed back (a search box, a filter).
        let sent: Vec<String> = case.params.iter().map(|(_, v)| world.fill(v, 0)).collect();
        let b_markers: Vec<String> = world
            .b_markers
            .iter()
            .filter(|m| !sent.iter().any(|s| s.contains(m.as_str())))
            .cloned()
            .collect();
        match case.expect {
            Public => {
                let (status, body) = world.send(&anonymous, case, 0).await;
                if status.is_server_error() || !leaks(&body, &b_markers).is_empty() {
                    failures.push(format!("{shown}: public answer {status} shows B"));
                }
                continue;
            }
            EndsSession => {
                for (who, limited, masked) in [("limited", true, false), ("masked", true, true)] {
                    let email = format!("ends-{n}-{who}@example.com");
                    let (client, id) = world.operator(&email, limited, masked).await;
                    let (status, body) = world.send(&client, case, id).await;
                    let leaked = leaks(&body, &b_markers);
                    if status != StatusCode::SEE_OTHER || !leaked.is_empty() {
                        failures.push(format!("{shown} as {who}: {status}, B: {leaked:?}"));
                    }
                }
                continue;
            }
            _ => {}
        }
        // The operator who sees everything: the case reaches B (GETs only; B must stay).
        if case.method == "GET" {
            let (status, body) = world.send(&everything, case, everything_id).await;
            let expected_ok = !matches!(case.expect, AdminOnly);
            if expected_ok && !(status.is_success() || status.is_redirection()) {
                failures.push(format!("{shown}: {status} for the unrestricted operator"));
            }
            if case.expect == SHOWN && !body.contains(&world.b_login) {
                failures.push(format!("{shown}: B not shown to the unrestricted operator"));
            }
        }
        for (who, client, id) in [
            ("limited", &limited, limited_id),
            ("masked", &masked, masked_id),
        ] {
            let (status, body) = world.send(client, case, id).await;
            let wanted = match case.expect {
                NotFound => Some(StatusCode::NOT_FOUND),
                AdminOnly | Refused => Some(StatusCode::FORBIDDEN),
                _ => None,
            };
            match wanted {
                Some(wanted) if status != wanted => {
                    failures.push(format!("{shown} as {who}: {status}, expected {wanted}"));
                }
                // A GET answers; a form may be refused as invalid, never as a server error.
                None if status.is_server_error()
                    || (case.method == "GET"
                        && !(status.is_success() || status.is_redirection())) =>
                {
                    failures.push(format!("{shown} as {who}: {status}"));
                }
                _ => {}
            }
            if case.expect == Refused && !body.contains("some accounts only") {
                failures.push(format!("{shown} as {who}: the refusal does not say why"));
            }
            let leaked = leaks(&body, &b_markers);
            if !leaked.is_empty() {
                failures.push(format!("{shown} as {who}: shows B's {leaked:?}"));
            }
            if who == "masked" {
                let clear = leaks(&body, &world.a_personal);
                if !clear.is_empty() {
                    failures.push(format!(
                        "{shown} as masked: personal data in clear {clear:?}"
                    ));
                }
            }
        }
        if fingerprint(&world.app, world.b) != world.b_fingerprint {
            failures.push(format!("{shown} changed B's data"));
            break;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // B is still there, as it was.
    let accounts = text_of(everything.get(world.app.url("/accounts"))).await;
    assert!(accounts.contains(&world.b_login));
}

/// What a masked user is told and offered about exports: no NDJSON link, a refusal that names
/// personal data, CSV with no buyer ids and fixed-length masks.
#[tokio::test]
async fn a_masked_user_gets_masked_csv_and_a_refusal_naming_personal_data_for_ndjson() {
    let world = world().await;
    let (masked, _) = world.operator("masked@example.com", true, true).await;
    let list = text_of(masked.get(world.app.url("/orders"))).await;
    assert!(list.contains("format=csv"), "the CSV export is offered");
    assert!(
        !list.contains("format=ndjson"),
        "no NDJSON link for a masked user"
    );
    let response = masked
        .get(world.app.url("/orders/export?format=ndjson"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body = response.text().await.unwrap();
    assert!(body.contains("personal data is hidden for you"), "{body}");
    assert!(
        !body.contains("role"),
        "the refusal blames the role: {body}"
    );

    let csv = text_of(masked.get(world.app.url("/orders/export?format=csv"))).await;
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    let mut masks: HashMap<usize, HashSet<usize>> = HashMap::new();
    for row in &rows {
        assert_eq!(&row[column("account")], world.a_login(), "A's orders only");
        assert_eq!(&row[column("buyer_id")], "", "buyer ids are hidden");
        for name in ["buyer_first_name", "buyer_last_name"] {
            let value = &row[column(name)];
            if !value.is_empty() {
                masks
                    .entry(column(name))
                    .or_default()
                    .insert(value.chars().count());
            }
        }
        let email = &row[column("buyer_email")];
        assert!(email.is_empty() || email.contains("***@***."), "{email}");
    }
    assert!(!masks.is_empty(), "names are exported, masked");
    for (column, lengths) in masks {
        assert!(
            lengths.len() <= 1,
            "masks of column {column} vary in length: {lengths:?}"
        );
    }
}
