//! Saved views: every role saves its own; admins share; others' private views stay invisible.

use allegro_backup::domain::Role;
use reqwest::StatusCode;
use scraper::Html;

use crate::helpers::{TestApp, assert_bad_request, location, select_attr, select_text, spawn_app};

async fn html(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, Html) {
    let response = app.get_with(client, path).await;
    let status = response.status();
    (
        status,
        Html::parse_document(&response.text().await.unwrap()),
    )
}

async fn menu(app: &TestApp, client: &reqwest::Client) -> Vec<String> {
    let (status, html) = html(app, client, "/views/menu").await;
    assert_eq!(status, StatusCode::OK);
    select_text(&html, ".navviews-list a")
}

async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    name: &str,
    query: &str,
    shared: bool,
) -> reqwest::Response {
    let mut fields = vec![("name", name), ("query", query)];
    if shared {
        fields.push(("shared", "1"));
    }
    app.post_form_with(client, "/views", &fields).await
}

/// The id of the view named `name` on the views page of `client`.
async fn view_id(app: &TestApp, client: &reqwest::Client, name: &str) -> String {
    let (_, page) = html(app, client, "/views").await;
    let rows = scraper::Selector::parse("tr.view-row").unwrap();
    let link = scraper::Selector::parse("a").unwrap();
    let form = scraper::Selector::parse("form").unwrap();
    page.select(&rows)
        .find(|r| r.select(&link).next().unwrap().text().collect::<String>() == name)
        .and_then(|r| r.select(&form).next())
        .and_then(|f| f.value().attr("action"))
        .map(|a| {
            a.trim_start_matches("/views/")
                .trim_end_matches("/delete")
                .to_string()
        })
        .unwrap_or_else(|| panic!("no deletable view {name}"))
}

#[tokio::test]
async fn a_saved_view_is_listed_for_its_owner_only_and_keeps_the_filters_without_cursor() {
    let app = spawn_app().await;
    let ola = app.signed_in_client("ola@example.com", Role::Viewer).await;
    let piotr = app
        .signed_in_client("piotr@example.com", Role::Operator)
        .await;

    let response = save(
        &app,
        &ola,
        "Łódź, do wysyłki",
        "status=READY_FOR_PROCESSING&q=%C5%81%C3%B3d%C5%BA&cursor=abc&min_total=",
        false,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/orders?q=%C5%81%C3%B3d%C5%BA&status=READY_FOR_PROCESSING"
    );
    assert_eq!(menu(&app, &ola).await, ["Łódź, do wysyłki"]);
    // Every page's navigation opens the menu (htmx) or links to the views page.
    let (_, dashboard) = html(&app, &ola, "/").await;
    assert_eq!(
        select_attr(&dashboard, "nav .navviews-menu", "hx-get").as_deref(),
        Some("/views/menu")
    );
    assert_eq!(
        select_attr(&dashboard, "nav .navviews-menu a", "href").as_deref(),
        Some("/views")
    );
    let (_, list) = html(&app, &ola, "/orders").await;
    assert_eq!(
        select_text(&list, ".views-chips span.chip > a"),
        ["Łódź, do wysyłki"]
    );
    let (_, views) = html(&app, &ola, "/views").await;
    assert_eq!(
        select_attr(&views, "tr.view-row a", "href").as_deref(),
        Some("/orders?q=%C5%81%C3%B3d%C5%BA&status=READY_FOR_PROCESSING")
    );

    // Someone else neither sees it nor can delete it.
    assert!(menu(&app, &piotr).await.is_empty());
    let id = view_id(&app, &ola, "Łódź, do wysyłki").await;
    let response = app
        .post_form_with(&piotr, &format!("/views/{id}/delete"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(menu(&app, &ola).await.len(), 1);

    // The owner can.
    let response = app
        .post_form_with(&ola, &format!("/views/{id}/delete"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(menu(&app, &ola).await.is_empty());
}

#[tokio::test]
async fn admins_share_views_that_everyone_sees_and_only_admins_or_the_owner_delete() {
    let app = spawn_app().await;
    let admin = app.signed_in_client("admin@example.com", Role::Admin).await;
    let viewer = app
        .signed_in_client("viewer@example.com", Role::Viewer)
        .await;

    assert_eq!(
        save(&app, &admin, "Gotówka", "payment=CASH_ON_DELIVERY", true)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        save(&app, &admin, "Prywatny", "status=BOUGHT", false)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(menu(&app, &viewer).await, ["Gotówka"]);
    let (_, views) = html(&app, &viewer, "/views").await;
    assert!(
        select_text(&views, "tr.view-row form").is_empty(),
        "the viewer may not delete a shared view"
    );

    // A non-admin cannot share, but can save their own.
    assert_eq!(
        save(&app, &viewer, "Mój", "", true).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        save(&app, &viewer, "Mój", "", false).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(menu(&app, &viewer).await, ["Gotówka", "Mój"]);
    assert_eq!(menu(&app, &admin).await, ["Gotówka", "Prywatny"]);

    let shared_id = view_id(&app, &admin, "Gotówka").await;
    let response = app
        .post_form_with(&viewer, &format!("/views/{shared_id}/delete"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Another admin deletes the shared view.
    let other_admin = app.signed_in_client("boss@example.com", Role::Admin).await;
    let response = app
        .post_form_with(&other_admin, &format!("/views/{shared_id}/delete"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(menu(&app, &viewer).await, ["Mój"]);
    // An admin cannot see or delete someone's private view either.
    let mine = view_id(&app, &viewer, "Mój").await;
    let response = app
        .post_form_with(&other_admin, &format!("/views/{mine}/delete"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn saving_a_view_needs_csrf_a_good_name_and_valid_filters() {
    let app = spawn_app().await;
    let client = app
        .signed_in_client("ola@example.com", Role::Operator)
        .await;
    let response = client
        .post(app.url("/views"))
        .form(&[("name", "x"), ("query", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let long = "ż".repeat(81);
    for (name, query, needle) in [
        ("", "", "1 to 80"),
        ("   ", "", "1 to 80"),
        (long.as_str(), "", "1 to 80"),
        ("Zły", "status=SHIPPED", "status"),
        ("Zły", "page_size=7", "page_size"),
        ("Zły", "bought_from=2026-02-30", "bought_from"),
    ] {
        let response = save(&app, &client, name, query, false).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{name} {query}");
        let body = response.text().await.unwrap();
        assert!(body.contains(needle), "{name} {query}: {body}");
    }
    assert_eq!(
        save(&app, &client, "Dobry", "", false).await.status(),
        StatusCode::SEE_OTHER
    );
    let response = save(&app, &client, "Dobry", "status=BOUGHT", false).await;
    assert_bad_request(response, "already have a view").await;
    assert!(menu(&app, &client).await == ["Dobry"]);
}
