//! The `cookie` feature: a jar's cookie as a `cookie::Cookie`, and `Jar::add_for`, which adds
//! a `cookie::Cookie` as if a URL had set it. On a fixed clock, 2026-01-01T00:00:00Z.

#![cfg(feature = "cookie")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cookie::Cookie as Theirs;
use cookie::time::Duration as TimeDuration;
use tarry_jar::{Error, Jar, NewCookie, RejectReason, SameSite};
use url::Url;

const T0_UNIX: u64 = 1_767_225_600;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0_UNIX + secs)
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

/// Why `jar` refuses `cookie` from `from`, or `None` when it takes it.
fn refusal(jar: &Jar, from: &str, cookie: &Theirs<'_>) -> Option<RejectReason> {
    match jar.add_for_at(&url(from), cookie, at(0)) {
        Ok(()) => None,
        Err(Error::Rejected(reason)) => Some(reason),
        Err(other) => panic!("not a refusal: {other}"),
    }
}

#[test]
fn a_jar_cookie_becomes_a_cookie_crate_cookie() {
    let jar = Jar::new();
    jar.add_at(
        NewCookie::new("sid", "abc")
            .domain("example.test")
            .path("/app")
            .secure(true)
            .http_only(true)
            .same_site(SameSite::Strict)
            .max_age(Duration::from_secs(60)),
        at(0),
    )
    .unwrap();
    jar.add_at(NewCookie::new("h", "a;b").host("www.example.test"), at(0))
        .unwrap();

    let sid = jar.get_at("example.test", "/app", "sid", at(0)).unwrap();
    let theirs = Theirs::from(&sid);
    assert_eq!(theirs.name_value(), ("sid", "abc"));
    assert_eq!(theirs.domain(), Some("example.test"));
    assert_eq!(theirs.path(), Some("/app"));
    assert_eq!(
        (theirs.secure(), theirs.http_only()),
        (Some(true), Some(true))
    );
    assert_eq!(theirs.same_site(), Some(cookie::SameSite::Strict));
    let expires = theirs.expires_datetime().map(|d| d.unix_timestamp());
    assert_eq!(expires, Some(i64::try_from(T0_UNIX + 60).unwrap()));
    assert_eq!(theirs.max_age(), None, "the expiry is absolute");

    // Host-only: no Domain, as it had none. Session: no expiry. The value is the text.
    let h = jar.get_at("www.example.test", "/", "h", at(0)).unwrap();
    let theirs = Theirs::from(&h);
    assert_eq!(theirs.name_value(), ("h", "a;b"));
    assert_eq!(theirs.domain(), None);
    assert_eq!(theirs.expires(), None);
    assert_eq!(
        (theirs.secure(), theirs.http_only(), theirs.same_site()),
        (Some(false), Some(false), None)
    );
}

#[test]
fn add_for_scopes_like_a_response_from_the_url() {
    let jar = Jar::new();
    let page = "https://www.example.test/dir/page";
    // No Domain: host-only; no Path: the default-path.
    assert_eq!(refusal(&jar, page, &Theirs::new("plain", "1")), None);
    let plain = jar
        .get_at("www.example.test", "/dir", "plain", at(0))
        .unwrap();
    assert!(plain.host_only());
    // A Domain the host may set, a Path, attributes, Max-Age.
    let wide = Theirs::build(("wide", "2"))
        .domain("Example.TEST")
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .max_age(TimeDuration::seconds(60))
        .build();
    assert_eq!(refusal(&jar, page, &wide), None);
    let w = jar.get_at("example.test", "/", "wide", at(0)).unwrap();
    assert!(!w.host_only() && w.secure() && w.http_only());
    assert_eq!(w.same_site(), Some(SameSite::Lax));
    assert_eq!(w.expires(), Some(at(60)));

    let header = |to: &str| jar.cookie_header(&url(to), at(1));
    assert_eq!(
        header("https://www.example.test/dir/x").as_deref(),
        Some("plain=1; wide=2")
    );
    assert_eq!(
        header("https://api.example.test/").as_deref(),
        Some("wide=2")
    );
    assert_eq!(header("http://api.example.test/"), None, "Secure");

    // Expires is carried over; Max-Age wins over it.
    let expires = |secs: u64| {
        cookie::time::OffsetDateTime::from_unix_timestamp(i64::try_from(secs).unwrap()).unwrap()
    };
    let e = Theirs::build(("e", "1"))
        .expires(expires(T0_UNIX + 30))
        .build();
    assert_eq!(refusal(&jar, page, &e), None);
    let e = jar.get_at("www.example.test", "/dir", "e", at(0)).unwrap();
    assert_eq!(e.expires(), Some(at(30)));
    let both = Theirs::build(("both", "1"))
        .expires(expires(T0_UNIX + 30))
        .max_age(TimeDuration::seconds(5))
        .build();
    assert_eq!(refusal(&jar, page, &both), None);
    let both = jar
        .get_at("www.example.test", "/dir", "both", at(0))
        .unwrap();
    assert_eq!(both.expires(), Some(at(5)));

    // Max-Age=0 deletes.
    let gone = Theirs::build(("wide", ""))
        .domain("example.test")
        .path("/")
        .max_age(TimeDuration::ZERO)
        .build();
    assert_eq!(refusal(&jar, page, &gone), None);
    assert!(jar.get_at("example.test", "/", "wide", at(0)).is_none());
}

#[test]
fn add_for_refuses_what_a_server_or_a_new_cookie_could_not_set() {
    let page = "https://www.example.test/";
    let cases = [
        (
            page,
            Theirs::build(("n", "v")).domain("other.test").build(),
            RejectReason::DomainMismatch,
        ),
        (
            page,
            Theirs::build(("n", "v")).domain("ample.test").build(),
            RejectReason::DomainMismatch,
        ),
        (
            page,
            Theirs::build(("n", "v"))
                .domain("a.www.example.test")
                .build(),
            RejectReason::DomainMismatch,
        ),
        (
            page,
            Theirs::build(("n", "v")).domain("test").build(),
            RejectReason::PublicSuffix,
        ),
        (
            "http://www.example.test/",
            Theirs::build(("n", "v")).secure(true).build(),
            RejectReason::SecureFromInsecureOrigin,
        ),
        (
            page,
            Theirs::build(("__Host-n", "v"))
                .secure(true)
                .path("/")
                .domain("example.test")
                .build(),
            RejectReason::PrefixRules,
        ),
        (
            page,
            Theirs::build(("__Secure-n", "v")).build(),
            RejectReason::PrefixRules,
        ),
        (page, Theirs::new("a b", "v"), RejectReason::InvalidName),
        (page, Theirs::new("", "v"), RejectReason::EmptyName),
        (
            page,
            Theirs::new("n", "a\tb"),
            RejectReason::ControlCharacter,
        ),
        (
            page,
            Theirs::new("n", "a\r\nb"),
            RejectReason::ControlCharacter,
        ),
        (
            page,
            Theirs::new("n", "v".repeat(4096)),
            RejectReason::TooLarge,
        ),
        (
            page,
            Theirs::build(("n", "v")).path("x").build(),
            RejectReason::InvalidPath,
        ),
        (
            page,
            Theirs::build(("n", "v")).path("/a;b").build(),
            RejectReason::InvalidPath,
        ),
        (
            "data:text/plain,x",
            Theirs::new("n", "v"),
            RejectReason::NoHost,
        ),
    ];
    for (from, cookie, reason) in cases {
        let jar = Jar::new();
        assert_eq!(
            refusal(&jar, from, &cookie),
            Some(reason),
            "{from} {cookie}"
        );
        assert!(jar.is_empty(), "{from} {cookie}");
    }

    // An http URL cannot overwrite a Secure cookie.
    let jar = Jar::new();
    let secure = Theirs::build(("s", "1")).secure(true).path("/").build();
    assert_eq!(refusal(&jar, "https://a.test/", &secure), None);
    assert_eq!(
        refusal(
            &jar,
            "http://a.test/",
            &Theirs::build(("s", "2")).path("/").build()
        ),
        Some(RejectReason::ShadowsSecureCookie)
    );
}

#[test]
fn add_for_quotes_what_is_not_a_cookie_value_and_keeps_what_is() {
    let jar = Jar::new();
    let page = "http://a.test/";
    // Not a cookie-value: quoted, as a NewCookie's would be.
    assert_eq!(refusal(&jar, page, &Theirs::new("q", "a;b, c")), None);
    // A cookie-value, quotes and all (as `Cookie::parse` keeps them): sent as it is, as a
    // server's `Set-Cookie: d="abc"` would be.
    assert_eq!(
        refusal(&jar, page, &Theirs::parse("d=\"abc\"").unwrap()),
        None
    );
    assert_eq!(refusal(&jar, page, &Theirs::new("p", "x=1")), None);
    let q = jar.get_at("a.test", "/", "q", at(0)).unwrap();
    let d = jar.get_at("a.test", "/", "d", at(0)).unwrap();
    assert_eq!((q.value(), q.sent_quoted()), ("a;b, c", true));
    assert_eq!((d.value(), d.sent_quoted()), ("\"abc\"", false));
    assert_eq!(
        jar.cookie_header(&url(page), at(1)).as_deref(),
        Some(r#"q="a\073b\054 c"; d="abc"; p=x=1"#)
    );
}

/// Out through `From`, back in through `add_for` at a URL of the cookie's host: the same
/// cookies, the same header.
#[test]
fn cookies_round_trip_through_the_cookie_crate() {
    let jar = Jar::new();
    let site = url("https://www.example.test/app/page");
    // One a second, so that creation times alone order the header.
    for (t, line) in (0..).zip([
        "sid=abc; Domain=example.test; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=600",
        "theme=\"dark\"; Path=/app",
        "q=1",
    ]) {
        jar.insert(&site, line, at(t)).unwrap();
    }
    jar.add_at(
        NewCookie::new("note", "a;b, \"c\"")
            .host("www.example.test")
            .path("/app"),
        at(3),
    )
    .unwrap();

    // Each added back at its creation time, so that the header keeps its order.
    let mut all = jar.cookies_at(at(3));
    all.sort_by_key(tarry_jar::Cookie::created);
    let copy = Jar::new();
    for c in &all {
        copy.add_for_at(&site, &Theirs::from(c), c.created())
            .unwrap();
    }
    let summary = |j: &Jar| {
        let mut all: Vec<_> = j
            .cookies_at(at(3))
            .iter()
            .map(|c| {
                (
                    c.name().to_owned(),
                    c.value().to_owned(),
                    c.domain().to_owned(),
                    c.path().to_owned(),
                    (c.host_only(), c.secure(), c.http_only(), c.sent_quoted()),
                    format!("{:?}", c.same_site()),
                    c.expires(),
                    c.created(),
                )
            })
            .collect();
        all.sort();
        all
    };
    assert_eq!(summary(&copy), summary(&jar));
    let page = url("https://www.example.test/app/x");
    assert_eq!(
        copy.cookie_header(&page, at(4)),
        jar.cookie_header(&page, at(4))
    );
    assert_eq!(
        copy.cookie_header(&page, at(4)).as_deref(),
        Some(r#"theme="dark"; q=1; note="a\073b\054 \"c\""; sid=abc"#)
    );
}
