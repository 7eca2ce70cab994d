//! The SSRF guard: internal targets are refused when registering (the host resolved) and at
//! send time (on the address connected to), unless WEBHOOK_ALLOW_PRIVATE is set.

use allegro_backup::{
    config::WebhookConfig,
    domain::Role,
    webhooks::{SigningSecret, sender::Sender},
};
use reqwest::StatusCode;

use super::Receiver;
use crate::helpers::{select_text, spawn_app_with};

#[tokio::test]
async fn internal_targets_are_refused_on_the_webhooks_page() {
    let app = spawn_app_with(|c| c.webhooks.allow_private = false).await;
    app.sign_in("admin@example.com", Role::Admin).await;
    for url in [
        "http://10.1.2.3/hooks",
        "http://127.0.0.1:8080/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hooks",
        "http://[fc00::1]/hooks",
        "http://[::ffff:192.168.0.1]/hooks",
        "http://localhost/hooks",
    ] {
        let response = app
            .post_form("/webhooks", &[("url", url), ("order.created", "1")])
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{url}");
        let html = scraper::Html::parse_document(&response.text().await.unwrap());
        let errors = select_text(&html, "#webhooks .flash-error li");
        assert_eq!(errors.len(), 1, "{url}: {errors:?}");
        assert!(errors[0].contains("private"), "{url}: {errors:?}");
    }
    for url in ["ftp://example.com/x", "not a url"] {
        let response = app
            .post_form("/webhooks", &[("url", url), ("order.created", "1")])
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{url}");
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM webhook_endpoints"), 0);
}

#[tokio::test]
async fn sends_to_internal_addresses_are_refused_on_the_address_connected_to() {
    let receiver = Receiver::start().await;
    let secret = SigningSecret::generate();
    let guarded = Sender::new(&WebhookConfig::default()).unwrap();
    // A name that resolves to loopback (as a rebinding would) and a literal address.
    for url in [
        format!("http://localhost:{}/hooks", receiver.port),
        receiver.url(),
    ] {
        let result = guarded.send(&url, &secret, "msg_1", "{}").await;
        assert_eq!(result.status_code, None, "{url}");
        assert!(
            result.error.as_deref().unwrap().contains("internal"),
            "{url}: {result:?}"
        );
    }
    assert!(receiver.got().is_empty());

    let allowed = Sender::new(&WebhookConfig {
        allow_private: true,
        ..WebhookConfig::default()
    })
    .unwrap();
    let result = allowed
        .send(
            &format!("http://localhost:{}/hooks", receiver.port),
            &secret,
            "msg_2",
            "{}",
        )
        .await;
    assert_eq!(result.status_code, Some(204), "{result:?}");
    assert_eq!(receiver.got().len(), 1);
}
