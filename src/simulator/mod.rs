//! The built-in Allegro API simulator: a real HTTP server with Allegro's OAuth device flow and
//! the order endpoints (`/me`, `/order/checkout-forms*` with an order's shipments and invoices,
//! `/order/events`, `/order/event-stats`, `/order/customer-returns*`, `/order/refund-claims*`,
//! `/payments/refunds`,
//! `/payments/payment-operations`, `/billing/billing-entries`, `/billing/billing-types`),
//! deterministic data from a seed, a moving world, fault injection and test hooks.
//!
//! One server answers both the OAuth paths (Allegro's web host) and the REST paths (its API
//! host), so `base_url()` is both `ALLEGRO_AUTH_URL` and `ALLEGRO_API_URL`. Admin endpoints for
//! tests and the demo live under `/__simulator` (`POST faults`, `GET orders?seller=N`,
//! `GET billing-entries?seller=N`, `GET payment-operations?seller=N`, `GET invoices?seller=N`,
//! `GET refund-claims?seller=N`, `POST advance?seconds=N`, `POST revoke?seller=N`,
//! `POST changes?n=N`).

mod api_guard;
mod billing;
mod changes;
mod claims;
mod data;
mod event_json;
mod events;
mod faults;
mod gate;
mod invoices;
mod names;
mod oauth;
mod one_order;
mod orders;
mod page;
mod params;
mod payments;
mod refunds;
mod reply;
mod returns;
mod server;
mod shipments;
mod world;

use std::{net::SocketAddr, time::Duration};

use actix_web::{
    App, HttpServer,
    dev::{ServerHandle, Service},
    http::header::{HeaderName, HeaderValue},
    web,
};
use chrono::{DateTime, TimeZone, Utc};
use rand::Rng;
use tokio::task::JoinHandle;

pub use faults::Faults;
pub use gate::CallGate;
pub use world::{SellerInfo, World};

use crate::config::{SIMULATOR_CLIENT_ID, SIMULATOR_CLIENT_SECRET};

/// Allegro's access-token lifetime (`expires_in: 43199`).
pub const ALLEGRO_ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(43_199);

/// How the simulator starts.
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    /// Number of seller accounts.
    pub sellers: usize,
    /// Initial checkout forms per seller.
    pub orders_per_seller: u32,
    pub seed: u64,
    /// The accepted OAuth client (Basic auth).
    pub client_id: String,
    pub client_secret: String,
    /// Device codes are approved at once for seller 0 (tests).
    pub auto_approve: bool,
    /// Refuse REST calls without a `User-Agent` (400), as Allegro does from July 2026.
    pub require_user_agent: bool,
    /// The simulated clock at start; it then runs with real time plus `World::advance`.
    pub start: DateTime<Utc>,
    /// Demo mode: a background task makes this many random changes per minute.
    pub live_changes_per_minute: Option<u32>,
    /// Requests per minute per client id before a 429 block (Allegro: 9000).
    pub requests_per_minute: u32,
    /// Lifetime of an access token, the `expires_in` of every grant (Allegro: 43,199 s, 12 h
    /// minus a second); an expired token gets 401 `invalid_token` "Access token expired".
    pub access_token_lifetime: Duration,
    /// Of every hundred paid orders, how many the buyer returns (Allegro sellers: about 3).
    pub returns_percent: u32,
    /// The scopes declared for the app in Allegro's Developer Apps: a token never gets more.
    pub declared_scopes: Vec<String>,
}

impl SimulatorConfig {
    /// The demo: two sellers, today's clock, a gentle stream of changes, manual approval.
    pub fn demo(orders: u32, seed: u64) -> Self {
        Self {
            sellers: 2,
            orders_per_seller: orders,
            seed,
            client_id: SIMULATOR_CLIENT_ID.to_owned(),
            client_secret: SIMULATOR_CLIENT_SECRET.to_owned(),
            auto_approve: false,
            require_user_agent: true,
            start: Utc::now(),
            live_changes_per_minute: Some(6),
            requests_per_minute: 9000,
            access_token_lifetime: ALLEGRO_ACCESS_TOKEN_LIFETIME,
            returns_percent: 3,
            declared_scopes: declared_scopes(),
        }
    }

    /// Tests: one seller, a fixed clock start (2026-07-15 12:00 UTC), seed 42, auto-approve, and
    /// a request budget ten times Allegro's (90,000 a minute): a test's app spends it as fast
    /// as it likes (a first backup counts every day of its history, a request a day). A test
    /// of the budget itself sets its own.
    pub fn for_tests(orders: u32) -> Self {
        Self {
            sellers: 1,
            orders_per_seller: orders,
            seed: 42,
            client_id: SIMULATOR_CLIENT_ID.to_owned(),
            client_secret: SIMULATOR_CLIENT_SECRET.to_owned(),
            auto_approve: true,
            require_user_agent: true,
            start: Utc
                .with_ymd_and_hms(2026, 7, 15, 12, 0, 0)
                .single()
                .unwrap_or_else(Utc::now),
            live_changes_per_minute: None,
            requests_per_minute: 90_000,
            access_token_lifetime: ALLEGRO_ACCESS_TOKEN_LIFETIME,
            returns_percent: 3,
            declared_scopes: declared_scopes(),
        }
    }

    /// The earliest moment of the world this configuration builds: its first order's
    /// `boughtAt` is later, and nothing else of it (payments, fees, returns) comes before.
    pub fn first_order_at(&self) -> DateTime<Utc> {
        self.start - chrono::Duration::days(world::INITIAL_ORDERS_DAYS)
    }
}

/// Every scope the simulator's app declares (orders, profile, payments, billing).
fn declared_scopes() -> Vec<String> {
    oauth::DECLARED_SCOPES
        .iter()
        .map(|scope| (*scope).to_owned())
        .collect()
}

/// A running simulator.
pub struct SimulatorHandle {
    base_url: String,
    world: World,
    server: ServerHandle,
    task: JoinHandle<std::io::Result<()>>,
    live: Option<JoinHandle<()>>,
}

impl SimulatorHandle {
    /// `http://127.0.0.1:PORT`: both the OAuth and the REST base URL.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The world behind the server, for test hooks.
    pub fn world(&self) -> World {
        self.world.clone()
    }

    /// Stops the server and the live-changes task.
    pub async fn stop(self) {
        if let Some(live) = self.live {
            live.abort();
        }
        self.server.stop(true).await;
        if let Err(e) = self.task.await {
            tracing::warn!(error = %e, "simulator server task ended abnormally");
        }
    }
}

/// Generates the world, binds `addr` (port 0: any free port) and serves in the background.
pub async fn start(config: SimulatorConfig, addr: SocketAddr) -> std::io::Result<SimulatorHandle> {
    let live_rate = config.live_changes_per_minute.filter(|r| *r > 0);
    let state = tokio::task::spawn_blocking(move || world::build_state(config))
        .await
        .map_err(std::io::Error::other)?;
    let listener = std::net::TcpListener::bind(addr)?;
    let local = listener.local_addr()?;
    let host = if local.ip().is_unspecified() {
        format!("127.0.0.1:{}", local.port())
    } else {
        local.to_string()
    };
    let base_url = format!("http://{host}");
    let mut state = state;
    state.base_url = base_url.clone();
    let world = World::new(state);
    let data = web::Data::new(world.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .wrap_fn(|req, srv| {
                let fut = srv.call(req);
                async move {
                    let mut res = fut.await?;
                    let trace = format!("{:016x}", rand::rng().random::<u64>());
                    if let Ok(v) = HeaderValue::from_str(&trace) {
                        res.headers_mut()
                            .insert(HeaderName::from_static("trace-id"), v);
                    }
                    Ok(res)
                }
            })
            .configure(server::routes)
    })
    .workers(2)
    .disable_signals()
    .listen(listener)?
    .run();
    let handle = server.handle();
    let task = tokio::spawn(server);
    let live = live_rate.map(|rate| {
        let world = world.clone();
        tokio::spawn(async move {
            let period = Duration::from_secs_f64(60.0 / f64::from(rate));
            let mut tick = tokio::time::interval(period);
            tick.tick().await;
            loop {
                tick.tick().await;
                world.random_changes(1);
            }
        })
    });
    tracing::info!(base_url = %base_url, "Allegro simulator listening");
    Ok(SimulatorHandle {
        base_url,
        world,
        server: handle,
        task,
        live,
    })
}

/// Knobs of a standalone simulator beyond port, orders and seed (the bench runs one as a child
/// process so that its memory and CPU are not counted as the engine's).
#[derive(Debug, Clone, clap::Args)]
pub struct StandaloneOptions {
    /// Number of seller accounts.
    #[arg(long, default_value_t = 2)]
    pub sellers: usize,
    /// Approve device codes at once for the first seller (no approval page).
    #[arg(long)]
    pub auto_approve: bool,
    /// No background stream of random changes (a still world, for measurements).
    #[arg(long)]
    pub no_live_changes: bool,
    /// Requests per minute per client id before the simulator answers 429 (Allegro: 9000).
    #[arg(long, default_value_t = 9000)]
    pub requests_per_minute: u32,
    /// Lifetime of the access tokens it issues, in seconds (Allegro: 43199, 12 h).
    #[arg(long, default_value_t = ALLEGRO_ACCESS_TOKEN_LIFETIME.as_secs())]
    pub access_token_secs: u64,
}

/// Runs a standalone simulator until Ctrl-C (`allegro-backup simulator --port P --orders N
/// --seed S`). Port 0 takes any free port; the first line printed names the URL.
pub async fn run_standalone(
    port: u16,
    orders: u32,
    seed: u64,
    options: StandaloneOptions,
) -> std::io::Result<()> {
    let demo = SimulatorConfig::demo(orders, seed);
    let config = SimulatorConfig {
        sellers: options.sellers.max(1),
        auto_approve: options.auto_approve,
        live_changes_per_minute: demo
            .live_changes_per_minute
            .filter(|_| !options.no_live_changes),
        requests_per_minute: options.requests_per_minute,
        access_token_lifetime: Duration::from_secs(options.access_token_secs.max(1)),
        ..demo
    };
    let (client_id, client_secret) = (config.client_id.clone(), config.client_secret.clone());
    // Loopback only: its admin endpoints (faults, ground truth) have no authentication.
    let handle = start(config, SocketAddr::from(([127, 0, 0, 1], port))).await?;
    let url = handle.base_url();
    println!("{STANDALONE_BANNER}{url} (OAuth and REST API)");
    println!("  client id: {client_id}  client secret: {client_secret}");
    println!("  sellers: {:?}", handle.world().sellers());
    println!("  ALLEGRO_ENV=simulator ALLEGRO_AUTH_URL={url} ALLEGRO_API_URL={url}");
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    handle.stop().await;
    Ok(())
}

/// What the standalone simulator's first line starts with, followed by its base URL.
pub const STANDALONE_BANNER: &str = "Allegro simulator on ";
