//! Who may call what: every API route × role × account scope × token scope, as a table. A
//! token acts as its user, never more: out-of-scope ids are 404 like unknown ones, sync
//! actions need the `write` scope and the operator role.

use allegro_backup::{
    api::{API_PREFIX, ROUTES},
    db::models::{
        order,
        sync::{RunKind, RunTrigger, SyncRun},
    },
    domain::{AccountId, Role},
};
use diesel::Connection;
use reqwest::{Method, StatusCode};

use super::{Api, user_api};
use crate::{
    helpers::{seed::hold_lease, spawn_app},
    storage::{create_account, new_orders},
};

/// One caller of the table.
struct Caller {
    role: Role,
    /// Limited to account A (else every account).
    limited: bool,
    write: bool,
}

/// What `caller` must get from `method path`, the path's ids being of account A or B.
fn expected(caller: &Caller, method: &str, of_b: bool) -> StatusCode {
    let hidden = of_b && caller.limited;
    if method == "post" {
        if !caller.write {
            return StatusCode::FORBIDDEN;
        }
        if !caller.role.includes(Role::Operator) {
            return StatusCode::FORBIDDEN;
        }
        // Both accounts' leases are held elsewhere: allowed callers hear it is running.
        return if hidden {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::CONFLICT
        };
    }
    if hidden {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    }
}

#[tokio::test]
async fn every_route_by_role_account_scope_and_token_scope() {
    let app = spawn_app().await;
    let mut conn = app.db.connect();
    let (a, b): (AccountId, AccountId) = (
        create_account(&mut conn, "1"),
        create_account(&mut conn, "2"),
    );
    conn.transaction(|c| order::upsert_orders(c, a, &new_orders(0..1)))
        .unwrap();
    conn.transaction(|c| order::upsert_orders(c, b, &new_orders(1..2)))
        .unwrap();
    let run_of = |conn: &mut diesel::PgConnection, account| {
        let run =
            SyncRun::start(conn, account, RunKind::Incremental, RunTrigger::Schedule).unwrap();
        SyncRun::finish(conn, run.id, "succeeded", None, &Default::default()).unwrap();
        run.id
    };
    let (run_a, run_b) = (run_of(&mut conn, a), run_of(&mut conn, b));
    for account in [a, b] {
        hold_lease(&mut conn, account, "elsewhere");
    }
    let ids = |of_b: bool| {
        let (account, order, run) = if of_b {
            (b, "00000000-0000-4000-8000-000000000001", run_b)
        } else {
            (a, "00000000-0000-4000-8000-000000000000", run_a)
        };
        move |path: &str| {
            let id = if path.starts_with("/accounts") {
                account.to_string()
            } else if path.starts_with("/orders") {
                order.to_owned()
            } else {
                run.to_string()
            };
            path.replace("{id}", &id)
        }
    };

    app.sign_in("admin@example.com", Role::Admin).await;
    let mut callers = vec![];
    for (n, (role, limited)) in [
        (Role::Admin, false),
        (Role::Operator, false),
        (Role::Operator, true),
        (Role::Viewer, false),
        (Role::Viewer, true),
    ]
    .into_iter()
    .enumerate()
    {
        for write in [false, true] {
            let email = format!("caller{n}{write}@example.com");
            let scope = if write { "write" } else { "read" };
            let only: &[AccountId] = &[a];
            let api = user_api(&app, &email, role, limited.then_some(only), false, scope).await;
            callers.push((
                Caller {
                    role,
                    limited,
                    write,
                },
                api,
            ));
        }
    }

    let mut checked = 0;
    for (method, route) in ROUTES.iter().filter(|(_, path)| *path != "/openapi.json") {
        for of_b in [false, true] {
            if !route.contains("{id}") && of_b {
                continue;
            }
            let path = format!("{API_PREFIX}{}", ids(of_b)(route));
            for (caller, api) in &callers {
                let want = expected(caller, method, of_b);
                let got = call(api, method, &path).await;
                assert_eq!(
                    got, want,
                    "{method} {path} as {:?} limited={} write={}",
                    caller.role, caller.limited, caller.write
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 10 * 15, "{checked} calls checked");
}

async fn call(api: &Api<'_>, method: &str, path: &str) -> StatusCode {
    let method = if method == "post" {
        Method::POST
    } else {
        Method::GET
    };
    api.send(method, path, None).await.0
}
