//! The route table: every route with B's ids in its path, query and form, and what it owes a
//! user limited to A; and the run of every case as three operators.

use allegro_backup::domain::UserId;
use std::collections::BTreeSet;

use reqwest::StatusCode;

use super::{fingerprint, flow_linking_b, leaks, world};
use crate::{
    helpers::{new_client, text_of},
    malformed::{assert_same_routes, registered_routes},
};

use Expect::*;

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

/// One route: method, path and parameters (`{B}`, `{B_ORDER}`, `{B_VIEW}`, `{B_FLOW}`,
/// `{B_LOGIN}`, `{USER}` stand for B's things and a user id; `{A_ORDER}` is an order of A with
/// a shipment), and what it owes.
pub(super) struct Case {
    pub(super) method: &'static str,
    pub(super) path: &'static str,
    pub(super) params: Params,
    expect: Expect,
}

/// A case's parameters: `(name, value)` pairs, sent as the query of a GET or the form of a POST.
type Params = &'static [(&'static str, &'static str)];

const fn case(method: &'static str, path: &'static str, params: Params, expect: Expect) -> Case {
    Case {
        method,
        path,
        params,
        expect,
    }
}

const fn get(path: &'static str, params: Params, expect: Expect) -> Case {
    case("GET", path, params, expect)
}

const fn head(path: &'static str, params: Params, expect: Expect) -> Case {
    case("HEAD", path, params, expect)
}

const fn post(path: &'static str, params: Params, expect: Expect) -> Case {
    case("POST", path, params, expect)
}

const SHOWN: Expect = Lists { b_shown: true };

const QUIET: Expect = Lists { b_shown: false };

/// Every route, state-changing ones on B late (B must still be whole after each).
const CASES: &[Case] = &[
    get("/health", &[], Public),
    head("/health", &[], Public),
    get("/ready", &[], Public),
    head("/ready", &[], Public),
    get("/static/{file}", &[], Public),
    get("/login", &[("next", "/orders?account={B}")], Public),
    post(
        "/login",
        &[("email", "nobody@example.com"), ("password", "wrong")],
        Public,
    ),
    get("/setup", &[("token", "none")], Public),
    post(
        "/setup",
        &[("token", "none"), ("email", "x@example.com")],
        Public,
    ),
    get("/metrics", &[], AdminOnly),
    get("/", &[("days", "30")], SHOWN),
    get("/orders", &[], SHOWN),
    get("/orders", &[("account", "{B}")], QUIET),
    get("/orders", &[("account", "{B_LOGIN}")], QUIET),
    get("/orders", &[("q", "{B_ORDER}")], QUIET),
    get("/orders/export", &[("format", "csv")], SHOWN),
    get(
        "/orders/export",
        &[("format", "csv-items"), ("account", "{B}")],
        QUIET,
    ),
    get(
        "/orders/export",
        &[("format", "csv"), ("account", "{B}")],
        SHOWN,
    ),
    get("/orders/{A_ORDER}", &[], QUIET),
    get("/orders/{A_ORDER}/diff", &[], QUIET),
    get("/orders/{B_ORDER}", &[], NotFound),
    get("/orders/{B_ORDER}/diff", &[], NotFound),
    post("/orders/{B_ORDER}/notes", &[("body", "seen")], NotFound),
    post("/orders/{B_ORDER}/tags", &[("tag", "seen")], NotFound),
    post(
        "/orders/{B_ORDER}/tags/delete",
        &[("tag", "b-tag")],
        NotFound,
    ),
    get("/views", &[], SHOWN),
    get("/views/menu", &[], SHOWN),
    post(
        "/views",
        &[("name", "mine"), ("query", "account={B}")],
        QUIET,
    ),
    post("/views/{B_VIEW}/delete", &[], NotFound),
    get("/accounts", &[], SHOWN),
    get("/accounts/connect/{B_FLOW}", &[], NotFound),
    get("/accounts/connect/{B_FLOW}/status", &[], NotFound),
    get("/accounts/{B}/coverage", &[], NotFound),
    get("/sync", &[], SHOWN),
    get("/sync", &[("account", "{B}")], QUIET),
    get("/quarantine", &[], SHOWN),
    get("/fees", &[], SHOWN),
    get(
        "/fees",
        &[("group", "account"), ("from", "2000-01-01")],
        SHOWN,
    ),
    get("/fees", &[("account", "{B}")], NotFound),
    get("/returns", &[("from", "2000-01-01")], SHOWN),
    get("/returns", &[("account", "{B}")], NotFound),
    get("/payments", &[("from", "2000-01-01")], SHOWN),
    get("/payments", &[("account", "{B}")], NotFound),
    get("/payments", &[("payout", "{B_PAYOUT}")], NotFound),
    get("/export/accounting", &[], QUIET),
    get("/export/accounting", &[("account", "{B}")], NotFound),
    get(
        "/export",
        &[
            ("resource", "payment-operations"),
            ("format", "ndjson"),
            ("account", "{B}"),
        ],
        NotFound,
    ),
    get("/account/password", &[], QUIET),
    post("/account/password", &[("current_password", "wrong")], QUIET),
    // English, as the checks of the answers after it read them.
    post("/account/language", &[("lang", "en")], QUIET),
    post(
        "/account/tokens",
        &[("name", "script"), ("scope", "read")],
        QUIET,
    ),
    post("/account/tokens/{USER}/revoke", &[], QUIET),
    get("/api/docs", &[], QUIET),
    get("/webhooks", &[], AdminOnly),
    post(
        "/webhooks",
        &[("url", "https://hooks.example/x"), ("order.created", "on")],
        AdminOnly,
    ),
    get("/webhooks/{USER}", &[], AdminOnly),
    get("/webhooks/{USER}/deliveries", &[], AdminOnly),
    post("/webhooks/{USER}/remove", &[], AdminOnly),
    post("/webhooks/{USER}/enable", &[], AdminOnly),
    post("/webhooks/{USER}/test", &[], AdminOnly),
    post(
        "/webhooks/{USER}/deliveries/{delivery}/resend",
        &[],
        AdminOnly,
    ),
    get("/tokens", &[], AdminOnly),
    post("/tokens/{USER}/revoke", &[], AdminOnly),
    get("/users", &[], AdminOnly),
    post(
        "/users",
        &[("email", "new@example.com"), ("role", "viewer")],
        AdminOnly,
    ),
    post("/users/{USER}/role", &[("role", "admin")], AdminOnly),
    get("/users/{USER}/access", &[], AdminOnly),
    post("/users/{USER}/access", &[("scope", "all")], AdminOnly),
    post("/users/{USER}/disable", &[], AdminOnly),
    post("/users/{USER}/enable", &[], AdminOnly),
    post("/users/{USER}/reset-password", &[], AdminOnly),
    get("/audit", &[], AdminOnly),
    get("/settings", &[], AdminOnly),
    get("/system", &[], AdminOnly),
    post("/settings", &[("sync_interval_minutes", "1")], AdminOnly),
    post("/accounts/connect", &[], Refused),
    post("/accounts/{B}/validate", &[], NotFound),
    post("/accounts/{B}/refresh", &[], NotFound),
    post("/accounts/{B}/sync", &[], NotFound),
    post("/accounts/{B}/sync", &[("full", "1")], NotFound),
    post("/accounts/{B}/sync", &[("reconcile", "1")], NotFound),
    post("/accounts/{B}/disconnect", &[], NotFound),
    post(
        "/accounts/{B}/delete",
        &[("confirm_login", "{B_LOGIN}")],
        NotFound,
    ),
    post("/logout", &[], EndsSession),
    post("/account/logout-everywhere", &[], EndsSession),
];

#[test]
fn every_route_has_a_scope_case() {
    let registered = registered_routes();
    let covered: BTreeSet<(String, String)> = CASES
        .iter()
        .map(|c| (c.method.to_owned(), pattern(c.path)))
        .collect();
    assert_same_routes(
        &registered,
        &covered,
        "routes without a scope case (add them to CASES)",
        "cases of routes that do not exist",
    );
}

/// The route pattern of a case's path: `{B_ORDER}` → `{id}`.
fn pattern(path: &str) -> String {
    path.split('/')
        .map(|part| {
            // B's things and users ({B_ORDER}, {USER}) stand for an id; a route's own
            // lowercase names ({file}, {delivery}) stay as the route names them.
            if part.starts_with('{') && part.chars().nth(1).is_some_and(|c| c.is_ascii_uppercase())
            {
                "{id}"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
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
        let sent: Vec<String> = case
            .params
            .iter()
            .map(|(_, v)| world.fill(v, UserId(0)))
            .collect();
        let b_markers: Vec<String> = world
            .b_markers
            .iter()
            .filter(|m| !sent.iter().any(|s| s.contains(m.as_str())))
            .cloned()
            .collect();
        match case.expect {
            Public => {
                let (status, body) = world.send(&anonymous, case, UserId(0)).await;
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
