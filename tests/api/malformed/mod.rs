//! Malformed input on every route. A property test sends adversarial path segments, query
//! strings, forms and content types — random and huge strings, unicode and control characters,
//! invalid percent-encoding, numbers out of range, injection strings, repeated and missing
//! parameters — as an admin with a valid CSRF token (so requests reach the handlers) and without
//! a session or a token. The server must never answer 5xx, must still answer after each case
//! (a panic would kill the worker and drop the connection), and HTML answers must show injected
//! markup escaped.
//!
//! Reaching cases send every parameter valid but one, spoiled with a control character (NUL
//! most often), a long tail, a huge number or markup, so that the bad value travels as far as
//! it can: into searches, account filters, notes, tags, view and user names, settings. Such a
//! case must succeed, or be refused with a 4xx page that says why. Besides the random ones, a
//! sweep spoils every parameter of every route in turn with a NUL, a long tail and a huge number.
//!
//! [`ROUTES`] is the one route table; [`every_route_the_app_registers_is_fuzzed`] reads the
//! routing code and fails when a route has no entry here. Cases are generated from a seed derived
//! from the route (the same cases on every run); `PROPTEST_CASES` overrides the number of cases
//! per route and failing seeds are kept in `tests/api/malformed.proptest-regressions`.
//!
//! Here the route table and the two runs; what is sent in [`values`], the cases built from it in
//! [`cases`], sending and checking them in [`fuzzer`].

mod cases;
mod fuzzer;
mod values;

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

use allegro_backup::{
    db::{models::sync::RunTrigger, schema::saved_views},
    domain::Role,
    settings::form::{DISPLAY_ZONE_FIELD, FIELD_NAMES},
};
use diesel::prelude::*;
use reqwest::StatusCode;
use scraper::Html;

use self::{
    fuzzer::{Admin, Fuzzer, bare_client, client},
    values::accepted_values,
};
use crate::helpers::{
    PASSWORD, TestApp,
    backup::{sync_once, truth},
    select_attr, spawn_app_with,
};

/// One route of the app and the parameters its handler reads (query for GET, form for POST).
struct Route {
    method: &'static str,
    path: &'static str,
    params: &'static [&'static str],
    /// Signing out (here or everywhere) ends the session the run uses: such a route gets a
    /// fresh admin session for each case and runs last.
    ends_session: bool,
}

const fn get(path: &'static str, params: &'static [&'static str]) -> Route {
    route("GET", path, params)
}

const fn post(path: &'static str, params: &'static [&'static str]) -> Route {
    route("POST", path, params)
}

const fn route(method: &'static str, path: &'static str, params: &'static [&'static str]) -> Route {
    Route {
        method,
        path,
        params,
        ends_session: false,
    }
}

const fn ending_session(path: &'static str) -> Route {
    Route {
        ends_session: true,
        ..post(path, &[])
    }
}

/// The export's parameters: its format, then the order list's filters (`OrderParams`).
const EXPORT_PARAMS: &[&str] = &[
    "format",
    "q",
    "account",
    "status",
    "fulfillment",
    "payment",
    "delivery",
    "marketplace",
    "currency",
    "bought_from",
    "bought_to",
    "updated_from",
    "updated_to",
    "min_total",
    "max_total",
    "invoice",
    "merged",
    "sort",
    "page_size",
    "cursor",
];

const ORDER_FILTERS: &[&str] = EXPORT_PARAMS.split_at(1).1;

/// The settings form's fields, as the form names them.
const SETTINGS_FIELDS: [&str; FIELD_NAMES.len() + 1] = {
    let mut fields = [DISPLAY_ZONE_FIELD; FIELD_NAMES.len() + 1];
    let mut i = 0;
    while i < FIELD_NAMES.len() {
        fields[i] = FIELD_NAMES[i];
        i += 1;
    }
    fields
};

/// Every route, in the order the admin run visits them: destructive ones late, the ones that
/// end the session last.
const ROUTES: &[Route] = &[
    get("/health", &[]),
    route("HEAD", "/health", &[]),
    get("/ready", &[]),
    route("HEAD", "/ready", &[]),
    get("/static/{file}", &["v"]),
    get("/metrics", &[]),
    get("/", &["days"]),
    get("/orders", ORDER_FILTERS),
    get("/orders/export", EXPORT_PARAMS),
    get("/orders/{id}", &["from", "to"]),
    get("/orders/{id}/diff", &["from", "to"]),
    post("/orders/{id}/notes", &["body"]),
    post("/orders/{id}/tags", &["tag"]),
    post("/orders/{id}/tags/delete", &["tag"]),
    get("/views", &[]),
    post("/views", &["name", "query", "shared"]),
    get("/views/menu", &[]),
    post("/views/{id}/delete", &[]),
    get("/accounts", &[]),
    post("/accounts/connect", &[]),
    get("/accounts/connect/{id}", &[]),
    get("/accounts/connect/{id}/status", &[]),
    get("/accounts/{id}/coverage", &[]),
    post("/accounts/{id}/refresh", &[]),
    post("/accounts/{id}/validate", &[]),
    post("/accounts/{id}/sync", &["full", "reconcile"]),
    get("/sync", &["account", "kind", "status"]),
    get("/quarantine", &[]),
    get(
        "/fees",
        &[
            "account",
            "from",
            "to",
            "marketplace",
            "type",
            "without_order",
            "group",
            "before",
        ],
    ),
    get(
        "/returns",
        &[
            "account",
            "from",
            "to",
            "status",
            "refund_not_paid",
            "commission_not_claimed",
            "before",
        ],
    ),
    get(
        "/payments",
        &[
            "account", "from", "to", "wallet", "type", "payout", "before",
        ],
    ),
    get("/export", &["resource", "format", "account", "since"]),
    get("/export/accounting", &["month", "account", "dialect"]),
    get("/login", &["next", "notice"]),
    post("/login", &["email", "password", "next"]),
    get("/setup", &["token"]),
    post(
        "/setup",
        &["token", "email", "name", "password", "password_confirm"],
    ),
    get("/users", &[]),
    post("/users", &["email", "name", "role"]),
    post("/users/{id}/role", &["role"]),
    get("/users/{id}/access", &[]),
    post(
        "/users/{id}/access",
        &["scope", "account", "hide_personal_data"],
    ),
    post("/users/{id}/disable", &[]),
    post("/users/{id}/enable", &[]),
    post("/users/{id}/reset-password", &[]),
    get("/account/password", &[]),
    post(
        "/account/password",
        &["current_password", "new_password", "new_password_confirm"],
    ),
    post("/account/language", &["lang"]),
    post(
        "/account/tokens",
        &["name", "scope", "expires_days", "no_expiry"],
    ),
    post("/account/tokens/{id}/revoke", &[]),
    get("/tokens", &[]),
    get("/api/docs", &[]),
    get("/webhooks", &[]),
    post(
        "/webhooks",
        &[
            "url",
            "account",
            "order.created",
            "order.updated",
            "sync.failed",
        ],
    ),
    get("/webhooks/{id}", &[]),
    get("/webhooks/{id}/deliveries", &[]),
    post("/webhooks/{id}/remove", &[]),
    post("/webhooks/{id}/enable", &[]),
    post("/webhooks/{id}/test", &[]),
    post("/webhooks/{id}/deliveries/{delivery}/resend", &[]),
    post("/tokens/{id}/revoke", &[]),
    get("/audit", &["action", "actor", "before"]),
    get("/settings", &[]),
    post("/settings", &SETTINGS_FIELDS),
    get("/system", &[]),
    post("/accounts/{id}/disconnect", &[]),
    post("/accounts/{id}/delete", &["confirm_login"]),
    ending_session("/logout"),
    ending_session("/account/logout-everywhere"),
];

/// `(METHOD, path)` of every route the routing code registers: `src/startup.rs` and
/// `src/routes/*.rs`, read as text. A path comes from `route("…"`, `resource("…"` or a scope's
/// `scope("…")` (for a `route(""`), and each `web::get()`-style method after it belongs to it.
pub(crate) fn registered_routes() -> BTreeSet<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = vec![root.join("src/startup.rs")];
    let mut route_files = rust_files_under(&root.join("src/routes"));
    route_files.sort();
    files.extend(route_files);
    let mut routes = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("read source");
        scan_routes(&source, &mut routes);
    }
    routes
}

/// The `.rs` files in `dir` and its folders.
fn rust_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read a source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(rust_files_under(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

fn scan_routes(source: &str, routes: &mut BTreeSet<(String, String)>) {
    const METHODS: [(&str, &str); 6] = [
        ("web::get()", "GET"),
        ("web::post()", "POST"),
        ("web::head()", "HEAD"),
        ("web::put()", "PUT"),
        ("web::patch()", "PATCH"),
        ("web::delete()", "DELETE"),
    ];
    // Comments may name paths; only code counts. Without whitespace, a call rustfmt spread
    // over lines reads like one on a single line (paths have no spaces).
    let code: String = source
        .lines()
        .flat_map(|line| line.split("// ").next().unwrap_or_default().chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let literal = |rest: &str| rest.split('"').next().unwrap_or_default().to_owned();
    let (mut scope, mut path) = (String::new(), None::<String>);
    for (at, _) in code.char_indices() {
        let rest = &code[at..];
        if let Some(rest) = rest.strip_prefix("scope(\"") {
            scope = literal(rest);
        } else if let Some(rest) = rest
            .strip_prefix("route(\"")
            .or_else(|| rest.strip_prefix("resource(\""))
        {
            let p = literal(rest);
            path = Some(if p.is_empty() { scope.clone() } else { p });
        } else if let Some((_, method)) = METHODS.iter().find(|(m, _)| rest.starts_with(m)) {
            let path = path
                .clone()
                .unwrap_or_else(|| panic!("{method} route without a path"));
            routes.insert(((*method).to_owned(), path));
        }
    }
}

#[test]
fn every_route_the_app_registers_is_fuzzed() {
    let registered = registered_routes();
    let fuzzed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    assert_eq!(fuzzed.len(), ROUTES.len(), "a route is listed twice");
    assert!(
        registered.len() > 40,
        "the routing code was not read: {registered:?}"
    );
    assert_same_routes(
        &registered,
        &fuzzed,
        "routes without malformed-input cases (add them to ROUTES)",
        "ROUTES lists routes the app does not register",
    );
}

/// Fails with `missing` and the routes `registered` has that `listed` lacks, then with `stale`
/// and the routes `listed` has that `registered` lacks.
pub(crate) fn assert_same_routes(
    registered: &BTreeSet<(String, String)>,
    listed: &BTreeSet<(String, String)>,
    missing: &str,
    stale: &str,
) {
    let missing_routes: Vec<_> = registered.difference(listed).collect();
    let stale_routes: Vec<_> = listed.difference(registered).collect();
    assert!(missing_routes.is_empty(), "{missing}: {missing_routes:?}");
    assert!(stale_routes.is_empty(), "{stale}: {stale_routes:?}");
}

/// An app where the admin runs cases; its throttle never blocks (the login form's cases would
/// otherwise lock out the fresh sign-ins of the session-ending routes).
async fn app_without_throttle() -> TestApp {
    spawn_app_with(|settings| {
        settings.throttle.free_failures_per_email = 1_000_000;
        settings.throttle.free_failures_per_ip = 1_000_000;
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_input_from_a_signed_in_admin_never_causes_a_server_error() {
    let app = app_without_throttle().await;
    let email = "fuzz.admin@example.com";
    let admin_id = app.create_user(email, Role::Admin).await;
    let other_id = app
        .create_user("fuzz.other@example.com", Role::Operator)
        .await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    let (client, jar) = client();
    let response = app.login_with(&client, email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "admin sign-in");
    let response = app
        .post_form_with(
            &client,
            "/views",
            &[("name", "Fuzzed view"), ("query", "status=BOUGHT")],
        )
        .await;
    assert!(response.status().is_redirection() || response.status().is_success());
    let view_id: i64 = saved_views::table
        .select(saved_views::id)
        .first(&mut app.db.connect())
        .expect("the saved view");
    let order_id = truth(&app).into_keys().next().expect("an order");
    let login = app.simulator.world().sellers()[0].login.clone();
    let mut runtime: std::collections::HashMap<String, String> = [
        ("account", account.to_string()),
        ("user", other_id.to_string()),
        ("view", view_id.to_string()),
        ("order", order_id.clone()),
        ("login", login.clone()),
        ("admin_password", PASSWORD.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let settings = Html::parse_document(
        &app.get_with(&client, "/settings")
            .await
            .text()
            .await
            .unwrap(),
    );
    for name in SETTINGS_FIELDS {
        let value =
            select_attr(&settings, &format!(r#"input[name="{name}"]"#), "value").or_else(|| {
                select_attr(
                    &settings,
                    &format!(r#"select[name="{name}"] option[selected]"#),
                    "value",
                )
            });
        runtime.insert(name.to_owned(), value.unwrap_or_default());
    }
    let mut known = accepted_values();
    known.extend([
        account.to_string(),
        other_id.to_string(),
        view_id.to_string(),
        order_id,
        login,
    ]);
    let fuzzer = Fuzzer {
        app: &app,
        client: client.clone(),
        jar,
        bare: bare_client(),
        known,
        runtime,
        admin: Some(Admin {
            email: email.to_owned(),
            id: admin_id,
            other_id,
        }),
    };
    for route in ROUTES.iter().filter(|r| !r.ends_session) {
        fuzzer.run(route).await;
        // The cases must have reached the handlers as the admin: the session is still there.
        let response = app.get_with(&client, "/account/password").await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "the admin session did not survive {} {}",
            route.method,
            route.path
        );
    }
    for route in ROUTES.iter().filter(|r| r.ends_session) {
        fuzzer.run(route).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_input_without_a_session_or_csrf_token_never_causes_a_server_error() {
    let app = app_without_throttle().await;
    // No users yet: the setup form is live and its token is one of the values sent.
    let setup_token = app.setup_token();
    let (client, jar) = client();
    let mut known = accepted_values();
    known.push(setup_token.clone());
    let fuzzer = Fuzzer {
        app: &app,
        client,
        jar,
        bare: bare_client(),
        known,
        runtime: [("setup_token".to_owned(), setup_token)].into(),
        admin: None,
    };
    for route in ROUTES {
        fuzzer.run(route).await;
    }
}
