//! The simulator's HTTP contract (allegro-api.md): OAuth device flow and tokens, API guards,
//! order list and events, quirks, determinism. The client and fixtures here;
//! the tests by theme: the device flow, tokens, limits and faults, the order list, events, and
//! the generated world.

mod device_flow;
mod events;
mod invoices;
mod limits;
mod orders;
mod payments;
mod refund_claims;
mod refunds;
mod returns;
mod tokens;
mod world;

use std::net::SocketAddr;

use allegro_backup::simulator::{self, SimulatorConfig, SimulatorHandle};
use chrono::{DateTime, Utc};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::Value;

const MEDIA: &str = "application/vnd.allegro.public.v1+json";

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

struct Sim {
    handle: SimulatorHandle,
    client: Client,
    id: String,
    secret: String,
}

async fn spawn(config: SimulatorConfig) -> Sim {
    let (id, secret) = (config.client_id.clone(), config.client_secret.clone());
    let handle = simulator::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("simulator starts");
    Sim {
        handle,
        client: Client::new(),
        id,
        secret,
    }
}

impl Sim {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url())
    }

    fn oauth(&self, path: &str) -> RequestBuilder {
        self.client
            .post(self.url(path))
            .basic_auth(&self.id, Some(&self.secret))
    }

    async fn device(&self) -> Value {
        let r = self
            .oauth("/auth/oauth/device")
            .query(&[("client_id", self.id.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    async fn poll(&self, device_code: &str) -> (StatusCode, Value) {
        let r = self
            .oauth("/auth/oauth/token")
            .form(&[("grant_type", DEVICE_GRANT), ("device_code", device_code)])
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap())
    }

    async fn refresh(&self, refresh_token: &str) -> (StatusCode, Value) {
        let r = self
            .oauth("/auth/oauth/token")
            .query(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ])
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap())
    }

    /// A token for seller 0 (the test config auto-approves).
    async fn token(&self) -> Value {
        let device = self.device().await;
        let (status, token) = self.poll(device["device_code"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{token}");
        token
    }

    fn api(&self, token: &Value, path: &str) -> RequestBuilder {
        self.api_as(token, path, MEDIA)
    }

    /// [`Self::api`] asking for `media_type`.
    fn api_as(&self, token: &Value, path: &str, media_type: &str) -> RequestBuilder {
        self.client
            .get(self.url(path))
            .bearer_auth(token["access_token"].as_str().unwrap())
            .header("Accept", media_type)
            .header(
                "User-Agent",
                "allegro-backup-tests/1.0 (+https://example.org)",
            )
    }

    /// `POST /__simulator/faults` with `body`; the faults now in force.
    async fn set_faults(&self, body: Value) -> Value {
        let r = self
            .client
            .post(self.url("/__simulator/faults"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    /// `GET /__simulator/<what>`: the simulator's ground truth.
    async fn truth(&self, what: &str) -> Value {
        let url = self.url(&format!("/__simulator/{what}"));
        let r = self.client.get(url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    async fn get(&self, token: &Value, path: &str, query: &[(&str, &str)]) -> (StatusCode, Value) {
        self.get_as(token, path, query, MEDIA).await
    }

    /// [`Self::get`] asking for `media_type`.
    async fn get_as(
        &self,
        token: &Value,
        path: &str,
        query: &[(&str, &str)],
        media_type: &str,
    ) -> (StatusCode, Value) {
        let r = self
            .api_as(token, path, media_type)
            .query(query)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap())
    }

    /// Every item `query` matches on the offset-paged list `path` (its items under `list`),
    /// read `limit` at a time with a growing offset; checks that each page's `count` is its
    /// size. Also gives each page's `totalCount` (`None` where a page has none).
    async fn page_by_offset(
        &self,
        token: &Value,
        (path, list): (&str, &str),
        query: &[(&str, &str)],
        limit: usize,
    ) -> (Vec<Value>, Vec<Option<u64>>) {
        let (mut all, mut totals) = (Vec::new(), Vec::new());
        loop {
            let (l, o) = (limit.to_string(), all.len().to_string());
            let mut q = query.to_vec();
            q.extend([("limit", l.as_str()), ("offset", o.as_str())]);
            let (status, page) = self.get(token, path, &q).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            let items = page[list].as_array().unwrap();
            assert_eq!(page["count"].as_u64().unwrap() as usize, items.len());
            totals.push(page["totalCount"].as_u64());
            all.extend(items.iter().cloned());
            if items.len() < limit {
                return (all, totals);
            }
        }
    }

    /// Asserts that `path` (asked for `media_type`) refuses each parameter of `bad`, given
    /// alone, with `status` and Allegro's validation error.
    async fn assert_each_refused(
        &self,
        token: &Value,
        (path, media_type): (&str, &str),
        bad: &[(&str, &str)],
        status: StatusCode,
    ) {
        for param in bad {
            let (got, body) = self.get_as(token, path, &[*param], media_type).await;
            assert_eq!(got, status, "{param:?}");
            assert_eq!(error_code(&body), "VALIDATION_ERROR");
        }
    }
}

fn manual() -> SimulatorConfig {
    SimulatorConfig {
        auto_approve: false,
        ..SimulatorConfig::for_tests(10)
    }
}

fn error_code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap()
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}
