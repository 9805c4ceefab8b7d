//! The merge rules of `merge.rs`, one group of tests per rule.

use std::sync::Arc;
use std::time::Duration;

use http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, PROXY_AUTHORIZATION};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use super::{Prepared, merge};
use crate::causes::{BuildError, UrlError};
use crate::defaults::{Defaults, Hooks};
use crate::parts::{AuthChoice, HeaderEdits, Parts, QueryEdits};
use crate::{Auth, Error, Hook, Timeouts};

const URL: &str = "http://a.test/path";

fn name(n: &str) -> HeaderName {
    HeaderName::try_from(n).unwrap()
}

fn value(v: &str) -> HeaderValue {
    HeaderValue::try_from(v).unwrap()
}

fn header_map(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (n, v) in pairs {
        map.append(name(n), value(v));
    }
    map
}

/// A request's headers as `header` sets the first value of each name and `append_header`
/// adds the later ones: every pair is sent, and the session's values of those names are not.
fn request_headers(pairs: &[(&str, &str)]) -> HeaderEdits {
    let mut edits = HeaderEdits::default();
    let mut seen: Vec<HeaderName> = Vec::new();
    for (n, v) in pairs {
        let (n, v) = (name(n), value(v));
        if seen.contains(&n) {
            edits.append(n, v);
        } else {
            seen.push(n.clone());
            edits.set(n, v);
        }
    }
    edits
}

fn strings(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The headers in the order they will be written.
fn listed(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect()
}

/// Session defaults with only the given headers (no User-Agent and friends).
fn with_headers(pairs: &[(&str, &str)]) -> Defaults {
    Defaults {
        headers: header_map(pairs),
        ..Defaults::default()
    }
}

/// The merge, with the headers it sends written out even when they are the session's own.
fn prepare(defaults: &Defaults, url: &str, parts: Parts) -> Prepared {
    let mut p =
        merge(defaults, Method::GET, url, parts).unwrap_or_else(|e| panic!("merge({url}): {e}"));
    p.headers.get_or_insert_with(|| defaults.headers.clone());
    p
}

fn basic(user: &str, password: &str) -> HeaderValue {
    Auth::basic(user, password).header_value().unwrap()
}

// ---------------------------------------------------------------- headers

#[test]
fn default_session_headers_go_out_in_their_order() {
    let p = prepare(&Defaults::default(), URL, Parts::default());
    let names: Vec<_> = p.fields().keys().map(HeaderName::as_str).collect();
    assert_eq!(names, ["user-agent", "accept", "accept-encoding"]);
    assert!(
        p.fields()["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("tarry/")
    );
    assert_eq!(p.fields()["accept"], "*/*");
    assert_eq!(p.method, Method::GET);
    assert_eq!(p.url.as_str(), "http://a.test/path");
}

#[test]
fn header_merge_rules() {
    struct Case {
        name: &'static str,
        session: &'static [(&'static str, &'static str)],
        request: &'static [(&'static str, &'static str)],
        remove: &'static [&'static str],
        want: &'static [(&'static str, &'static str)],
    }
    let cases = [
        Case {
            name: "request header of another case takes the session header's slot",
            session: &[("x-a", "1"), ("accept", "*/*"), ("x-z", "26")],
            request: &[("Accept", "text/html")],
            remove: &[],
            want: &[("x-a", "1"), ("accept", "text/html"), ("x-z", "26")],
        },
        Case {
            name: "new request headers follow the session's, in their order",
            session: &[("x-a", "1"), ("x-b", "2")],
            request: &[("X-New2", "n2"), ("x-new1", "n1")],
            remove: &[],
            want: &[
                ("x-a", "1"),
                ("x-b", "2"),
                ("x-new2", "n2"),
                ("x-new1", "n1"),
            ],
        },
        Case {
            name: "every session value of a name is replaced",
            session: &[("x-multi", "s1"), ("x-multi", "s2"), ("x-b", "2")],
            request: &[("X-MULTI", "r1")],
            remove: &[],
            want: &[("x-multi", "r1"), ("x-b", "2")],
        },
        Case {
            name: "a request header given twice sends both values",
            session: &[("x-a", "s")],
            request: &[("x-a", "r1"), ("x-c", "c"), ("x-a", "r2")],
            remove: &[],
            want: &[("x-a", "r1"), ("x-a", "r2"), ("x-c", "c")],
        },
        Case {
            name: "a removal drops the session header whatever its case",
            session: &[("x-a", "1"), ("x-secret", "s"), ("x-b", "2")],
            request: &[],
            remove: &["X-Secret"],
            want: &[("x-a", "1"), ("x-b", "2")],
        },
        Case {
            name: "removing a header the session lacks changes nothing",
            session: &[("x-a", "1")],
            request: &[("x-r", "r")],
            remove: &["x-missing"],
            want: &[("x-a", "1"), ("x-r", "r")],
        },
        Case {
            name: "a session header removed, then set by the request, is the request's",
            session: &[("x-a", "1"), ("x-b", "2")],
            request: &[("x-a", "mine")],
            remove: &["x-a"],
            want: &[("x-a", "mine"), ("x-b", "2")],
        },
        Case {
            name: "no session headers",
            session: &[],
            request: &[("x-r", "r")],
            remove: &[],
            want: &[("x-r", "r")],
        },
    ];
    for case in cases {
        let defaults = with_headers(case.session);
        // The removals come first: a header the request sets after removing it is sent.
        let mut headers = HeaderEdits::default();
        for n in case.remove {
            headers.remove(name(n));
        }
        for (n, v) in request_headers(case.request).fields {
            if headers.fields.iter().any(|(seen, _)| *seen == n) {
                headers.append(n, v);
            } else {
                headers.set(n, v);
            }
        }
        let parts = Parts {
            headers,
            ..Parts::default()
        };
        let p = prepare(&defaults, URL, parts);
        assert_eq!(
            listed(p.fields()),
            strings(case.want),
            "case: {}",
            case.name
        );
    }
}

// ---------------------------------------------------------------- query

#[test]
fn query_merge_rules() {
    struct Case {
        name: &'static str,
        url: &'static str,
        session: &'static [(&'static str, &'static str)],
        request: &'static [(&'static str, &'static str)],
        remove: &'static [&'static str],
        want: &'static str,
    }
    let cases = [
        Case {
            name: "URL query, then session pairs, then request pairs",
            url: "http://a.test/p?u=1",
            session: &[("s", "2")],
            request: &[("r", "3")],
            remove: &[],
            want: "http://a.test/p?u=1&s=2&r=3",
        },
        Case {
            name: "a request name replaces every session value of it",
            url: "http://a.test/p",
            session: &[("k", "old1"), ("s", "1"), ("k", "old2")],
            request: &[("k", "new")],
            remove: &[],
            want: "http://a.test/p?s=1&k=new",
        },
        Case {
            name: "names are case-sensitive: foo and FOO both go",
            url: "http://a.test/p",
            session: &[("foo", "1")],
            request: &[("FOO", "2")],
            remove: &[],
            want: "http://a.test/p?foo=1&FOO=2",
        },
        Case {
            name: "the URL's own pairs are never replaced",
            url: "http://a.test/p?k=url",
            session: &[("k", "session")],
            request: &[("k", "request")],
            remove: &[],
            want: "http://a.test/p?k=url&k=request",
        },
        Case {
            name: "a request name given twice sends both values",
            url: "http://a.test/p",
            session: &[("k", "s")],
            request: &[("k", "1"), ("k", "2")],
            remove: &[],
            want: "http://a.test/p?k=1&k=2",
        },
        Case {
            name: "form encoding: space is +, reserved and non-ASCII escaped",
            url: "http://a.test/p",
            session: &[],
            request: &[
                ("a b", "c d"),
                ("amp", "x&y=z"),
                ("plus", "1+1"),
                ("e", "é"),
            ],
            remove: &[],
            want: "http://a.test/p?a+b=c+d&amp=x%26y%3Dz&plus=1%2B1&e=%C3%A9",
        },
        Case {
            name: "a removal drops the session name, case-sensitively",
            url: "http://a.test/p",
            session: &[("a", "1"), ("b", "2"), ("a", "3")],
            request: &[],
            remove: &["a", "B"],
            want: "http://a.test/p?b=2",
        },
        Case {
            name: "a removed name may still be set by the request",
            url: "http://a.test/p",
            session: &[("a", "1"), ("b", "2")],
            request: &[("a", "mine")],
            remove: &["a"],
            want: "http://a.test/p?b=2&a=mine",
        },
        Case {
            name: "everything removed leaves no bare ?",
            url: "http://a.test/p",
            session: &[("a", "1")],
            request: &[],
            remove: &["a"],
            want: "http://a.test/p",
        },
        Case {
            name: "everything removed keeps the URL's own query",
            url: "http://a.test/p?u=1",
            session: &[("a", "1")],
            request: &[],
            remove: &["a"],
            want: "http://a.test/p?u=1",
        },
        Case {
            name: "nothing to add leaves the URL's query as it was written",
            url: "http://a.test/p?x=a%20b&y",
            session: &[],
            request: &[],
            remove: &["x"],
            want: "http://a.test/p?x=a%20b&y",
        },
        Case {
            name: "the fragment stays after the query",
            url: "http://a.test/p?u=1#frag",
            session: &[("s", "2")],
            request: &[],
            remove: &[],
            want: "http://a.test/p?u=1&s=2#frag",
        },
    ];
    for case in cases {
        let defaults = Defaults {
            query: strings(case.session),
            ..Defaults::default()
        };
        let mut query = QueryEdits::default();
        for n in case.remove {
            query.remove(n);
        }
        for (k, v) in strings(case.request) {
            query.add(k, v);
        }
        let parts = Parts {
            query,
            ..Parts::default()
        };
        let p = prepare(&defaults, case.url, parts);
        assert_eq!(p.url.as_str(), case.want, "case: {}", case.name);
    }
}

// ---------------------------------------------------------------- credentials

#[test]
fn credentials_precedence() {
    struct Case {
        name: &'static str,
        url: &'static str,
        session: Option<Auth>,
        request: AuthChoice,
        written: Option<&'static str>,
        want: Option<HeaderValue>,
    }
    let session = || Some(Auth::basic("session", "s"));
    let cases = [
        Case {
            name: "nothing anywhere",
            url: "http://a.test/",
            session: None,
            request: AuthChoice::Session,
            written: None,
            want: None,
        },
        Case {
            name: "the session's",
            url: "http://a.test/",
            session: session(),
            request: AuthChoice::Session,
            written: None,
            want: Some(basic("session", "s")),
        },
        Case {
            name: "the request's beat the session's",
            url: "http://a.test/",
            session: session(),
            request: AuthChoice::Use(Auth::bearer("req")),
            written: None,
            want: Some(value("Bearer req")),
        },
        Case {
            name: "no_auth beats the session's",
            url: "http://a.test/",
            session: session(),
            request: AuthChoice::Off,
            written: None,
            want: None,
        },
        Case {
            name: "the URL's when there are no others",
            url: "http://u:p@a.test/",
            session: None,
            request: AuthChoice::Session,
            written: None,
            want: Some(basic("u", "p")),
        },
        Case {
            name: "the session's beat the URL's",
            url: "http://u:p@a.test/",
            session: session(),
            request: AuthChoice::Session,
            written: None,
            want: Some(basic("session", "s")),
        },
        Case {
            name: "the request's beat the URL's",
            url: "http://u:p@a.test/",
            session: None,
            request: AuthChoice::Use(Auth::basic("req", "r")),
            written: None,
            want: Some(basic("req", "r")),
        },
        Case {
            name: "no_auth beats the URL's",
            url: "http://u:p@a.test/",
            session: None,
            request: AuthChoice::Off,
            written: None,
            want: None,
        },
        Case {
            name: "a written header is kept without credentials",
            url: "http://a.test/",
            session: None,
            request: AuthChoice::Session,
            written: Some("Custom xyz"),
            want: Some(value("Custom xyz")),
        },
        Case {
            name: "a written header is kept under no_auth (no credentials are set)",
            url: "http://a.test/",
            session: session(),
            request: AuthChoice::Off,
            written: Some("Custom xyz"),
            want: Some(value("Custom xyz")),
        },
        Case {
            name: "session credentials beat a written header",
            url: "http://a.test/",
            session: session(),
            request: AuthChoice::Session,
            written: Some("Custom xyz"),
            want: Some(basic("session", "s")),
        },
        Case {
            name: "request credentials beat a written header",
            url: "http://a.test/",
            session: None,
            request: AuthChoice::Use(Auth::bearer("req")),
            written: Some("Custom xyz"),
            want: Some(value("Bearer req")),
        },
        Case {
            name: "URL credentials beat a written header",
            url: "http://u:p@a.test/",
            session: None,
            request: AuthChoice::Session,
            written: Some("Custom xyz"),
            want: Some(basic("u", "p")),
        },
    ];
    for case in cases {
        let defaults = Defaults {
            auth: case.session,
            ..Defaults::default()
        };
        let parts = Parts {
            auth: case.request,
            headers: case
                .written
                .map(|w| request_headers(&[("Authorization", w)]))
                .unwrap_or_default(),
            ..Parts::default()
        };
        let p = prepare(&defaults, case.url, parts);
        assert_eq!(p.authorization, case.want, "case: {}", case.name);
        assert!(
            !p.fields().contains_key(AUTHORIZATION),
            "case: {}: Authorization left in the header map",
            case.name
        );
        assert_eq!(p.url.as_str(), "http://a.test/", "case: {}", case.name);
    }
}

#[test]
fn url_credentials_are_percent_decoded_and_removed_from_the_url() {
    let cases = [
        ("http://us%40er:p%3Ass@a.test/x", "us@er", "p:ss"),
        ("http://user:a+b%2Bc@a.test/x", "user", "a+b+c"),
        ("http://user@a.test/x", "user", ""),
        ("http://:secret@a.test/x", "", "secret"),
        ("http://%C3%A9:%20@a.test/x", "é", " "),
    ];
    for (url, user, password) in cases {
        let p = prepare(&Defaults::default(), url, Parts::default());
        assert_eq!(p.authorization, Some(basic(user, password)), "url: {url}");
        assert_eq!(p.url.as_str(), "http://a.test/x", "url: {url}");
        assert_eq!(p.url.username(), "", "url: {url}");
        assert_eq!(p.url.password(), None, "url: {url}");
    }
}

#[test]
fn authorization_values() {
    // Sensitive, so that it is never logged; the last of several written headers wins.
    let defaults = Defaults {
        auth: Some(Auth::basic("user", "pass")),
        ..Defaults::default()
    };
    let p = prepare(&defaults, URL, Parts::default());
    let written = p.authorization.unwrap();
    assert_eq!(written, "Basic dXNlcjpwYXNz");
    assert!(written.is_sensitive());

    let parts = Parts {
        headers: request_headers(&[("authorization", "First 1"), ("Authorization", "Last 2")]),
        ..Parts::default()
    };
    let p = prepare(&Defaults::default(), URL, parts);
    assert_eq!(p.authorization, Some(value("Last 2")));
}

#[test]
fn credentials_that_cannot_be_a_header_are_an_invalid_request() {
    let parts = Parts {
        auth: AuthChoice::Use(Auth::bearer("a\r\nInjected: 1")),
        ..Parts::default()
    };
    match merge(&Defaults::default(), Method::GET, URL, parts) {
        Err(Error::Builder {
            url: Some(url),
            reason: BuildError::Credentials,
        }) => {
            assert_eq!(url.as_str(), "http://a.test/path");
        }
        other => panic!("expected a Credentials builder error, got {other:?}"),
    }
}

// ---------------------------------------------------------------- cookies, proxy credentials

#[test]
fn caller_cookie_headers_are_taken_out_and_joined() {
    struct Case {
        name: &'static str,
        session: &'static [(&'static str, &'static str)],
        request: &'static [(&'static str, &'static str)],
        want: Option<&'static str>,
    }
    let cases = [
        Case {
            name: "none",
            session: &[],
            request: &[],
            want: None,
        },
        Case {
            name: "one request header",
            session: &[],
            request: &[("Cookie", "a=1")],
            want: Some("a=1"),
        },
        Case {
            name: "several request headers joined with '; '",
            session: &[],
            request: &[("cookie", "a=1"), ("COOKIE", "b=2; c=3")],
            want: Some("a=1; b=2; c=3"),
        },
        Case {
            name: "a session header",
            session: &[("cookie", "s=1")],
            request: &[],
            want: Some("s=1"),
        },
        Case {
            name: "a request header replaces the session's",
            session: &[("cookie", "s=1")],
            request: &[("Cookie", "r=2")],
            want: Some("r=2"),
        },
    ];
    for case in cases {
        let parts = Parts {
            headers: request_headers(case.request),
            ..Parts::default()
        };
        let p = prepare(&with_headers(case.session), URL, parts);
        assert_eq!(p.raw_cookie, case.want.map(value), "case: {}", case.name);
        assert!(!p.fields().contains_key(COOKIE), "case: {}", case.name);
    }
}

#[test]
fn proxy_authorization_is_taken_out_for_the_proxy_alone() {
    // From the session's headers and from the request's (SES-03): never in the origin's
    // fields, kept for a proxy, the request's winning.
    let parts = Parts {
        headers: request_headers(&[("Proxy-Authorization", "Basic cmVxOnI="), ("x-a", "1")]),
        ..Parts::default()
    };
    let defaults = with_headers(&[("proxy-authorization", "Basic c2VzczpzCg==")]);
    let p = prepare(&defaults, URL, parts);
    assert!(!p.fields().contains_key(PROXY_AUTHORIZATION));
    assert_eq!(listed(p.fields()), strings(&[("x-a", "1")]));
    assert_eq!(p.authorization, None);
    assert_eq!(p.proxy_authorization, Some(value("Basic cmVxOnI=")));

    let p = prepare(&defaults, URL, Parts::default());
    assert!(p.fields().is_empty(), "{:?}", p.fields());
    assert_eq!(p.proxy_authorization, Some(value("Basic c2VzczpzCg==")));
}

// ---------------------------------------------------------------- body

#[test]
fn body_content_type_unless_the_caller_set_one() {
    struct Case {
        name: &'static str,
        session: &'static [(&'static str, &'static str)],
        request: &'static [(&'static str, &'static str)],
        body_type: Option<&'static str>,
        want: Option<&'static str>,
    }
    let cases = [
        Case {
            name: "JSON body",
            session: &[],
            request: &[],
            body_type: Some("application/json"),
            want: Some("application/json"),
        },
        Case {
            name: "form body",
            session: &[],
            request: &[],
            body_type: Some("application/x-www-form-urlencoded"),
            want: Some("application/x-www-form-urlencoded"),
        },
        Case {
            name: "the request's header wins",
            session: &[],
            request: &[("Content-Type", "application/vnd.api+json")],
            body_type: Some("application/json"),
            want: Some("application/vnd.api+json"),
        },
        Case {
            name: "the session's header wins",
            session: &[("content-type", "text/plain")],
            request: &[],
            body_type: Some("application/json"),
            want: Some("text/plain"),
        },
        Case {
            name: "a raw body implies nothing",
            session: &[],
            request: &[],
            body_type: None,
            want: None,
        },
    ];
    for case in cases {
        let parts = Parts {
            headers: request_headers(case.request),
            body: Some("{}".into()),
            ..Parts::default()
        };
        let mut parts = parts;
        parts.headers.body_type = case.body_type.map(value);
        let p = prepare(&with_headers(case.session), URL, parts);
        let got: Vec<_> = p.fields().get_all(CONTENT_TYPE).iter().cloned().collect();
        let want: Vec<_> = case.want.into_iter().map(value).collect();
        assert_eq!(got, want, "case: {}", case.name);
        let body = p.body.as_ref().and_then(crate::Body::as_bytes);
        assert_eq!(
            body.map(|b| &b[..]),
            Some(&b"{}"[..]),
            "case: {}",
            case.name
        );
    }
}

// ---------------------------------------------------------------- timeouts, limits, hooks

#[test]
fn request_timeouts_override_the_sessions_and_some_none_means_no_limit() {
    let s = |secs| Some(Duration::from_secs(secs));
    let defaults = Defaults {
        timeouts: Timeouts {
            connect: s(1),
            read: s(3),
            total: s(4),
        },
        ..Defaults::default()
    };
    let p = prepare(&defaults, URL, Parts::default());
    assert_eq!(p.timeouts, defaults.timeouts, "no overrides");

    let parts = Parts {
        connect_timeout: Some(s(10)),
        read_timeout: None,
        timeout: Some(None),
        ..Parts::default()
    };
    let p = prepare(&defaults, URL, parts);
    let want = Timeouts {
        connect: s(10),
        read: s(3),
        total: None,
    };
    assert_eq!(p.timeouts, want);

    // A limit where the session has none.
    let defaults = Defaults::default();
    assert_eq!(defaults.timeouts.total, None);
    let parts = Parts {
        timeout: Some(s(5)),
        ..Parts::default()
    };
    assert_eq!(prepare(&defaults, URL, parts).timeouts.total, s(5));
}

#[test]
fn method_body_cookies_and_limits_come_along() {
    let mut defaults = Defaults::default();
    defaults.redirects.max = 7;
    defaults.redirects.https_only = true;
    defaults.max_body_size = 1234;
    let parts = Parts {
        body: Some("payload".into()),
        cookies: strings(&[("a", "1"), ("b", "2")]),
        ..Parts::default()
    };
    let p = merge(&defaults, Method::PATCH, URL, parts).unwrap();
    assert_eq!(p.method, Method::PATCH);
    let body = p.body.as_ref().and_then(crate::Body::as_bytes);
    assert_eq!(body.map(|b| &b[..]), Some(&b"payload"[..]));
    // Cookies for this request only; the caller's Cookie header is another thing.
    assert_eq!(p.cookies, strings(&[("a", "1"), ("b", "2")]));
    assert_eq!(p.raw_cookie, None);
    assert_eq!(
        (p.max_redirects, p.https_only, p.max_body_size),
        (7, true, 1234)
    );

    let parts = Parts {
        max_redirects: Some(0),
        follow_redirects: Some(false),
        ..Parts::default()
    };
    let p = prepare(&defaults, URL, parts);
    assert_eq!((p.max_redirects, p.follow_redirects), (0, false));
    let p = prepare(&Defaults::default(), URL, Parts::default());
    assert_eq!(
        (p.max_redirects, p.follow_redirects, p.https_only),
        (30, true, false)
    );
    assert!(p.body.is_none());
}

#[test]
fn request_hooks_replace_the_sessions() {
    let hook = || -> Hook { Arc::new(|_: &crate::Response| {}) };
    let (s1, s2, r1) = (hook(), hook(), hook());
    let defaults = Defaults {
        hooks: vec![s1.clone(), s2.clone()],
        ..Defaults::default()
    };
    let same = |got: &[Hook], want: &[&Hook]| {
        got.len() == want.len() && got.iter().zip(want).all(|(a, b)| Arc::ptr_eq(a, b))
    };

    let p = prepare(&defaults, URL, Parts::default());
    assert!(
        same(&p.hooks.0, &[&s1, &s2]),
        "session hooks: {:?}",
        p.hooks
    );

    let parts = Parts {
        hooks: Some(Hooks(vec![r1.clone()])),
        ..Parts::default()
    };
    let p = prepare(&defaults, URL, parts);
    assert!(same(&p.hooks.0, &[&r1]), "request hooks: {:?}", p.hooks);

    // An empty list from the request still replaces (runs no hooks).
    let parts = Parts {
        hooks: Some(Hooks::default()),
        ..Parts::default()
    };
    assert!(prepare(&defaults, URL, parts).hooks.0.is_empty());
}

// ---------------------------------------------------------------- URLs

#[test]
fn only_http_and_https_urls_with_a_host_are_accepted() {
    let refused = [
        "ftp://a.test/file",
        "file:///etc/passwd",
        "data:text/plain,hello",
        "javascript:alert(1)",
        "mailto:someone@a.test",
        "ws://a.test/socket",
        "http://",
        "https://:443/",
        "/relative/path",
        "a.test/path",
        "not a url",
        "",
        "http://[::1/",
    ];
    for url in refused {
        match merge(&Defaults::default(), Method::GET, url, Parts::default()) {
            Err(Error::InvalidUrl { url: given, reason }) => {
                assert_eq!(given, url);
                assert!(
                    matches!(
                        reason,
                        UrlError::Parse(_) | UrlError::UnsupportedScheme(_) | UrlError::NoHost
                    ),
                    "{url:?}: {reason}"
                );
            }
            other => panic!("{url:?}: expected InvalidUrl, got {other:?}"),
        }
    }

    let accepted = [
        ("HTTP://A.TEST/x", "http://a.test/x"),
        ("https://a.test", "https://a.test/"),
        ("http://a.test:8080/p?q", "http://a.test:8080/p?q"),
        ("http://127.0.0.1:1/", "http://127.0.0.1:1/"),
        ("http://[::1]/", "http://[::1]/"),
        ("http://a.test:80/", "http://a.test/"),
    ];
    for (url, want) in accepted {
        assert_eq!(
            prepare(&Defaults::default(), url, Parts::default())
                .url
                .as_str(),
            want
        );
    }
}

impl Prepared {
    /// The headers [`prepare`] wrote out.
    fn fields(&self) -> &http::HeaderMap {
        self.headers
            .as_ref()
            .expect("prepare writes the headers out")
    }
}

#[test]
fn a_request_that_edits_no_header_sends_the_sessions_map_as_it_is() {
    let p = merge(&Defaults::default(), Method::GET, URL, Parts::default()).unwrap();
    assert!(p.headers.is_none(), "no copy of the session's headers");
    let edited = Parts {
        headers: request_headers(&[("x-a", "1")]),
        ..Parts::default()
    };
    let p = merge(&Defaults::default(), Method::GET, URL, edited).unwrap();
    assert!(p.headers.is_some(), "an edit makes a merged map");
    // Headers the session must not send as they are make a merged map too.
    for (name, val) in [
        ("authorization", "Basic eDp5"),
        ("cookie", "a=1"),
        ("proxy-authorization", "Basic eDp5"),
    ] {
        let p = merge(
            &with_headers(&[(name, val)]),
            Method::GET,
            URL,
            Parts::default(),
        )
        .unwrap();
        assert!(!p.fields().contains_key(name), "{name} is taken out");
    }
}

// ---------------------------------------------------------------- builder edits in order

#[test]
fn header_edits_apply_in_the_order_they_were_made() {
    let session = with_headers(&[("x-a", "s"), ("accept", "*/*")]);
    let run = |edit: &dyn Fn(&mut HeaderEdits)| {
        let mut headers = HeaderEdits::default();
        edit(&mut headers);
        let parts = Parts {
            headers,
            ..Parts::default()
        };
        listed(prepare(&session, URL, parts).fields())
    };
    let want = |pairs: &[(&str, &str)]| strings(pairs);
    // Setting twice keeps the last value only, as a dict does.
    assert_eq!(
        run(&|h| {
            h.set(name("x-a"), value("1"));
            h.set(name("X-A"), value("2"));
        }),
        want(&[("x-a", "2"), ("accept", "*/*")])
    );
    // Appending keeps the session's value and adds after it, in its place.
    assert_eq!(
        run(&|h| h.append(name("x-a"), value("2"))),
        want(&[("x-a", "s"), ("x-a", "2"), ("accept", "*/*")])
    );
    // A removal removes what the builder set before it, not only the session's value.
    assert_eq!(
        run(&|h| {
            h.set(name("x-new"), value("1"));
            h.append(name("x-a"), value("2"));
            h.remove(name("x-new"));
            h.remove(name("x-a"));
        }),
        want(&[("accept", "*/*")])
    );
    // A value set after a removal is sent, as if only set; one appended after a removal
    // follows the session's headers, whose values of the name stay removed.
    assert_eq!(
        run(&|h| {
            h.remove(name("x-a"));
            h.set(name("x-a"), value("3"));
        }),
        want(&[("x-a", "3"), ("accept", "*/*")])
    );
    assert_eq!(
        run(&|h| {
            h.remove(name("x-a"));
            h.append(name("x-a"), value("4"));
        }),
        want(&[("accept", "*/*"), ("x-a", "4")])
    );
}

#[test]
fn query_edits_apply_in_the_order_they_were_made() {
    let defaults = Defaults {
        query: strings(&[("a", "s"), ("b", "s")]),
        ..Defaults::default()
    };
    let run = |edit: &dyn Fn(&mut QueryEdits)| {
        let mut query = QueryEdits::default();
        edit(&mut query);
        let parts = Parts {
            query,
            ..Parts::default()
        };
        prepare(&defaults, URL, parts).url.to_string()
    };
    assert_eq!(
        run(&|q| {
            q.add("c".into(), "1".into());
            q.remove("c");
            q.remove("a");
        }),
        "http://a.test/path?b=s"
    );
    assert_eq!(
        run(&|q| {
            q.remove("a");
            q.add("a".into(), "r".into());
        }),
        "http://a.test/path?b=s&a=r"
    );
}
