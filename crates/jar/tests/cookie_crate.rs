//! Where the `cookie` crate's `Cookie::parse` (0.18) departs from RFC 6265 §5.2, and what
//! `tarry_jar` does with the same line. These are the reasons `src/parse.rs` parses
//! `Set-Cookie` itself; each claim in its module doc has a test here, so that a `cookie`
//! release that changes behaviour shows up as a failure rather than a stale comment.
//!
//! Each test first shows a line both parsers read alike, so that a difference cannot come from
//! misusing either API.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cookie::Cookie as Theirs;
use tarry_jar::{Cookie, Jar, parse_cookie_date};
use url::Url;

/// 2026-01-01T00:00:00Z.
const T0_UNIX: u64 = 1_767_225_600;

fn at_unix(secs: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs.try_into().expect("after 1970"))
}

/// The one cookie `line` makes when `http://a.test/dir/page` sends it at `now`.
fn ours_at(line: &str, now: SystemTime) -> Cookie {
    let jar = Jar::new();
    let report = jar.store_response(&Url::parse("http://a.test/dir/page").unwrap(), [line], now);
    assert_eq!(report.stored, 1, "{line:?}: {:?}", report.rejected);
    jar.cookies_at(now).pop().unwrap()
}

fn ours(line: &str) -> Cookie {
    ours_at(line, at_unix(T0_UNIX.try_into().unwrap()))
}

fn theirs(line: &str) -> Theirs<'_> {
    Theirs::parse(line).unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

/// §5.2 trims only SP and HTAB ("remove any leading or trailing WSP characters"); `cookie`
/// uses `str::trim`, which also strips Unicode white space such as NO-BREAK SPACE and
/// EM SPACE, from names, values and attribute values.
#[test]
fn cookie_trims_unicode_white_space_where_the_rfc_trims_sp_and_htab() {
    let (t, o) = (theirs(" \tn\t = \tv \t"), ours(" \tn\t = \tv \t"));
    assert_eq!((t.name(), t.value()), ("n", "v"));
    assert_eq!((o.name(), o.value()), ("n", "v"));

    let line = "\u{a0}n\u{2003}=\u{2003}v\u{a0}";
    let t = theirs(line);
    assert_eq!((t.name(), t.value()), ("n", "v"));
    let o = ours(line);
    assert_eq!(
        (o.name(), o.value()),
        ("\u{a0}n\u{2003}", "\u{2003}v\u{a0}")
    );

    // In an attribute value: `cookie` reads a Max-Age the RFC ignores (not all DIGITs).
    let line = "n=v; Max-Age=\u{a0}60";
    assert_eq!(
        theirs(line).max_age(),
        Some(cookie::time::Duration::seconds(60))
    );
    assert_eq!(ours(line).expires(), None, "ignored: a session cookie");
}

/// §5.2.2: "If the first character of the attribute-value is not a DIGIT or a "-" character,
/// ignore the cookie-av." An empty value has no first character to pass that test. `cookie`
/// reads it as the largest duration it has: a cookie that never expires.
#[test]
fn cookie_reads_an_empty_max_age_as_forever() {
    let sixty = cookie::time::Duration::seconds(60);
    assert_eq!(theirs("n=v; Max-Age=60").max_age(), Some(sixty));
    let now = at_unix(T0_UNIX.try_into().unwrap());
    assert_eq!(
        ours("n=v; Max-Age=60").expires(),
        Some(now + Duration::from_secs(60))
    );

    let t = theirs("n=v; Max-Age=");
    assert_eq!(t.max_age(), Some(cookie::time::Duration::seconds(i64::MAX)));
    assert_eq!(
        ours("n=v; Max-Age=").expires(),
        None,
        "ignored: a session cookie"
    );
    // And an empty value after an earlier valid one: `cookie` overrides it, we keep it.
    let line = "n=v; Max-Age=60; Max-Age=";
    assert_eq!(
        theirs(line).max_age(),
        Some(cookie::time::Duration::seconds(i64::MAX))
    );
    assert_eq!(ours(line).expires(), Some(now + Duration::from_secs(60)));
}

/// §5.1.1 reads dates by tokens, in any order, with one-digit fields, without `GMT`, with
/// trailing zone text. `cookie` accepts four fixed layouts and drops any other `Expires`, so
/// the cookie silently becomes a session cookie. Inputs from the http-state date suite.
#[test]
fn cookie_ignores_expires_dates_only_the_rfc_algorithm_reads() {
    let agreed = "Wed, 21 Oct 2015 07:28:00 GMT";
    let unix = theirs(&format!("n=v; Expires={agreed}"))
        .expires_datetime()
        .map(|d| d.unix_timestamp());
    assert_eq!(unix, Some(1_445_412_480));
    assert_eq!(parse_cookie_date(agreed), unix);

    for date in [
        "Thu, 10 Dec 2009 13:57:2 GMT",            // one-digit seconds
        "Sat, 15-Apr-17 21:01:22",                 // no GMT
        "Wed Dec 12 2007 08:44:07 GMT-0500 (EST)", // JavaScript's Date.toString()
        "15 April 2017 21:01:22",                  // no weekday, full month name
        "Thu Apr 18 2007 GMT 22:50:12",            // time last
    ] {
        let line = format!("n=v; Expires={date}");
        assert_eq!(theirs(&line).expires(), None, "{date}: `cookie` ignores it");

        let unix = parse_cookie_date(date).unwrap_or_else(|| panic!("{date}: §5.1.1 reads it"));
        // Stored a day before that instant, so that neither expiry nor the 400-day cap hides
        // the parsed date.
        let o = ours_at(&line, at_unix(unix - 86_400));
        assert_eq!(o.expires(), Some(at_unix(unix)), "{date}");
    }
}

/// §5.2.4: "If the attribute-value is empty or if the first character of the attribute-value
/// is not %x2F ("/"): Let cookie-path be the default-path." `cookie` keeps the value as the path.
#[test]
fn cookie_keeps_a_path_that_does_not_start_with_a_slash() {
    assert_eq!(theirs("n=v; Path=/x").path(), Some("/x"));
    assert_eq!(ours("n=v; Path=/x").path(), "/x");

    for line in ["n=v; Path=x", "n=v; Path=x/y", "n=v; Path="] {
        let kept = line.split_once("Path=").unwrap().1;
        assert_eq!(theirs(line).path(), Some(kept), "{line}");
        assert_eq!(
            ours(line).path(),
            "/dir",
            "{line}: the default-path of /dir/page"
        );
    }
}
