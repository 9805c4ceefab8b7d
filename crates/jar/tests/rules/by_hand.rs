//! Cookies added by hand with `NewCookie`: what is refused and why, how the domain and host
//! scope them, a value with `;` and `,` sent as one quoted pair, replacement, expiry, limits.

use std::time::Duration;

use tarry_jar::{Error, Jar, Limits, NewCookie, RejectReason, SameSite};

use super::{FOUR_HUNDRED_DAYS, at, header, names, store, url};

/// Why `jar` refuses `cookie`, or `None` when it takes it.
fn refusal(jar: &Jar, cookie: NewCookie) -> Option<RejectReason> {
    match jar.add_at(cookie, at(0)) {
        Ok(()) => None,
        Err(Error::Rejected(reason)) => Some(reason),
        Err(other) => panic!("not a refusal: {other}"),
    }
}

fn on(host: &str, name: &str, value: &str) -> NewCookie {
    NewCookie::new(name, value).host(host)
}

#[test]
fn every_refusal_has_its_reason_and_leaves_the_jar_alone() {
    let big = "v".repeat(4096);
    let cases = [
        (on("a.test", "", "v"), RejectReason::EmptyName),
        (on("a.test", "a b", "v"), RejectReason::InvalidName),
        (on("a.test", "a=b", "v"), RejectReason::InvalidName),
        (on("a.test", "a;b", "v"), RejectReason::InvalidName),
        (on("a.test", "a,b", "v"), RejectReason::InvalidName),
        (on("a.test", "\"a\"", "v"), RejectReason::InvalidName),
        (on("a.test", "a/b", "v"), RejectReason::InvalidName),
        (on("a.test", "caf\u{e9}", "v"), RejectReason::InvalidName),
        (on("a.test", "a\tb", "v"), RejectReason::InvalidName),
        (on("a.test", "a\u{1}", "v"), RejectReason::InvalidName),
        (on("a.test", "n", "a\tb"), RejectReason::ControlCharacter),
        (
            on("a.test", "n", "a\r\nX: 1"),
            RejectReason::ControlCharacter,
        ),
        (on("a.test", "n", "\u{0}"), RejectReason::ControlCharacter),
        (on("a.test", "n", "a\u{7f}"), RejectReason::ControlCharacter),
        (on("a.test", "n", &big), RejectReason::TooLarge),
        (NewCookie::new("n", "v"), RejectReason::NoDomain),
        (on("", "n", "v"), RejectReason::InvalidDomain),
        (on(".", "n", "v"), RejectReason::InvalidDomain),
        (on("a..test", "n", "v"), RejectReason::InvalidDomain),
        (on("a b.test", "n", "v"), RejectReason::InvalidDomain),
        (on("a.test/evil", "n", "v"), RejectReason::InvalidDomain),
        (on("a.test:8080", "n", "v"), RejectReason::InvalidDomain),
        (on("a.test\nb.test", "n", "v"), RejectReason::InvalidDomain),
        (
            NewCookie::new("n", "v").domain("http://a.test/"),
            RejectReason::InvalidDomain,
        ),
        (
            NewCookie::new("n", "v").domain("com"),
            RejectReason::PublicSuffix,
        ),
        (
            NewCookie::new("n", "v").domain(".COM."),
            RejectReason::PublicSuffix,
        ),
        (on("a.test", "n", "v").path(""), RejectReason::InvalidPath),
        (
            on("a.test", "n", "v").path("x/y"),
            RejectReason::InvalidPath,
        ),
        (
            on("a.test", "n", "v").path("/a;b"),
            RejectReason::InvalidPath,
        ),
        (
            on("a.test", "n", "v").path("/a\nb"),
            RejectReason::InvalidPath,
        ),
        (on("a.test", "__Secure-n", "v"), RejectReason::PrefixRules),
        (on("a.test", "__SECURE-n", "v"), RejectReason::PrefixRules),
        (on("a.test", "__Host-n", "v"), RejectReason::PrefixRules),
        (
            NewCookie::new("__Host-n", "v")
                .domain("a.test")
                .secure(true),
            RejectReason::PrefixRules,
        ),
        (
            on("a.test", "__Host-n", "v").secure(true).path("/x"),
            RejectReason::PrefixRules,
        ),
    ];
    for (cookie, reason) in cases {
        let jar = Jar::new();
        let what = format!("{cookie:?}");
        assert_eq!(refusal(&jar, cookie), Some(reason), "{what}");
        assert!(jar.is_empty(), "{what}");
    }

    // The size limit is the jar's setting; a refusal keeps what was there.
    let jar = Jar::builder()
        .limits(Limits::default().max_name_value_bytes(4))
        .build();
    assert_eq!(refusal(&jar, on("a.test", "n", "123")), None);
    assert_eq!(
        refusal(&jar, on("a.test", "n", "1234")),
        Some(RejectReason::TooLarge)
    );
    assert_eq!(
        jar.get_at("a.test", "/", "n", at(0)).unwrap().value(),
        "123"
    );
    // `add` reports the reason as an `Error`.
    let err = jar.add(NewCookie::new("n", "v")).unwrap_err();
    assert!(
        matches!(err, Error::Rejected(RejectReason::NoDomain)),
        "{err}"
    );
}

#[cfg(feature = "public-suffix")]
#[test]
fn public_suffixes_are_refused_as_domains_and_allowed_as_hosts() {
    let jar = Jar::new();
    for suffix in ["co.uk", "CO.UK.", ".github.io"] {
        assert_eq!(
            refusal(&jar, NewCookie::new("n", "v").domain(suffix)),
            Some(RejectReason::PublicSuffix),
            "{suffix}"
        );
    }
    assert_eq!(refusal(&jar, on("github.io", "n", "v")), None);
    assert!(
        jar.get_at("github.io", "/", "n", at(0))
            .unwrap()
            .host_only()
    );
    assert_eq!(
        names(&jar, "https://github.io/", at(1)),
        ["n"],
        "the host itself"
    );
    assert!(names(&jar, "https://x.github.io/", at(1)).is_empty());
    // A jar without the check takes it as a domain.
    let open = Jar::builder().without_public_suffix_check().build();
    assert_eq!(
        refusal(&open, NewCookie::new("n", "v").domain("co.uk")),
        None
    );
}

#[test]
fn a_domain_reaches_subdomains_and_a_host_only_itself() {
    let jar = Jar::new();
    jar.add_at(NewCookie::new("dom", "1").domain(".Example.TEST."), at(0))
        .unwrap();
    jar.add_at(on("WWW.example.test", "host", "1"), at(1))
        .unwrap();
    let dom = jar.get_at("example.test", "/", "dom", at(1)).unwrap();
    let host = jar.get_at("www.example.test", "/", "host", at(1)).unwrap();
    assert!(!dom.host_only() && host.host_only());

    assert_eq!(
        header(&jar, "http://www.example.test/", at(2)).as_deref(),
        Some("dom=1; host=1")
    );
    for elsewhere in ["http://example.test/", "http://a.www.example.test/x"] {
        assert_eq!(
            header(&jar, elsewhere, at(2)).as_deref(),
            Some("dom=1"),
            "{elsewhere}"
        );
    }
    assert_eq!(header(&jar, "http://example.org/", at(2)), None);
    assert_eq!(header(&jar, "http://notexample.test/", at(2)), None);

    // IDNA and IP addresses: an IP is only ever itself, even given as a domain.
    jar.add_at(NewCookie::new("b", "1").domain("b\u{fc}cher.test"), at(3))
        .unwrap();
    assert!(jar.get_at("xn--bcher-kva.test", "/", "b", at(3)).is_some());
    assert_eq!(
        header(&jar, "http://shop.b\u{fc}cher.test/", at(4)).as_deref(),
        Some("b=1")
    );
    jar.add_at(NewCookie::new("ip", "1").domain("127.0.0.1"), at(3))
        .unwrap();
    jar.add_at(NewCookie::new("ip6", "1").domain("[::1]"), at(3))
        .unwrap();
    assert!(
        jar.get_at("127.0.0.1", "/", "ip", at(3))
            .unwrap()
            .host_only()
    );
    assert!(jar.get_at("::1", "/", "ip6", at(3)).unwrap().host_only());
    assert_eq!(
        header(&jar, "http://127.0.0.1:8080/", at(4)).as_deref(),
        Some("ip=1")
    );
    assert_eq!(
        header(&jar, "http://[::1]/", at(4)).as_deref(),
        Some("ip6=1")
    );

    // The last of `domain` and `host` decides.
    let jar = Jar::new();
    jar.add_at(
        NewCookie::new("n", "1").domain("a.test").host("www.a.test"),
        at(0),
    )
    .unwrap();
    assert!(names(&jar, "http://x.a.test/", at(1)).is_empty());
}

#[test]
fn path_secure_and_the_other_attributes() {
    let jar = Jar::new();
    jar.add_at(
        on("a.test", "__Host-s", "1")
            .secure(true)
            .http_only(true)
            .same_site(SameSite::Strict),
        at(0),
    )
    .unwrap();
    jar.add_at(
        NewCookie::new("__Secure-p", "1")
            .domain("a.test")
            .path("/app")
            .secure(true),
        at(0),
    )
    .unwrap();
    let s = jar.get_at("a.test", "/", "__Host-s", at(0)).unwrap();
    assert!(s.secure() && s.http_only() && s.host_only() && !s.is_persistent());
    assert_eq!(s.same_site(), Some(SameSite::Strict));
    assert_eq!(
        header(&jar, "https://a.test/app/x", at(1)).as_deref(),
        Some("__Secure-p=1; __Host-s=1")
    );
    assert_eq!(
        header(&jar, "https://a.test/", at(1)).as_deref(),
        Some("__Host-s=1")
    );
    assert_eq!(header(&jar, "http://a.test/app/x", at(1)), None, "Secure");
}

/// The reason for quoting: a value holding `;` and `,` is one cookie in the header, never a
/// second cookie or an attribute, and it reads back exactly.
#[test]
fn a_value_with_separators_goes_out_as_one_quoted_pair() {
    let jar = Jar::new();
    jar.add_at(on("a.test", "n", "a;b, c"), at(0)).unwrap();
    jar.add_at(on("a.test", "plain", "x=1"), at(1)).unwrap();

    let n = jar.get_at("a.test", "/", "n", at(1)).unwrap();
    assert_eq!(n.value(), "a;b, c", "kept exactly");
    assert!(n.sent_quoted());
    assert_eq!(n.pair(), r#"n="a\073b\054 c""#);
    let plain = jar.get_at("a.test", "/", "plain", at(1)).unwrap();
    assert!(!plain.sent_quoted() && plain.pair() == "plain=x=1");
    let listed: Vec<_> = jar
        .cookies_at(at(1))
        .iter()
        .map(|c| (c.name().to_owned(), c.value().to_owned()))
        .collect();
    assert!(
        listed.contains(&("n".to_owned(), "a;b, c".to_owned())),
        "{listed:?}"
    );

    let header = header(&jar, "http://a.test/", at(2)).unwrap();
    assert_eq!(header, r#"n="a\073b\054 c"; plain=x=1"#);
    assert_eq!(header.split("; ").count(), 2, "two cookies, no attribute");

    // Quotes, backslashes and non-ASCII text too; an empty value needs no quotes.
    jar.add_at(on("a.test", "q", r#"say "hi" \o/ é"#), at(3))
        .unwrap();
    jar.add_at(on("a.test", "e", ""), at(4)).unwrap();
    assert_eq!(
        jar.cookies_for(&url("http://a.test/"), at(5))
            .iter()
            .map(tarry_jar::Cookie::pair)
            .collect::<Vec<_>>(),
        [
            r#"n="a\073b\054 c""#,
            "plain=x=1",
            r#"q="say \"hi\" \\o/ é""#,
            "e="
        ]
    );
}

#[test]
fn replacing_keeps_the_creation_time_and_place() {
    let jar = Jar::new();
    store(&jar, "http://a.test/", &["a=server"], at(0));
    jar.add_at(on("a.test", "b", "1"), at(1)).unwrap();
    jar.add_at(
        on("a.test", "a", "mine").max_age(Duration::from_secs(100)),
        at(2),
    )
    .unwrap();
    let a = jar.get_at("a.test", "/", "a", at(2)).unwrap();
    assert_eq!((a.value(), a.created()), ("mine", at(0)));
    assert_eq!(a.expires(), Some(at(102)), "the new attributes");
    assert_eq!(a.last_access(), at(2));
    assert_eq!(
        header(&jar, "http://a.test/", at(3)).as_deref(),
        Some("a=mine; b=1")
    );
    // A domain cookie of the same name, domain and path is the same cookie (§5.3 step 11).
    jar.add_at(NewCookie::new("b", "2").domain("a.test"), at(4))
        .unwrap();
    assert_eq!(jar.len(), 2);
    let b = jar.get_at("a.test", "/", "b", at(4)).unwrap();
    assert_eq!((b.value(), b.created(), b.host_only()), ("2", at(1), false));
}

#[test]
fn expiry_deletion_and_the_400_day_cap() {
    let jar = Jar::new();
    jar.add_at(
        on("a.test", "m", "1").max_age(Duration::from_secs(60)),
        at(0),
    )
    .unwrap();
    jar.add_at(on("a.test", "x", "1").expires(at(30)), at(0))
        .unwrap();
    // Max-Age wins over Expires, whatever the order.
    jar.add_at(
        on("a.test", "both", "1")
            .max_age(Duration::from_secs(10))
            .expires(at(1000)),
        at(0),
    )
    .unwrap();
    let expiry = |name: &str| jar.get_at("a.test", "/", name, at(0)).unwrap().expires();
    assert_eq!(
        (expiry("m"), expiry("x"), expiry("both")),
        (Some(at(60)), Some(at(30)), Some(at(10)))
    );

    // A lookup does not see an expired cookie; a listing removes it.
    assert!(jar.get_at("a.test", "/", "x", at(29)).is_some());
    assert!(jar.get_at("a.test", "/", "x", at(30)).is_none());
    assert_eq!(jar.len(), 3, "a lookup only looks");
    assert_eq!(jar.cookies_at(at(30)).len(), 1);
    assert_eq!(jar.len(), 1, "the listing cleared `x` and `both`");

    // A past expiry, or a zero Max-Age, deletes like a server's.
    jar.add_at(on("a.test", "m", "").max_age(Duration::ZERO), at(1))
        .unwrap();
    assert!(jar.is_empty());
    jar.add_at(on("a.test", "m", "1"), at(1)).unwrap();
    jar.add_at(on("a.test", "m", "").expires(at(0)), at(1))
        .unwrap();
    assert!(jar.is_empty());

    // Far futures are capped.
    jar.add_at(
        on("a.test", "far", "1").max_age(Duration::from_secs(1000 * 86_400)),
        at(0),
    )
    .unwrap();
    jar.add_at(on("a.test", "far2", "1").expires(at(3000 * 86_400)), at(0))
        .unwrap();
    assert_eq!(expiry("far"), Some(at(0) + FOUR_HUNDRED_DAYS));
    assert_eq!(expiry("far2"), Some(at(0) + FOUR_HUNDRED_DAYS));
}

/// `add`, `get` and `cookies` on the system clock, against the fixed clock of the other tests:
/// what expired long ago by the system clock is neither looked up nor listed.
#[test]
fn the_clockless_methods_read_the_system_clock() {
    let jar = Jar::new();
    jar.add(on("a.test", "now", "1").max_age(Duration::from_secs(3600)))
        .unwrap();
    jar.add_at(
        on("a.test", "past", "1").max_age(Duration::from_secs(60)),
        at(0),
    )
    .unwrap();
    jar.add_at(on("a.test", "session", "1"), at(0)).unwrap();
    assert!(jar.get("a.test", "/", "now").is_some());
    assert!(jar.get("a.test", "/", "session").is_some());
    assert!(
        jar.get("a.test", "/", "past").is_none(),
        "expired years ago"
    );
    assert_eq!(jar.len(), 3);
    let mut listed: Vec<_> = jar.cookies().iter().map(|c| c.name().to_owned()).collect();
    listed.sort();
    assert_eq!(listed, ["now", "session"]);
    assert_eq!(jar.len(), 2, "the listing removed what it left out");
}

#[test]
fn the_jars_limits_apply_to_cookies_added_by_hand() {
    let jar = Jar::builder()
        .limits(
            Limits::default()
                .max_cookies_per_domain(2)
                .max_cookies_total(3),
        )
        .build();
    for (t, name) in (0..).zip(["a", "b", "c"]) {
        jar.add_at(on("a.test", name, "1"), at(t)).unwrap();
    }
    assert_eq!(
        names(&jar, "http://a.test/", at(10)),
        ["b", "c"],
        "least recently used out"
    );
    jar.add_at(on("b.test", "x", "1"), at(11)).unwrap();
    jar.add_at(on("c.test", "y", "1"), at(12)).unwrap();
    assert_eq!(jar.len(), 3);
    // `b` and `c` were sent at the same instant; `b`, stored first, goes first.
    assert_eq!(names(&jar, "http://a.test/", at(13)), ["c"]);
    assert_eq!(names(&jar, "http://b.test/", at(13)), ["x"]);
    assert_eq!(names(&jar, "http://c.test/", at(13)), ["y"]);
}
