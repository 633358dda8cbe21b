//! Which network addresses the portal may fetch from on a school's behalf. A roster URL is set by
//! a school admin; without this rule it could point the server at its own network (cloud metadata,
//! databases, admin panels: server-side request forgery).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether an address is on the public internet: outside every block of the IANA IPv4 and IPv6
/// Special-Purpose Address Registries (RFC 6890 and successors) that is not globally reachable,
/// and outside multicast and reserved space. IPv6 forms that embed an IPv4 address are judged by
/// that IPv4 address.
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

/// The key rate limits and sign-in throttling count a client under: its IPv4 address, or the /64
/// network of its IPv6 address (one subscriber commonly holds a whole /64: counting per /128 would
/// give one attacker 2^64 quotas).
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & (u128::MAX << 64))),
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

/// IPv4 blocks that are not public, as (network, prefix length).
const NOT_PUBLIC_V4: &[(Ipv4Addr, u32)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8),       // "this network" (RFC 791)
    (Ipv4Addr::new(10, 0, 0, 0), 8),      // private (RFC 1918)
    (Ipv4Addr::new(100, 64, 0, 0), 10),   // shared address space, carrier-grade NAT (RFC 6598)
    (Ipv4Addr::new(127, 0, 0, 0), 8),     // loopback (RFC 1122)
    (Ipv4Addr::new(169, 254, 0, 0), 16),  // link-local, cloud metadata (RFC 3927)
    (Ipv4Addr::new(172, 16, 0, 0), 12),   // private (RFC 1918)
    (Ipv4Addr::new(192, 0, 0, 0), 24),    // IETF protocol assignments (RFC 6890)
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation TEST-NET-1 (RFC 5737)
    (Ipv4Addr::new(192, 31, 196, 0), 24), // AS112 DNS sink (RFC 7535): anycast, no roster server
    (Ipv4Addr::new(192, 52, 193, 0), 24), // AMT relays (RFC 7450): anycast, no roster server
    (Ipv4Addr::new(192, 88, 99, 0), 24),  // 6to4 relay anycast, deprecated (RFC 7526)
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private (RFC 1918)
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking (RFC 2544)
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation TEST-NET-2 (RFC 5737)
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation TEST-NET-3 (RFC 5737)
    (Ipv4Addr::new(224, 0, 0, 0), 4),     // multicast (RFC 5771)
    (Ipv4Addr::new(240, 0, 0, 0), 4),     // reserved (RFC 1112), incl. broadcast 255.255.255.255
];

/// IPv6 blocks that are not public, as (network, prefix length). The IPv4-mapped, IPv4-compatible,
/// NAT64 (64:ff9b::/96) and 6to4 forms are judged by the IPv4 address they embed instead.
const NOT_PUBLIC_V6: &[(Ipv6Addr, u32)] = &[
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 128), // unspecified (RFC 4291)
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1), 128), // loopback (RFC 4291)
    (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48), // local-use NAT64 (RFC 8215)
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64), // discard-only (RFC 6666)
    // IETF protocol assignments (RFC 2928): Teredo 2001::/32 (RFC 4380, its embedded addresses are
    // obfuscated), benchmarking (RFC 5180), ORCHIDv2 (RFC 7343) and a few anycast services.
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation (RFC 3849)
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),     // documentation (RFC 9637)
    (Ipv6Addr::new(0x5f00, 0, 0, 0, 0, 0, 0, 0), 16),     // SRv6 SIDs (RFC 9602)
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),      // unique local (RFC 4193)
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),     // link-local (RFC 4291)
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10),     // site-local, deprecated (RFC 3879)
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8),      // multicast (RFC 4291)
];

/// Global unicast space (RFC 4291 section 2.4, IANA IPv6 Address Space). Everything outside it is
/// reserved or special-purpose, including blocks registered after this table was written.
const GLOBAL_UNICAST_V6: (Ipv6Addr, u32) = (Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);

fn is_public_v4(a: Ipv4Addr) -> bool {
    !NOT_PUBLIC_V4.iter().any(|&block| in_v4_block(a, block))
}

fn is_public_v6(a: Ipv6Addr) -> bool {
    if NOT_PUBLIC_V6.iter().any(|&block| in_v6_block(a, block)) {
        return false;
    }
    match embedded_ipv4(a) {
        Some(v4) => is_public_v4(v4),
        None => in_v6_block(a, GLOBAL_UNICAST_V6),
    }
}

/// The IPv4 address that an IPv6 address stands for, in the forms that carry one in the clear;
/// a connection to such an address may well end up at that IPv4 address.
fn embedded_ipv4(a: Ipv6Addr) -> Option<Ipv4Addr> {
    let v4 = |high: u16, low: u16| {
        Some(Ipv4Addr::from_bits(
            (u32::from(high) << 16) | u32::from(low),
        ))
    };
    match a.segments() {
        // IPv4-mapped ::ffff:0:0/96 and the deprecated IPv4-compatible ::/96 (RFC 4291 2.5.5).
        [0, 0, 0, 0, 0, 0xffff | 0, high, low] => v4(high, low),
        // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052).
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => v4(high, low),
        // 6to4 2002::/16: the IPv4 address follows the prefix (RFC 3056).
        [0x2002, high, low, ..] => v4(high, low),
        _ => None,
    }
}

fn in_v4_block(a: Ipv4Addr, (network, length): (Ipv4Addr, u32)) -> bool {
    let mask = u32::MAX.checked_shl(32 - length).unwrap_or(0);
    a.to_bits() & mask == network.to_bits()
}

fn in_v6_block(a: Ipv6Addr, (network, length): (Ipv6Addr, u32)) -> bool {
    let mask = u128::MAX.checked_shl(128 - length).unwrap_or(0);
    a.to_bits() & mask == network.to_bits()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_network() {
        assert_eq!(
            limit_key(addr("2001:db8:1:2:aaaa::1")),
            limit_key(addr("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            limit_key(addr("2001:db8:1:2::1")),
            limit_key(addr("2001:db8:1:3::1"))
        );
        assert_eq!(limit_key(addr("::ffff:192.0.2.7")), addr("192.0.2.7"));
        assert_eq!(limit_key(addr("192.0.2.7")), addr("192.0.2.7"));
    }

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap())
    }

    /// The host part of a URL for this address: IPv6 literals come in brackets.
    fn host(address: &str) -> String {
        if address.contains(':') {
            format!("[{address}]")
        } else {
            address.to_owned()
        }
    }

    /// One or more addresses from every block that must not be fetched from.
    const INTERNAL: &[&str] = &[
        "0.1.2.3",
        "0.0.0.0",
        "10.1.2.3",
        "100.64.0.1",
        "100.127.255.254",
        "127.0.0.1",
        "169.254.169.254",
        "172.16.0.1",
        "172.31.255.255",
        "192.0.0.8",
        "192.0.0.170",
        "192.0.2.1",
        "192.31.196.1",
        "192.52.193.1",
        "192.88.99.1",
        "192.168.1.1",
        "198.18.0.1",
        "198.19.255.255",
        "198.51.100.1",
        "203.0.113.1",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "::10.0.0.1",
        "::a9fe:a9fe",
        "::ffff:0:7f00:1", // IPv4-translated (RFC 2765), outside global unicast
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::7f00:1",
        "64:ff9b::192.168.0.1",
        "64:ff9b:1::808:808",
        "64:ff9b:1:ffff::1",
        "100::1",
        "100::ffff:ffff:ffff:ffff",
        "100:0:0:1::1",
        "2001::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "2001:2::1",
        "2001:20::1",
        "2001:1ff:ffff::1",
        "2001:db8::1",
        "2002:a9fe:a9fe::1",
        "2002:7f00:1::1",
        "2002:a00:1::1",
        "2002:c0a8:101::1",
        "3fff::1",
        "3fff:fff:ffff::1",
        "5f00::1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "febf::1",
        "fec0::1",
        "feff::1",
        "ff02::1",
        "ff0e::1",
        "4000::1",
    ];

    /// Internet addresses, some just outside a block above.
    const EXTERNAL: &[&str] = &[
        "8.8.8.8",
        "1.1.1.1",
        "93.184.215.14",
        "145.100.1.1",
        "100.128.0.1",
        "172.32.0.1",
        "198.20.0.1",
        "2606:4700:4700::1111",
        "2a00:1450:4001::1",
        "2001:200::1",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "64:ff9b::1.1.1.1",
        "2002:0808:0808::1",
    ];

    #[test]
    fn internal_addresses_are_not_public() {
        for &internal in INTERNAL {
            assert!(!public(internal), "{internal}");
        }
    }

    #[test]
    fn internet_addresses_are_public() {
        for &external in EXTERNAL {
            assert!(public(external), "{external}");
        }
    }

    #[test]
    fn ip_literals_of_internal_addresses_are_refused_unless_private_networks_are_allowed() {
        for &internal in INTERNAL {
            let host = host(internal);
            assert!(may_fetch("https", Some(&host), false).is_err(), "{host}");
            assert!(may_fetch("https", Some(&host), true).is_ok(), "{host}");
        }
        for &external in EXTERNAL {
            let host = host(external);
            assert!(may_fetch("https", Some(&host), false).is_ok(), "{host}");
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
    fn blocks_have_no_host_bits() {
        for &(network, length) in NOT_PUBLIC_V4 {
            assert!(
                in_v4_block(network, (network, length)),
                "{network}/{length}"
            );
            assert!(length <= 32, "{network}/{length}");
        }
        for &(network, length) in NOT_PUBLIC_V6.iter().chain([&GLOBAL_UNICAST_V6]) {
            assert!(
                in_v6_block(network, (network, length)),
                "{network}/{length}"
            );
            assert!(length <= 128, "{network}/{length}");
        }
    }
}
