//! `set_cookie`: responses full of arbitrary `Set-Cookie` lines from a few origins, then the
//! `Cookie` header of every origin, against the scoping rules of RFC 6265 and 6265bis.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tarry_jar::{Cookie, EmbeddedList, Jar, Limits, PublicSuffixList, domain_match, path_match};
use url::Url;

/// The origins, with the canonical host the jar must see in each: http and https, a
/// subdomain and its parents, an IPv4 and an IPv6 host, a public suffix (`co.uk`) and a site
/// below it, a host that is a suffix of another but not at a label boundary (`ample.com`),
/// case and a trailing dot, IDNA, and a single-label host.
pub const ORIGINS: [(&str, &str); 12] = [
    ("http://example.com/", "example.com"),
    ("https://www.example.com/a/b", "www.example.com"),
    ("https://example.com/a/", "example.com"),
    ("http://a.b.example.com/a/b/c", "a.b.example.com"),
    ("http://127.0.0.1:8080/x/y", "127.0.0.1"),
    ("https://[::1]/", "::1"),
    ("https://co.uk/", "co.uk"),
    ("http://shop.co.uk/cart/", "shop.co.uk"),
    ("https://WWW.Example.COM./a", "www.example.com"),
    ("http://xn--bcher-kva.example/", "xn--bcher-kva.example"),
    ("https://ample.com/", "ample.com"),
    ("http://localhost/", "localhost"),
];

/// How far the clock moves between two responses, by bits 1-2 of the control byte: not at
/// all, a minute, a day, 500 days (past the 400-day cap).
const STEPS: [Duration; 4] = [
    Duration::ZERO,
    Duration::from_secs(60),
    Duration::from_secs(86_400),
    Duration::from_secs(500 * 86_400),
];

/// 6265bis: no cookie outlives 400 days from when it was stored.
const MAX_LIFETIME: Duration = Duration::from_secs(400 * 86_400);

/// Tight limits, so that short inputs reach every limit and eviction path.
pub fn small_jar_limits() -> Limits {
    Limits::default()
        .max_name_value_bytes(64)
        .max_attribute_value_bytes(32)
        .max_set_cookie_per_response(3)
        .max_cookies_per_domain(4)
        .max_cookies_total(10)
        .max_cookie_header_bytes(64)
}

/// Arbitrary bytes as a series of responses. The first byte is a control byte: bit 0 picks
/// [`small_jar_limits`], bits 1-2 the clock step between responses (`STEPS`); a digit keeps
/// the seeds readable. The rest is split into lines at `\n`; a line's first byte picks the
/// origin (`byte - b'0'`, modulo 12, so `0`-`9`, `:` and `;`) and the rest of it is one
/// `Set-Cookie` value (any bytes). Consecutive lines from the same origin are one response.
///
/// After each response, every origin's `Cookie` header and cookie list are checked.
pub fn set_cookie(data: &[u8]) {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let limits = if control & 1 != 0 {
        small_jar_limits()
    } else {
        Limits::default()
    };
    let step = STEPS[usize::from((control >> 1) & 3)];
    let jar = Jar::builder().limits(limits).build();
    let origins: Vec<(Url, &str)> = ORIGINS
        .iter()
        .map(|&(url, host)| (Url::parse(url).expect("valid origin"), host))
        .collect();
    let mut now = UNIX_EPOCH + Duration::from_secs(1_750_000_000);

    let mut lines = rest
        .split(|&b| b == b'\n')
        .filter_map(|line| line.split_first())
        .map(|(&pick, line)| (usize::from(pick.wrapping_sub(b'0')) % ORIGINS.len(), line))
        .peekable();
    while let Some((pick, first)) = lines.next() {
        let mut response = vec![first];
        while let Some((_, line)) = lines.next_if(|&(next, _)| next == pick) {
            response.push(line);
        }
        let (url, host) = &origins[pick];
        let before = jar.cookies();
        let report = jar.store_response(url, &response, now);
        assert_eq!(report.stored + report.rejected.len(), response.len());
        check_store(&jar, &before, url, host, now);
        for (url, host) in &origins {
            check_request(&jar, url, host, now);
        }
        now += step;
    }
    check_saved(&jar, limits, now);
}

/// Saving the jar (both formats, session cookies included) and loading it into a fresh jar
/// with the same settings brings back every cookie still alive at `now`. The one documented
/// exception: `cookies.txt` cannot hold a TAB in a name, value or path.
fn check_saved(jar: &Jar, limits: Limits, now: SystemTime) {
    let alive = |jar: &Jar| {
        let mut all: Vec<_> = jar
            .cookies()
            .into_iter()
            .filter(|c| !c.expires_by(now))
            .map(|c| {
                let key = (
                    c.domain().to_owned(),
                    c.path().to_owned(),
                    c.name().to_owned(),
                );
                (
                    key,
                    c.value().to_owned(),
                    c.host_only(),
                    c.secure(),
                    c.expires(),
                )
            })
            .collect();
        all.sort();
        all
    };
    let kept = alive(jar);

    let from_json = Jar::builder().limits(limits).build();
    from_json
        .load_json_str(&jar.to_json(true), now)
        .expect("the jar reads its own JSON");
    assert_eq!(alive(&from_json), kept, "JSON round trip");

    let from_txt = Jar::builder().limits(limits).build();
    from_txt.load_netscape_str(&jar.to_netscape(true), now);
    let writable: Vec<_> = kept
        .iter()
        .filter(|((_, path, name), value, ..)| {
            ![path, name, value].iter().any(|f| f.contains('\t'))
        })
        .cloned()
        .collect();
    assert_eq!(alive(&from_txt), writable, "cookies.txt round trip");
}

/// The jar after a response from `url` (canonical host `host`) at `now`.
fn check_store(jar: &Jar, before: &[Cookie], url: &Url, host: &str, now: SystemTime) {
    let limits = jar.limits();
    let cookies = jar.cookies();
    assert_eq!(cookies.len(), jar.len());
    assert!(jar.len() <= limits.cookies_total(), "{} cookies", jar.len());
    let mut per_domain: HashMap<&str, usize> = HashMap::new();
    for c in &cookies {
        *per_domain.entry(c.domain()).or_default() += 1;
    }
    for (domain, n) in per_domain {
        assert!(n <= limits.cookies_per_domain(), "{n} cookies for {domain}");
    }

    let key = |c: &Cookie| {
        (
            c.domain().to_owned(),
            c.path().to_owned(),
            c.name().to_owned(),
        )
    };
    let old: HashMap<_, &Cookie> = before.iter().map(|c| (key(c), c)).collect();
    let secure_origin = url.scheme() == "https";
    for c in &cookies {
        assert!(!c.name().is_empty(), "{c:?}");
        assert!(c.path().starts_with('/'), "{c:?}");
        assert!(c.created() <= now && c.last_access() <= now, "{c:?}");
        if let Some(at) = c.expires() {
            assert!(at <= now + MAX_LIFETIME, "past the 400-day cap: {c:?}");
        }
        if !c.host_only() {
            assert!(
                !EmbeddedList.is_public_suffix(c.domain()),
                "scoped to a public suffix: {c:?}"
            );
        }
        let Some(was) = old.get(&key(c)) else {
            // New in this response: it came from `url`.
            assert!(domain_match(host, c.domain()), "{host} set {c:?}");
            assert!(!c.host_only() || c.domain() == host, "{host} set {c:?}");
            assert!(!c.secure() || secure_origin, "Secure from {url}: {c:?}");
            continue;
        };
        // 6265bis: an insecure origin can neither set nor overwrite a Secure cookie.
        if !secure_origin && (c.secure() || was.secure()) {
            assert_eq!(
                (c.value(), c.secure(), c.expires()),
                (was.value(), was.secure(), was.expires()),
                "{url} changed a Secure cookie"
            );
        }
    }
}

/// What a request to `url` (canonical host `host`) at `now` carries.
fn check_request(jar: &Jar, url: &Url, host: &str, now: SystemTime) {
    let secure = url.scheme() == "https";
    let cookies = jar.cookies_for(url, now);
    for c in &cookies {
        assert!(domain_match(host, c.domain()), "{c:?} sent to {url}");
        assert!(!c.host_only() || c.domain() == host, "{c:?} sent to {url}");
        assert!(!c.secure() || secure, "{c:?} sent to {url}");
        assert!(path_match(url.path(), c.path()), "{c:?} sent to {url}");
        assert!(!c.expires_by(now), "{c:?} sent to {url}");
    }
    // §5.4 step 2: longer paths first.
    assert!(
        cookies
            .windows(2)
            .all(|w| w[0].path().len() >= w[1].path().len()),
        "order: {cookies:?}"
    );

    // The header: the same cookies in the same order, as many as fit, never past the limit.
    let limit = jar.limits().cookie_header_bytes();
    let mut expected = String::new();
    for c in &cookies {
        let sep = if expected.is_empty() { 0 } else { 2 };
        if expected.len() + sep + c.name().len() + 1 + c.value().len() <= limit {
            if sep != 0 {
                expected.push_str("; ");
            }
            expected.push_str(&c.pair());
        }
    }
    let header = jar.cookie_header(url, now);
    assert!(
        header.as_ref().is_none_or(|h| h.len() <= limit),
        "{header:?}"
    );
    assert_eq!(header.unwrap_or_default(), expected, "header for {url}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table's hosts are what the jar sees: a wrong entry would look like a jar bug.
    #[test]
    fn origins_table_names_the_canonical_hosts() {
        let now = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
        for (url, host) in ORIGINS {
            let jar = Jar::new();
            let url = Url::parse(url).unwrap();
            jar.insert(&url, "a=1", now).unwrap();
            let cookies = jar.cookies();
            assert_eq!(cookies.len(), 1, "{url}");
            assert_eq!((cookies[0].domain(), cookies[0].host_only()), (host, true));
        }
    }
}
