//! The redirect rules of `redirect.rs`: which responses are followed, where to, with which
//! method and body, and when credentials may go along.

use http::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, TRANSFER_ENCODING,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use url::Url;

use super::{Next, drop_body_headers, is_redirect, keeps_credentials, next_hop, same_origin};

const FOLLOWED: [u16; 5] = [301, 302, 303, 307, 308];

fn url(s: &str) -> Url {
    Url::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap()
}

/// `next_hop` for a GET with these `Location` values.
fn hop(code: u16, locations: &[&[u8]], current: &str) -> Result<Option<Next>, String> {
    next_hop(
        status(code),
        locations.iter().copied(),
        &Method::GET,
        &url(current),
        false,
    )
    .map_err(|e| e.to_string())
}

/// Where a 302 from `current` with one `Location` leads.
fn target(current: &str, location: &[u8]) -> Result<Url, String> {
    match hop(302, &[location], current)? {
        Some(next) => Ok(next.url),
        None => Err("not followed".to_owned()),
    }
}

// ---------------------------------------------------------------- which responses

#[test]
fn exactly_301_302_303_307_308_are_redirects() {
    for code in 100..=599 {
        assert_eq!(
            is_redirect(status(code)),
            FOLLOWED.contains(&code),
            "status {code}"
        );
    }
}

#[test]
fn other_statuses_are_the_answer_even_with_a_location() {
    for code in [200, 201, 204, 300, 304, 305, 306, 400, 404, 500] {
        assert_eq!(hop(code, &[b"/next"], "http://a.test/"), Ok(None), "{code}");
    }
}

#[test]
fn a_redirect_without_location_is_the_answer() {
    for code in FOLLOWED {
        assert_eq!(hop(code, &[], "http://a.test/"), Ok(None), "{code}");
    }
}

#[test]
fn duplicate_locations_must_agree() {
    let current = "http://a.test/";
    let same = hop(302, &[b"/x", b"/x", b"/x"], current).unwrap().unwrap();
    assert_eq!(same.url.as_str(), "http://a.test/x");

    let cases: [(&str, &[&[u8]]); 3] = [
        ("two different paths", &[b"/x", b"/y"]),
        (
            "same target, different spelling",
            &[b"/x", b"http://a.test/x"],
        ),
        ("the third one differs", &[b"/x", b"/x", b"/z"]),
    ];
    for (name, locations) in cases {
        let err = hop(302, locations, current).expect_err(name);
        assert!(err.contains("Location"), "{name}: {err}");
    }
}

// ---------------------------------------------------------------- method and body

#[test]
fn method_and_body_rewrite_matrix() {
    use Method as M;
    // (status, method, the next method). drop_body must be true exactly when it changed.
    let cases = [
        // 301 and 302: only POST becomes GET (requests also rewrites PUT/PATCH/DELETE on
        // 302 and drops their body on 301; tarry keeps both).
        (301, M::POST, M::GET),
        (301, M::PUT, M::PUT),
        (301, M::PATCH, M::PATCH),
        (301, M::DELETE, M::DELETE),
        (301, M::GET, M::GET),
        (301, M::HEAD, M::HEAD),
        (302, M::POST, M::GET),
        (302, M::PUT, M::PUT),
        (302, M::PATCH, M::PATCH),
        (302, M::DELETE, M::DELETE),
        (302, M::OPTIONS, M::OPTIONS),
        (302, M::HEAD, M::HEAD),
        // 303: everything but HEAD becomes GET.
        (303, M::POST, M::GET),
        (303, M::PUT, M::GET),
        (303, M::PATCH, M::GET),
        (303, M::DELETE, M::GET),
        (303, M::OPTIONS, M::GET),
        (303, M::GET, M::GET),
        (303, M::HEAD, M::HEAD),
        // 307 and 308 keep everything.
        (307, M::POST, M::POST),
        (307, M::PUT, M::PUT),
        (307, M::DELETE, M::DELETE),
        (307, M::HEAD, M::HEAD),
        (308, M::POST, M::POST),
        (308, M::PATCH, M::PATCH),
        (308, M::GET, M::GET),
    ];
    for (code, method, want) in cases {
        let next = next_hop(
            status(code),
            std::iter::once(&b"/dst"[..]),
            &method,
            &url("http://a.test/src"),
            false,
        )
        .unwrap()
        .unwrap_or_else(|| panic!("{code} {method}: not followed"));
        let case = format!("{method} answered {code}");
        assert_eq!(next.method, want, "{case}");
        assert_eq!(next.drop_body, want != method, "{case}: drop_body");
        assert_eq!(next.url.as_str(), "http://a.test/dst", "{case}");
    }
}

#[test]
fn drop_body_headers_removes_only_the_body_headers() {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_LENGTH, HeaderValue::from_static("42"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(TRANSFER_ENCODING, HeaderValue::from_static("chunked"));
    headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
    headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer t"));
    headers.insert(COOKIE, HeaderValue::from_static("a=1"));
    headers.insert("x-custom", HeaderValue::from_static("kept"));
    drop_body_headers(&mut headers);
    let mut left: Vec<_> = headers.keys().map(|n| n.as_str()).collect();
    left.sort_unstable();
    assert_eq!(left, ["accept", "authorization", "cookie", "x-custom"]);

    let mut empty = HeaderMap::new();
    drop_body_headers(&mut empty);
    assert!(empty.is_empty());
}

// ---------------------------------------------------------------- targets

#[test]
fn location_resolution_table() {
    let current = "http://a.test/dir/page?q=1#frag";
    let cases: [(&str, &[u8], &str); 17] = [
        ("absolute path", b"/abs", "http://a.test/abs#frag"),
        ("relative path", b"rel", "http://a.test/dir/rel#frag"),
        ("dot-dot", b"../up", "http://a.test/up#frag"),
        (
            "dot-dot past the root",
            b"../../../top",
            "http://a.test/top#frag",
        ),
        (
            "dot segments",
            b"./a/./b/../c",
            "http://a.test/dir/a/c#frag",
        ),
        (
            "query only",
            b"?only=2",
            "http://a.test/dir/page?only=2#frag",
        ),
        ("scheme-relative", b"//b.test/p", "http://b.test/p#frag"),
        (
            "absolute",
            b"https://c.test:8443/x?y",
            "https://c.test:8443/x?y#frag",
        ),
        ("new fragment replaces", b"/n#new", "http://a.test/n#new"),
        ("empty fragment replaces", b"/n#", "http://a.test/n#"),
        (
            "upper-case scheme and host",
            b"HTTP://B.TEST/P",
            "http://b.test/P#frag",
        ),
        (
            "default port dropped",
            b"https://b.test:443/",
            "https://b.test/#frag",
        ),
        (
            "surrounding spaces trimmed",
            b"  /trimmed \t",
            "http://a.test/trimmed#frag",
        ),
        ("inner space escaped", b"/a b", "http://a.test/a%20b#frag"),
        (
            "UTF-8",
            "/caf\u{e9}".as_bytes(),
            "http://a.test/caf%C3%A9#frag",
        ),
        ("Latin-1 byte", b"/caf\xe9", "http://a.test/caf%C3%A9#frag"),
        ("three slashes", b"http:///b.test/x", "http://b.test/x#frag"),
    ];
    for (name, location, want) in cases {
        let got = target(current, location).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got.as_str(), want, "case: {name}");
    }

    // From other places: (current, Location, where it leads).
    let cases = [
        ("https://a.test/", "//b.test/p", "https://b.test/p"),
        ("http://a.test/", "/next", "http://a.test/next"),
        ("http://a.test:8080/a/b", "c", "http://a.test:8080/a/c"),
        ("http://a.test/a/", "", "http://a.test/a/"),
        ("http://[::1]:8080/x", "/y", "http://[::1]:8080/y"),
    ];
    for (current, location, want) in cases {
        let got = target(current, location.as_bytes()).unwrap();
        assert_eq!(got.as_str(), want, "{current} + {location:?}");
    }
}

#[test]
fn user_and_password_in_location_are_dropped() {
    let cases: [(&[u8], &str); 4] = [
        (b"http://user:pw@b.test/p", "http://b.test/p"),
        (b"http://user@b.test/p", "http://b.test/p"),
        (b"https://:pw@b.test/", "https://b.test/"),
        (b"//u:p@b.test/x", "http://b.test/x"),
    ];
    for (location, want) in cases {
        let got = target("http://a.test/", location).unwrap();
        assert_eq!(got.as_str(), want, "{}", String::from_utf8_lossy(location));
        assert_eq!((got.username(), got.password()), ("", None));
    }
}

#[test]
fn locations_that_are_not_http_urls_are_refused() {
    let cases: [&[u8]; 9] = [
        b"ftp://a.test/file",
        b"file:///etc/passwd",
        b"data:text/html,<script>alert(1)</script>",
        b"javascript:alert(1)",
        b"mailto:x@a.test",
        b"ws://a.test/",
        b"http://[::1",
        b"http://a.test:99999/",
        b"http://",
    ];
    for location in cases {
        let shown = String::from_utf8_lossy(location);
        for code in FOLLOWED {
            let result = hop(code, &[location], "http://a.test/");
            assert!(result.is_err(), "{code} to {shown}: {result:?}");
        }
    }
}

#[test]
fn https_only_refuses_https_to_http() {
    // (current, location, https_only, where it leads; None: refused)
    let cases = [
        ("https://a.test/", "http://a.test/", true, None),
        ("https://a.test/", "http://b.test/x", true, None),
        (
            "https://a.test/",
            "//b.test/",
            true,
            Some("https://b.test/"),
        ),
        (
            "https://a.test/",
            "https://b.test/",
            true,
            Some("https://b.test/"),
        ),
        (
            "http://a.test/",
            "http://b.test/",
            true,
            Some("http://b.test/"),
        ),
        (
            "http://a.test/",
            "https://a.test/",
            true,
            Some("https://a.test/"),
        ),
        (
            "https://a.test/",
            "http://a.test/",
            false,
            Some("http://a.test/"),
        ),
    ];
    for (current, location, https_only, want) in cases {
        let result = next_hop(
            status(302),
            std::iter::once(location.as_bytes()),
            &Method::GET,
            &url(current),
            https_only,
        );
        let case = format!("{current} -> {location}, https_only {https_only}");
        match (result, want) {
            (Ok(Some(next)), Some(want)) => assert_eq!(next.url.as_str(), want, "{case}"),
            (Err(why), None) => assert!(
                matches!(why, crate::RedirectError::LeavesHttps { .. }),
                "{case}: {why}"
            ),
            (other, _) => panic!("{case}: {other:?}"),
        }
    }
}

// ---------------------------------------------------------------- origins and credentials

#[test]
fn same_origin_is_scheme_host_port_equality() {
    let a = url("http://a.test/");
    let cases = [
        ("http://a.test/other?q#f", true),
        ("http://a.test:80/", true),
        ("HTTP://A.TEST/", true),
        ("http://user:pw@a.test/", true),
        ("https://a.test/", false),
        ("http://a.test:8080/", false),
        ("http://b.test/", false),
        ("http://a.test./", false),
        ("http://www.a.test/", false),
        ("http://test/", false),
    ];
    for (other, want) in cases {
        let other = url(other);
        assert_eq!(same_origin(&a, &other), want, "{a} vs {other}");
        assert_eq!(same_origin(&other, &a), want, "{other} vs {a} (symmetric)");
    }

    let pairs = [
        ("https://a.test/", "https://a.test:443/x", true),
        ("https://a.test:8443/", "https://a.test:8443/", true),
        ("http://127.0.0.1/", "http://127.0.0.1:80/", true),
        ("http://127.0.0.1/", "http://[::1]/", false),
        ("http://[::1]/", "http://[0:0:0:0:0:0:0:1]/", true),
        ("http://127.0.0.1/", "http://localhost/", false),
        ("http://2130706433/", "http://127.0.0.1/", true),
    ];
    for (x, y, want) in pairs {
        assert_eq!(same_origin(&url(x), &url(y)), want, "{x} vs {y}");
    }
}

/// SES-05: look-alike targets are never the origin they imitate, whether they come as a
/// parsed URL or as a `Location` from `http://a.test/`. `None`: refused as a Location.
#[test]
fn look_alike_origins_are_other_origins() {
    let a = url("http://a.test/");
    let cases = [
        (
            "subdomain suffix",
            "http://a.test.evil.test/",
            Some("a.test.evil.test"),
        ),
        ("userinfo", "http://a.test@evil.test/", Some("evil.test")),
        (
            "userinfo with port",
            "http://a.test:80@evil.test/",
            Some("evil.test"),
        ),
        ("fragment", "http://evil.test#@a.test", Some("evil.test")),
        ("query", "http://evil.test?@a.test/", Some("evil.test")),
        ("backslash", "http://evil.test\\@a.test/", Some("evil.test")),
        (
            "encoded dot",
            "http://a%2Etest.evil.test/",
            Some("a.test.evil.test"),
        ),
        ("encoded slash", "http://a.test%2F.evil.test/", None),
        ("IPv6 zone id", "http://[fe80::1%25eth0]/", None),
    ];
    for (name, look_alike, want_host) in cases {
        if let Ok(parsed) = Url::parse(look_alike) {
            assert!(!same_origin(&a, &parsed), "{name}: {parsed}");
            assert!(!keeps_credentials(&a, &parsed), "{name}: {parsed}");
        }
        let result = hop(302, &[look_alike.as_bytes()], "http://a.test/");
        match (result, want_host) {
            (Ok(Some(next)), Some(want)) => {
                assert_eq!(next.url.host_str(), Some(want), "{name}: {}", next.url);
                assert!(!same_origin(&a, &next.url), "{name}: {}", next.url);
                assert!(!keeps_credentials(&a, &next.url), "{name}: {}", next.url);
                assert_eq!(next.url.username(), "", "{name}: {}", next.url);
            }
            (Err(_), None) => {}
            (other, _) => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn credentials_go_only_to_the_same_origin_or_its_https_upgrade() {
    let cases = [
        ("http://a.test/", "http://a.test/next", true),
        ("http://a.test/", "http://a.test:80/", true),
        ("http://a.test/", "https://a.test/", true),
        ("http://a.test:80/", "https://a.test:443/", true),
        ("http://A.test/", "https://a.TEST/", true),
        ("https://a.test/", "https://a.test/x", true),
        ("https://a.test:8443/", "https://a.test:8443/", true),
        // Downgrade, other ports, other hosts.
        ("https://a.test/", "http://a.test/", false),
        ("http://a.test:8080/", "https://a.test/", false),
        ("http://a.test/", "https://a.test:8443/", false),
        ("http://a.test:8080/", "https://a.test:8443/", false),
        ("http://a.test/", "http://a.test:8080/", false),
        ("http://a.test/", "http://b.test/", false),
        ("http://a.test/", "https://b.test/", false),
        ("http://a.test/", "https://www.a.test/", false),
        ("http://a.test/", "https://a.test.evil.test/", false),
    ];
    for (original, next, want) in cases {
        assert_eq!(
            keeps_credentials(&url(original), &url(next)),
            want,
            "{original} -> {next}"
        );
    }
}
