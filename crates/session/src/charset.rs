//! Turning body bytes into text: the charset from `Content-Type`; without one, ISO-8859-1 for
//! `text/*` (RFC 2616's default, which requests keeps) and UTF-8 for everything else (JSON
//! included, as RFC 8259 requires). Bytes that do not decode become U+FFFD, never an error.
//!
//! With the `charset` feature every WHATWG label is known (through `encoding_rs`). Without
//! it only UTF-8 and ISO-8859-1 (with its aliases and US-ASCII) are, which needs no tables;
//! a body in any other charset is read as UTF-8.

/// The media type (lowercase, no parameters) and the charset parameter of a `Content-Type`.
fn parse(content_type: &str) -> (String, Option<String>) {
    let mut parts = content_type.split(';');
    let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (name, value) = p.split_once('=')?;
        name.trim().eq_ignore_ascii_case("charset").then(|| {
            value
                .trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .to_owned()
        })
    });
    (mime, charset)
}

/// The name of the charset `text` will use for a body with this `Content-Type`.
pub(crate) fn encoding_name(content_type: Option<&str>) -> &'static str {
    let Some(content_type) = content_type else {
        return "UTF-8";
    };
    match parse(content_type) {
        (_, Some(label)) => named(&label),
        (mime, None) if mime.starts_with("text/") => "ISO-8859-1",
        _ => "UTF-8",
    }
}

/// `body` as text, for a response with this `Content-Type`.
pub(crate) fn decode(body: &[u8], content_type: Option<&str>) -> String {
    match encoding_name(content_type) {
        // Each byte is the code point of the same number: exact, unlike WHATWG's mapping of
        // the label to windows-1252.
        "ISO-8859-1" => body.iter().map(|&b| char::from(b)).collect(),
        #[cfg(feature = "charset")]
        name => {
            let encoding =
                encoding_rs::Encoding::for_label(name.as_bytes()).unwrap_or(encoding_rs::UTF_8);
            encoding.decode_without_bom_handling(body).0.into_owned()
        }
        #[cfg(not(feature = "charset"))]
        _ => String::from_utf8_lossy(body).into_owned(),
    }
}

/// The canonical name of the charset a `charset=` label names, UTF-8 when it is unknown.
#[cfg(feature = "charset")]
fn named(label: &str) -> &'static str {
    encoding_rs::Encoding::for_label(label.as_bytes()).map_or("UTF-8", |e| e.name())
}

/// The canonical name of the charset a `charset=` label names, UTF-8 when it is not one this
/// build can decode without tables.
#[cfg(not(feature = "charset"))]
fn named(label: &str) -> &'static str {
    const LATIN_1: &[&str] = &[
        "ascii",
        "cp819",
        "csisolatin1",
        "ibm819",
        "iso-8859-1",
        "iso-ir-100",
        "iso8859-1",
        "iso88591",
        "iso_8859-1",
        "iso_8859-1:1987",
        "l1",
        "latin1",
        "us-ascii",
    ];
    let label = label.trim().to_ascii_lowercase();
    if LATIN_1.contains(&label.as_str()) {
        "ISO-8859-1"
    } else {
        "UTF-8"
    }
}

#[cfg(test)]
mod tests {
    use super::{decode, encoding_name};

    #[test]
    fn the_charset_parameter_decides() {
        assert_eq!(encoding_name(Some("text/html; charset=\"UTF-8\"")), "UTF-8");
        assert_eq!(
            decode(b"caf\xc3\xa9", Some("text/plain; charset=utf-8")),
            "café"
        );
        assert_eq!(
            decode(b"caf\xe9", Some("text/plain; charset=latin1")),
            "café"
        );
    }

    #[cfg(feature = "charset")]
    #[test]
    fn every_whatwg_label_is_known_with_the_charset_feature() {
        let shift_jis = decode(b"\x82\xa0", Some("text/plain;charset=Shift_JIS"));
        assert_eq!(shift_jis, "あ");
        assert_eq!(
            encoding_name(Some("text/plain; charset=latin1")),
            "windows-1252"
        );
    }

    #[cfg(not(feature = "charset"))]
    #[test]
    fn without_the_charset_feature_other_charsets_read_as_utf_8() {
        assert_eq!(encoding_name(Some("text/plain;charset=Shift_JIS")), "UTF-8");
        assert_eq!(
            decode(b"\x82\xa0", Some("text/plain;charset=Shift_JIS")),
            "\u{fffd}\u{fffd}"
        );
        assert_eq!(
            encoding_name(Some("text/plain; charset=US-ASCII")),
            "ISO-8859-1"
        );
    }

    #[test]
    fn text_without_a_charset_is_latin_1_and_json_is_utf_8() {
        assert_eq!(decode(b"caf\xe9", Some("text/plain")), "café");
        assert_eq!(encoding_name(Some("application/json")), "UTF-8");
        assert_eq!(decode("é".as_bytes(), Some("application/json")), "é");
        assert_eq!(encoding_name(None), "UTF-8");
    }

    #[test]
    fn bad_bytes_are_replaced_not_an_error() {
        assert_eq!(decode(b"a\xffb", Some("application/json")), "a\u{fffd}b");
        assert_eq!(encoding_name(Some("text/plain; charset=no-such")), "UTF-8");
    }
}
