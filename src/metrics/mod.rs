//! In-process metrics: one Prometheus registry per [`Application`](crate::startup::Application)
//! (kept in `AppState`, never a global, so parallel tests each count their own), fed in one
//! place per concern: the HTTP middleware (actix-web-prom), the Allegro request pipeline, the
//! token refresh. `/metrics` prints it after the gauges read from the database.

pub mod jobs;

pub use jobs::{JobOutcome, JobRun, JobRuns, JobStatus};

use actix_web::{
    Error, HttpResponse,
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
    web,
};
use actix_web_prom::{
    ActixMetricsConfiguration, LabelsConfiguration, PrometheusMetrics, PrometheusMetricsBuilder,
};
use prometheus::{Encoder, IntCounterVec, IntGauge, Opts, Registry, TextEncoder};

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
    /// App data for [`count_middleware_errors`].
    pub middleware_errors: MiddlewareErrors,
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
        let middleware_errors = MiddlewareErrors::new()?;
        registry.register(Box::new(middleware_errors.0.clone()))?;
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
            middleware_errors,
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

/// `allegro_backup_http_middleware_errors_total{route,method,status}`: requests that a
/// middleware ended with an error (a session store that cannot reach the database, say).
/// actix-web-prom counts responses only, and such a request has none until actix turns the
/// error into one at the very end. Kept in the app's data for [`count_middleware_errors`].
#[derive(Clone)]
pub struct MiddlewareErrors(IntCounterVec);

impl MiddlewareErrors {
    fn new() -> prometheus::Result<Self> {
        Ok(Self(IntCounterVec::new(
            Opts::new(
                "allegro_backup_http_middleware_errors_total",
                "Requests a middleware ended with an error instead of a response (not in \
                 allegro_backup_http_requests_total), by route pattern, method and status.",
            ),
            &["route", "method", "status"],
        )?))
    }
}

/// Middleware just inside the HTTP metrics: counts the requests that come back as an error
/// (see [`MiddlewareErrors`]), then passes the error on unchanged.
pub async fn count_middleware_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    let counter = req.app_data::<web::Data<MiddlewareErrors>>().cloned();
    // Before routing, the pattern comes from the path alone (`/orders/{id}`).
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().clone();
    let result = next.call(req).await;
    if let (Err(err), Some(counter)) = (&result, counter) {
        let status = err.as_response_error().status_code();
        counter
            .0
            .with_label_values(&[route.as_str(), method.as_str(), status.as_str()])
            .inc();
    }
    result
}

#[cfg(test)]
mod tests {
    use actix_web::{App, HttpResponse, http::StatusCode, middleware::from_fn, test};

    use super::*;

    async fn failing_middleware(
        _req: ServiceRequest,
        _next: Next<impl MessageBody + 'static>,
    ) -> Result<ServiceResponse<impl MessageBody>, Error> {
        Err::<ServiceResponse, _>(actix_web::error::ErrorServiceUnavailable("store away"))
    }

    #[actix_web::test]
    async fn a_request_a_middleware_ends_with_an_error_is_counted_with_its_status() {
        let metrics = Metrics::new().unwrap();
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(metrics.middleware_errors.clone()))
                .wrap(from_fn(count_middleware_errors))
                .wrap(metrics.http_middleware())
                .service(
                    web::scope("/private")
                        .wrap(from_fn(failing_middleware))
                        .route("/{id}", web::get().to(HttpResponse::Ok)),
                )
                .route("/open", web::get().to(HttpResponse::Ok)),
        )
        .await;
        for uri in ["/private/7", "/open"] {
            let request = test::TestRequest::get().uri(uri).to_request();
            let result = test::try_call_service(&app, request).await;
            let status = match result {
                Ok(response) => response.status(),
                Err(err) => err.as_response_error().status_code(),
            };
            let expected = if uri == "/open" {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            assert_eq!(status, expected, "{uri}");
        }

        let mut out = vec![];
        TextEncoder::new()
            .encode(&metrics.registry.gather(), &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(
                r#"allegro_backup_http_middleware_errors_total{method="GET",route="/private/{id}",status="503"} 1"#
            ),
            "{text}"
        );
        assert!(
            !text.lines().any(
                |l| l.starts_with("allegro_backup_http_middleware_errors_total{")
                    && l.contains("/open")
            ),
            "a response is not an error: {text}"
        );
    }
}
