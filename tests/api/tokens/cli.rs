//! `allegro-backup token create | list | revoke`.

use allegro_backup::domain::Role;
use reqwest::StatusCode;

use super::{api_get, json_ok, prefix, problem};
use crate::{
    cli::cli,
    helpers::{process::stdout_of, spawn_app},
};

#[tokio::test]
async fn tokens_made_on_the_command_line_print_once_last_and_can_be_listed_and_revoked() {
    let app = spawn_app().await;
    app.create_user("ops@example.com", Role::Operator).await;
    let created = stdout_of(&cli(
        &app.db,
        &[
            "token",
            "create",
            "--email",
            "Ops@Example.com",
            "--name",
            "nightly export",
            "--scope",
            "write",
            "--expires-days",
            "30",
        ],
        None,
    ));
    let token = created.lines().last().unwrap().trim().to_owned();
    assert!(token.starts_with("abk_"), "{created}");
    assert_eq!(created.matches(&token).count(), 1, "printed once");
    json_ok(api_get(&app, &token, "/api/v1/accounts").await).await;
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM api_tokens WHERE scope = 'write' \
             AND expires_at BETWEEN now() + interval '29 days' AND now() + interval '31 days'"
        ),
        1
    );

    let listed = stdout_of(&cli(&app.db, &["token", "list"], None));
    let line = listed
        .lines()
        .find(|l| l.contains(prefix(&token)))
        .unwrap_or_else(|| panic!("{listed}"));
    assert!(
        line.contains("ops@example.com") && line.contains("active"),
        "{line}"
    );
    assert!(!listed.contains(&token), "the list never shows a token");
    let id = line.split_whitespace().next().unwrap();

    let revoked = stdout_of(&cli(&app.db, &["token", "revoke", "--id", id], None));
    assert!(revoked.contains("revoked"), "{revoked}");
    problem(
        api_get(&app, &token, "/api/v1/accounts").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM audit_log WHERE actor_email = 'cli' \
             AND action IN ('api_token_created', 'api_token_revoked')"
        ),
        2
    );

    let again = cli(&app.db, &["token", "revoke", "--id", id], None);
    assert!(!again.status.success());
}

#[tokio::test]
async fn the_command_line_refuses_unknown_users_scopes_and_lifetimes() {
    let app = spawn_app().await;
    app.create_user("ops@example.com", Role::Operator).await;
    for args in [
        &["--email", "nobody@example.com", "--name", "x"][..],
        &[
            "--email",
            "ops@example.com",
            "--name",
            "x",
            "--scope",
            "admin",
        ],
        &[
            "--email",
            "ops@example.com",
            "--name",
            "x",
            "--expires-days",
            "-3",
        ],
        &["--email", "ops@example.com", "--name", " "],
    ] {
        let mut all = vec!["token", "create"];
        all.extend_from_slice(args);
        let output = cli(&app.db, &all, None);
        assert!(!output.status.success(), "{args:?}");
        assert!(!String::from_utf8_lossy(&output.stdout).contains("abk_"));
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM api_tokens"), 0);
    let never = stdout_of(&cli(
        &app.db,
        &[
            "token",
            "create",
            "--email",
            "ops@example.com",
            "--name",
            "forever",
            "--expires-days",
            "never",
        ],
        None,
    ));
    assert!(never.contains("expires never"), "{never}");
}
