//! In-process metrics: one Prometheus registry per [`Application`](crate::startup::Application)
//! (kept in `AppState`, never a global, so parallel tests each count their own), fed in one
//! place per concern: the HTTP middleware (actix-web-prom), the Allegro request pipeline, the
//! token refresh. `/metrics` prints it after the gauges read from the database.

use actix_web::{
    Error, HttpResponse,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
};
use actix_web_prom::{
    ActixMetricsConfiguration, LabelsConfiguration, PrometheusMetrics, PrometheusMetricsBuilder,
};
use prometheus::{Encoder, IntGauge, Registry, TextEncoder};

use crate::{accounts::RefreshMetrics, allegro::ApiMetrics, db::PgPool, sync::RunMetrics};

/// Page latencies: most pages take milliseconds, exports stream for seconds.
const HTTP_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The application's registry and the handles that count into it. Cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    http: PrometheusMetrics,
    /// Handed to the Allegro client.
    pub allegro: ApiMetrics,
    /// Handed to the accounts' token refresh.
    pub refreshes: RefreshMetrics,
    /// Handed to the sync runs this process starts.
    pub sync_runs: RunMetrics,
    pool: PoolGauges,
}

/// The database pool's usage, read at each scrape.
#[derive(Clone)]
struct PoolGauges {
    connections: IntGauge,
    idle: IntGauge,
    max_size: IntGauge,
}

impl Metrics {
    /// A fresh registry with every series registered.
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new();
        // `allegro_backup_http_requests_total` / `..._duration_seconds` by route pattern
        // (`/orders/{id}`, never the raw path: ids would make a series per order), method
        // and status. The duration includes streaming the body (exports).
        let http = PrometheusMetricsBuilder::new("allegro_backup")
            .registry(registry.clone())
            .buckets(HTTP_BUCKETS)
            .mask_unmatched_patterns("unmatched")
            .metrics_configuration(
                ActixMetricsConfiguration::default()
                    .labels(LabelsConfiguration::default().endpoint("route")),
            )
            .build()
            .map_err(|e| anyhow::anyhow!("HTTP metrics: {e}"))?;
        let allegro = ApiMetrics::new()?;
        allegro.register(&registry)?;
        let refreshes = RefreshMetrics::new()?;
        refreshes.register(&registry)?;
        let sync_runs = RunMetrics::new()?;
        sync_runs.register(&registry)?;
        let gauge = |name: &str, help: &str| -> prometheus::Result<IntGauge> {
            let gauge = IntGauge::new(name, help)?;
            registry.register(Box::new(gauge.clone()))?;
            Ok(gauge)
        };
        let pool = PoolGauges {
            connections: gauge(
                "allegro_backup_db_pool_connections",
                "Database connections open in the pool (idle or in use).",
            )?,
            idle: gauge(
                "allegro_backup_db_pool_idle_connections",
                "Database connections idle in the pool.",
            )?,
            max_size: gauge(
                "allegro_backup_db_pool_max_size",
                "Most database connections the pool opens (DB_POOL_SIZE).",
            )?,
        };
        Ok(Self {
            registry,
            http,
            allegro,
            refreshes,
            sync_runs,
            pool,
        })
    }

    /// The middleware that counts HTTP requests; wrap the app's routes in it, and that in
    /// [`reject_unknown_methods`].
    pub fn http_middleware(&self) -> PrometheusMetrics {
        self.http.clone()
    }

    /// Every in-process series in the text format, with the pool's usage as of now.
    pub fn render(&self, pool: &PgPool) -> String {
        let state = pool.state();
        self.pool.connections.set(i64::from(state.connections));
        self.pool.idle.set(i64::from(state.idle_connections));
        self.pool.max_size.set(i64::from(pool.max_size()));
        let mut out = vec![];
        if let Err(err) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %err, "could not encode the metrics");
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Middleware outside the HTTP metrics: any token is a valid HTTP method, so a request with
/// a method outside the standard ones gets 405 before it is counted, and a client cannot add
/// `method` series without end.
pub async fn reject_unknown_methods(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, Error> {
    const KNOWN: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    if KNOWN.contains(req.method()) {
        Ok(next.call(req).await?.map_into_left_body())
    } else {
        Ok(req
            .into_response(HttpResponse::MethodNotAllowed().finish())
            .map_into_right_body())
    }
}
