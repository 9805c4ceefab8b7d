//! `parse_response`: arbitrary bytes as a response head.

use http::Method;
use tarry_wire::{BodyLength, Framing, KeepAlive, Limits, parse_response_head, response_framing};

/// Arbitrary bytes as a response head, then everything that reads a head.
pub fn parse_response(data: &[u8]) {
    let limits = Limits::default();
    let Ok(Some((consumed, head))) = parse_response_head(data, &limits) else {
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
