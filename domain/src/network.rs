//! Which network addresses the portal may fetch from on a school's behalf. A roster URL is set by
//! a school admin; without this rule it could point the server at its own network (cloud metadata,
//! databases, admin panels: server-side request forgery).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether an address is on the public internet: not loopback, private (RFC 1918, RFC 4193),
/// link-local, shared (RFC 6598), unspecified, broadcast, multicast or documentation space.
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

/// Whether a URL with this scheme and host may be fetched on a school's behalf: `https` (plain
/// `http` only where private networks are allowed), a host, and no IP literal of a private
/// network unless those are allowed. Host names are checked again at every DNS answer.
pub fn may_fetch(
    scheme: &str,
    host: Option<&str>,
    private_networks: bool,
) -> Result<(), &'static str> {
    match scheme {
        "https" => {}
        "http" if private_networks => {}
        _ => return Err("must be an https:// URL"),
    }
    let host = host.filter(|h| !h.is_empty()).ok_or("has no host")?;
    // IPv6 literals come in brackets.
    let literal = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .ok();
    if !private_networks && literal.is_some_and(|ip| !is_public(ip)) {
        return Err("must not point at a private network");
    }
    Ok(())
}

fn is_public_v4(a: Ipv4Addr) -> bool {
    let [first, second, ..] = a.octets();
    let shared = first == 100 && (64..128).contains(&second);
    let benchmarking = first == 198 && (second == 18 || second == 19);
    let reserved = first >= 240;
    !(a.is_loopback()
        || a.is_private()
        || a.is_link_local()
        || a.is_unspecified()
        || a.is_broadcast()
        || a.is_multicast()
        || a.is_documentation()
        || first == 0
        || shared
        || benchmarking
        || reserved)
}

fn is_public_v6(a: Ipv6Addr) -> bool {
    let first = a.segments()[0];
    let unique_local = (first & 0xfe00) == 0xfc00;
    let link_local = (first & 0xffc0) == 0xfe80;
    let documentation = first == 0x2001 && a.segments()[1] == 0x0db8;
    !(a.is_loopback()
        || a.is_unspecified()
        || a.is_multicast()
        || unique_local
        || link_local
        || documentation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap())
    }

    #[test]
    fn internal_addresses_are_not_public() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!public(internal), "{internal}");
        }
    }

    #[test]
    fn only_https_to_public_hosts_unless_private_networks_are_allowed() {
        assert!(may_fetch("https", Some("las.example.nl"), false).is_ok());
        assert!(may_fetch("http", Some("las.example.nl"), false).is_err());
        assert!(may_fetch("ftp", Some("las.example.nl"), true).is_err());
        assert!(may_fetch("https", Some("10.0.0.8"), false).is_err());
        assert!(may_fetch("https", Some("[::1]"), false).is_err());
        assert!(may_fetch("https", Some("[::1]"), true).is_ok());
        assert!(may_fetch("http", Some("127.0.0.1"), true).is_ok());
        assert!(may_fetch("https", None, true).is_err());
    }

    #[test]
    fn internet_addresses_are_public() {
        for external in [
            "93.184.215.14",
            "145.100.1.1",
            "2a00:1450:4001::1",
            "::ffff:8.8.8.8",
        ] {
            assert!(public(external), "{external}");
        }
    }
}
