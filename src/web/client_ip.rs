//! The client's IP address, for throttling and the audit log.

use actix_web::HttpRequest;

use crate::state::AppState;

/// The TCP peer's address, or `X-Forwarded-For`'s first entry when the deployment says a
/// trusted proxy sets it (`TRUST_FORWARDED_FOR`).
pub fn peer_ip(req: &HttpRequest) -> String {
    let trust_forwarded = req
        .app_data::<actix_web::web::Data<AppState>>()
        .is_some_and(|s| s.settings.trust_forwarded_for);
    if trust_forwarded {
        if let Some(ip) = req.connection_info().realip_remote_addr() {
            return strip_port(ip);
        }
    }
    req.peer_addr()
        .map(|addr| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn strip_port(addr: &str) -> String {
    addr.parse::<std::net::SocketAddr>()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|_| addr.to_owned())
}
