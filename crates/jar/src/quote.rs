//! How a value that is not all cookie-octets goes into the `Cookie` header: as a quoted string,
//! escaped the way Python's `http.cookies` quotes one (`_quote`), which Python's `SimpleCookie`
//! and Werkzeug (Flask, httpbin) unquote back to the original text.
//!
//! Inside the quotes `"` becomes `\"`, `\` becomes `\\`, and every other ASCII character
//! outside Python's unescaped set becomes a three-digit octal escape: of printable ASCII that
//! is `,` (`\054`) and `;` (`\073`); control characters never get this far (a
//! [`NewCookie`](crate::NewCookie) refuses them) but would be escaped the same way.
//!
//! Non-ASCII text is written as UTF-8, unescaped. Python leaves code points from U+0100 as they
//! are but escapes U+0080..=U+00FF by code point (`é` as `\351`), which Werkzeug, unescaping
//! bytes and then decoding UTF-8, turns into a replacement character; unescaped UTF-8 comes
//! back intact from both.

use std::fmt::Write as _;

/// RFC 6265 §4.1.1: `cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E`, that is
/// visible ASCII without `"`, `,`, `;` and `\`.
fn is_cookie_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// Whether `value` must be quoted to travel as one cookie: it holds something other than
/// cookie-octets. An empty value needs no quotes.
pub(crate) fn needs_quoting(value: &str) -> bool {
    !value.bytes().all(is_cookie_octet)
}

/// Python's `_UnescapedChars`: `_LegalChars` (letters, digits, ``!#$%&'*+-.^_`|~:``) and
/// `` ()/<=>?@[]{}`` (the space included).
fn unescaped(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~: ()/<=>?@[]{}".contains(&b)
}

/// Appends `value` to `out` as a quoted string.
pub(crate) fn push_quoted(out: &mut String, value: &str) {
    out.reserve(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match u8::try_from(ch) {
            Ok(b'"') => out.push_str("\\\""),
            Ok(b'\\') => out.push_str("\\\\"),
            Ok(b) if b.is_ascii() && !unescaped(b) => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\{b:03o}");
            }
            _ => out.push(ch),
        }
    }
    out.push('"');
}

/// `value` as a quoted string.
pub(crate) fn quoted(value: &str) -> String {
    let mut out = String::new();
    push_quoted(&mut out, value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_needs_quotes() {
        for plain in ["", "abc", "a=b", "!#$%&'()*+-./:<=>?@[]^_`{|}~"] {
            assert!(!needs_quoting(plain), "{plain:?}");
        }
        for odd in ["a b", "a;b", "a,b", "\"a\"", "a\\b", "é", "a\tb", "\u{7f}"] {
            assert!(needs_quoting(odd), "{odd:?}");
        }
    }

    #[test]
    fn escapes_as_python_does_for_ascii() {
        // Each expectation is what `http.cookies._quote` returns for the same text.
        assert_eq!(quoted("a;b, c"), r#""a\073b\054 c""#);
        assert_eq!(quoted(r#"say "hi" \o/"#), r#""say \"hi\" \\o/""#);
        assert_eq!(quoted("(x) <y> [z] {w} ?@="), r#""(x) <y> [z] {w} ?@=""#);
        assert_eq!(quoted("\t\u{0}\u{7f}"), r#""\011\000\177""#);
        assert_eq!(quoted(""), r#""""#);
    }

    #[test]
    fn non_ascii_stays_as_utf8() {
        assert_eq!(quoted("é €;"), "\"é €\\073\"");
    }
}
