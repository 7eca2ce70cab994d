//! Sorting by net amount (issue 18): what stays of each order's money in its currency (paid,
//! plus its fees and commission credits, less the refunds paid out), kept by the database as
//! fees and refunds arrive, equal to the simulator's own figures; the list in currency groups
//! (PLN first), highest or lowest net first, each order once across pages.

use std::collections::HashMap;

use allegro_backup::{db::models::sync::RunTrigger, domain::signed_cents};
use chrono::Utc;
use diesel::{QueryableByName, RunQueryDsl, sql_query, sql_types::Nullable, sql_types::Text};
use serde_json::Value;

use super::walk;
use crate::helpers::{TestApp, backup::sync_once, versioned::spawn_app_with_returns};

/// Each order's currency and net in cents, from what the simulator serves.
fn expected_nets(app: &TestApp) -> HashMap<String, (Option<String>, Option<i128>)> {
    let world = app.simulator.world();
    let cents = |v: &Value| v.as_str().map(signed_cents);
    let mut money: HashMap<String, (Option<String>, Option<i128>)> = world
        .orders(0)
        .into_iter()
        .map(|o| {
            let currency = o["summary"]["totalToPay"]["currency"]
                .as_str()
                .map(str::to_owned);
            let paid = cents(&o["payment"]["paidAmount"]["amount"]);
            (o["id"].as_str().unwrap().to_owned(), (currency, paid))
        })
        .collect();
    let mut add = |order: &Value, amount: &Value, sign: i128| {
        let (Some(order), Some(value)) = (order.as_str(), amount["amount"].as_str()) else {
            return;
        };
        if let Some((currency, net)) = money.get_mut(order)
            && currency.as_deref() == amount["currency"].as_str()
        {
            *net = Some(net.unwrap_or(0) + sign * signed_cents(value));
        }
    };
    for fee in world.billing_entries(0) {
        add(&fee["order"]["id"], &fee["value"], 1);
    }
    for refund in world.refunds(0) {
        if ["SUCCESS", "PARTIAL"].contains(&refund["status"].as_str().unwrap_or("")) {
            add(&refund["order"]["id"], &refund["totalValue"], -1);
        }
    }
    money
}

#[derive(QueryableByName)]
struct Stored {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Nullable<Text>)]
    net: Option<String>,
}

#[tokio::test]
async fn the_list_sorts_by_net_within_each_currency_and_the_nets_are_allegros_figures() {
    let app = spawn_app_with_returns(300, 30, Utc::now()).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    // Days on: refunds paid out, new fees and claims granted change the nets.
    app.simulator.world().advance(chrono::Duration::days(5));
    sync_once(&app, account, RunTrigger::Cli).await;
    let expected = expected_nets(&app);
    let stored: HashMap<String, Option<i128>> = sql_query(
        "SELECT o.checkout_form_id AS id, n.net_amount::text AS net \
         FROM orders o JOIN order_nets n ON n.order_id = o.id",
    )
    .load::<Stored>(&mut app.db.connect())
    .unwrap()
    .into_iter()
    .map(|s| (s.id, s.net.as_deref().map(signed_cents)))
    .collect();
    assert_eq!(stored.len(), expected.len(), "a net for every order");
    let with_fees = stored.values().filter(|n| n.is_some()).count();
    assert!(with_fees > 100, "{with_fees} orders moved money");
    for (id, (_, net)) in &expected {
        assert_eq!(stored.get(id), Some(net), "the net of {id}");
    }

    let admin = app
        .signed_in_client("net@example.com", allegro_backup::domain::Role::Admin)
        .await;
    let (listed, _) = walk(&app, &admin, "/orders?page_size=50").await;
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    for (sort, descending) in [("net_desc", true), ("net_asc", false)] {
        let (ids, _) = walk(&app, &admin, &format!("/orders?sort={sort}&page_size=50")).await;
        let mut seen = ids.clone();
        seen.sort();
        assert_eq!(seen, listed_sorted, "{sort}: every listed order once");
        let rank = |currency: &Option<String>| match currency.as_deref() {
            Some("PLN") => (0, String::new()),
            Some(other) => (1, other.to_owned()),
            None => (2, String::new()),
        };
        for pair in ids.windows(2) {
            let (a, b) = (&expected[&pair[0]], &expected[&pair[1]]);
            assert!(rank(&a.0) <= rank(&b.0), "{sort}: currency groups in order");
            if rank(&a.0) == rank(&b.0) {
                // NULL ranks above every value, as for totals.
                let key = |n: Option<i128>| n.map_or(i128::MAX, |v| v);
                let ordered = if descending {
                    key(a.1) >= key(b.1)
                } else {
                    a.1.is_some() && (b.1.is_none() || a.1 <= b.1) || a.1.is_none() && b.1.is_none()
                };
                assert!(ordered, "{sort}: {:?} then {:?}", a.1, b.1);
            }
        }
    }
}
