//! Properties of the Cookie header, over random jars and requests: whatever servers set, a
//! request never carries a cookie
//!
//! - for a host that does not domain-match the cookie's domain,
//! - marked `Secure`, over http,
//! - that is host-only, for any other host,
//! - for a path that does not path-match the cookie's path.
//!
//! Hosts are built from a four-label alphabet (`a`, `b`, `ab`, `ba`) under `test`, so that
//! matches and near-misses (`ab.test` against `b.test`, `/ab` against `/a`) are both common; the
//! test counts them and fails if a run saw none of either, so the properties cannot hold
//! vacuously. The oracles below are written from RFC 6265 §5.1.3 and §5.1.4 directly, not with
//! the crate's own `domain_match` and `path_match`.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use tarry_jar::Jar;
use url::Url;

/// §5.1.3, for host names (the generator makes no IP addresses).
fn domain_matches(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// §5.1.4.
fn path_matches(request: &str, cookie: &str) -> bool {
    request == cookie
        || request
            .strip_prefix(cookie)
            .is_some_and(|rest| cookie.ends_with('/') || rest.starts_with('/'))
}

fn host() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!["a", "b", "ab", "ba"]), 1..=3)
        .prop_map(|labels| format!("{}.test", labels.join(".")))
}

fn path() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(vec!["a", "b", "ab"]), 0..=3),
        any::<bool>(),
    )
        .prop_map(|(segments, slash)| {
            let mut p = format!("/{}", segments.join("/"));
            if slash && !p.ends_with('/') {
                p.push('/');
            }
            p
        })
}

#[derive(Debug, Clone)]
struct Request {
    https: bool,
    host: String,
    path: String,
}

impl Request {
    fn url(&self) -> Url {
        let scheme = if self.https { "https" } else { "http" };
        Url::parse(&format!("{scheme}://{}{}", self.host, self.path)).unwrap()
    }
}

fn request() -> impl Strategy<Value = Request> {
    (any::<bool>(), host(), path()).prop_map(|(https, host, path)| Request { https, host, path })
}

/// One `Set-Cookie` line and the request it answers.
#[derive(Debug, Clone)]
struct SetCookie {
    from: Request,
    line: String,
}

fn set_cookie() -> impl Strategy<Value = SetCookie> {
    let domain = prop_oneof![
        Just(None),
        // A parent of the request host (or the host itself), or any other host.
        (0..3usize).prop_map(|drop| Some(Err(drop))),
        host().prop_map(|h| Some(Ok(h))),
    ];
    let cookie_path = prop_oneof![
        Just(None),
        path().prop_map(Some),
        Just(Some("ab".to_owned())),
        Just(Some(String::new())),
    ];
    (
        request(),
        prop::sample::select(vec!["n", "m", "__Secure-n", "__Host-n"]),
        domain,
        (any::<bool>(), any::<bool>()), // leading dot, upper case
        cookie_path,
        any::<bool>(),
    )
        .prop_map(|(from, name, domain, (dot, upper), path, secure)| {
            let mut line = format!("{name}=v");
            if let Some(domain) = domain {
                let mut domain = domain.unwrap_or_else(|drop| {
                    let labels: Vec<&str> = from.host.split('.').collect();
                    labels[drop.min(labels.len() - 2)..].join(".")
                });
                if upper {
                    domain = domain.to_ascii_uppercase();
                }
                let dot = if dot { "." } else { "" };
                line.push_str(&format!("; Domain={dot}{domain}"));
            }
            if let Some(path) = path {
                line.push_str(&format!("; Path={path}"));
            }
            if secure {
                line.push_str("; Secure");
            }
            SetCookie { from, line }
        })
}

/// How often the interesting situations came up, so that a run can prove it saw them.
#[derive(Debug, Default)]
struct Seen {
    sent: AtomicUsize,
    domain_near_miss: AtomicUsize,
    path_near_miss: AtomicUsize,
    secure_withheld: AtomicUsize,
    host_only_withheld: AtomicUsize,
}

/// A follow-up request: its host is random, or (`Some`) that of one of the responses, or a
/// subdomain of it, so that requests often reach the hosts that set cookies.
type FollowUp = (Request, Option<(usize, bool)>);

fn check(sets: &[SetCookie], requests: &[FollowUp], seen: &Seen) -> Result<(), TestCaseError> {
    let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let jar = Jar::new();
    for set in sets {
        jar.store_response(&set.from.url(), [set.line.as_str()], now);
    }
    let stored = jar.cookies_at(now);
    for (req, reuse) in requests {
        let mut req = req.clone();
        if let Some((i, sub)) = *reuse {
            let host = &sets[i % sets.len()].from.host;
            req.host = if sub {
                format!("a.{host}")
            } else {
                host.clone()
            };
        }
        let sent = jar.cookies_for(&req.url(), now);
        for c in &sent {
            let what = format!("{} (domain {}, path {})", c.name(), c.domain(), c.path());
            prop_assert!(
                domain_matches(&req.host, c.domain()),
                "{what} sent to {req:?}"
            );
            prop_assert!(!c.secure() || req.https, "Secure {what} sent over http");
            prop_assert!(
                !c.host_only() || c.domain() == req.host,
                "host-only {what} to {req:?}"
            );
            prop_assert!(path_matches(&req.path, c.path()), "{what} sent to {req:?}");
        }
        seen.sent.fetch_add(sent.len(), Relaxed);

        // The near-misses that were rightly left out.
        let key = |c: &tarry_jar::Cookie| {
            (
                c.name().to_owned(),
                c.domain().to_owned(),
                c.path().to_owned(),
            )
        };
        let sent_keys: Vec<_> = sent.iter().map(key).collect();
        for c in stored.iter().filter(|c| !sent_keys.contains(&key(c))) {
            let domain_ok = domain_matches(&req.host, c.domain());
            let path_ok = path_matches(&req.path, c.path());
            if req.host.ends_with(c.domain()) && !domain_ok {
                seen.domain_near_miss.fetch_add(1, Relaxed);
            }
            if req.path.starts_with(c.path()) && !path_ok {
                seen.path_near_miss.fetch_add(1, Relaxed);
            }
            if domain_ok && path_ok && c.secure() && !req.https {
                seen.secure_withheld.fetch_add(1, Relaxed);
            }
            if domain_ok && path_ok && c.host_only() && c.domain() != req.host {
                seen.host_only_withheld.fetch_add(1, Relaxed);
            }
        }
    }
    Ok(())
}

#[test]
fn cookies_go_only_where_they_belong() {
    let seen = Seen::default();
    let mut runner = TestRunner::new(Config {
        cases: 1_500,
        failure_persistence: None,
        ..Config::default()
    });
    let scenario = (
        prop::collection::vec(set_cookie(), 1..12),
        prop::collection::vec((request(), any::<Option<(usize, bool)>>()), 1..8),
    );
    let result = runner.run(&scenario, |(sets, requests)| check(&sets, &requests, &seen));
    if let Err(e) = result {
        panic!("{e}");
    }
    for (what, n) in [
        ("cookies sent", &seen.sent),
        ("domain near-misses", &seen.domain_near_miss),
        ("path near-misses", &seen.path_near_miss),
        ("Secure cookies withheld from http", &seen.secure_withheld),
        (
            "host-only cookies withheld from other hosts",
            &seen.host_only_withheld,
        ),
    ] {
        println!("{what}: {}", n.load(Relaxed));
        assert!(n.load(Relaxed) > 0, "the generator produced no {what}");
    }
}

#[test]
fn the_oracles_agree_with_the_rfc_examples() {
    assert!(domain_matches("www.example.test", "example.test"));
    assert!(domain_matches("example.test", "example.test"));
    assert!(!domain_matches("ample.test", "example.test"));
    assert!(!domain_matches("example.test", "www.example.test"));
    assert!(path_matches("/a/b", "/a") && path_matches("/a/b", "/a/") && path_matches("/a", "/a"));
    assert!(!path_matches("/ab", "/a") && !path_matches("/", "/a"));
}
