//! The guard every simulated REST endpoint passes first: injected faults, headers, the bearer
//! token and its scope, the rate budget, answered with Allegro's error shapes.

use actix_web::{
    HttpRequest, HttpResponse,
    http::{StatusCode, header},
};

use super::{
    faults::Injected,
    oauth::TokenProblem,
    reply::{MEDIA_TYPE, auth_error, bad_query, errors, header_str, ok_api, query_pairs, refusal},
    world::{State, World},
};

/// A refused API call's response (boxed: `HttpResponse` is large).
pub(crate) type Rejected = Box<HttpResponse>;

/// What a guarded API handler knows about its caller.
pub(crate) struct Caller {
    pub seller: usize,
    pub truncate: bool,
}

fn accepts(req: &HttpRequest, media_type: &str) -> bool {
    header_str(req, header::ACCEPT).is_some_and(|accept| {
        accept
            .split(',')
            .any(|t| t.split(';').next().is_some_and(|m| m.trim() == media_type))
    })
}

/// Every REST call of the public API: faults, User-Agent, bearer token, Accept, rate budget,
/// scope.
pub(crate) async fn guard(
    req: &HttpRequest,
    world: &World,
    scope: &str,
) -> Result<Caller, Rejected> {
    guard_as(req, world, scope, MEDIA_TYPE).await
}

/// [`guard`] for an endpoint served only in `media_type` (the beta resources).
pub(crate) async fn guard_as(
    req: &HttpRequest,
    world: &World,
    scope: &str,
    media_type: &str,
) -> Result<Caller, Rejected> {
    guard_with(req, world, Some(scope), media_type).await
}

/// [`guard`] for an endpoint that any valid token may call, whatever its scopes.
pub(crate) async fn guard_any_scope(req: &HttpRequest, world: &World) -> Result<Caller, Rejected> {
    guard_with(req, world, None, MEDIA_TYPE).await
}

/// Why a list call is answered with a 422: the error's code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub code: &'static str,
    pub message: String,
}

/// A bad parameter value: `VALIDATION_ERROR`.
impl From<String> for Refusal {
    fn from(message: String) -> Self {
        Self {
            code: "VALIDATION_ERROR",
            message,
        }
    }
}

/// A list endpoint of the public API: the guard for `scope`, then `list` with the caller's
/// seller and the query's pairs under the world's lock; its `Err` is a 422 at `path` (a bad
/// value's message is a `VALIDATION_ERROR`).
pub(crate) async fn list_endpoint<E: Into<Refusal>>(
    req: &HttpRequest,
    world: &World,
    (scope, path): (&str, &str),
    list: impl FnOnce(&mut State, usize, &[(String, String)]) -> Result<String, E>,
) -> HttpResponse {
    let caller = match guard(req, world, scope).await {
        Ok(caller) => caller,
        Err(response) => return *response,
    };
    let Some(params) = query_pairs(req) else {
        return bad_query(path);
    };
    let result = list(&mut world.lock(), caller.seller, &params);
    match result.map_err(Into::into) {
        Ok(body) => ok_api(body, caller.truncate),
        Err(Refusal { code, message }) => errors(
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
            &message,
            Some(path),
            Some(&message),
        ),
    }
}

/// The guard with the scope the endpoint needs (`None`: any) and the media type it serves.
async fn guard_with(
    req: &HttpRequest,
    world: &World,
    scope: Option<&str>,
    media_type: &str,
) -> Result<Caller, Rejected> {
    if let Some(gate) = world.gate_for(req.path()) {
        gate.pass().await;
    }
    let (latency, verdict) = {
        let mut state = world.lock();
        let latency = state.faults.roll_latency();
        let truncate = state.faults.truncate_bodies;
        (
            latency,
            check(req, &mut state, (scope, media_type), truncate),
        )
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    verdict
}

/// `expected`: the scope (`None`: any) and the media type the endpoint needs.
fn check(
    req: &HttpRequest,
    state: &mut State,
    expected: (Option<&str>, &str),
    truncate: bool,
) -> Result<Caller, Rejected> {
    let (scope, media_type) = expected;
    match state.roll_faults() {
        Injected::RateLimited(secs) => return Err(Box::new(too_many(secs))),
        Injected::ServerError => {
            return Err(Box::new(errors(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerErrorException",
                "Internal Server Error",
                None,
                Some("Something went wrong. Please try again later."),
            )));
        }
        Injected::None => {}
    }
    // UNCONFIRMED: Allegro does not say how a missing User-Agent is refused; 400 is our guess.
    if state.config.require_user_agent
        && header_str(req, header::USER_AGENT).is_none_or(|ua| ua.trim().is_empty())
    {
        return Err(Box::new(errors(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "User-Agent header is required",
            None,
            Some("User-Agent header is required"),
        )));
    }
    let bearer = header_str(req, header::AUTHORIZATION).and_then(|v| {
        let (scheme, token) = v.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    });
    let (seller, _client, scopes) = state.check_access(bearer).map_err(|problem| {
        let token = bearer.unwrap_or_default();
        Box::new(match problem {
            TokenProblem::Missing => auth_error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Full authentication is required to access this resource",
            ),
            TokenProblem::Expired => auth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                &format!("Access token expired: {token}"),
            ),
            TokenProblem::Unknown => auth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "Cannot convert access token to JSON",
            ),
        })
    })?;
    if !accepts(req, media_type) {
        return Err(Box::new(errors(
            StatusCode::NOT_ACCEPTABLE,
            "NotAcceptableException",
            "Not acceptable representation requested. Please check 'Accept' request header",
            None,
            Some("Not acceptable representation requested."),
        )));
    }
    if let Some(secs) = state.spend_budget() {
        return Err(Box::new(too_many(secs)));
    }
    if scope.is_some_and(|scope| !scopes.iter().any(|s| s == scope)) {
        return Err(Box::new(refusal(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Access is denied",
            "No access to the specified resource.",
        )));
    }
    Ok(Caller { seller, truncate })
}

/// 429; the message and `Retry-After` are UNCONFIRMED (allegro-api.md §4).
pub(crate) fn too_many(retry_after_secs: u64) -> HttpResponse {
    let mut response = errors(
        StatusCode::TOO_MANY_REQUESTS,
        "TooManyRequestsException",
        "Too many requests",
        None,
        Some("Too many requests. Please try again later."),
    );
    if let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

// ---------------------------------------------------------------- REST API

pub(crate) const ORDERS: &str = "allegro:api:orders:read";
/// The scope of payment refunds and wallet operations.
pub(crate) const PAYMENTS: &str = "allegro:api:payments:read";

/// The guard of every `orders:read` endpoint.
pub(crate) async fn guard_orders(req: &HttpRequest, world: &World) -> Result<Caller, Rejected> {
    guard(req, world, ORDERS).await
}
