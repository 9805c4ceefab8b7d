//! `Secure` and the name prefixes: JAR-04 and JAR-05 (6265bis).

use tarry_jar::{Jar, RejectReason};

use super::{at, header, store};

#[test]
fn jar_04_secure_cookies_come_from_and_go_to_https_only() {
    let jar = Jar::new();
    // Secure from http is ignored whole, not stored as a plain cookie.
    let report = store(&jar, "http://a.test/", &["t=1; Secure"], at(0));
    assert_eq!(
        report.rejected,
        [(0, RejectReason::SecureFromInsecureOrigin)]
    );
    assert!(jar.is_empty());

    store(
        &jar,
        "https://a.test/",
        &["s=1; Secure", "app=1; Secure; Path=/app"],
        at(0),
    );
    // http can neither overwrite, delete, nor shadow it (deeper path, parent domain, subdomain).
    for (from, line) in [
        ("http://a.test/", "s=2"),
        ("http://a.test/", "s=; Max-Age=0"),
        ("http://a.test/", "s=3; Path=/deeper"),
        ("http://www.a.test/", "s=4"),
        ("http://www.a.test/", "s=5; Domain=a.test"),
        ("http://a.test/app/x", "app=2"),
    ] {
        let report = store(&jar, from, &[line], at(1));
        assert_eq!(
            report.rejected,
            [(0, RejectReason::ShadowsSecureCookie)],
            "{from} {line}"
        );
    }
    assert_eq!(jar.len(), 2);
    assert_eq!(jar.get("a.test", "/", "s").unwrap().value(), "1");

    // The rule is about that name and the paths it covers, nothing wider.
    let report = store(
        &jar,
        "http://a.test/",
        &["other=1", "app=3; Path=/"], // `/` does not path-match `/app`
        at(2),
    );
    assert_eq!(report.stored, 2);

    // Never sent over http; over https, alongside the plain cookies.
    assert_eq!(
        header(&jar, "http://a.test/app/x", at(3)).as_deref(),
        Some("other=1; app=3")
    );
    assert_eq!(
        header(&jar, "https://a.test/app/x", at(3)).as_deref(),
        Some("app=1; s=1; other=1; app=3")
    );
    assert_eq!(
        header(&jar, "wss://a.test/", at(3)).as_deref(),
        Some("s=1; other=1; app=3")
    );
    assert_eq!(
        header(&jar, "ws://a.test/", at(3)).as_deref(),
        Some("other=1; app=3")
    );

    // https may replace its own Secure cookie.
    let report = store(&jar, "https://a.test/", &["s=9; Secure"], at(4));
    assert_eq!(report.stored, 1);
    assert_eq!(jar.get("a.test", "/", "s").unwrap().value(), "9");
}

#[test]
fn jar_05_name_prefixes_are_enforced_in_any_case() {
    let lines = [
        "__Secure-no=1",                                  // 0: no Secure
        "__Secure-ok=1; Secure",                          // 1
        "__SECURE-no=1",                                  // 2: case variant, no Secure
        "__secure-ok=1; Secure",                          // 3
        "__Host-ok=1; Secure; Path=/",                    // 4
        "__Host-domain=1; Secure; Path=/; Domain=a.test", // 5: has Domain
        "__Host-plain=1; Path=/",                         // 6: no Secure
        "__Host-deep=1; Secure; Path=/x",                 // 7: Path is not /
        "__Host-nopath=1; Secure",                        // 8: no Path attribute
        "__HOST-domain=1; Secure; Path=/; Domain=a.test", // 9: case variant, has Domain
        "__host-ok=1; Secure; Path=/",                    // 10
        "__Host-late=1; Secure; Path=/; Path=/x",         // 11: the last Path is not /
        "__Securex=1",                                    // 12: not the prefix
        "x__Secure-=1",                                   // 13: not a prefix
    ];
    let refused = [0, 2, 5, 6, 7, 8, 9, 11];

    let jar = Jar::new();
    // Set from a page whose default-path is `/`, so that a missing Path would pass unnoticed.
    let report = store(&jar, "https://a.test/login", &lines, at(0));
    let got: Vec<_> = report.rejected.iter().map(|(i, _)| *i).collect();
    assert_eq!(got, refused);
    assert!(
        report
            .rejected
            .iter()
            .all(|(_, r)| *r == RejectReason::PrefixRules)
    );
    let mut kept: Vec<_> = jar.cookies().iter().map(|c| c.name().to_owned()).collect();
    kept.sort();
    assert_eq!(
        kept,
        [
            "__Host-ok",
            "__Secure-ok",
            "__Securex",
            "__host-ok",
            "__secure-ok",
            "x__Secure-"
        ]
    );

    // From http, none of the prefixed cookies survives (either rule refuses each).
    let jar = Jar::new();
    let report = store(&jar, "http://a.test/", &lines, at(0));
    assert_eq!(report.stored, 2);
    let mut kept: Vec<_> = jar.cookies().iter().map(|c| c.name().to_owned()).collect();
    kept.sort();
    assert_eq!(kept, ["__Securex", "x__Secure-"]);
}
