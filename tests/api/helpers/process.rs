//! The real binary as a process of its own, the way an operator or a container runs it, and
//! signing in to such a process over HTTP.

use std::{process::Command, time::Duration};

use reqwest::StatusCode;

use super::{TestApp, csrf_token_of, html_of};

/// What a command that must have succeeded printed (its error output shown when it failed).
pub fn stdout_of(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `allegro-backup` on the database at `database_url` with the secret key `key` (hex), run in a
/// temporary directory (so no `.env` of the checkout is read). The caller adds the command and
/// the rest of its environment.
pub fn binary(database_url: &str, key: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_allegro-backup"));
    command
        .env("DATABASE_URL", database_url)
        .env("SECRET_KEY", key)
        .current_dir(std::env::temp_dir());
    command
}

/// [`binary`] with the simulator at `simulator` as its Allegro.
pub fn binary_with_simulator(database_url: &str, key: &str, simulator: &str) -> Command {
    let mut command = binary(database_url, key);
    command
        .env("ALLEGRO_ENV", "simulator")
        .env("ALLEGRO_AUTH_URL", simulator)
        .env("ALLEGRO_API_URL", simulator);
    command
}

impl TestApp {
    /// [`binary_with_simulator`] on this app's database and simulator, with this app's key (the
    /// tokens in the database are sealed with it) and request budgets.
    pub fn binary(&self) -> Command {
        let config = &self.state.config;
        let mut command = binary_with_simulator(
            &self.db.url,
            &hex::encode(config.secret_key.expose()),
            &self.simulator.base_url(),
        );
        let allegro = &config.allegro;
        command
            .env(
                "ALLEGRO_CLIENT_REQUESTS_PER_MINUTE",
                allegro.client_requests_per_minute.to_string(),
            )
            .env(
                "ALLEGRO_ACCOUNT_REQUESTS_PER_MINUTE",
                allegro.account_requests_per_minute.to_string(),
            );
        command
    }
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Waits until a server process at `base` answers `/health`.
pub async fn wait_until_up(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if client.get(format!("{base}/health")).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server at {base} did not start");
}

/// The CSRF token of `client`'s session on `page` of a server process at `base`.
pub async fn csrf_at(client: &reqwest::Client, base: &str, page: &str) -> String {
    let html = html_of(
        client
            .get(format!("{base}{page}"))
            .send()
            .await
            .expect("GET"),
    )
    .await;
    csrf_token_of(&html, page)
}

/// Signs `client` in on a server process at `base`; returns the CSRF token the sign-in form
/// carried and the one of the signed-in session.
pub async fn sign_in_at(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> (String, String) {
    let form_token = csrf_at(client, base, "/login").await;
    let signed_in = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", &form_token),
        ])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let session_token = csrf_at(client, base, "/accounts").await;
    (form_token, session_token)
}
