//! `NO_PROXY`: which hosts go straight to the origin even when a proxy is set.

use std::net::IpAddr;

/// Hosts that bypass the proxy, in `NO_PROXY` syntax: entries separated by commas (or
/// spaces), each `*` (every host), a host name or domain (`example.com` and `.example.com`
/// both match the domain and every subdomain, at label boundaries only: `ample.com` does not
/// match `example.com`), an IPv4 or IPv6 address (brackets allowed), or a CIDR range
/// (`10.0.0.0/8`, `fd00::/8`); any of them may end in `:port` to match that port only.
/// Names are compared without letter case and without a trailing dot.
///
/// Loopback (`localhost` and its subdomains, 127.0.0.0/8, `::1`) bypasses the proxy too,
/// unless [`loopback`](Self::loopback) says otherwise.
///
/// ```
/// use tarry_session::NoProxy;
///
/// let list = NoProxy::parse("internal.example, .corp, 10.0.0.0/8, [fd00::1]:8443");
/// assert!(list.matches("api.internal.example", 443));
/// assert!(list.matches("CORP.", 80));
/// assert!(!list.matches("notinternal.example", 443));
/// assert!(list.matches("10.1.2.3", 80));
/// assert!(list.matches("fd00::1", 8443) && !list.matches("fd00::1", 443));
/// assert!(list.matches("localhost", 80));
/// assert!(!list.clone().loopback(false).matches("127.0.0.1", 80));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoProxy {
    entries: Vec<Entry>,
    loopback: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    target: Target,
    port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Everything,
    /// A domain, lowercase, without leading or trailing dots.
    Domain(String),
    Network(IpAddr, u8),
}

impl Default for NoProxy {
    fn default() -> NoProxy {
        NoProxy {
            entries: Vec::new(),
            loopback: true,
        }
    }
}

impl NoProxy {
    /// The list in `NO_PROXY` syntax. Entries that are none of the forms above are ignored, as
    /// curl and requests ignore them; [`invalid_entries`](Self::invalid_entries) names them.
    pub fn parse(list: &str) -> NoProxy {
        let entries = list
            .split([',', ' ', '\t'])
            .filter(|e| !e.is_empty())
            .filter_map(parse_entry)
            .collect();
        NoProxy {
            entries,
            loopback: true,
        }
    }

    /// The entries of `list` that [`parse`](Self::parse) ignores.
    pub fn invalid_entries(list: &str) -> Vec<String> {
        list.split([',', ' ', '\t'])
            .filter(|e| !e.is_empty() && parse_entry(e).is_none())
            .map(str::to_owned)
            .collect()
    }

    /// Whether loopback hosts bypass the proxy (default true).
    pub fn loopback(mut self, bypass: bool) -> NoProxy {
        self.loopback = bypass;
        self
    }

    /// Whether a request to `host` on `port` goes straight to the origin.
    pub fn matches(&self, host: &str, port: u16) -> bool {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let ip = host.parse::<IpAddr>().ok();
        if self.loopback && is_loopback(&host, ip) {
            return true;
        }
        self.entries.iter().any(|entry| {
            entry.port.is_none_or(|p| p == port)
                && match &entry.target {
                    Target::Everything => true,
                    Target::Domain(domain) => {
                        ip.is_none()
                            && (host == *domain
                                || host
                                    .strip_suffix(domain.as_str())
                                    .is_some_and(|rest| rest.ends_with('.')))
                    }
                    Target::Network(net, bits) => ip.is_some_and(|ip| in_network(ip, *net, *bits)),
                }
        })
    }
}

fn is_loopback(host: &str, ip: Option<IpAddr>) -> bool {
    match ip {
        Some(ip) => ip.is_loopback(),
        None => host == "localhost" || host.ends_with(".localhost"),
    }
}

fn parse_entry(entry: &str) -> Option<Entry> {
    let entry = entry.trim();
    if entry == "*" {
        return Some(Entry {
            target: Target::Everything,
            port: None,
        });
    }
    // `[v6]:port`, `[v6]`, `v6`, `v6/bits`, `v4[:port]`, `v4/bits`, `name[:port]`.
    let (host, port) = if let Some(rest) = entry.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else if entry.matches(':').count() > 1 {
        (entry, None)
    } else {
        match entry.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (entry, None),
        }
    };
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok()?),
        None => None,
    };
    if let Some((addr, bits)) = host.split_once('/') {
        let addr: IpAddr = addr.parse().ok()?;
        let bits: u8 = bits.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        return (bits <= max).then_some(Entry {
            target: Target::Network(addr, bits),
            port,
        });
    }
    if let Ok(addr) = host.parse::<IpAddr>() {
        let bits = if addr.is_ipv4() { 32 } else { 128 };
        return Some(Entry {
            target: Target::Network(addr, bits),
            port,
        });
    }
    let domain = host
        .trim_start_matches('*')
        .trim_start_matches('.')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let valid = !domain.is_empty()
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    valid.then_some(Entry {
        target: Target::Domain(domain),
        port,
    })
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        // An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is the same host.
        (IpAddr::V6(ip), IpAddr::V4(_)) => ip
            .to_ipv4_mapped()
            .is_some_and(|v4| in_network(IpAddr::V4(v4), net, bits)),
        (IpAddr::V4(_), IpAddr::V6(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::NoProxy;

    #[test]
    fn proxy_04_every_form_of_entry_and_the_tricks_around_them() {
        let cases: &[(&str, &str, u16, bool)] = &[
            ("*", "anything.test", 80, true),
            ("example.com", "example.com", 80, true),
            ("example.com", "api.example.com", 443, true),
            ("example.com", "EXAMPLE.com.", 443, true),
            (".example.com", "example.com", 80, true),
            (".example.com", "a.b.example.com", 80, true),
            ("*.example.com", "a.example.com", 80, true),
            ("example.com.", "api.example.com", 80, true),
            ("EXAMPLE.COM", "api.example.com", 80, true),
            // Label boundaries only.
            ("ample.com", "example.com", 80, false),
            ("example.com", "badexample.com", 80, false),
            ("example.com", "example.com.evil.test", 80, false),
            // Ports.
            ("example.com:8080", "example.com", 8080, true),
            ("example.com:8080", "example.com", 80, false),
            // IPv4, ranges, and names that look like neither.
            ("10.1.2.3", "10.1.2.3", 80, true),
            ("10.1.2.3", "10.1.2.4", 80, false),
            ("10.0.0.0/8", "10.200.0.1", 80, true),
            ("10.0.0.0/8", "11.0.0.1", 80, false),
            ("192.168.1.0/24:8443", "192.168.1.9", 8443, true),
            ("192.168.1.0/24:8443", "192.168.1.9", 443, false),
            ("0.0.0.0/0", "8.8.8.8", 80, true),
            ("10.0.0.0/8", "10.example", 80, false),
            // IPv6, with and without brackets.
            ("::2", "::2", 80, true),
            ("[::2]", "[::2]", 80, true),
            ("[fd00::1]:8443", "fd00::1", 8443, true),
            ("[fd00::1]:8443", "fd00::1", 443, false),
            ("fd00::/8", "fdab::7", 80, true),
            ("fd00::/8", "fe80::1", 80, false),
            ("10.0.0.0/8", "::ffff:10.0.0.1", 80, true),
            // A domain never matches an address, nor an address a name.
            ("example.com", "93.184.216.34", 80, false),
        ];
        for &(list, host, port, want) in cases {
            let got = NoProxy::parse(list).loopback(false).matches(host, port);
            assert_eq!(got, want, "NO_PROXY={list:?}, {host}:{port}");
        }
    }

    #[test]
    fn loopback_bypasses_unless_told_otherwise() {
        let empty = NoProxy::parse("");
        for host in [
            "localhost",
            "api.localhost",
            "127.0.0.1",
            "127.9.9.9",
            "::1",
            "[::1]",
        ] {
            assert!(empty.matches(host, 80), "{host}");
            assert!(!empty.clone().loopback(false).matches(host, 80), "{host}");
        }
        assert!(!empty.matches("example.com", 80));
    }

    #[test]
    fn lists_and_what_is_ignored() {
        let list = NoProxy::parse(" a.test ,b.test\tc.test,, ");
        assert!(
            ["a.test", "b.test", "c.test"]
                .iter()
                .all(|h| list.matches(h, 1))
        );
        assert_eq!(
            NoProxy::invalid_entries("a.test, 10.0.0.0/99, host:notaport, bad/host, [::1"),
            ["10.0.0.0/99", "host:notaport", "bad/host", "[::1"]
        );
    }
}
