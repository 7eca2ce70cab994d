//! The Webhooks page and the deliveries page: admins only, CSRF on every form, both languages.

use std::time::Duration;

use allegro_backup::domain::Role;
use reqwest::StatusCode;
use scraper::Html;

use super::{Receiver, verify};
use crate::helpers::{location, select_text, spawn_app};

#[tokio::test]
async fn admins_add_a_webhook_see_its_secret_once_and_its_deliveries() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let receiver = Receiver::start().await;
    let response = app
        .post_form(
            "/webhooks",
            &[
                ("url", receiver.url().as_str()),
                ("account", ""),
                ("order.created", "1"),
                ("sync.failed", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let html = Html::parse_document(&response.text().await.unwrap());
    let secret = select_text(&html, "#fresh-secret")[0].clone();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let id = app.count("SELECT max(id) AS n FROM webhook_endpoints");

    for (lang, heading, status) in [("pl", "Webhooki", "aktywny"), ("en", "Webhooks", "active")] {
        let (code, html) = app.get_html_in(&app.client, "/webhooks", lang).await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(select_text(&html, "h1"), [heading]);
        let cells = select_text(&html, &format!("#webhook-{id} td"));
        assert!(cells[0].contains(&receiver.url()), "{cells:?}");
        assert_eq!(cells[1], "order.created, sync.failed");
        assert!(cells.iter().any(|c| c == status), "{cells:?}");
        assert!(!html.html().contains(&secret), "shown once");
        assert!(select_text(&html, "nav a[href=\"/webhooks\"]").len() == 1);
    }

    // A test event from the deliveries page, signed with that secret; then resent.
    let response = app.post_form(&format!("/webhooks/{id}/test"), &[]).await;
    assert_eq!(location(&response), format!("/webhooks/{id}"));
    let got = receiver
        .wait_for(Duration::from_secs(5), |got| !got.is_empty())
        .await;
    let first = &got[0];
    assert!(verify(
        &secret,
        &first.id,
        &first.timestamp,
        &first.body,
        &first.signature
    ));
    let delivery = app.count("SELECT max(id) AS n FROM webhook_deliveries");
    let until = std::time::Instant::now() + Duration::from_secs(5);
    let mut cells = vec![];
    while std::time::Instant::now() < until {
        let (_, html) = app
            .get_html_in(&app.client, &format!("/webhooks/{id}"), "en")
            .await;
        cells = select_text(&html, &format!("#delivery-{delivery} td"));
        if cells.iter().any(|c| c == "delivered") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(cells[0].contains("webhook.test"), "{cells:?}");
    assert!(cells.iter().any(|c| c == "delivered"), "{cells:?}");
    assert!(cells.iter().any(|c| c.contains("HTTP 204")), "{cells:?}");
    // The table refreshes itself through htmx; a plain request goes to the page.
    let partial = app
        .htmx_get_with(&app.client, &format!("/webhooks/{id}/deliveries"))
        .await;
    assert_eq!(partial.status(), StatusCode::OK);
    let partial = Html::parse_fragment(&partial.text().await.unwrap());
    assert_eq!(
        select_text(&partial, &format!("#delivery-{delivery}")).len(),
        1
    );
    let plain = app.get(&format!("/webhooks/{id}/deliveries")).await;
    assert_eq!(location(&plain), format!("/webhooks/{id}"));
    let response = app
        .post_form(&format!("/webhooks/{id}/deliveries/{delivery}/resend"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let got = receiver
        .wait_for(Duration::from_secs(5), |got| got.len() >= 2)
        .await;
    assert_eq!(got[1].id, got[0].id, "a resend keeps the message id");

    let response = app.post_form(&format!("/webhooks/{id}/remove"), &[]).await;
    assert_eq!(location(&response), "/webhooks");
    assert_eq!(app.count("SELECT count(*) AS n FROM webhook_endpoints"), 0);
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM audit_log WHERE actor_email = 'admin@example.com' \
             AND action IN ('webhook_created', 'webhook_removed')"
        ),
        2
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE details::text LIKE '%whsec_%'"),
        0
    );
}

#[tokio::test]
async fn only_admins_reach_the_webhooks_pages_and_every_form_needs_the_csrf_token() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    let (row, _) = super::register(&app, "http://127.0.0.1:9/h", "order.created", None);
    let id = row.id;
    for (role, client) in app.non_admin_clients().await {
        for path in ["/webhooks".to_owned(), format!("/webhooks/{id}")] {
            let (code, html) = app.get_html_in(&client, &path, "en").await;
            assert_eq!(code, StatusCode::FORBIDDEN, "{role:?} {path}");
            assert!(select_text(&html, "nav a[href=\"/webhooks\"]").is_empty());
        }
        let csrf = app.csrf_token_with(&client, "/").await;
        for path in [
            "/webhooks".to_owned(),
            format!("/webhooks/{id}/remove"),
            format!("/webhooks/{id}/test"),
        ] {
            let response = client
                .post(app.url(&path))
                .form(&[
                    ("csrf_token", csrf.as_str()),
                    ("url", "http://127.0.0.1:9/x"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role:?} {path}");
        }
    }
    let anonymous = crate::helpers::new_client();
    let response = app.get_with(&anonymous, "/webhooks").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    for path in [
        "/webhooks".to_owned(),
        format!("/webhooks/{id}/remove"),
        format!("/webhooks/{id}/test"),
    ] {
        let response = app
            .post_form_without_csrf(&path, &[("url", "http://127.0.0.1:9/x")])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM webhook_endpoints"), 1);
    assert_eq!(app.count("SELECT count(*) AS n FROM webhook_deliveries"), 0);
    let response = app.post_form("/webhooks/999/remove", &[]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_failed_attempt_is_explained_in_the_readers_language_with_the_details_on_hover() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    // Held back an hour so the worker leaves it alone while the page is read.
    let id = app.count(
        "WITH e AS (INSERT INTO webhook_endpoints (url, events, secret_encrypted, last_seq) \
         VALUES ('https://erp.example/hooks', ARRAY['order.created'], 'sealed', 0) RETURNING id), \
         d AS (INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, body, \
         attempts, next_attempt_at, last_attempt_at, last_error) \
         SELECT id, 'msg_1', 'order.created', '{}', 3, now() + interval '1 hour', now(), \
         'connect: error sending request: Connection refused (os error 111)' FROM e) \
         SELECT id AS n FROM e",
    );
    for (lang, reason) in [
        ("pl", "Nie udało się połączyć z odbiorcą."),
        ("en", "Could not connect to the receiver."),
    ] {
        let (code, html) = app
            .get_html_in(&app.client, &format!("/webhooks/{id}"), lang)
            .await;
        assert_eq!(code, StatusCode::OK);
        let page = html.html();
        assert!(page.contains(reason), "{lang}: {page}");
        assert!(
            page.contains("title=\"error sending request: Connection refused (os error 111)\"")
        );
    }
}

#[tokio::test]
async fn a_password_or_key_in_a_webhook_address_is_never_shown() {
    let app = spawn_app().await;
    app.sign_in("admin@example.com", Role::Admin).await;
    // Disabled, so that the dashboard's banner names it too.
    let id = app.count(
        "INSERT INTO webhook_endpoints (url, events, secret_encrypted, last_seq, disabled_at) \
         VALUES ('https://erp:s3cret@erp.example/hooks?key=k3y', ARRAY['order.created'], \
         'sealed', 0, now()) RETURNING id AS n",
    );
    let shown = "https://erp:***@erp.example/hooks?key=***";
    let deliveries = format!("/webhooks/{id}");
    for path in ["/webhooks", deliveries.as_str(), "/"] {
        let (code, html) = app.get_html_in(&app.client, path, "en").await;
        assert_eq!(code, StatusCode::OK, "{path}");
        let page = html.html();
        assert!(page.contains(shown), "{path}: {page}");
        assert!(!page.contains("s3cret") && !page.contains("k3y"), "{path}");
    }
    let response = app.post_form(&format!("/webhooks/{id}/remove"), &[]).await;
    assert_eq!(location(&response), "/webhooks");
    for path in ["/webhooks", "/audit"] {
        let (code, html) = app.get_html_in(&app.client, path, "en").await;
        assert_eq!(code, StatusCode::OK, "{path}");
        let page = html.html();
        assert!(!page.contains("s3cret") && !page.contains("k3y"), "{path}");
    }
    let removal = format!("SELECT count(*) AS n FROM audit_log WHERE target = '{shown}'");
    assert_eq!(app.count(&removal), 1);
    let leaked =
        "SELECT count(*) AS n FROM audit_log WHERE concat(target, details::text) ~ 's3cret|k3y'";
    assert_eq!(app.count(leaked), 0);
}
