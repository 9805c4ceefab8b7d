//! RFC 6265 §5.1.2 (canonical host names) and §5.1.3 (domain matching).

use std::net::IpAddr;

/// The canonical form of a request host: lowercase ASCII, IDNA-encoded (as `url` already gives
/// it), without a trailing dot, IPv6 without brackets.
pub(crate) fn canonical_host(host: &url::Host<&str>) -> String {
    match host {
        url::Host::Domain(d) => d.trim_end_matches('.').to_ascii_lowercase(),
        url::Host::Ipv4(ip) => ip.to_string(),
        url::Host::Ipv6(ip) => ip.to_string(),
    }
}

/// The canonical form of a `Domain` attribute value: leading dot dropped (§5.2.3), lowercase
/// (§5.2.3 step 5 of the storage model), IDNA to ASCII, no trailing dot (so `co.uk.` cannot
/// dodge the public-suffix check). `None` for a value that is not a valid host name.
pub(crate) fn canonical_domain_attribute(value: &str) -> Option<String> {
    let value = value.strip_prefix('.').unwrap_or(value);
    let trimmed = value.trim_end_matches('.');
    // An empty label (`..co.uk`) names no real domain, and would slip past suffix checks.
    if trimmed.is_empty() || trimmed.split('.').any(str::is_empty) {
        return None;
    }
    if let Ok(ip) = trimmed
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        return Some(ip.to_string());
    }
    let ascii = url::Host::parse(trimmed).ok()?;
    match ascii {
        url::Host::Domain(d) => Some(d.to_ascii_lowercase()),
        other => Some(other.to_string()),
    }
}

/// Whether `host` is an IP address literal (canonical form).
pub(crate) fn is_ip(host: &str) -> bool {
    host.parse::<IpAddr>().is_ok()
}

/// §5.1.3: does `host` (the request's canonical host) domain-match `domain`?
///
/// Identical strings match. Otherwise `domain` must be a suffix of `host`, the character
/// before that suffix a dot, and `host` a host name, not an IP address: `ample.test` does not
/// match `example.test` (CVE-2013-1944), and `0.0.1` never matches `127.0.0.1` (CVE-2014-3613).
pub fn domain_match(host: &str, domain: &str) -> bool {
    if host == domain {
        return true;
    }
    host.len() > domain.len()
        && host.ends_with(domain)
        && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
        && !is_ip(host)
}

/// The domains whose cookies may apply to `host`: the host itself, then each parent domain
/// (`a.b.example.com` → `b.example.com` → `example.com` → `com`). An IP host has only itself.
pub(crate) fn candidate_domains(host: &str) -> impl Iterator<Item = &str> {
    let ip = is_ip(host);
    let mut next = Some(host);
    std::iter::from_fn(move || {
        let current = next?;
        next = if ip {
            None
        } else {
            current
                .split_once('.')
                .map(|(_, parent)| parent)
                .filter(|p| !p.is_empty())
        };
        Some(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_only_at_label_boundaries() {
        assert!(domain_match("example.test", "example.test"));
        assert!(domain_match("www.example.test", "example.test"));
        assert!(!domain_match("ample.test", "example.test"));
        assert!(!domain_match("example.test", "ample.test"));
        assert!(!domain_match("example.test", "www.example.test"));
        assert!(!domain_match("127.0.0.1", "0.0.1"));
        assert!(domain_match("127.0.0.1", "127.0.0.1"));
    }

    #[test]
    fn domain_attributes_are_canonicalised() {
        assert_eq!(
            canonical_domain_attribute(".Example.TEST").as_deref(),
            Some("example.test")
        );
        assert_eq!(
            canonical_domain_attribute("co.uk.").as_deref(),
            Some("co.uk")
        );
        assert_eq!(
            canonical_domain_attribute("bücher.example").as_deref(),
            Some("xn--bcher-kva.example")
        );
        assert_eq!(canonical_domain_attribute("."), None);
        assert_eq!(canonical_domain_attribute("..co.uk"), None);
        assert_eq!(canonical_domain_attribute("a..co.uk"), None);
        assert_eq!(canonical_domain_attribute("a b"), None);
    }

    #[test]
    fn candidates_walk_up_the_labels() {
        let all: Vec<_> = candidate_domains("a.b.example.com").collect();
        assert_eq!(
            all,
            ["a.b.example.com", "b.example.com", "example.com", "com"]
        );
        let ip: Vec<_> = candidate_domains("10.0.0.1").collect();
        assert_eq!(ip, ["10.0.0.1"]);
    }
}
