//! The client's network address, for rate limits and sign-in throttling.
//!
//! Behind a reverse proxy the peer is the proxy, and the client's address is in
//! `X-Forwarded-For`. That header is a list the client starts itself: only the entries that
//! trusted proxies appended can be believed. So the list is read from the right, skipping trusted
//! proxies; the first other address is the one the last trusted proxy saw connecting.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

/// Which peers are proxies whose `X-Forwarded-For` entries are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proxies {
    /// The directly connected peer is a proxy, whatever its address (`OUDERPORTAAL_TRUST_PROXY`).
    pub trust_peer: bool,
    /// Addresses of proxies, e.g. the load balancer's subnet (`OUDERPORTAAL_TRUSTED_PROXIES`).
    pub networks: Vec<IpNet>,
}

impl Proxies {
    fn is_proxy(&self, ip: IpAddr) -> bool {
        self.networks.iter().any(|net| net.contains(&ip))
    }

    /// The client's address given the peer's address and the request's headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !(self.trust_peer || self.is_proxy(peer)) {
            return peer;
        }
        let mut hops = forwarded_for(headers);
        let mut client = peer;
        // From the right: each trusted hop vouches for the entry before it.
        while let Some(hop) = hops.pop() {
            let Some(ip) = hop else {
                // An entry that is not an address: nothing to its left can be believed.
                return client;
            };
            client = ip;
            if !self.is_proxy(ip) {
                break;
            }
        }
        client
    }
}

/// The `X-Forwarded-For` entries of all such headers in order; `None` for an unreadable entry.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("x-forwarded-for")
        .flat_map(|value| {
            let text = value.to_str().unwrap_or("?");
            text.split(',')
                .map(|entry| entry.trim().parse::<IpAddr>().ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

pub use domain::network::limit_key;

/// The client's address for this request (`None` only without a peer, e.g. in unit tests).
pub fn address(req: &HttpRequest, proxies: &Proxies) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    Some(proxies.client(peer, req.headers()))
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(
                HeaderName::from_static("x-forwarded-for"),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let proxies = Proxies::default();
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &headers(&["198.51.100.1"])),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_entry_the_trusted_proxy_appended_counts_not_what_the_client_wrote() {
        let proxies = Proxies {
            trust_peer: true,
            networks: Vec::new(),
        };
        // The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
        let forged = headers(&["1.2.3.4, 198.51.100.7"]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &forged), ip("198.51.100.7"));
        assert_eq!(
            proxies.client(ip("10.0.0.2"), &headers(&[])),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn chains_of_known_proxies_are_skipped_from_the_right() {
        let proxies = Proxies {
            trust_peer: false,
            networks: vec!["10.0.0.0/8".parse().unwrap()],
        };
        let chain = headers(&["1.2.3.4, 198.51.100.7", "10.1.1.1"]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &chain), ip("198.51.100.7"));
        // A peer that is not a known proxy is the client, whatever it claims.
        assert_eq!(proxies.client(ip("192.0.2.1"), &chain), ip("192.0.2.1"));
        // Garbage between hops stops the walk at the last believable address.
        let garbage = headers(&["1.2.3.4, nonsense, 10.1.1.1"]);
        assert_eq!(proxies.client(ip("10.0.0.2"), &garbage), ip("10.1.1.1"));
    }
}
