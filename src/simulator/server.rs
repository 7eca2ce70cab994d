//! The HTTP face of the simulator: OAuth, REST API guards and routes, and `/__simulator` admin.

use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
    web,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use serde_json::{Value, json};

use super::{
    api_guard::{ORDERS, guard},
    faults::FaultsBody,
    one_order::order_answer,
    orders::ListError,
    reply::{self, auth_error, bad_query, errors, header_str, ok_api, query_pairs},
    world::World,
};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Routes of the simulator (OAuth web host and REST API host on one server).
pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/auth/oauth/device", web::post().to(device))
        .route("/auth/oauth/token", web::post().to(token))
        .route("/skojarz-aplikacje", web::get().to(super::page::show))
        .route("/skojarz-aplikacje", web::post().to(super::page::decide))
        .route("/me", web::get().to(me))
        .route("/order/checkout-forms", web::get().to(list_orders))
        .route("/order/checkout-forms/{id}", web::get().to(get_order))
        .route(
            "/order/checkout-forms/{id}/shipments",
            web::get().to(super::shipments::list),
        )
        .route(
            "/order/checkout-forms/{id}/invoices",
            web::get().to(super::invoices::get),
        )
        .route(
            "/order/customer-returns",
            web::get().to(super::returns::list),
        )
        .route(
            "/order/customer-returns/{id}",
            web::get().to(super::returns::get),
        )
        .route("/order/refund-claims", web::get().to(super::claims::list))
        .route(
            "/order/refund-claims/{id}",
            web::get().to(super::claims::get),
        )
        .route("/payments/refunds", web::get().to(super::refunds::list))
        .route(
            "/payments/payment-operations",
            web::get().to(super::payments::list),
        )
        .route(
            "/billing/billing-entries",
            web::get().to(super::billing::list),
        )
        .route(
            "/billing/billing-types",
            web::get().to(super::billing::types),
        )
        .route("/order/events", web::get().to(events))
        .route("/order/event-stats", web::get().to(event_stats))
        .route("/__simulator/faults", web::post().to(set_faults))
        .route("/__simulator/orders", web::get().to(ground_truth))
        .route("/__simulator/billing-entries", web::get().to(billing_truth))
        .route(
            "/__simulator/payment-operations",
            web::get().to(payment_operations_truth),
        )
        .route("/__simulator/invoices", web::get().to(invoices_truth))
        .route(
            "/__simulator/refund-claims",
            web::get().to(refund_claims_truth),
        )
        .route("/__simulator/advance", web::post().to(advance))
        .route("/__simulator/revoke", web::post().to(revoke))
        .route("/__simulator/changes", web::post().to(changes))
        .default_service(web::to(not_found));
}

// ---------------------------------------------------------------- OAuth

/// Parameters from the query string and the form body (Allegro accepts both; the body wins).
fn oauth_params(req: &HttpRequest, body: &[u8]) -> Vec<(String, String)> {
    let mut params = query_pairs(req).unwrap_or_default();
    if let Ok(form) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body) {
        params.extend(form);
    }
    params
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// The client id if the Basic credentials match the simulator's app.
fn basic_client(req: &HttpRequest, world: &World) -> Option<String> {
    let value = header_str(req, header::AUTHORIZATION)?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let state = world.lock();
    (id == state.config.client_id && secret == state.config.client_secret).then(|| id.to_owned())
}

fn unauthorized_client() -> HttpResponse {
    auth_error(StatusCode::UNAUTHORIZED, "Unauthorized", "Unauthorized")
}

async fn device(req: HttpRequest, body: web::Bytes, world: web::Data<World>) -> HttpResponse {
    let Some(client) = basic_client(&req, &world) else {
        return unauthorized_client();
    };
    let params = oauth_params(&req, &body);
    let Some(client_id) = param(&params, "client_id") else {
        return errors(
            StatusCode::BAD_REQUEST,
            "ERROR",
            "An error has occurred",
            Some("/auth/oauth/device"),
            None,
        );
    };
    if client_id != client {
        return unauthorized_client();
    }
    // The verification link uses the host the client reached us on.
    let base = format!(
        "{}://{}",
        req.connection_info().scheme(),
        req.connection_info().host()
    );
    let mut state = world.lock();
    state.base_url = base;
    let body = state.device_authorize(client_id, param(&params, "scope"));
    HttpResponse::Ok().json(body)
}

async fn token(req: HttpRequest, body: web::Bytes, world: web::Data<World>) -> HttpResponse {
    let Some(client) = basic_client(&req, &world) else {
        return unauthorized_client();
    };
    let params = oauth_params(&req, &body);
    let mut state = world.lock();
    let result = match param(&params, "grant_type") {
        Some(DEVICE_GRANT) => {
            let code = param(&params, "device_code").unwrap_or_default();
            state.token_for_device(code, &client)
        }
        Some("refresh_token") => {
            let refresh = param(&params, "refresh_token").unwrap_or_default();
            state.token_for_refresh(refresh)
        }
        other => {
            let grant = other.unwrap_or_default();
            return auth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                &format!("Unsupported grant type: {grant}"),
            );
        }
    };
    match result {
        Ok(token) => HttpResponse::Ok().json(token),
        Err(e) => HttpResponse::BadRequest()
            .content_type(reply::ERROR_MEDIA_TYPE)
            .body(e.body().to_string()),
    }
}

const PROFILE: &str = "allegro:api:profile:read";

async fn me(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    match guard(&req, &world, PROFILE).await {
        Ok(c) => {
            let body = world
                .lock()
                .sellers
                .get(c.seller)
                .map(|s| s.profile.me.to_string());
            ok_api(body.unwrap_or_else(|| "{}".to_owned()), c.truncate)
        }
        Err(response) => *response,
    }
}

async fn list_orders(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    const PATH: &str = "/order/checkout-forms";
    let c = match guard(&req, &world, ORDERS).await {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let Some(params) = query_pairs(&req) else {
        return bad_query(PATH);
    };
    let result = world.lock().list_orders(c.seller, &params);
    match result {
        Ok(body) => ok_api(body, c.truncate),
        Err(ListError::BadRequest(m)) => errors(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            &m,
            Some(PATH),
            None,
        ),
        Err(ListError::Validation(m)) => errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_ERROR",
            &m,
            Some(PATH),
            None,
        ),
    }
}

async fn get_order(
    req: HttpRequest,
    id: web::Path<String>,
    world: web::Data<World>,
) -> HttpResponse {
    let c = match guard(&req, &world, ORDERS).await {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let path = format!("/order/checkout-forms/{id}");
    let answer = order_answer(&world.lock(), c.seller, &id, &path, str::to_owned);
    match answer {
        Ok(body) => ok_api(body, c.truncate),
        Err(refused) => *refused,
    }
}

async fn events(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    const PATH: &str = "/order/events";
    let c = match guard(&req, &world, ORDERS).await {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let Some(params) = query_pairs(&req) else {
        return bad_query(PATH);
    };
    let result = world.lock().list_events(c.seller, &params);
    match result {
        Ok(body) => ok_api(body, c.truncate),
        Err(m) => errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_ERROR",
            &m,
            Some(PATH),
            None,
        ),
    }
}

async fn event_stats(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    match guard(&req, &world, ORDERS).await {
        Ok(c) => {
            let body = world.lock().event_stats(c.seller).to_string();
            ok_api(body, c.truncate)
        }
        Err(response) => *response,
    }
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    errors(
        StatusCode::NOT_FOUND,
        "NotFoundException",
        "Resource not found",
        Some(req.path()),
        Some("Resource not found"),
    )
}

// ---------------------------------------------------------------- /__simulator

fn seller_param(req: &HttpRequest) -> usize {
    query_pairs(req)
        .and_then(|p| param(&p, "seller").and_then(|s| s.parse().ok()))
        .unwrap_or(0)
}

async fn set_faults(body: web::Bytes, world: web::Data<World>) -> HttpResponse {
    match serde_json::from_slice::<FaultsBody>(&body) {
        Ok(update) => {
            let mut state = world.lock();
            update.apply(&mut state.faults);
            let f = &state.faults;
            HttpResponse::Ok().json(json!({
                "latency_ms": millis(f.latency),
                "latency_spike_rate": f.latency_spike_rate,
                "latency_spike_ms": millis(f.latency_spike),
                "server_error_rate": f.server_error_rate,
                "rate_limit_next": f.rate_limit_next,
                "rate_limit_every": f.rate_limit_every,
                "truncate_bodies": f.truncate_bodies,
            }))
        }
        Err(e) => HttpResponse::BadRequest().json(json!({"error": e.to_string()})),
    }
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

async fn ground_truth(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    let seller = seller_param(&req);
    let orders: Vec<Value> = world.orders(seller);
    HttpResponse::Ok().json(json!({"checkoutForms": orders, "totalCount": orders.len()}))
}

async fn billing_truth(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    let entries = world.billing_entries(seller_param(&req));
    HttpResponse::Ok().json(json!({"billingEntries": entries}))
}

async fn payment_operations_truth(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    let operations = world.payment_operations(seller_param(&req));
    HttpResponse::Ok().json(json!({"paymentOperations": operations}))
}

async fn invoices_truth(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    let invoices: Vec<Value> = world
        .invoices(seller_param(&req))
        .into_iter()
        .map(|(order, invoice)| json!({"checkoutFormId": order, "invoice": invoice}))
        .collect();
    HttpResponse::Ok().json(json!({"invoices": invoices}))
}

async fn refund_claims_truth(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    let claims = world.refund_claims(seller_param(&req));
    HttpResponse::Ok().json(json!({"refundClaims": claims}))
}

async fn advance(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    let seconds = query_pairs(&req)
        .and_then(|p| param(&p, "seconds").and_then(|s| s.parse::<i64>().ok()))
        .unwrap_or(0);
    world.advance(chrono::Duration::seconds(seconds.max(0)));
    HttpResponse::Ok().json(json!({"now": world.now().to_rfc3339()}))
}

async fn revoke(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    world.revoke_tokens(seller_param(&req));
    HttpResponse::NoContent().finish()
}

async fn changes(req: HttpRequest, world: web::Data<World>) -> HttpResponse {
    let n = query_pairs(&req)
        .and_then(|p| param(&p, "n").and_then(|s| s.parse::<usize>().ok()))
        .unwrap_or(1)
        .min(100_000);
    world.random_changes(n);
    HttpResponse::NoContent().finish()
}
