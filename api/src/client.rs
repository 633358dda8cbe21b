//! The client's network address, for rate limits and sign-in throttling.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// The peer address, or with `trust_proxy` the address a proxy in front says it forwarded for
/// (`Forwarded` / `X-Forwarded-For`; only safe behind a proxy that sets them).
pub fn address(req: &HttpRequest, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy
        && let Some(ip) = req
            .connection_info()
            .realip_remote_addr()
            .and_then(|a| a.parse().ok())
    {
        return Some(ip);
    }
    req.peer_addr().map(|addr| addr.ip())
}
