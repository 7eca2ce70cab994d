//! The order detail page: sections from the stored checkout form, revisions and their diff,
//! personal data masking, account scope, team notes and tags, and the display time zone.

use allegro_backup::domain::AccountId;
use allegro_backup::{
    db::{
        models::{
            audit::{AuditAction, AuditEntry, AuditFilter},
            sync::RunTrigger,
        },
        schema::{allegro_accounts, user_accounts, users},
    },
    domain::Role,
    settings::local_time,
};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use reqwest::StatusCode;
use scraper::Html;
use serde_json::Value;

use crate::helpers::{
    TestApp,
    backup::{sync_once, truth},
    html_of, location, select_text, spawn_app_with_orders,
};

/// An app with a few orders backed up from seller 0; the id of one of them and its JSON.
async fn backed_up() -> (TestApp, AccountId, String, Value) {
    let app = spawn_app_with_orders(6).await;
    let account = app.link_account(0).await;
    sync_once(&app, account, RunTrigger::Cli).await;
    let (id, json) = truth(&app)
        .into_iter()
        .max_by_key(|(id, _)| id.clone())
        .unwrap();
    (app, account, id, json)
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let response = app.get_with(client, path).await;
    (response.status(), response.text().await.unwrap())
}

fn text_of(html: &str, selector: &str) -> Vec<String> {
    select_text(&Html::parse_document(html), selector)
}

/// The value next to `label` in the `<dl>` of section `section`.
fn field(html: &str, section: &str, label: &str) -> String {
    let doc = Html::parse_document(html);
    let dt = scraper::Selector::parse(&format!("#{section} dt")).unwrap();
    doc.select(&dt)
        .find(|e| e.text().collect::<String>() == label)
        .and_then(|e| e.next_siblings().find_map(scraper::ElementRef::wrap))
        .map(|dd| dd.text().collect::<String>())
        .unwrap_or_else(|| panic!("no {label} in #{section}"))
}

async fn user_client(app: &TestApp, email: &str, role: Role) -> (reqwest::Client, i64) {
    let client = app.signed_in_client(email, role).await;
    let mut conn = app.db.connect();
    let id = users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(&mut conn)
        .unwrap();
    (client, id)
}

/// Gives user `user` access to account `account`.
fn grant(conn: &mut PgConnection, user: i64, account: AccountId) {
    diesel::insert_into(user_accounts::table)
        .values((
            user_accounts::user_id.eq(user),
            user_accounts::account_id.eq(account),
        ))
        .execute(conn)
        .unwrap();
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.post_form_with(client, path, fields).await
}

#[tokio::test]
async fn the_page_shows_summary_buyer_delivery_and_line_items() {
    let (app, _, id, json) = backed_up().await;
    let (admin, _) = user_client(&app, "admin@example.com", Role::Admin).await;
    let (status, body) = page(&app, &admin, &format!("/orders/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let total = &json["summary"]["totalToPay"];
    assert_eq!(
        text_of(&body, "#total-to-pay"),
        [format!(
            "{} {}",
            total["currency"].as_str().unwrap(),
            total["amount"].as_str().unwrap()
        )]
    );
    assert_eq!(
        field(&body, "buyer", "Email"),
        json["buyer"]["email"].as_str().unwrap()
    );
    assert_eq!(
        field(&body, "buyer", "Login"),
        json["buyer"]["login"].as_str().unwrap()
    );
    assert_eq!(
        field(&body, "delivery", "Method"),
        json["delivery"]["method"]["name"].as_str().unwrap()
    );
    let items = json["lineItems"].as_array().unwrap();
    assert_eq!(text_of(&body, "#line-items tbody tr").len(), items.len());
    let offer = items[0]["offer"]["name"].as_str().unwrap();
    assert!(text_of(&body, "#line-items td.od-offer").contains(&offer.to_owned()));
    // The raw JSON is the stored document.
    let pretty = Html::parse_document(&body)
        .select(&scraper::Selector::parse("#raw-json").unwrap())
        .next()
        .unwrap()
        .text()
        .collect::<String>();
    assert_eq!(serde_json::from_str::<Value>(&pretty).unwrap(), json);
}

#[tokio::test]
async fn an_order_edited_on_allegro_has_two_revisions_and_the_diff_names_the_changed_fields() {
    let (app, account, id, _) = backed_up().await;
    assert!(app.simulator.world().edit_order(&id, |o| {
        o["delivery"]["address"]["city"] = "Łódź".into();
        o["messageToSeller"] = "Please ring twice".into();
    }));
    sync_once(&app, account, RunTrigger::Manual).await;
    let (admin, _) = user_client(&app, "admin@example.com", Role::Admin).await;
    let (status, body) = page(&app, &admin, &format!("/orders/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text_of(&body, "#revisions ol li").len(), 2);
    let paths = text_of(&body, "#revision-diff .od-path");
    for changed in ["delivery.address.city", "messageToSeller", "revision"] {
        assert!(
            paths.contains(&changed.to_owned()),
            "{changed} in {paths:?}"
        );
    }
    assert!(text_of(&body, "#revision-diff .od-after").contains(&"\"Łódź\"".to_owned()));

    // Any two revisions, by row id: through htmx (the partial) and without JS (the page).
    let options = {
        let doc = Html::parse_document(&body);
        let sel = scraper::Selector::parse("select[name=from] option").unwrap();
        doc.select(&sel)
            .map(|o| o.value().attr("value").unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let (newest, oldest) = (&options[0], &options[1]);
    let partial = app
        .htmx_get_with(
            &admin,
            &format!("/orders/{id}/diff?from={newest}&to={newest}"),
        )
        .await;
    assert_eq!(partial.status(), StatusCode::OK);
    let partial = partial.text().await.unwrap();
    assert!(partial.trim_start().starts_with("<section"));
    assert_eq!(
        text_of(&partial, "#revision-diff .empty"),
        ["No field changed."]
    );
    let (_, reversed) = page(
        &app,
        &admin,
        &format!("/orders/{id}?from={newest}&to={oldest}"),
    )
    .await;
    assert!(text_of(&reversed, "#revision-diff .od-before").contains(&"\"Łódź\"".to_owned()));
    // Bad revision parameters are a 400, not a 500.
    let (status, _) = page(&app, &admin, &format!("/orders/{id}?from=abc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = page(
        &app,
        &admin,
        &format!("/orders/{id}?from=999999&to={newest}"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn personal_data_is_masked_everywhere_for_a_user_who_must_not_see_it() {
    let (app, account, id, json) = backed_up().await;
    assert!(app.simulator.world().edit_order(&id, |o| {
        o["buyer"]["lastName"] = "Brzęczyszczykiewicz".into();
    }));
    sync_once(&app, account, RunTrigger::Manual).await;
    let (viewer, viewer_id) = user_client(&app, "viewer@example.com", Role::Viewer).await;
    diesel::update(users::table.find(viewer_id))
        .set(users::hide_personal_data.eq(true))
        .execute(&mut app.db.connect())
        .unwrap();
    let (status, body) = page(&app, &viewer, &format!("/orders/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let email = json["buyer"]["email"].as_str().unwrap();
    let last_name = json["buyer"]["lastName"].as_str().unwrap();
    let street = json["delivery"]["address"]["street"].as_str().unwrap();
    for secret in [email, last_name, street, "Brzęczyszczykiewicz"] {
        assert!(!body.contains(secret), "{secret} shown to a masked user");
    }
    assert!(field(&body, "buyer", "Email").contains('*'));
    assert!(text_of(&body, "#raw-json").concat().contains('*'));
    // The diff shows that the name changed, masked.
    assert!(text_of(&body, "#revision-diff .od-path").contains(&"buyer.lastName".to_owned()));

    // The same page for an unmasked user shows them.
    let (admin, _) = user_client(&app, "admin@example.com", Role::Admin).await;
    let (_, body) = page(&app, &admin, &format!("/orders/{id}")).await;
    assert!(body.contains(email) && body.contains("Brzęczyszczykiewicz"));
}

#[tokio::test]
async fn a_user_scoped_to_another_account_gets_404_as_for_an_unknown_order() {
    let (app, account, id, _) = backed_up().await;
    let (scoped, user_id) = user_client(&app, "scoped@example.com", Role::Operator).await;
    let mut conn = app.db.connect();
    let other: AccountId = diesel::insert_into(allegro_accounts::table)
        .values((
            allegro_accounts::environment.eq("sandbox"),
            allegro_accounts::allegro_user_id.eq("other-seller"),
            allegro_accounts::login.eq("other_shop"),
            allegro_accounts::status.eq("connected"),
        ))
        .returning(allegro_accounts::id)
        .get_result(&mut conn)
        .unwrap();
    diesel::update(users::table.find(user_id))
        .set(users::all_accounts.eq(false))
        .execute(&mut conn)
        .unwrap();
    grant(&mut conn, user_id, other);
    let (status, body) = page(&app, &scoped, &format!("/orders/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, unknown) = page(
        &app,
        &scoped,
        "/orders/00000000-0000-0000-0000-000000000000",
    )
    .await;
    let without_request_id = |html: &str| {
        text_of(html, "main")[0]
            .split("Request id")
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(without_request_id(&body), without_request_id(&unknown));
    // Nor can they note or tag it.
    let response = post(
        &app,
        &scoped,
        &format!("/orders/{id}/notes"),
        &[("body", "hi")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    grant(&mut conn, user_id, account);
    let (status, _) = page(&app, &scoped, &format!("/orders/{id}")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn junk_order_ids_are_404_never_500() {
    let (app, _, _, _) = backed_up().await;
    let (admin, _) = user_client(&app, "admin@example.com", Role::Admin).await;
    let long = "a".repeat(65);
    for path in [
        "/orders/nope",
        "/orders/%27%3B%20DROP%20TABLE%20orders",
        "/orders/%C5%81%C3%B3d%C5%BA",
        "/orders/..%2F..%2Fetc",
        &format!("/orders/{long}"),
        "/orders/x/diff",
    ] {
        let (status, _) = page(&app, &admin, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn operators_add_notes_and_tags_shown_with_author_and_audit_logged() {
    let (app, _, id, _) = backed_up().await;
    let (operator, _) = user_client(&app, "ola@example.com", Role::Operator).await;
    let response = post(
        &app,
        &operator,
        &format!("/orders/{id}/notes"),
        &[("body", "Buyer called: ship on Monday <b>please</b>")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("/orders/{id}#team"));
    let response = post(
        &app,
        &operator,
        &format!("/orders/{id}/tags"),
        &[("tag", "  Do Zwrotu ")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let (_, body) = page(&app, &operator, &format!("/orders/{id}")).await;
    assert_eq!(
        text_of(&body, "#notes .od-note-body"),
        ["Buyer called: ship on Monday <b>please</b>"]
    );
    let author = text_of(&body, "#notes .od-note-meta strong");
    assert_eq!(author.len(), 1);
    assert!(!author[0].is_empty());
    assert!(text_of(&body, "#tags .od-tag")[0].starts_with("do zwrotu"));

    let mut conn = app.db.connect();
    let entries = AuditEntry::page(&mut conn, &AuditFilter::default(), 50).unwrap();
    let actions: Vec<_> = entries
        .iter()
        .filter(|e| e.target.as_deref() == Some(id.as_str()))
        .map(|e| (e.action.clone(), e.actor_email.clone()))
        .collect();
    for action in [AuditAction::OrderNoteAdded, AuditAction::OrderTagAdded] {
        assert!(
            actions.contains(&(
                action.as_str().to_owned(),
                Some("ola@example.com".to_owned())
            )),
            "{actions:?}"
        );
    }

    // htmx: the section alone comes back.
    let partial = app
        .htmx_post_with(
            &operator,
            &format!("/orders/{id}/tags/delete"),
            &[("tag", "do zwrotu")],
        )
        .await;
    assert_eq!(partial.status(), StatusCode::OK);
    let partial = partial.text().await.unwrap();
    assert!(
        partial
            .trim_start()
            .starts_with("<section class=\"card od-team\" id=\"team\"")
    );
    assert!(text_of(&partial, "#tags .od-tag").is_empty());
    let entries = AuditEntry::page(&mut conn, &AuditFilter::default(), 50).unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.action == AuditAction::OrderTagRemoved.as_str())
    );
}

#[tokio::test]
async fn viewers_cannot_add_notes_and_bad_notes_are_rejected() {
    let (app, _, id, _) = backed_up().await;
    let (viewer, _) = user_client(&app, "vic@example.com", Role::Viewer).await;
    let (_, body) = page(&app, &viewer, &format!("/orders/{id}")).await;
    assert!(
        text_of(&body, "#team form").is_empty(),
        "viewers get no forms"
    );
    for path in ["notes", "tags", "tags/delete"] {
        let response = post(
            &app,
            &viewer,
            &format!("/orders/{id}/{path}"),
            &[("body", "x"), ("tag", "x")],
        )
        .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }

    let (operator, _) = user_client(&app, "op@example.com", Role::Operator).await;
    // No CSRF token: rejected.
    let response = operator
        .post(app.url(&format!("/orders/{id}/notes")))
        .form(&[("body", "sneaky")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let too_long = "x".repeat(5001);
    let longest = "ż".repeat(5000);
    let long_tag = "t".repeat(41);
    for (path, name, value, status) in [
        ("notes", "body", too_long.as_str(), StatusCode::BAD_REQUEST),
        ("notes", "body", "   ", StatusCode::BAD_REQUEST),
        ("tags", "tag", long_tag.as_str(), StatusCode::BAD_REQUEST),
        ("notes", "body", longest.as_str(), StatusCode::SEE_OTHER),
    ] {
        let response = post(
            &app,
            &operator,
            &format!("/orders/{id}/{path}"),
            &[(name, value)],
        )
        .await;
        assert_eq!(response.status(), status, "{path} {}", value.len());
    }
    let count: i64 = allegro_backup::db::schema::order_notes::table
        .count()
        .get_result(&mut app.db.connect())
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn the_display_time_zone_is_validated_saved_and_shifts_the_times_shown() {
    let (app, _, id, json) = backed_up().await;
    let (admin, _) = user_client(&app, "admin@example.com", Role::Admin).await;
    let bought: DateTime<Utc> = json["lineItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["boughtAt"]
                .as_str()
                .unwrap()
                .parse::<DateTime<Utc>>()
                .unwrap()
        })
        .max()
        .unwrap();
    let (_, body) = page(&app, &admin, &format!("/orders/{id}")).await;
    assert_eq!(
        field(&body, "summary", "Bought"),
        local_time(bought, chrono_tz::Europe::Warsaw)
    );

    let (_, settings) = page(&app, &admin, "/settings").await;
    let doc = Html::parse_document(&settings);
    let sel = scraper::Selector::parse("#settings-form input").unwrap();
    let mut fields: Vec<(String, String)> = doc
        .select(&sel)
        .filter_map(|i| {
            let name = i.value().attr("name")?;
            (name != "csrf_token").then(|| {
                (
                    name.to_owned(),
                    i.value().attr("value").unwrap_or("").to_owned(),
                )
            })
        })
        .collect();
    assert!(fields.contains(&("display_time_zone".into(), "Europe/Warsaw".into())));
    let with_zone = |fields: &mut Vec<(String, String)>, zone: &str| {
        fields.retain(|(n, _)| n != "display_time_zone");
        fields.push(("display_time_zone".into(), zone.into()));
        fields.clone()
    };
    let bad = with_zone(&mut fields, "Mars/Olympus");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let response = post(&app, &admin, "/settings", &bad).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = html_of(response).await;
    assert_eq!(select_text(&html, "#display_time_zone-error").len(), 1);

    let good = with_zone(&mut fields, " America/New_York ");
    let good: Vec<(&str, &str)> = good.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let response = post(&app, &admin, "/settings", &good).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, body) = page(&app, &admin, &format!("/orders/{id}")).await;
    assert_eq!(
        field(&body, "summary", "Bought"),
        local_time(bought, chrono_tz::America::New_York)
    );
    let mut conn = app.db.connect();
    let entries = AuditEntry::page(&mut conn, &AuditFilter::default(), 10).unwrap();
    let change = entries
        .iter()
        .find(|e| e.action == AuditAction::SettingsChanged.as_str())
        .unwrap();
    assert_eq!(
        change.details["changes"]["display_time_zone"],
        serde_json::json!(["Europe/Warsaw", "America/New_York"])
    );
}
