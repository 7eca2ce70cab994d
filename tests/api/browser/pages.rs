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
    let mut problems = vec![];
    for (width, mobile) in WIDTHS {
        browser.set_viewport(width, mobile).await;
        for (name, path) in &pages {
            browser.goto(&world.app.url(path)).await;
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
            for secret in &world.a_personal {
                if text.contains(secret.as_str()) {
                    problems.push(format!("{path} at {width} px shows {secret}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    browser.quit().await;
}
