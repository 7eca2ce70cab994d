//! The order page's Returns section (and its wallet operations, invoices and commission
//! refund claims) and the Payments page in a real browser: an admin sees it whole, a viewer who
//! must not see personal data sees it masked; both fit desktop and phone widths, in Polish and
//! in English. Screenshots go to `target/e2e-screenshots/returns-<who>-<lang>/`.

use allegro_backup::domain::Role;
use serde_json::Value;

use super::{
    driver::Browser,
    pages::{LANGUAGES, visit_at_both_widths},
    sign_in,
};
use crate::{helpers::PASSWORD, returns::backed_up_with_returns};

#[tokio::test]
async fn an_order_page_with_returns_fits_desktop_and_phone_screens_masked_or_not() {
    let (app, ret) = backed_up_with_returns().await;
    let (admin, masked) = ("returns-admin@example.com", "returns-masked@example.com");
    app.create_user(admin, Role::Admin).await;
    app.create_user(masked, Role::Viewer).await;
    app.hide_personal_data_of(masked);
    let order = ret["orderId"].as_str().unwrap();
    let (invoiced, _) = app
        .simulator
        .world()
        .invoices(0)
        .into_iter()
        .next()
        .unwrap();
    let claimed = crate::helpers::seed::text(
        &mut app.db.connect(),
        "SELECT checkout_form_id AS t FROM refund_claims WHERE checkout_form_id IS NOT NULL \
         ORDER BY claim_id LIMIT 1",
    );
    let pages = [
        ("order-returns", format!("/orders/{order}")),
        ("payments", "/payments".to_owned()),
        ("order-invoices", format!("/orders/{invoiced}")),
        ("order-claims", format!("/orders/{claimed}")),
    ];
    let parcel = &ret["parcels"][0];
    let personal: Vec<&str> = [
        &ret["buyer"]["login"],
        &ret["buyer"]["email"],
        &parcel["waybill"],
    ]
    .into_iter()
    .filter_map(Value::as_str)
    .collect();
    assert!(!personal.is_empty(), "the return names its buyer");
    for (code, accept) in LANGUAGES {
        for (who, email, secrets) in [("admin", admin, &[][..]), ("masked", masked, &personal[..])]
        {
            let browser = Browser::start_speaking(&format!("returns-{who}-{code}"), accept).await;
            browser.goto(&app.url("/login")).await;
            sign_in(&browser, email, PASSWORD).await;
            browser.wait_for_exact_path("/").await;
            let problems = visit_at_both_widths(&browser, &app, &pages, secrets, code).await;
            assert!(problems.is_empty(), "{}", problems.join("\n"));
            browser.quit().await;
        }
    }
}
