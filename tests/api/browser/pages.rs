//! The pages a limited operator with personal data hidden opens, at desktop (1366 px) and phone
//! (390 px) width: each renders its content without spilling sideways out of the screen (wide
//! tables scroll inside their card) and without a buyer's personal data in clear. Screenshots
//! go to `target/e2e-screenshots/pages/`.

use crate::{helpers::PASSWORD, scope::world};

use super::{driver::Browser, sign_in};

/// Desktop and phone widths, CSS pixels.
const WIDTHS: [(u32, bool); 2] = [(1366, false), (390, true)];

#[tokio::test]
async fn pages_of_a_limited_masked_operator_fit_desktop_and_phone_screens() {
    let browser = Browser::start_in("pages").await;
    let world = world().await;
    let email = "masked-pages@example.com";
    world.operator(email, true, true).await;
    browser.goto(&world.app.url("/login")).await;
    sign_in(&browser, email, PASSWORD).await;
    browser.wait_for_path("/").await;

    let pages = [
        ("dashboard", "/".to_owned()),
        ("orders", "/orders".to_owned()),
        ("order", format!("/orders/{}", world.a_order)),
        ("accounts", "/accounts".to_owned()),
        ("coverage", format!("/accounts/{}/coverage", world.a)),
        ("sync", "/sync".to_owned()),
        ("quarantine", "/quarantine".to_owned()),
        ("views", "/views".to_owned()),
        ("password", "/account/password".to_owned()),
    ];
    let secrets: Vec<&str> = world.a_personal.iter().map(String::as_str).collect();
    let problems = visit_at_both_widths(&browser, &world.app, &pages, &secrets).await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    browser.quit().await;
}

/// The System page of an admin, at both widths: it fits and shows none of the secrets of the
/// configuration. Screenshots go to `target/e2e-screenshots/system/`.
#[tokio::test]
async fn the_system_page_fits_desktop_and_phone_screens_without_a_secret() {
    use allegro_backup::domain::Role;
    use secrecy::ExposeSecret;

    let browser = Browser::start_in("system").await;
    let app = crate::helpers::spawn_app().await;
    let email = "system-pages@example.com";
    app.create_user(email, Role::Admin).await;
    browser.goto(&app.url("/login")).await;
    sign_in(&browser, email, PASSWORD).await;
    browser.wait_for_path("/").await;
    let key = hex::encode(app.state.config.secret_key.expose());
    let client_secret = app.state.config.allegro.client_secret.expose_secret();
    let pages = [("system", "/system".to_owned())];
    let problems = visit_at_both_widths(&browser, &app, &pages, &[&key, client_secret]).await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    browser.quit().await;
}

/// Opens each of `pages` (`(screenshot name, path)`) at desktop and phone width and returns
/// what went wrong: a page wider than the window, or one of `secrets` in its text.
async fn visit_at_both_widths(
    browser: &Browser,
    app: &crate::helpers::TestApp,
    pages: &[(&str, String)],
    secrets: &[&str],
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
            for secret in secrets {
                if text.contains(secret) {
                    problems.push(format!("{path} at {width} px shows {secret}"));
                }
            }
        }
    }
    problems
}
