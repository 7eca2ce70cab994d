//! `Application`: prepares the database, builds the HTTP server on its own listener and runs it.

use std::{net::TcpListener, sync::Arc, time::Duration};

use actix_session::{
    SessionMiddleware,
    config::{BrowserSession, CookieContentSecurity, TtlExtensionPolicy},
};
use actix_web::{
    App, HttpServer,
    cookie::{Key, SameSite, time::Duration as CookieDuration},
    dev::Server,
    middleware::from_fn,
    web,
};
use tracing_actix_web::TracingLogger;

use crate::{
    accounts::Accounts,
    allegro::AllegroClient,
    auth::{guard::require_login, password, setup, store::PgSessionStore},
    config::Config,
    crypto::TokenCipher,
    db::{self, DbError},
    error::AppError,
    jobs,
    metrics::{Metrics, count_middleware_errors, reject_unknown_methods},
    routes,
    shutdown::Shutdown,
    state::AppState,
    web::csrf::verify_csrf,
    web::{
        htmx::htmx_responses,
        input::reject_control_characters,
        request_context::{RequestSpan, request_context},
        security_headers::security_headers,
        static_files::static_file,
    },
};

/// How long a shutdown waits for running syncs to commit their page and stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "allegro_backup_session";

pub struct Application {
    port: u16,
    server: Server,
    setup_link: Option<String>,
    state: AppState,
}

impl Application {
    /// Creates the database if needed, runs migrations, binds `config.bind_addr` (port 0
    /// picks a free port) and builds the server.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        db::prepare(&config.database_url).await?;
        let pool = db::build_pool(&config.database_url, config.db_pool_size)?;
        let dummy_password_hash =
            password::hash_async(crate::auth::random_token(24).into()).await?;
        let listener = TcpListener::bind(config.bind_addr)?;
        let port = listener.local_addr()?.port();
        let setup_token = db::run(&pool, |conn| {
            setup::issue_token_if_no_users(conn).map_err(DbError::from)
        })
        .await?;
        let public_url = if config.bind_addr.port() == 0 {
            format!("http://127.0.0.1:{port}")
        } else {
            config.public_url.clone()
        };
        let setup_link = setup_token.map(|t| format!("{public_url}/setup?token={t}"));
        let metrics = Metrics::new()?;
        let client = AllegroClient::new(&config.allegro)?.with_metrics(metrics.allegro.clone());
        let accounts = Accounts::new(
            pool.clone(),
            client,
            TokenCipher::new(&config.secret_key),
            config.allegro.environment,
        )
        .with_refresh_metrics(metrics.refreshes.clone());
        let state = AppState {
            pool,
            config: Arc::new(config),
            dummy_password_hash: dummy_password_hash.into(),
            accounts,
            shutdown: Shutdown::new(),
            metrics,
            jobs: crate::metrics::JobRuns::default(),
        };
        let server = build_server(listener, state.clone())?;
        Ok(Self {
            port,
            server,
            setup_link,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The one-time link to create the first admin, when there are no users yet.
    pub fn setup_link(&self) -> Option<&str> {
        self.setup_link.as_deref()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the server stops (Ctrl-C / SIGTERM are handled by actix), with the
    /// scheduled jobs running beside it; resumes device flows a restart interrupted. Then
    /// stops gracefully: no new runs, running syncs commit their page and end
    /// `interrupted` (waited for up to `SHUTDOWN_GRACE`), the scheduler stops.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let accounts = self.state.accounts.clone();
        let mut scheduler = match jobs::start(&self.state).await {
            Ok(scheduler) => Some(scheduler),
            Err(err) => {
                tracing::error!(error = %err, "could not start the job scheduler; jobs will not run");
                None
            }
        };
        let pool = self.state.pool.clone();
        match db::run(&pool, |conn| {
            crate::db::models::sync::SyncRun::mark_abandoned_interrupted(conn)
                .map_err(DbError::from)
        })
        .await
        {
            Ok(0) => {}
            Ok(n) => tracing::warn!(
                runs = n,
                "marked sync runs left running by a stopped process as interrupted"
            ),
            Err(err) => tracing::warn!(error = %err, "could not check for interrupted sync runs"),
        }
        start_webhook_worker(&self.state);
        if self.state.config.sync_on_startup {
            let state = self.state.clone();
            self.state
                .shutdown
                .spawn(async move { jobs::sync_at_startup(&state).await });
        }
        match accounts.resume_pending_flows().await {
            Ok(0) => {}
            Ok(resumed) => tracing::info!(resumed, "resumed pending Allegro connections"),
            Err(err) => {
                tracing::warn!(error = %err, "could not resume pending Allegro connections")
            }
        }
        let result = self.server.await;
        tracing::info!("stopping: letting running syncs commit their current page");
        if !self.state.shutdown.stop(SHUTDOWN_GRACE).await {
            tracing::warn!(
                grace_s = SHUTDOWN_GRACE.as_secs(),
                "some syncs did not stop in time; their runs are marked interrupted at the next start"
            );
        }
        if let Some(scheduler) = scheduler.as_mut() {
            let _ = scheduler.shutdown().await;
        }
        result
    }
}

/// Starts this process's webhook worker (every replica runs one; they share the work through
/// the deliveries' claims), stopped with the server.
fn start_webhook_worker(state: &AppState) {
    let cipher = TokenCipher::new(&state.config.secret_key);
    match crate::webhooks::Worker::new(state.pool.clone(), cipher, state.config.webhooks) {
        Ok(worker) => {
            state.shutdown.spawn(worker.run(state.shutdown.token()));
        }
        Err(err) => {
            tracing::error!(error = %err, "could not start the webhook worker; webhooks will not be sent")
        }
    }
}

fn session_middleware(state: &AppState) -> SessionMiddleware<PgSessionStore> {
    let config = &state.config;
    let idle = CookieDuration::seconds(config.session.idle_timeout.as_secs() as i64);
    SessionMiddleware::builder(
        PgSessionStore::new(state.pool.clone()),
        Key::derive_from(config.secret_key.expose()),
    )
    .cookie_name(SESSION_COOKIE.to_owned())
    .cookie_secure(config.cookie_secure)
    .cookie_http_only(true)
    .cookie_same_site(SameSite::Lax)
    .cookie_content_security(CookieContentSecurity::Private)
    .session_lifecycle(
        BrowserSession::default()
            .state_ttl(idle)
            .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
    )
    .build()
}

fn build_server(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let https = state.config.cookie_secure;
    let http_metrics = state.metrics.http_middleware();
    let server = HttpServer::new(move || {
        App::new()
            // Bad input stops here, before the session store or a handler sees it; htmx
            // requests get its refusal as a toast like any other error.
            .wrap(from_fn(crate::web::one_connection::one_connection_per_page))
            .wrap(from_fn(reject_control_characters))
            .wrap(from_fn(htmx_responses))
            .wrap(from_fn(count_middleware_errors))
            // Counts the final status of every request with a known method.
            .wrap(http_metrics.clone())
            .wrap(from_fn(reject_unknown_methods))
            // API requests refused by the layers above get a problem document too.
            .wrap(from_fn(crate::web::problem::api_errors_as_problems))
            .wrap(from_fn(request_context))
            .wrap(TracingLogger::<RequestSpan>::new())
            // Outermost: every response carries the headers, a 405 for an unknown method too.
            .wrap(security_headers(https))
            .app_data(web::Data::new(state.clone()))
            .app_data(web::Data::new(state.metrics.middleware_errors.clone()))
            .app_data(crate::web::form_config(256 * 1024))
            .app_data(query_config())
            .app_data(path_config())
            // Probes and assets skip the session store.
            .service(
                web::resource("/health")
                    .route(web::get().to(routes::health))
                    .route(web::head().to(routes::health)),
            )
            .service(
                web::resource("/ready")
                    .route(web::get().to(routes::ready))
                    .route(web::head().to(routes::ready)),
            )
            .route("/static/{file}", web::get().to(static_file))
            // A scraper has no session: `/metrics` checks its bearer token or an admin's
            // session itself instead of the sign-in redirect.
            .service(
                web::scope("/metrics")
                    .wrap(session_middleware(&state))
                    .route("", web::get().to(routes::metrics)),
            )
            // The JSON API authenticates each request by its bearer token: no session store,
            // no sign-in redirect and no CSRF check (a browser cannot send the token by itself).
            .service(crate::api::service())
            .service(
                web::scope("")
                    // Innermost first: sign-in by default, CSRF before it (so a forged POST is
                    // a 403 whoever sends it); both need the session.
                    .wrap(from_fn(require_login))
                    .wrap(from_fn(verify_csrf))
                    .wrap(session_middleware(&state))
                    .configure(routes::configure_pages)
                    .default_service(web::to(not_found)),
            )
    })
    .listen(listener)?
    .run();
    Ok(server)
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        AppError::BadRequest(format!("The address has invalid parameters: {err}.")).into()
    })
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into())
}
