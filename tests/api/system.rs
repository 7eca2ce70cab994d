//! The System page: admins see version, migrations, this replica, the pool, the jobs and the
//! configuration with each value's source; secrets never reach the page.

use allegro_backup::{
    config::{ConfigSources, SecretKey},
    db::{
        self,
        models::scheduled_job::{NIGHTLY_RECONCILE, ScheduledJob},
    },
    domain::Role,
};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};

use crate::helpers::{html_of, select_attr, select_text, spawn_app, spawn_app_with};

const DB_PASSWORD: &str = "db-password-for-the-system-page";
const METRICS_TOKEN: &str = "metrics-token-for-the-system-page";
const KEY_HEX: &str = "5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2";

/// The text of the configuration row of `name`: `[variable, value, source]`.
fn config_row(html: &scraper::Html, name: &str) -> Vec<String> {
    select_text(html, &format!("#config-{name} td"))
}

#[tokio::test]
async fn an_admin_sees_the_system_with_each_value_s_source_and_no_secret() {
    let app = spawn_app_with(|settings| {
        // PostgreSQL trusts local connections in tests: a password in the URL is accepted.
        let mut url = url::Url::parse(settings.database_url.expose_secret()).expect("db url");
        if url.password().is_none() {
            url.set_password(Some(DB_PASSWORD)).expect("password");
        }
        settings.database_url = SecretString::from(url.to_string());
        settings.secret_key = SecretKey::parse(KEY_HEX).expect("key");
        settings.metrics_token = Some(SecretString::from(METRICS_TOKEN));
        // As if read at start-up: the pool size from the environment, the address from .env.
        settings.sources = ConfigSources::detect(
            |name| matches!(name, "DB_POOL_SIZE" | "BIND_ADDR" | "METRICS_TOKEN"),
            |name| name == "BIND_ADDR",
        );
    })
    .await;
    let db_password = url::Url::parse(app.state.config.database_url.expose_secret())
        .ok()
        .and_then(|u| u.password().map(str::to_owned))
        .expect("a database password");
    let client_secret = app
        .state
        .config
        .allegro
        .client_secret
        .expose_secret()
        .to_owned();
    // The nightly reconcile was last claimed by this process.
    let replica = db::session_name();
    let mut conn = app.db.connect();
    let today = chrono::Utc::now().date_naive();
    assert!(
        ScheduledJob::claim_day(
            &mut conn,
            NIGHTLY_RECONCILE,
            today,
            &format!("{replica}#run")
        )
        .unwrap()
    );

    app.sign_in("root@example.com", Role::Admin).await;
    let response = app.get("/system").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.text().await.unwrap();
    for secret in [
        db_password.as_str(),
        KEY_HEX,
        client_secret.as_str(),
        METRICS_TOKEN,
    ] {
        assert!(!body.contains(secret), "the page shows a secret");
    }
    let html = scraper::Html::parse_document(&body);

    for section in [
        "#system-version",
        "#system-database",
        "#system-replica",
        "#system-pool",
        "#system-jobs",
        "#system-config",
    ] {
        assert_eq!(select_text(&html, section).len(), 1, "{section}");
    }
    assert_eq!(select_text(&html, "#version"), [env!("CARGO_PKG_VERSION")]);
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().is_dir()))
        .count();
    assert_eq!(
        select_text(&html, "#migrations-applied"),
        [format!("{migrations} of {migrations}")]
    );
    let mut names: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
    names.sort();
    assert_eq!(
        select_text(&html, "#migrations-latest"),
        [names.last().unwrap().clone()]
    );
    assert_eq!(select_text(&html, "#replica-name"), [replica]);
    let pool = select_text(&html, "#pool-connections");
    assert!(pool[0].ends_with("of 4"), "{pool:?}");
    let daily = select_text(&html, "#daily-jobs tbody tr");
    assert!(
        daily[0].starts_with(NIGHTLY_RECONCILE) && daily[0].contains("this replica"),
        "{daily:?}"
    );

    assert_eq!(
        config_row(&html, "DB_POOL_SIZE"),
        ["DB_POOL_SIZE", "4", "environment"]
    );
    assert_eq!(config_row(&html, "BIND_ADDR")[2], ".env file");
    assert_eq!(
        config_row(&html, "LOG_FORMAT"),
        ["LOG_FORMAT", "pretty", "default"]
    );
    assert_eq!(
        config_row(&html, "DATABASE_URL")[1],
        app.state
            .config
            .database_url
            .expose_secret()
            .replace(&db_password, "***")
    );
    for secret in ["SECRET_KEY", "ALLEGRO_CLIENT_SECRET", "METRICS_TOKEN"] {
        assert_eq!(config_row(&html, secret)[1], "set (hidden)", "{secret}");
    }
    // Every variable of the README has its row.
    assert_eq!(
        select_text(&html, "#system-config tbody tr").len(),
        allegro_backup::config::VARIABLES.len()
    );
}

#[tokio::test]
async fn settings_built_in_code_say_so_and_the_scheduler_s_jobs_are_listed() {
    let app = spawn_app().await;
    app.sign_in("root@example.com", Role::Admin).await;
    // The scheduler registers its jobs as the server starts, next to this test.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let html = loop {
        let (status, html) = app.get_html("/system").await;
        assert_eq!(status, StatusCode::OK);
        if !select_text(&html, "#job-tick").is_empty() || std::time::Instant::now() > deadline {
            break html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    for job in ["housekeeping", "token_refresh", "tick", "alerts"] {
        let row = select_text(&html, &format!("#job-{job} td"));
        assert_eq!(row.first().map(String::as_str), Some(job), "{job}");
    }
    assert_eq!(
        config_row(&html, "SYNC_INTERVAL_MINUTES"),
        ["SYNC_INTERVAL_MINUTES", "0", "set in code"]
    );
    assert_eq!(select_text(&html, "#daily-jobs-none").len(), 1);
    assert_eq!(
        select_attr(&html, ".mainnav a[aria-current=page]", "href").as_deref(),
        Some("/system"),
        "the System link is the current page"
    );
}

#[tokio::test]
async fn operators_and_viewers_cannot_open_the_system_page() {
    let app = spawn_app().await;
    for (role, client) in app.non_admin_clients().await {
        assert_eq!(
            app.get_with(&client, "/system").await.status(),
            StatusCode::FORBIDDEN
        );
        let html = html_of(app.get_with(&client, "/").await).await;
        assert!(
            select_attr(&html, ".mainnav a[href='/system']", "href").is_none(),
            "{role:?} sees no System link"
        );
    }
}
