//! The pages a limited operator with personal data hidden opens, at desktop (1366 px) and phone
//! (390 px) width: each renders its content without spilling sideways out of the screen (wide
//! tables scroll inside their card) and without a buyer's personal data in clear. Screenshots
//! go to `target/e2e-screenshots/pages/`.

use crate::{helpers::PASSWORD, scope::world};

use super::{driver::Browser, sign_in};

/// Desktop and phone widths, CSS pixels.
const WIDTHS: [(u32, bool); 2] = [(1366, false), (390, true)];

/// The languages pages are looked at in: `(code, the browser's Accept-Language)`.
pub(super) const LANGUAGES: [(&str, &str); 2] =
    [("pl", "pl-PL,pl;q=0.9"), ("en", "en-US,en;q=0.9")];

/// Words of the English interface that a page in Polish must not show.
const ENGLISH_UI: [&str; 14] = [
    "Sign out",
    "Dashboard",
    "Orders",
    "Accounts",
    "Search",
    "Settings",
    "Sync now",
    "Details",
    "never",
    "not yet",
    " ago",
    "(hidden)",
    "unset",
    "Save",
];

#[tokio::test]
async fn pages_of_a_limited_masked_operator_fit_desktop_and_phone_screens() {
    let world = world().await;
    let email = "masked-pages@example.com";
    world.operator(email, true, true).await;
    for (code, accept) in LANGUAGES {
        let browser = Browser::start_speaking(&format!("pages-{code}"), accept).await;
        browser.goto(&world.app.url("/login")).await;
        sign_in(&browser, email, PASSWORD).await;
        browser.wait_for_exact_path("/").await;
        masked_operator_pages(&browser, &world, code).await;
        browser.quit().await;
    }
}

async fn masked_operator_pages(browser: &Browser, world: &crate::scope::World, code: &str) {
    let pages = [
        ("dashboard", "/".to_owned()),
        ("orders", "/orders".to_owned()),
        ("order", format!("/orders/{}", world.a_order)),
        ("accounts", "/accounts".to_owned()),
        ("coverage", format!("/accounts/{}/coverage", world.a)),
        ("sync", "/sync".to_owned()),
        ("quarantine", "/quarantine".to_owned()),
        ("returns", "/returns".to_owned()),
        ("fees", "/fees".to_owned()),
        ("payments", "/payments".to_owned()),
        ("views", "/views".to_owned()),
        ("password", "/account/password".to_owned()),
    ];
    let secrets: Vec<&str> = world.a_personal.iter().map(String::as_str).collect();
    let problems = visit_at_both_widths(browser, &world.app, &pages, &secrets, code).await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// An admin's own pages (users, audit log, settings, system, tokens, webhooks and a webhook's
/// deliveries), at both widths and in both
/// languages: they fit and show none of the secrets of the configuration. Screenshots go to
/// `target/e2e-screenshots/admin-<lang>/`.
#[tokio::test]
async fn the_admin_pages_fit_desktop_and_phone_screens_without_a_secret() {
    use allegro_backup::domain::Role;
    use secrecy::ExposeSecret;

    let app = crate::helpers::spawn_app().await;
    let email = "system-pages@example.com";
    app.create_user(email, Role::Admin).await;
    let key = hex::encode(app.state.config.secret_key.expose());
    let client_secret = app.state.config.allegro.client_secret.expose_secret();
    // A webhook whose address carries a password and a key, with a delivery that failed.
    let webhook = app.count(
        "WITH e AS (INSERT INTO webhook_endpoints (url, events, secret_encrypted, last_seq) \
         VALUES ('https://erp:s3cret@erp.example.com/hooks/allegro?key=k3y', \
         ARRAY['order.created', 'sync.failed'], 'sealed', 0) RETURNING id), \
         d AS (INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, body, \
         attempts, next_attempt_at, last_attempt_at, last_status_code, last_error) \
         SELECT id, 'msg_1', 'order.created', '{}', 2, now() + interval '1 hour', now(), 503, \
         'status: 503 Service Unavailable' FROM e) SELECT id AS n FROM e",
    );
    let pages = [
        ("users", "/users".to_owned()),
        ("audit", "/audit".to_owned()),
        ("settings", "/settings".to_owned()),
        ("system", "/system".to_owned()),
        ("tokens", "/tokens".to_owned()),
        ("webhooks", "/webhooks".to_owned()),
        ("deliveries", format!("/webhooks/{webhook}")),
    ];
    for (code, accept) in LANGUAGES {
        let browser = Browser::start_speaking(&format!("admin-{code}"), accept).await;
        browser.goto(&app.url("/login")).await;
        sign_in(&browser, email, PASSWORD).await;
        browser.wait_for_exact_path("/").await;
        let problems = visit_at_both_widths(
            &browser,
            &app,
            &pages,
            &[&key, client_secret, "s3cret", "k3y"],
            code,
        )
        .await;
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        browser.quit().await;
    }
}

/// Opens each of `pages` (`(screenshot name, path)`) at desktop and phone width and returns
/// what went wrong: a page wider than the window, one of `secrets` in its text, a page not in
/// the language `lang` the browser asks for, UTC anywhere, or English words on a Polish page.
pub(super) async fn visit_at_both_widths(
    browser: &Browser,
    app: &crate::helpers::TestApp,
    pages: &[(&str, String)],
    secrets: &[&str],
    lang: &str,
) -> Vec<String> {
    let mut problems = vec![];
    for (width, mobile) in WIDTHS {
        browser.set_viewport(width, mobile).await;
        for (name, path) in pages {
            browser.goto(&app.url(path)).await;
            browser.wait_for_path(path).await;
            let facts = browser
                .wait_until(
                    "the page",
                    "document.readyState === 'complete' && document.querySelector('main h1') && { \
                       inner: window.innerWidth, \
                       scroll: document.documentElement.scrollWidth, \
                       lang: document.documentElement.lang, \
                       text: document.body.innerText }",
                    vec![],
                )
                .await;
            browser.screenshot(&format!("{name}-{width}")).await;
            let (inner, scroll) = (facts["inner"].as_i64(), facts["scroll"].as_i64());
            if inner != Some(i64::from(width)) || scroll > inner {
                problems.push(format!(
                    "{path} at {width} px: {scroll:?} px wide in a {inner:?} px window"
                ));
            }
            let text = facts["text"].as_str().unwrap_or_default();
            if facts["lang"].as_str() != Some(lang) {
                problems.push(format!("{path} is not in {lang}: {}", facts["lang"]));
            }
            if let Some(line) = text.lines().find(|l| names_utc(l)) {
                problems.push(format!("{path} at {width} px shows a time in UTC: {line}"));
            }
            if lang == "pl" {
                for word in ENGLISH_UI.iter().filter(|w| text.contains(*w)) {
                    problems.push(format!("{path} in Polish shows “{word}”"));
                }
            }
            for secret in secrets {
                if text.contains(secret) {
                    problems.push(format!("{path} at {width} px shows {secret}"));
                }
            }
        }
    }
    problems
}

/// Whether `line` names UTC as a word ("12:00 UTC"), not inside one ("OUTCOME").
fn names_utc(line: &str) -> bool {
    line.match_indices("UTC").any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + 3..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The API reference (`/api/docs`): the vendored Swagger UI runs under the page's
/// Content-Security-Policy and draws every operation of the document, in both languages' page
/// frame, at both widths (the reference itself is in English, as the API's names are).
/// Screenshots go to `target/e2e-screenshots/api-docs-<lang>/`.
#[tokio::test]
async fn the_api_reference_draws_every_operation_at_both_widths() {
    use allegro_backup::domain::Role;

    let app = crate::helpers::spawn_app().await;
    let email = "api-docs@example.com";
    app.create_user(email, Role::Viewer).await;
    let operations = allegro_backup::api::ROUTES.len();
    for (code, accept) in LANGUAGES {
        let browser = Browser::start_speaking(&format!("api-docs-{code}"), accept).await;
        browser.goto(&app.url("/login")).await;
        sign_in(&browser, email, PASSWORD).await;
        browser.wait_for_exact_path("/").await;
        for (width, mobile) in WIDTHS {
            browser.set_viewport(width, mobile).await;
            browser.goto(&app.url("/api/docs")).await;
            let facts = browser
                .wait_until(
                    "the reference",
                    "document.querySelectorAll('.swagger-ui .opblock').length >= arguments[0] && { \
                       inner: window.innerWidth, \
                       scroll: document.documentElement.scrollWidth, \
                       lang: document.documentElement.lang, \
                       heading: document.querySelector('main h1').innerText }",
                    vec![serde_json::json!(operations)],
                )
                .await;
            browser.screenshot(&format!("api-docs-{width}")).await;
            assert_eq!(facts["lang"], code);
            let heading = facts["heading"].as_str().unwrap();
            let want = if code == "pl" {
                "Dokumentacja API"
            } else {
                "API reference"
            };
            assert_eq!(heading, want);
            let (inner, scroll) = (facts["inner"].as_i64(), facts["scroll"].as_i64());
            assert!(
                scroll <= inner,
                "/api/docs at {width} px: {scroll:?} in {inner:?}"
            );
        }
        browser.quit().await;
    }
}
