//! Expiry (JAR-09): Max-Age over Expires, deletion, the 400-day cap, absurd values.

use std::time::{Duration, UNIX_EPOCH};

use tarry_jar::Jar;

use super::{DAY, FOUR_HUNDRED_DAYS, T0_UNIX, at, header, store};

fn expiry_of(line: &str) -> Option<Option<std::time::SystemTime>> {
    let jar = Jar::new();
    let report = store(&jar, "http://a.test/", &[line], at(0));
    assert_eq!(report.stored, 1, "{line}");
    jar.get_at("a.test", "/", "a", at(0)).map(|c| c.expires())
}

#[test]
fn jar_09_expiry_edge_cases() {
    let capped = Some(Some(at(0) + FOUR_HUNDRED_DAYS));
    let cases = [
        // Past dates: the cookie is not kept.
        ("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", None),
        ("a=1; Expires=Fri, 07 Aug 2007 08:04:19 GMT", None),
        // Far futures are capped at 400 days.
        ("a=1; Expires=Sat, 01 Jan 2525 00:00:00 GMT", capped),
        ("a=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT", capped),
        // Year 99999 is not a cookie-date (§5.1.1: at most four digits): a session cookie.
        ("a=1; Expires=Fri, 31 Dec 99999 23:59:59 GMT", Some(None)),
        ("a=1; Expires=tomorrow", Some(None)),
        ("a=1; Expires=", Some(None)),
        // Max-Age: relative; zero and negative delete; huge values saturate, then are capped.
        ("a=1; Max-Age=60", Some(Some(at(60)))),
        ("a=1; Max-Age=0", None),
        ("a=1; Max-Age=-1", None),
        ("a=1; Max-Age=18446744073709551616", capped),
        ("a=1; Max-Age=-99999999999999999999999", None),
        ("a=1; Max-Age=34560001", capped), // 400 days and one second
        ("a=1; Max-Age=34560000", capped),
        ("a=1; Max-Age=1e3", Some(None)), // not a number: ignored
        ("a=1; Max-Age=", Some(None)),
        // Max-Age beats Expires in either order.
        (
            "a=1; Max-Age=60; Expires=Fri, 07 Aug 2007 08:04:19 GMT",
            Some(Some(at(60))),
        ),
        (
            "a=1; Expires=Fri, 07 Aug 2007 08:04:19 GMT; Max-Age=60",
            Some(Some(at(60))),
        ),
        (
            "a=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT; Max-Age=0",
            None,
        ),
        // An ignored Max-Age does not hide a valid Expires.
        (
            "a=1; Expires=Fri, 02 Jan 2026 00:00:00 GMT; Max-Age=x",
            Some(Some(at(DAY))),
        ),
    ];
    for (line, want) in cases {
        assert_eq!(expiry_of(line), want, "{line}");
    }
}

#[test]
fn jar_09_past_expiry_deletes_and_expired_cookies_are_not_sent() {
    let jar = Jar::new();
    store(
        &jar,
        "http://a.test/",
        &["a=1", "b=1", "c=1", "d=1; Max-Age=60"],
        at(0),
    );
    let report = store(
        &jar,
        "http://a.test/",
        &[
            "a=; Max-Age=0",
            "b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            "c=; Max-Age=-5",
        ],
        at(1),
    );
    assert_eq!(report.stored, 3, "a deletion counts as stored");
    assert_eq!(jar.len(), 1);

    assert_eq!(
        header(&jar, "http://a.test/", at(59)).as_deref(),
        Some("d=1")
    );
    assert_eq!(
        header(&jar, "http://a.test/", at(60)),
        None,
        "expired at its instant"
    );
    assert_eq!(jar.len(), 1, "kept until cleared");
    let d = jar.cookies_at(at(59));
    assert!(d[0].expires_by(at(60)) && !d[0].expires_by(at(59)));
    // A lookup hides it and leaves it; a listing clears it.
    assert!(jar.get_at("a.test", "/", "d", at(60)).is_none());
    assert!(jar.get_at("a.test", "/", "d", at(59)).is_some());
    assert!(jar.cookies_at(at(60)).is_empty());
    assert_eq!(jar.len(), 0, "cleared by the listing");

    // Expires exactly now is already past.
    let now_date = "Thu, 01 Jan 2026 00:00:00 GMT";
    assert_eq!(
        tarry_jar::parse_cookie_date(now_date),
        Some(i64::try_from(T0_UNIX).unwrap())
    );
    let report = store(
        &jar,
        "http://a.test/",
        &[&format!("e=1; Expires={now_date}")],
        at(0),
    );
    assert_eq!(report.stored, 1);
    assert!(jar.is_empty(), "not even kept until cleared");

    // A session cookie has no expiry and is not persistent.
    store(&jar, "http://a.test/", &["s=1"], at(0));
    let s = jar.get("a.test", "/", "s").unwrap();
    assert!(!s.is_persistent() && s.expires().is_none());
    assert!(!s.expires_by(UNIX_EPOCH + Duration::from_secs(u64::from(u32::MAX) * 100)));
}
