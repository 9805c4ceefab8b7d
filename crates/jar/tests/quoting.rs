//! Cookies given by the caller (`cookie_pair`, `NewCookie`) as they go into a `Cookie` header:
//! a value that is not all cookie-octets is quoted the way Python's `http.cookies` quotes it,
//! so that it travels as one cookie and a Python server (`SimpleCookie`, Werkzeug) reads back
//! the very text given.
//!
//! The unquoting below is Python's `http.cookies._unquote`, rewritten from its rules: strip
//! one pair of surrounding double quotes, then turn `\` followed by three octal digits (the
//! first 0-3) into that character, and `\` followed by any other character into that
//! character.

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use tarry_jar::{Jar, NewCookie, RejectReason, cookie_pair};
use url::Url;

/// Python's `_unquote`.
fn unquote(text: &str) -> String {
    let Some(inner) = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|_| text.len() >= 2)
    else {
        return text.to_owned();
    };
    let chars: Vec<char> = inner.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '\\' || i + 1 == chars.len() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let octal = chars
            .get(i + 1..i + 4)
            .filter(|d| matches!(d[0], '0'..='3') && d[1..].iter().all(|c| matches!(c, '0'..='7')));
        match octal {
            Some(digits) => {
                let code = digits
                    .iter()
                    .fold(0, |n, d| n * 8 + d.to_digit(8).unwrap_or(0));
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                i += 4;
            }
            None => {
                out.push(chars[i + 1]);
                i += 2;
            }
        }
    }
    out
}

#[test]
fn the_unquoting_helper_follows_python() {
    // Each expectation is what `http.cookies._unquote` returns.
    assert_eq!(unquote(r#""a\073b\054 c""#), "a;b, c");
    assert_eq!(unquote(r#""say \"hi\" \\o/""#), r#"say "hi" \o/"#);
    assert_eq!(unquote(r#""\400""#), "400", "4 is not a first octal digit");
    assert_eq!(unquote("plain"), "plain");
    assert_eq!(unquote("\""), "\"");
    assert_eq!(unquote("\"\""), "");
}

#[test]
fn pairs_that_are_accepted() {
    for (name, value, pair) in [
        ("a", "b", "a=b"),
        ("a", "", "a="),
        ("a", "x=y", "a=x=y"),
        (
            "SID",
            "!#$%&'()*+-./:<=>?@[]^_`{|}~",
            "SID=!#$%&'()*+-./:<=>?@[]^_`{|}~",
        ),
        ("a", "a;b, c", r#"a="a\073b\054 c""#),
        ("a", "two words", r#"a="two words""#),
        ("a", "\"q\"", r#"a="\"q\"""#),
        ("a", "back\\slash", r#"a="back\\slash""#),
        ("a", "caf\u{e9}", "a=\"caf\u{e9}\""),
        ("__Host-x", "1", "__Host-x=1"),
    ] {
        let got = cookie_pair(name, value);
        assert_eq!(got.as_deref(), Ok(pair), "{name:?} {value:?}");
        let (_, written) = pair.split_once('=').unwrap();
        assert_eq!(unquote(written), value, "{pair}");
    }
}

#[test]
fn pairs_that_are_refused_with_the_reasons_of_a_new_cookie() {
    for (name, value, reason) in [
        ("", "v", RejectReason::EmptyName),
        ("a b", "v", RejectReason::InvalidName),
        ("a=b", "v", RejectReason::InvalidName),
        ("a;b", "v", RejectReason::InvalidName),
        ("caf\u{e9}", "v", RejectReason::InvalidName),
        ("a\t", "v", RejectReason::InvalidName),
        ("a\r\nX", "v", RejectReason::InvalidName),
        ("a", "\t", RejectReason::ControlCharacter),
        ("a", "v\r\nHost: evil", RejectReason::ControlCharacter),
        ("a", "\u{0}", RejectReason::ControlCharacter),
        ("a", "\u{7f}", RejectReason::ControlCharacter),
        ("a b", "\n", RejectReason::InvalidName),
    ] {
        assert_eq!(cookie_pair(name, value), Err(reason), "{name:?} {value:?}");
        let jar = Jar::new();
        let added = jar.add(NewCookie::new(name, value).host("a.test"));
        assert!(
            matches!(added, Err(tarry_jar::Error::Rejected(r)) if r == reason),
            "{name:?} {value:?}: {added:?}"
        );
    }
}

/// Text without control characters, rich in what needs quoting.
fn value() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![';', ',', '"', '\\', ' ', '=', '\u{e9}', '\u{20ac}']);
    let any_char = any::<char>().prop_filter("no control characters", |c| !c.is_ascii_control());
    prop::collection::vec(prop_oneof![tricky, any_char], 0..40)
        .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// One pair, whatever the value: no `;` or `,` a server could split on, and Python's
    /// unquoting gives the value back.
    #[test]
    fn a_pair_is_one_cookie_that_unquotes_to_the_value(v in value()) {
        let pair = cookie_pair("n", &v).unwrap();
        prop_assert_eq!(pair.split("; ").count(), 1, "{}", pair);
        prop_assert!(!pair.contains(';') && !pair.contains(','), "{}", pair);
        let written = pair.strip_prefix("n=").unwrap();
        prop_assert_eq!(unquote(written), v.clone());

        // The jar writes a cookie added by hand the same way, and keeps the text.
        let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        let jar = Jar::new();
        jar.add_at(NewCookie::new("n", v.as_str()).host("a.test"), now).unwrap();
        let url = Url::parse("http://a.test/").unwrap();
        prop_assert_eq!(jar.cookie_header(&url, now), Some(pair));
        let stored = jar.get_at("a.test", "/", "n", now).map(|c| c.value().to_owned());
        prop_assert_eq!(stored, Some(v));
    }
}

#[test]
fn a_pair_has_no_size_limit() {
    // There is no jar to take a limit from; the server decides what it accepts.
    let long = "v".repeat(10_000);
    assert_eq!(cookie_pair("n", &long).map(|p| p.len()), Ok(10_002));
}
