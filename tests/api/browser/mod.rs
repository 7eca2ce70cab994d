//! The whole story in a real browser (headless Chromium through chromedriver), as a Polish
//! seller's team lives it (the browser asks for Polish): the first-run setup link, users,
//! connecting an account on the simulator's approval page, the first backup's progress, the
//! orders list, an order's revision diff, the CSV export and signing out. Every step saves a
//! screenshot into `target/e2e-screenshots/`. The pages in English are walked in `pages`.

mod driver;
mod pages;
mod returns;

use std::collections::HashMap;

use allegro_backup::simulator::SimulatorConfig;
use chrono::Utc;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with_simulator};
use driver::Browser;

/// Orders of the simulated seller: enough for filters to mean something, few for speed.
const ORDERS: u32 = 40;
/// Added to every simulator API call during the first backup, so that it runs long enough for
/// its progress bar to be seen.
const FIRST_BACKUP_LATENCY_MS: u64 = 400;

const ADMIN_EMAIL: &str = "ada@example.com";
const ADMIN_PASSWORD: &str = "a long admin passphrase";
const OPERATOR_EMAIL: &str = "olek@example.com";
const OPERATOR_PASSWORD: &str = "operator's own passphrase";

async fn set_latency(app: &TestApp, ms: u64) {
    let response = reqwest::Client::new()
        .post(format!("{}/__simulator/faults", app.simulator.base_url()))
        .json(&json!({ "latency_ms": ms }))
        .send()
        .await
        .expect("simulator faults");
    assert!(response.status().is_success());
}

async fn sign_in(browser: &Browser, email: &str, password: &str) {
    browser
        .wait_until(
            "the sign-in form",
            "document.querySelector('form[action=\"/login\"] input[name=\"password\"]')",
            vec![],
        )
        .await;
    browser
        .fill_form(&[
            (r#"input[name="email"]"#, email),
            (r#"input[name="password"]"#, password),
        ])
        .await;
    browser
        .click(r#"form[action="/login"] button[type="submit"]"#)
        .await;
}

async fn sign_out(browser: &Browser) {
    browser
        .click(r#"form[action="/logout"] button[type="submit"]"#)
        .await;
    browser.wait_for_path("/login").await;
    browser.wait_for_text(".flash", "Wylogowano").await;
}

/// Presses "Sync now" on the accounts page; lands on the sync history.
async fn press_sync_now(browser: &Browser) {
    // The plain sync form (the others are "Full resync" with a confirmation and "Reconcile").
    browser
        .click(r#"#accounts form[action$="/sync"]:not([data-confirm]):not([title]) button"#)
        .await;
    browser.wait_for_path("/sync").await;
    browser.wait_for_text(".flash", "Rozpoczęto").await;
}

/// Waits on the sync history until it lists `runs` runs. "Sync now" starts the run in the
/// background and redirects at once, so the page may be rendered before the run exists (and a
/// page without a running run does not refresh itself): reload, as a person would.
async fn wait_for_runs(browser: &Browser, runs: usize) {
    let started = std::time::Instant::now();
    loop {
        let listed = browser.count("#runs tr.run").await;
        if listed >= runs {
            assert_eq!(listed, runs, "{runs} sync runs expected");
            return;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the sync history never listed {runs} runs"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        browser.reload().await;
    }
}

/// Waits until no run is running (the history refreshes itself while one is); returns the
/// cells of the newest run.
async fn finished_runs(browser: &Browser) -> Vec<String> {
    browser
        .wait_until(
            "the sync runs to finish",
            "document.querySelector('#runs tr.run') && !document.querySelector('#runs tr.run-running')",
            vec![],
        )
        .await;
    browser.texts("#runs tr.run:first-child td").await
}

#[tokio::test]
async fn a_new_team_sets_up_backs_up_and_browses_its_orders_in_a_real_browser() {
    // First, so that a missing browser fails at once with how to install it.
    let browser = Browser::start_speaking("", "pl-PL,pl;q=0.9,en;q=0.5").await;
    // The simulator's clock is today's, so the default 12-month history reaches every order;
    // the person approves on its page.
    let app = spawn_app_with_simulator(
        SimulatorConfig {
            start: Utc::now(),
            auto_approve: false,
            ..SimulatorConfig::for_tests(ORDERS)
        },
        |_| {},
    )
    .await;
    let truth: Vec<Value> = app.simulator.world().orders(0);
    let seller = app.simulator.world().sellers()[0].login.clone();

    // 1. The one-time setup link from the log (its host is PUBLIC_URL; the test's port differs).
    let link = app
        .setup_link
        .clone()
        .expect("a setup link while no user exists");
    let path = &link[link.find("/setup?token=").expect("setup path")..];
    browser.goto(&app.url(path)).await;
    browser.wait_for_text("h1", "Witaj w allegro-backup").await;
    browser.screenshot("setup").await;

    // 2. Create the admin: signed in on the dashboard.
    browser
        .fill_form(&[
            (r#"input[name="name"]"#, "Ada Admin"),
            (r#"input[name="email"]"#, ADMIN_EMAIL),
            (r#"input[name="password"]"#, ADMIN_PASSWORD),
            (r#"input[name="password_confirm"]"#, ADMIN_PASSWORD),
        ])
        .await;
    browser.click(r#"form[action="/setup"] button"#).await;
    browser.wait_for_text(".whoami", "Ada Admin").await;
    assert_eq!(browser.path().await, "/");
    assert_eq!(browser.text(".whoami .badge").await, "Administrator");
    browser.screenshot("dashboard-after-setup").await;

    // 3. Sign out and in again with the new password.
    sign_out(&browser).await;
    browser.screenshot("signed-out").await;
    sign_in(&browser, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    browser.wait_for_text(".whoami", "Ada Admin").await;
    browser.screenshot("admin-signed-in").await;

    // 4. Add an operator; the temporary password is shown once.
    browser.click(".navadmin summary").await;
    browser.click(r#".mainnav a[href="/users"]"#).await;
    browser.wait_for_path("/users").await;
    browser
        .fill_form(&[
            (r#"#add-user input[name="email"]"#, OPERATOR_EMAIL),
            (r#"#add-user input[name="name"]"#, "Olek Operator"),
        ])
        .await;
    browser
        .select(r#"#add-user select[name="role"]"#, "operator")
        .await;
    browser.click("#add-user button[type=submit]").await;
    browser.wait_for_text(".reveal", OPERATOR_EMAIL).await;
    let temporary = browser.text("#temp-password").await;
    assert!(temporary.len() >= 12, "a temporary password: {temporary:?}");
    let rows = browser.texts("#users-rows tr").await;
    assert!(
        rows.iter()
            .any(|r| r.contains(OPERATOR_EMAIL) && r.contains("Operator")),
        "{rows:?}"
    );
    browser.screenshot("operator-created").await;
    sign_out(&browser).await;

    // 5. The operator signs in with it and must choose a password first.
    sign_in(&browser, OPERATOR_EMAIL, &temporary).await;
    browser.wait_for_path("/account/password").await;
    browser
        .wait_for_text(".flash-warning", "hasła tymczasowego")
        .await;
    browser.screenshot("operator-must-change-password").await;
    browser
        .fill_form(&[
            (r#"input[name="current_password"]"#, &temporary),
            (r#"input[name="new_password"]"#, OPERATOR_PASSWORD),
            (r#"input[name="new_password_confirm"]"#, OPERATOR_PASSWORD),
        ])
        .await;
    browser
        .click(r#"form[action="/account/password"] button"#)
        .await;
    browser
        .wait_for_text(".flash", "Hasło zostało zmienione")
        .await;
    assert_eq!(browser.text(".whoami .badge").await, "Operator");

    // 6. Connect the simulated seller: open Allegro's page in a new tab, press Approve.
    browser.click(r#".mainnav a[href="/accounts"]"#).await;
    browser.wait_for_path("/accounts").await;
    browser
        .click(r#"form[action="/accounts/connect"] button"#)
        .await;
    browser.wait_for_path("/accounts/connect/").await;
    let code = browser.text(".user-code").await;
    browser
        .wait_for_text("#connect-status", "Czekamy na zatwierdzenie")
        .await;
    browser.screenshot("connect-code").await;
    let dashboard_tab = browser
        .click_into_new_tab(".connect-steps a.btn-primary")
        .await;
    browser.wait_for_text("h1", "Connect an application").await;
    // The same code on both pages (the dashboard shows it in capitals).
    assert_eq!(
        browser.text(".code").await.to_uppercase(),
        code.to_uppercase()
    );
    browser.screenshot("simulator-approval-page").await;
    browser.click("button.approve").await;
    browser.wait_for_text("h1", "Approved").await;
    browser.screenshot("simulator-approved").await;
    browser.close_tab(dashboard_tab).await;
    // The server polls Allegro every 5 s; the status region refreshes itself.
    browser.wait_for_text("#connect-status", "Połączono").await;
    assert!(browser.text("#connect-status").await.contains(&seller));
    browser.screenshot("connected").await;

    // 7. The first backup: a progress bar while it runs, then success with every order.
    set_latency(&app, FIRST_BACKUP_LATENCY_MS).await;
    browser.click("#connect-status a.btn-primary").await;
    browser.wait_for_path("/accounts").await;
    // No run yet: the row says how the first backup starts.
    assert!(
        browser
            .text("#accounts tbody tr .first-backup")
            .await
            .contains("pierwsz")
    );
    browser.screenshot("accounts-before-backup").await;
    press_sync_now(&browser).await;
    wait_for_runs(&browser, 1).await;
    let progress = browser.find("#runs tr.run-running progress").await;
    let label = progress.attr("aria-label").await.expect("label");
    assert!(label.is_some_and(|l| l.starts_with("Postęp uruchomienia")));
    browser.screenshot("first-backup-running").await;
    // Seen: the rest may run at full speed.
    set_latency(&app, 0).await;
    let cells = finished_runs(&browser).await;
    assert!(cells[3].starts_with("udana"), "{cells:?}");
    assert_eq!(
        cells[6],
        truth.len().to_string(),
        "orders fetched: {cells:?}"
    );
    browser.screenshot("first-backup-done").await;

    // 8. The orders list holds every order.
    browser.click(r#".mainnav a[href="/orders"]"#).await;
    browser.wait_for_path("/orders").await;
    let count = browser.text(".orders-count strong").await;
    assert_eq!(count, format!("{} zamówień", truth.len()));
    browser.screenshot("orders").await;

    // 8b. The dashboard is styled at desktop width (an unclosed @media block once made every
    // chart a black block and its tiles one column): checked on computed styles and sizes.
    browser.click(r#".mainnav a[href="/"]"#).await;
    browser.wait_for_exact_path("/").await;
    dashboard_is_styled(&browser).await;
    browser.screenshot("dashboard-with-orders").await;
    browser.click(r#".mainnav a[href="/orders"]"#).await;
    browser.wait_for_path("/orders").await;

    // 9. Filter by status (htmx swaps the results and pushes the URL), then search a buyer.
    let status = "READY_FOR_PROCESSING";
    let ready: Vec<&Value> = truth.iter().filter(|o| o["status"] == status).collect();
    let order = ready
        .iter()
        .find(|o| o["fulfillment"]["status"] == "NEW")
        .expect("an order paid and not yet processed");
    let id = order["id"].as_str().expect("id").to_owned();
    let login = order["buyer"]["login"].as_str().expect("login").to_owned();
    browser.select(r#"select[name="status"]"#, status).await;
    browser
        .wait_until(
            "the status filter",
            "new URLSearchParams(location.search).get('status') === arguments[1] \
             && parseInt(document.querySelector('.orders-count strong')?.innerText) \
                  === Number(arguments[0])",
            vec![json!(ready.len().to_string()), json!(status)],
        )
        .await;
    let badges = browser
        .texts("#orders-results tr.order-row td.badges .badge:first-child")
        .await;
    assert_eq!(badges.len(), ready.len());
    let label = badges[0].clone();
    assert!(badges.iter().all(|b| *b == label), "{badges:?}");
    browser.screenshot("orders-filtered").await;
    browser.fill("#q", &login).await;
    let order_link = format!(r#"#orders-results a.order-id[href="/orders/{id}"]"#);
    browser
        .wait_until(
            "the search to find the buyer's order",
            // The pushed URL carries the whole search: the last swap has happened.
            "new URLSearchParams(location.search).get('q') === arguments[1] \
             && document.querySelector(arguments[0]) \
             && [...document.querySelectorAll('#orders-results .buyer-login')] \
                  .every(e => e.innerText === arguments[1])",
            vec![json!(order_link), json!(login)],
        )
        .await;
    browser.screenshot("orders-searched").await;

    // 10. Open the order: one revision so far.
    browser.click(&order_link).await;
    browser.wait_for_path(&format!("/orders/{id}")).await;
    assert_eq!(browser.text("h1 .od-id").await, id);
    assert_eq!(browser.texts("#revisions ol li").await.len(), 1);
    browser
        .wait_for_text("#revision-diff", "tylko jedna rewizja")
        .await;
    browser.screenshot("order").await;

    // 11. The seller starts processing it on Allegro; "Sync now" follows the event journal.
    assert!(app.simulator.world().change_fulfillment(&id, "PROCESSING"));
    browser.click(r#".mainnav a[href="/accounts"]"#).await;
    browser.wait_for_path("/accounts").await;
    press_sync_now(&browser).await;
    wait_for_runs(&browser, 2).await;
    let cells = finished_runs(&browser).await;
    browser.screenshot("second-sync-done").await;
    assert!(cells[3].starts_with("udana"), "{cells:?}");

    // 12. The order now has two revisions and the diff names what changed.
    browser.goto(&app.url(&format!("/orders/{id}"))).await;
    browser.wait_for_path(&format!("/orders/{id}")).await;
    assert_eq!(browser.texts("#revisions ol li").await.len(), 2);
    let changes: HashMap<String, (String, String)> = diff_rows(&browser).await;
    assert_eq!(
        changes.get("fulfillment.status"),
        Some(&("\"NEW\"".to_owned(), "\"PROCESSING\"".to_owned())),
        "{changes:?}"
    );
    assert!(changes.contains_key("revision"), "{changes:?}");
    browser.screenshot("order-revision-diff").await;

    // 13. Export the filtered list as CSV by clicking the link; the file has the header and
    // exactly the listed orders.
    browser
        .goto(&app.url("/orders?status=READY_FOR_PROCESSING"))
        .await;
    browser.wait_for_path("/orders").await;
    browser
        .click(r#".orders-exports a[href*="format=csv&"]"#)
        .await;
    let file = browser.downloaded(".csv").await;
    browser.screenshot("orders-exported").await;
    let bytes = std::fs::read(&file).expect("the downloaded CSV");
    let text = String::from_utf8(bytes).expect("UTF-8");
    let mut csv = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = csv
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        &header[..4],
        ["order_id", "account", "status", "fulfillment_status"]
    );
    assert_eq!(header.last().map(String::as_str), Some("carriers"));
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.expect("a CSV row")).collect();
    assert_eq!(rows.len(), ready.len());
    assert!(rows.iter().all(|r| r[1] == seller && &r[2] == status));
    let exported = rows
        .iter()
        .find(|r| r[0] == id)
        .expect("the order in the CSV");
    assert_eq!(&exported[3], "PROCESSING");

    // 14. Sign out: the orders are out of reach again.
    sign_out(&browser).await;
    browser.screenshot("signed-out-at-the-end").await;
    browser.goto(&app.url("/orders")).await;
    browser.wait_for_path("/login").await;
    browser.wait_for_text("h1", "Logowanie").await;
    assert_eq!(
        browser
            .find("html")
            .await
            .attr("lang")
            .await
            .expect("lang")
            .as_deref(),
        Some("pl")
    );

    browser.quit().await;
}

/// The diff table's rows: path → (before, after).
async fn diff_rows(browser: &Browser) -> HashMap<String, (String, String)> {
    let rows = browser
        .wait_until(
            "the revision diff",
            "[...document.querySelectorAll('#revision-diff tbody tr')].map(tr => \
               [tr.querySelector('.od-path')?.innerText ?? '', \
                tr.querySelector('.od-before')?.innerText ?? '', \
                tr.querySelector('.od-after')?.innerText ?? '']).filter(r => r[0])",
            vec![],
        )
        .await;
    serde_json::from_value::<Vec<(String, String, String)>>(rows)
        .expect("diff rows")
        .into_iter()
        .map(|(path, before, after)| (path, (before, after)))
        .collect()
}

/// The dashboard's tiles, grids and charts carry their stylesheet rules at the window's desktop
/// width: three tiles side by side, revenue beside statuses, two charts per row drawn in the
/// theme's colour (an unstyled SVG bar is filled black) and not wider than their card.
async fn dashboard_is_styled(browser: &Browser) {
    let facts = browser
        .wait_until(
            "the dashboard's charts",
            "(() => { \
               const chart = document.querySelector('.dash-chart svg.chart'); \
               if (!chart) return null; \
               const columns = s => getComputedStyle(document.querySelector(s)) \
                 .gridTemplateColumns.split(' ').length; \
               const bar = chart.querySelector('rect.value'); \
               const card = document.querySelector('.dash-account').getBoundingClientRect(); \
               return { \
                 innerWidth: window.innerWidth, \
                 figures: columns('.dash-figures'), \
                 grid: columns('.dash-grid'), \
                 charts: columns('.dash-charts'), \
                 barFill: bar ? getComputedStyle(bar).fill : '', \
                 hitFill: getComputedStyle(chart.querySelector('rect.hit')).fill, \
                 chartWidth: chart.getBoundingClientRect().width, \
                 cardWidth: card.width, \
                 tileBorder: getComputedStyle(document.querySelector('.dash-figure')).borderTopStyle, \
               }; \
             })()",
            vec![],
        )
        .await;
    assert_eq!(facts["innerWidth"], json!(1366), "{facts}");
    assert_eq!(facts["figures"], json!(3), "three tiles in a row: {facts}");
    assert_eq!(facts["grid"], json!(2), "revenue beside statuses: {facts}");
    assert_eq!(facts["charts"], json!(2), "two charts per row: {facts}");
    assert_eq!(facts["tileBorder"], json!("solid"), "{facts}");
    let bar = facts["barFill"].as_str().expect("bar fill");
    assert!(
        !bar.is_empty() && bar != "rgb(0, 0, 0)",
        "bars in the theme colour: {facts}"
    );
    assert_eq!(
        facts["hitFill"],
        json!("rgba(0, 0, 0, 0)"),
        "hit areas invisible: {facts}"
    );
    let (chart, card) = (
        facts["chartWidth"].as_f64().expect("chart width"),
        facts["cardWidth"].as_f64().expect("card width"),
    );
    assert!(
        chart > 300.0 && chart < card / 2.0,
        "a chart is half a card wide: {facts}"
    );
}
