//! `parse_response`: arbitrary bytes as a response head, read with bare LF refused (the
//! default) and accepted.

use http::Method;
use tarry_wire::{
    BodyLength, Error, Framing, KeepAlive, Limits, parse_response_head, response_framing,
};

/// Arbitrary bytes as a response head, then everything that reads a head.
pub fn parse_response(data: &[u8]) {
    let strict = Limits::default();
    let limits = strict.accept_bare_lf(true);
    let parsed = parse_response_head(data, &limits);
    // Refusing bare LF only ever turns a head the lenient parse took into that one error, and
    // exactly when a full scan of that head finds an LF without a CR before it.
    match (parse_response_head(data, &strict), &parsed) {
        (Err(Error::BareLfLineEnding), Ok(Some((consumed, _)))) => {
            assert!(
                has_bare_lf(&data[..*consumed]),
                "refused a head without a bare LF"
            );
        }
        (strict, lenient) => {
            assert_eq!(&strict, lenient, "strict and lenient parses differ");
            if let Ok(Some((consumed, _))) = lenient {
                assert!(!has_bare_lf(&data[..*consumed]), "missed a bare LF");
            }
        }
    }
    let Ok(Some((consumed, head))) = parsed else {
        return;
    };
    assert_eq!(head.as_bytes(), &data[..consumed]);
    // One byte short of its end, a head that parses is still "need more input".
    assert_eq!(
        parse_response_head(&data[..consumed - 1], &limits),
        Ok(None)
    );

    let _ = response_framing(&Method::GET, &head);
    let no_body = Framing {
        length: BodyLength::Empty,
        in_doubt: false,
    };
    assert_eq!(response_framing(&Method::HEAD, &head), Ok(no_body));
    assert_eq!(
        head.header_map().len(),
        head.len(),
        "header_map dropped a field"
    );
    let _ = KeepAlive::from_head(&head);
    // The accessors slice the head's own copy; none may step outside it.
    let _ = (head.reason(), head.fields().count(), format!("{head:?}"));
}

/// Whether any LF in `head` lacks a CR before it: the plain scan the parser avoids.
fn has_bare_lf(head: &[u8]) -> bool {
    head.iter()
        .enumerate()
        .any(|(i, &b)| b == b'\n' && (i == 0 || head[i - 1] != b'\r'))
}
