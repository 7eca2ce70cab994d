//! Logs as a collector reads them: the real binary with `LOG_FORMAT=json` and everything at
//! `debug`, driven through sign-in, connecting a simulator account (device code, token pair),
//! a forced refresh and a sync. Every line is JSON, carries its request id or account, and
//! no secret of the whole exchange appears anywhere in the output.

use allegro_backup::domain::AccountId;
use std::{process::Stdio, time::Duration};

use allegro_backup::{
    config::{AllegroConfig, SecretKey},
    crypto::TokenCipher,
    db::{
        models::account::AccountRow,
        schema::{device_authorizations, sync_runs},
    },
    simulator::{self, SimulatorConfig},
};
use diesel::prelude::*;
use reqwest::{StatusCode, cookie::CookieStore};
use scraper::Html;
use serde_json::Value;

use crate::helpers::{
    TestDatabase, new_client_with_jar,
    process::{binary_with_simulator, free_port, sign_in_at, wait_until_up},
    select_text,
};

const KEY: &str = "8f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
const PASSWORD: &str = "a log-test password 31337";

/// The access and refresh token the database holds for account 1, decrypted.
fn stored_tokens(db: &TestDatabase) -> Vec<String> {
    let row = AccountRow::find(&mut db.connect(), AccountId(1))
        .unwrap()
        .unwrap();
    let cipher = TokenCipher::new(&SecretKey::parse(KEY).unwrap());
    [
        ("access", &row.access_token_enc),
        ("refresh", &row.refresh_token_enc),
    ]
    .into_iter()
    .map(|(kind, stored)| {
        let context = AccountRow::token_context(&row.environment, &row.allegro_user_id, kind);
        let token = cipher
            .decrypt(stored.as_deref().unwrap(), &context)
            .unwrap();
        secrecy::ExposeSecret::expose_secret(&token).to_owned()
    })
    .collect()
}

/// The device code of the (only) flow, decrypted.
fn device_code(db: &TestDatabase) -> String {
    let (environment, user_code, stored): (String, String, String) = device_authorizations::table
        .select((
            device_authorizations::environment,
            device_authorizations::user_code,
            device_authorizations::device_code_enc,
        ))
        .first(&mut db.connect())
        .unwrap();
    let cipher = TokenCipher::new(&SecretKey::parse(KEY).unwrap());
    // The context `accounts::link` seals device codes with.
    let context = format!("device:{environment}:{user_code}");
    let code = cipher.decrypt(&stored, &context).unwrap();
    secrecy::ExposeSecret::expose_secret(&code).to_owned()
}

/// The value of the session cookie the client holds, as sent and percent-decoded.
fn session_cookie(jar: &reqwest::cookie::Jar, base: &str) -> [String; 2] {
    let header = jar.cookies(&base.parse().unwrap()).unwrap();
    let sent = header
        .to_str()
        .unwrap()
        .split("; ")
        .find_map(|c| c.strip_prefix("allegro_backup_session="))
        .unwrap()
        .to_owned();
    let mut decoded = vec![];
    let mut bytes = sent.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex: Vec<u8> = bytes.by_ref().take(2).collect();
            decoded.push(u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap());
        } else {
            decoded.push(b);
        }
    }
    [sent, String::from_utf8(decoded).unwrap()]
}

/// Buyers' emails, phone numbers, full names and streets in the simulator's orders (and in
/// their delivery addresses).
fn buyer_data(simulator: &simulator::SimulatorHandle) -> Vec<String> {
    let mut values = std::collections::BTreeSet::new();
    for order in simulator.world().orders(0) {
        let buyer = &order["buyer"];
        let delivery = &order["delivery"]["address"];
        for person in [buyer, delivery] {
            let name = format!(
                "{} {}",
                person["firstName"].as_str().unwrap_or_default(),
                person["lastName"].as_str().unwrap_or_default()
            );
            values.insert(name.trim().to_owned());
            for value in [
                &person["email"],
                &person["phoneNumber"],
                &person["street"],
                &person["address"]["street"],
            ] {
                values.extend(value.as_str().map(str::to_owned));
            }
        }
    }
    values.retain(|v| v.chars().count() >= 6);
    assert!(values.len() > 20, "{values:?}");
    values.into_iter().collect()
}

/// The fields of `line` and of every span it was logged in, as one list of objects.
fn contexts(line: &Value) -> Vec<&Value> {
    let mut all = vec![line];
    all.extend(line["spans"].as_array().into_iter().flatten());
    all
}

fn field<'a>(line: &'a Value, name: &str) -> Option<&'a Value> {
    contexts(line).into_iter().find_map(|c| c.get(name))
}

#[tokio::test]
async fn json_logs_carry_request_ids_and_accounts_and_never_a_secret() {
    let db = TestDatabase::create();
    let simulator = simulator::start(
        SimulatorConfig {
            auto_approve: false,
            ..SimulatorConfig::for_tests(20)
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let sim = simulator.base_url();
    let binary = || {
        let mut command = binary_with_simulator(&db.url, KEY, &sim);
        command
            .env("SYNC_INTERVAL_MINUTES", "0")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "debug");
        command
    };
    // The admin exists before the server starts, so no first-run link is printed.
    let args: Vec<&str> = "user add --email log@example.com --role admin --password-stdin"
        .split(' ')
        .collect();
    let added = crate::cli::cli(&db, &args, Some(&format!("{PASSWORD}\n")));
    assert!(added.status.success());

    let port = free_port();
    let mut server = binary()
        .arg("serve")
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read as it is written: a debug log fills a pipe's buffer long before the test ends.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            text
        })
    };
    let stdout_reader = drain(server.stdout.take().map(|p| Box::new(p) as _));
    let stderr_reader = drain(server.stderr.take().map(|p| Box::new(p) as _));
    let base = format!("http://127.0.0.1:{port}");
    let (client, jar) = new_client_with_jar();
    wait_until_up(&client, &base).await;
    let (login_csrf, csrf_token) = sign_in_at(&client, &base, "log@example.com", PASSWORD).await;
    let post = |path: &str| {
        client
            .post(format!("{base}{path}"))
            .form(&[("csrf_token", csrf_token.as_str())])
            .send()
    };

    // Connect the simulator's seller: the server polls Allegro until the person approves.
    let response = post("/accounts/connect").await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let flow = crate::helpers::location(&response);
    let page = client.get(format!("{base}{flow}")).send().await.unwrap();
    let code = select_text(
        &Html::parse_document(&page.text().await.unwrap()),
        ".user-code",
    )
    .pop()
    .unwrap()
    .replace(' ', "")
    .to_lowercase();
    assert!(simulator.world().approve(&code, 0));
    let mut connected = false;
    for _ in 0..100 {
        if AccountRow::find(&mut db.connect(), AccountId(1))
            .unwrap()
            .is_some()
        {
            connected = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(connected, "the account was not connected");
    let mut secrets = stored_tokens(&db);
    secrets.push(device_code(&db));

    // A refresh rotates the pair; a sync uses it.
    assert_eq!(
        post("/accounts/1/refresh").await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post("/accounts/1/sync").await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let mut finished = false;
    for _ in 0..200 {
        let statuses: Vec<String> = sync_runs::table
            .select(sync_runs::status)
            .load(&mut db.connect())
            .unwrap();
        if statuses.iter().any(|s| s != "running") {
            assert_eq!(statuses, ["succeeded"]);
            finished = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(finished, "the sync did not finish");
    let metrics = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);

    // Buyer data typed into searches, in a signed-out request, and in refused parameters.
    let buyers = buyer_data(&simulator);
    let enc = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    let signed_out = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for value in buyers.iter().take(12) {
        let v = enc(value);
        for (who, path, expected) in [
            (&client, format!("/orders?q={v}"), StatusCode::OK),
            (&signed_out, format!("/orders?q={v}"), StatusCode::SEE_OTHER),
            (
                &client,
                format!("/orders?status={v}"),
                StatusCode::BAD_REQUEST,
            ),
            (
                &client,
                format!("/orders?q={v}%00"),
                StatusCode::BAD_REQUEST,
            ),
            (
                &client,
                format!("/orders/export?format={v}"),
                StatusCode::BAD_REQUEST,
            ),
            (
                &client,
                format!("/audit?actor={v}&before={v}"),
                StatusCode::BAD_REQUEST,
            ),
        ] {
            let response = who.get(format!("{base}{path}")).send().await.unwrap();
            assert_eq!(response.status(), expected, "{path}");
        }
    }
    secrets.extend(stored_tokens(&db));
    secrets.extend(session_cookie(&jar, &base));

    server.kill().unwrap();
    server.wait().unwrap();
    let (stdout, stderr) = (stdout_reader.join().unwrap(), stderr_reader.join().unwrap());
    let stdout = String::from_utf8_lossy(&stdout);
    let stderr = String::from_utf8_lossy(&stderr);
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.iter().all(Value::is_object));
    assert!(lines.len() > 20, "{stdout}");

    // Every request line names its request.
    let requests: Vec<&Value> = lines
        .iter()
        .filter(|l| l["message"] == "request finished")
        .collect();
    assert!(requests.len() >= 8, "{stdout}");
    for line in requests {
        let id = field(line, "request_id").and_then(Value::as_str);
        assert!(id.is_some_and(|id| id.len() == 36), "{line}");
    }
    // Every line of the sync, and of the refresh, names the account.
    let sync_lines: Vec<&Value> = lines
        .iter()
        .filter(|l| contexts(l).iter().any(|c| c["name"] == "sync"))
        .collect();
    assert!(
        sync_lines.iter().any(|l| l["message"] == "sync started")
            && sync_lines.iter().any(|l| l["message"] == "sync succeeded"),
        "{stdout}"
    );
    let login = simulator.world().sellers()[0].login.clone();
    for line in &sync_lines {
        assert_eq!(field(line, "account.id"), Some(&Value::from(1)), "{line}");
        assert_eq!(
            field(line, "account.login").and_then(Value::as_str),
            Some(login.as_str()),
            "{line}"
        );
    }
    let refreshed = lines
        .iter()
        .find(|l| l["message"] == "refreshed Allegro tokens")
        .expect("the refresh is logged");
    assert_eq!(field(refreshed, "account.id"), Some(&Value::from(1)));

    let allegro = AllegroConfig::for_simulator(&sim).unwrap();
    let client_secret = secrecy::ExposeSecret::expose_secret(&allegro.client_secret);
    let basic = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{}:{client_secret}", allegro.client_id),
    );
    secrets.extend([
        basic,
        PASSWORD.to_owned(),
        KEY.to_owned(),
        login_csrf,
        csrf_token,
        client_secret.to_owned(),
    ]);
    for value in &buyers {
        for (name, output) in [("stdout", &stdout), ("stderr", &stderr)] {
            assert!(
                !output.contains(value.as_str()),
                "{name} contains buyer data ({} chars)",
                value.chars().count()
            );
        }
    }
    for secret in &secrets {
        assert!(secret.len() >= 8, "{secret}");
        for (name, output) in [("stdout", &stdout), ("stderr", &stderr)] {
            assert!(
                !output.contains(secret.as_str()),
                "{name} contains a secret starting {}",
                &secret[..8]
            );
        }
    }
}
