//! The SSRF guard: webhooks never reach loopback, private, link-local, unspecified or
//! multicast addresses (IPv4, IPv6 and IPv4 inside IPv6) unless `WEBHOOK_ALLOW_PRIVATE=true`.
//! Checked when an endpoint is registered (its host resolved) and at every send by the
//! resolver the HTTP client connects through ([`GuardedResolver`]): the addresses checked
//! are the ones connected to, so a name that resolves elsewhere the second time (DNS
//! rebinding) gets no further.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::domain::webhook::WebhookUrl;

/// Why a target was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("{0} is a loopback, private, link-local or otherwise internal address")]
    Internal(IpAddr),
    #[error("the host {0} could not be resolved")]
    Unresolved(String),
}

/// Whether webhooks may not go to `ip` (unless private targets are allowed).
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => internal_v4(v4),
            None => internal_v6(v6),
        },
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        // 0.0.0.0/8 ("this network") and 100.64.0.0/10 (carrier-grade NAT, shared space).
        || a == 0
        || (a == 100 && (64..128).contains(&b))
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // fc00::/7 unique local, fe80::/10 link-local.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        // ::/96 IPv4-compatible (deprecated) addresses of internal IPv4 ones.
        || ip.to_ipv4().is_some_and(|v4| ip.segments()[..6] == [0; 6] && internal_v4(v4))
}

/// Refuses `addrs` if any is internal (and private targets are not allowed).
pub fn check_addrs(addrs: &[SocketAddr], allow_private: bool) -> Result<(), GuardError> {
    if allow_private {
        return Ok(());
    }
    match addrs.iter().find(|a| is_internal(a.ip())) {
        Some(bad) => Err(GuardError::Internal(bad.ip())),
        None => Ok(()),
    }
}

/// Resolves `url`'s host and refuses it if any of its addresses is internal: the check made
/// when an endpoint is registered.
pub async fn check_url(url: &WebhookUrl, allow_private: bool) -> Result<(), GuardError> {
    let url = url.as_url();
    let host = url.host_str().unwrap_or_default().to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs = resolve(&host, port).await?;
    check_addrs(&addrs, allow_private)
}

async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, GuardError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|_| GuardError::Unresolved(host.to_owned()))?
        .collect();
    if addrs.is_empty() {
        return Err(GuardError::Unresolved(host.to_owned()));
    }
    Ok(addrs)
}

/// The HTTP client's resolver for webhooks: resolves, then refuses internal addresses; the
/// client connects only to what it returns.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let (host, allow_private) = (name.as_str().to_owned(), self.allow_private);
        Box::pin(async move {
            let addrs = resolve(&host, 0).await?;
            check_addrs(&addrs, allow_private)?;
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_recognised() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_internal(public.parse().unwrap()), "{public}");
        }
    }
}
