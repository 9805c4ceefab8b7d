//! RFC 6265 §5.2: splitting one `Set-Cookie` header value into a name, a value and attributes,
//! with the 6265bis refinements (control characters, size limits, `SameSite`).
//!
//! Only the attributes a user agent acts on are kept, each the last of its name (§5.3 reads
//! "the last attribute in the cookie-attribute-list" with that name). Interpreting them against
//! the request URL is the storage model's job (`store.rs`).
//!
//! Why not the `cookie` crate: its parser departs from §5.2 in ways that matter here: it trims
//! Unicode whitespace rather than SP and HTAB, reads an empty `Max-Age=` as "forever", accepts
//! only four strict `Expires` formats, and keeps a `Path` that does not start with `/`. Using
//! it would mean re-reading every attribute ourselves, at the cost of `time` and a proc-macro
//! in a crate meant to embed. `tests/cookie_crate.rs` pins each of those differences.

use crate::cookie::SameSite;
use crate::{Limits, RejectReason, parse_cookie_date};

/// A parsed `Set-Cookie` line, attributes not yet checked against the request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct SetCookie<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    /// `Expires`, as seconds since the epoch, when it parsed.
    pub(crate) expires: Option<i64>,
    /// `Max-Age` in seconds; zero or negative means "already expired".
    pub(crate) max_age: Option<i64>,
    /// The raw `Domain` value (non-empty), leading dot and case untouched.
    pub(crate) domain: Option<&'a str>,
    /// `Path`, when it was given and starts with `/`; `Some("")` when given but unusable, so
    /// that it still overrides an earlier `Path` and selects the default-path.
    pub(crate) path: Option<&'a str>,
    pub(crate) secure: bool,
    pub(crate) http_only: bool,
    pub(crate) same_site: Option<SameSite>,
}

/// SP and HTAB, the only whitespace §5.2 trims.
fn trim_wsp(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// §5.2 for one header value.
pub(crate) fn parse_set_cookie<'a>(
    line: &'a str,
    limits: &Limits,
) -> Result<SetCookie<'a>, RejectReason> {
    // 6265bis: a control character anywhere (HTAB aside) discards the whole line.
    if line.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(RejectReason::ControlCharacter);
    }
    let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
    let (name, value) = pair.split_once('=').ok_or(RejectReason::NoNameValuePair)?;
    let (name, value) = (trim_wsp(name), trim_wsp(value));
    if name.is_empty() {
        return Err(RejectReason::EmptyName);
    }
    if name.len() + value.len() > limits.name_value_bytes() {
        return Err(RejectReason::TooLarge);
    }

    let mut cookie = SetCookie {
        name,
        value,
        ..SetCookie::default()
    };
    for av in attributes.split(';') {
        let (key, value) = av.split_once('=').unwrap_or((av, ""));
        let (key, value) = (trim_wsp(key), trim_wsp(value));
        // 6265bis: an over-long attribute value is ignored, not truncated.
        if value.len() > limits.attribute_value_bytes() {
            continue;
        }
        if key.eq_ignore_ascii_case("expires") {
            if let Some(at) = parse_cookie_date(value) {
                cookie.expires = Some(at);
            }
        } else if key.eq_ignore_ascii_case("max-age") {
            if let Some(seconds) = parse_max_age(value) {
                cookie.max_age = Some(seconds);
            }
        } else if key.eq_ignore_ascii_case("domain") {
            // §5.2.3: an empty value SHOULD be ignored entirely.
            if !value.is_empty() {
                cookie.domain = Some(value);
            }
        } else if key.eq_ignore_ascii_case("path") {
            cookie.path = Some(if value.starts_with('/') { value } else { "" });
        } else if key.eq_ignore_ascii_case("secure") {
            cookie.secure = true;
        } else if key.eq_ignore_ascii_case("httponly") {
            cookie.http_only = true;
        } else if key.eq_ignore_ascii_case("samesite") {
            // 6265bis: an unrecognised value means "no SameSite", even after a valid one.
            cookie.same_site = SameSite::parse(value);
        }
    }
    Ok(cookie)
}

/// §5.2.2: a leading DIGIT or `-`, then only DIGITs; anything else ignores the attribute.
/// Huge values saturate rather than overflow (RUSTSEC-2017-0005 was a panic here).
fn parse_max_age(value: &str) -> Option<i64> {
    let (negative, digits) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.bytes().fold(0i64, |acc, b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<SetCookie<'_>, RejectReason> {
        parse_set_cookie(line, &Limits::default())
    }

    #[test]
    fn name_value_and_attributes() {
        let c = parse(" sid = a b ; Path=/x; Domain=.Example.test; Secure; HttpOnly; Max-Age=60; SameSite=lax").unwrap();
        assert_eq!((c.name, c.value), ("sid", "a b"));
        assert_eq!((c.path, c.domain), (Some("/x"), Some(".Example.test")));
        assert!(c.secure && c.http_only);
        assert_eq!((c.max_age, c.same_site), (Some(60), Some(SameSite::Lax)));
    }

    #[test]
    fn last_attribute_wins_and_bad_values_are_ignored() {
        let c = parse("a=b; Path=/one; Path=two; Max-Age=5; Max-Age=x; Domain=a.test; Domain=")
            .unwrap();
        assert_eq!(
            c.path,
            Some(""),
            "a later unusable Path still selects the default"
        );
        assert_eq!(c.max_age, Some(5));
        assert_eq!(c.domain, Some("a.test"));
    }

    #[test]
    fn max_age_edges() {
        assert_eq!(parse_max_age("0"), Some(0));
        assert_eq!(parse_max_age("-1"), Some(-1));
        assert_eq!(parse_max_age("18446744073709551616"), Some(i64::MAX));
        for bad in ["", "-", "+5", "5s", " 5"] {
            assert_eq!(parse_max_age(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn rejections() {
        assert_eq!(parse("novalue"), Err(RejectReason::NoNameValuePair));
        assert_eq!(parse("=value"), Err(RejectReason::EmptyName));
        assert_eq!(parse("a=b\u{1}c"), Err(RejectReason::ControlCharacter));
        assert_eq!(
            parse("a=b; Path=/\u{7f}"),
            Err(RejectReason::ControlCharacter)
        );
        assert!(parse("a=b\tc").is_ok(), "HTAB is allowed");
        // Name plus value: 4096 bytes fit, 4097 do not (JAR-07).
        let fits = format!("n={}", "v".repeat(4095));
        assert!(parse(&fits).is_ok());
        let big = format!("n={}", "v".repeat(4096));
        assert!(matches!(parse(&big), Err(RejectReason::TooLarge)));
    }
}
