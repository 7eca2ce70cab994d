//! The `allegro-backup` binary's commands, run as a script would.

use std::{
    io::Write,
    process::{Output, Stdio},
    time::Duration,
};

use reqwest::StatusCode;

use crate::helpers::{
    TestDatabase, new_client,
    process::{binary, binary_with_simulator, free_port, wait_until_up},
    spawn_app, text_of,
};

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

pub(crate) fn cli(db: &TestDatabase, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = binary(&db.url, KEY)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the binary");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn users_added_on_the_command_line_can_sign_in_and_be_disabled() {
    let app = spawn_app().await;
    let added = cli(
        &app.db,
        &[
            "user",
            "add",
            "--email",
            "Cli@Example.com",
            "--role",
            "operator",
            "--name",
            "Cli Operator",
            "--password-stdin",
        ],
        Some("a password from a script\n"),
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(stdout(&added).contains("added cli@example.com (Cli Operator, operator)"));

    let client = new_client();
    let response = app
        .login_with(&client, "cli@example.com", "a password from a script")
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_with(&client, "/").await.status(), StatusCode::OK);

    let listed = cli(&app.db, &["user", "list"], None);
    assert!(
        stdout(&listed)
            .lines()
            .any(|l| l.starts_with("cli@example.com")
                && l.contains("operator")
                && l.contains("active"))
    );

    let disabled = cli(
        &app.db,
        &["user", "disable", "--email", "cli@example.com"],
        None,
    );
    assert!(disabled.status.success());
    assert!(stdout(&disabled).contains("1 session(s) ended"));
    assert_eq!(
        app.get_with(&client, "/").await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_user_added_without_a_password_gets_a_temporary_one() {
    let db = TestDatabase::create();
    let added = cli(
        &db,
        &[
            "user",
            "add",
            "--email",
            "temp@example.com",
            "--role",
            "viewer",
        ],
        None,
    );
    assert!(added.status.success());
    let out = stdout(&added);
    let temporary = out
        .lines()
        .find_map(|l| l.strip_prefix("temporary password (must be changed at first sign-in): "));
    assert_eq!(temporary.map(str::len), Some(20), "{out}");
}

#[test]
fn bad_arguments_fail_with_a_clear_message() {
    let db = TestDatabase::create();
    let role = cli(
        &db,
        &["user", "add", "--email", "x@example.com", "--role", "boss"],
        None,
    );
    assert!(!role.status.success());
    assert!(String::from_utf8_lossy(&role.stderr).contains("Unknown role"));
    let weak = cli(
        &db,
        &[
            "user",
            "add",
            "--email",
            "x@example.com",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 12 characters"));
    let missing = cli(
        &db,
        &["user", "disable", "--email", "nobody@example.com"],
        None,
    );
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("no user with email nobody@example.com")
    );
}

#[test]
fn a_bad_setting_names_the_variable() {
    let db = TestDatabase::create();
    let output = binary(&db.url, "too-short")
        .args(["migrate"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("SECRET_KEY is invalid"));
}

#[test]
fn migrate_prepares_the_database() {
    let db = TestDatabase::create();
    let output = cli(&db, &["migrate"], None);
    assert!(output.status.success());
    assert!(stdout(&output).contains("all migrations applied"));
}

/// Runs `serve` as a real process with JSON logs, signs up and in through HTTP, and checks the
/// log: one JSON object per line with request ids, and no secret in it.
#[tokio::test]
async fn serve_logs_json_with_request_ids_and_no_secrets() {
    let db = TestDatabase::create();
    let (port, simulator_port) = (free_port(), free_port());
    let mut server = binary(&db.url, KEY)
        .arg("serve")
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("SIMULATOR_PORT", simulator_port.to_string())
        .env("SIMULATOR_ORDERS", "20")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = new_client();
    wait_until_up(&client, &base).await;

    // A token in a query string must not reach the request log.
    client
        .get(format!("{base}/setup?token=probe-token-value"))
        .send()
        .await
        .unwrap();
    // Create a user from the command line, then sign in with a wrong and a right password.
    let password = "a secret password 12345";
    let added = cli(
        &db,
        &[
            "user",
            "add",
            "--email",
            "log@example.com",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some(&format!("{password}\n")),
    );
    assert!(added.status.success());
    let login_page = text_of(client.get(format!("{base}/login?next=/users"))).await;
    let html = scraper::Html::parse_document(&login_page);
    let csrf = crate::helpers::select_attr(&html, r#"input[name="csrf_token"]"#, "value").unwrap();
    for attempt in ["wrong password 98765", password] {
        client
            .post(format!("{base}/login"))
            .form(&[
                ("email", "log@example.com"),
                ("password", attempt),
                ("csrf_token", &csrf),
            ])
            .send()
            .await
            .unwrap();
    }
    let page = client.get(format!("{base}/users")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);

    server.kill().unwrap();
    let output = server.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.iter().any(
        |l| l["fields"]["message"] == "request finished" || l["message"] == "request finished"
    ));
    assert!(lines.iter().any(|l| {
        l["span"]["request_id"]
            .as_str()
            .is_some_and(|id| id.len() == 36)
    }));
    for secret in [KEY, password, "wrong password 98765", csrf.as_str()] {
        assert!(!log.contains(secret), "the log contains a secret: {secret}");
    }
    assert!(
        !log.contains("probe-token-value"),
        "query strings must not be logged"
    );
    assert!(
        !log.contains("next=/users"),
        "query strings must not be logged"
    );
    // The first-run link is the one deliberate secret, printed exactly once.
    assert_eq!(log.matches("/setup?token=").count(), 1);
}

/// `account connect` on a headless server: prints the code, waits for approval, stores the
/// account; `account list` shows it.
#[tokio::test]
async fn an_account_is_connected_from_the_command_line() {
    use std::io::BufRead;
    let app = spawn_app().await;
    let base = app.simulator.base_url();
    let mut child = binary_with_simulator(&app.db.url, KEY, &base)
        .args(["account", "connect"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pipe = child.stdout.take().unwrap();
    let (code_tx, code_rx) = std::sync::mpsc::channel();
    // Keep reading to the end so the command never writes into a closed pipe.
    let reader = std::thread::spawn(move || {
        let mut printed = String::new();
        for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
            if let Some(code) = line.split("enter the code ").nth(1) {
                let _ = code_tx.send(code.trim_end_matches('.').to_owned());
            }
            printed.push_str(&line);
            printed.push('\n');
        }
        printed
    });
    let code = tokio::task::spawn_blocking(move || code_rx.recv_timeout(Duration::from_secs(30)))
        .await
        .unwrap()
        .expect("the code is printed");
    assert!(app.simulator.world().approve(&code, 0));
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    let printed = reader.join().unwrap();
    assert!(status.success(), "{printed}");
    let login = app.simulator.world().sellers()[0].login.clone();
    assert!(
        printed.contains(&format!("connected {login}.")),
        "{printed}"
    );

    let listed = cli(&app.db, &["account", "list"], None);
    assert!(
        stdout(&listed)
            .lines()
            .any(|l| l.contains(&login) && l.contains("Connected")),
        "{}",
        stdout(&listed)
    );
}
