//! The client's IP address, for throttling and the audit log.

use actix_web::HttpRequest;

use crate::state::AppState;

/// The TCP peer's address, or — when the deployment says a trusted proxy sets it
/// (`TRUST_FORWARDED_FOR`) — the last `X-Forwarded-For` entry, the one that proxy appended.
/// Earlier entries come from the client and could be anything.
pub fn peer_ip(req: &HttpRequest) -> String {
    let trust_forwarded = req
        .app_data::<actix_web::web::Data<AppState>>()
        .is_some_and(|s| s.config.trust_forwarded_for);
    if trust_forwarded {
        let last_hop = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .last();
        if let Some(ip) = last_hop {
            return strip_port(ip);
        }
    }
    req.peer_addr()
        .map(|addr| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The IP of `addr` (with or without a port); anything unparsable is kept, truncated.
fn strip_port(addr: &str) -> String {
    if let Ok(ip) = addr.parse::<std::net::IpAddr>() {
        return ip.to_string();
    }
    addr.parse::<std::net::SocketAddr>()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|_| addr.chars().filter(|c| !c.is_control()).take(64).collect())
}
