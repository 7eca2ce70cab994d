//! Webhooks: signatures, delivery of every change in per-order order, retries and disabling,
//! replicas never sending one delivery at once, the SSRF guard, the pages and the CLI. A
//! local receiver (a small actix server) stands in for the other program.

mod cli;
mod crash;
mod delivery;
mod guard;
mod outbox;
mod pages;

use std::{
    collections::HashSet,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU16, AtomicU64, AtomicUsize, Ordering},
    },
    time::Duration,
};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use allegro_backup::{
    crypto::TokenCipher,
    db::models::{audit::Actor, webhook::WebhookRow},
    domain::webhook::{WebhookEvents, WebhookUrl},
    webhooks::Registration,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use serde_json::Value;
use sha2::Sha256;

use crate::helpers::TestApp;

/// Verifies a Standard Webhooks signature as a receiver would, written from the specification:
/// the key is the base64 after `whsec_`; the header holds space-separated `v1,<base64>`
/// signatures of `"{id}.{timestamp}.{body}"`.
pub fn verify(secret: &str, id: &str, timestamp: &str, body: &str, header: &str) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    header
        .split(' ')
        .any(|sig| sig.strip_prefix("v1,") == Some(expected.as_str()))
}

#[test]
fn the_verification_accepts_the_specifications_test_vector_and_nothing_else() {
    let (secret, id, ts) = (
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "1614265330",
    );
    let header = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    assert!(verify(secret, id, ts, r#"{"test": 2432232314}"#, header));
    assert!(!verify(secret, id, ts, r#"{"test": 2432232315}"#, header));
    assert!(!verify(
        secret,
        id,
        "1614265331",
        r#"{"test": 2432232314}"#,
        header
    ));
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

#[derive(Default)]
struct Behaviour {
    /// 0: answer 204; otherwise this status.
    status: AtomicU16,
    delay_ms: AtomicU64,
    /// Up to this much more, at random: concurrent requests overtake each other.
    jitter_ms: AtomicU64,
    got: Mutex<Vec<Received>>,
    in_flight: Mutex<HashSet<String>>,
    /// Requests that came while the same message was still being received.
    overlaps: AtomicUsize,
}

/// A local webhook receiver.
pub struct Receiver {
    pub port: u16,
    behaviour: Arc<Behaviour>,
}

async fn receive(req: HttpRequest, body: String, b: web::Data<Arc<Behaviour>>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let id = header("webhook-id");
    if !b.in_flight.lock().unwrap().insert(id.clone()) {
        b.overlaps.fetch_add(1, Ordering::SeqCst);
    }
    let jitter = b.jitter_ms.load(Ordering::SeqCst);
    let delay = b.delay_ms.load(Ordering::SeqCst) + rand::random_range(0..=jitter);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    b.in_flight.lock().unwrap().remove(&id);
    let status = b.status.load(Ordering::SeqCst);
    if status != 0 {
        return HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
            .finish();
    }
    b.got.lock().unwrap().push(Received {
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        id,
        body,
    });
    HttpResponse::NoContent().finish()
}

impl Receiver {
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// A receiver on `port` (0: any free one).
    pub async fn start_on(port: u16) -> Self {
        let behaviour = Arc::new(Behaviour::default());
        let data = web::Data::new(behaviour.clone());
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(2)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        Self { port, behaviour }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks", self.port)
    }

    /// Answer every request with `status` (0: 204 again).
    pub fn answer(&self, status: u16) {
        self.behaviour.status.store(status, Ordering::SeqCst);
    }

    pub fn take_time(&self, ms: u64) {
        self.behaviour.delay_ms.store(ms, Ordering::SeqCst);
    }

    /// Takes up to `ms` more per request, at random.
    pub fn jitter(&self, ms: u64) {
        self.behaviour.jitter_ms.store(ms, Ordering::SeqCst);
    }

    pub fn got(&self) -> Vec<Received> {
        self.behaviour.got.lock().unwrap().clone()
    }

    pub fn overlaps(&self) -> usize {
        self.behaviour.overlaps.load(Ordering::SeqCst)
    }

    /// Waits (up to `within`) until `done` holds for what arrived.
    pub async fn wait_for(
        &self,
        within: Duration,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let until = std::time::Instant::now() + within;
        loop {
            let got = self.got();
            if done(&got) || std::time::Instant::now() > until {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Registers an endpoint for `url` straight through the service (as the page and the CLI
/// do); returns its row and secret.
pub fn register(
    app: &TestApp,
    url: &str,
    events: &str,
    account: Option<&str>,
) -> (WebhookRow, String) {
    let registration = Registration {
        url: WebhookUrl::parse(url).unwrap(),
        events: WebhookEvents::parse_list(events).unwrap(),
        account: account.map(str::to_owned),
    };
    let cipher = TokenCipher::new(&app.state.config.secret_key);
    let mut conn = app.db.connect();
    let (row, secret) = registration
        .create(&mut conn, &cipher, &Actor::default())
        .unwrap();
    (row, secret.expose().expose_secret().to_owned())
}

/// A worker of its own on `app`'s database (a second replica's).
pub fn worker(app: &TestApp) -> allegro_backup::webhooks::Worker {
    allegro_backup::webhooks::Worker::new(
        app.state.pool.clone(),
        TokenCipher::new(&app.state.config.secret_key),
        app.state.config.webhooks,
    )
    .unwrap()
}

/// Every event type.
pub const ALL_EVENTS: &str = "order.created,order.updated,order.gone,order.documents_changed,\
     sync.failed,account.needs_reauth";
