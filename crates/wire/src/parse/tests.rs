use crate::{Limits, ResponseHead, parse_response_head};

fn parse(raw: &[u8]) -> ResponseHead {
    parse_response_head(raw, &Limits::default())
        .unwrap()
        .unwrap()
        .1
}

#[test]
fn obs_text_reason_is_kept_raw() {
    // Found by the parse_response fuzz target: httparse reports this reason as "".
    let head = parse(b"HTTP/1.1 204 No\xd5\xd5\r\n\r\n");
    assert_eq!(head.reason(), b"No\xd5\xd5");
    let lenient = Limits::default().accept_bare_lf(true);
    let (_, head) = parse_response_head(b"HTTP/1.1 204 No\xd5\xd5\n\r\n", &lenient)
        .unwrap()
        .unwrap();
    assert_eq!(head.reason(), b"No\xd5\xd5");
    assert_eq!(parse(b"\r\nHTTP/1.1 200 OK\r\n\r\n").reason(), b"OK");
    assert_eq!(parse(b"HTTP/1.1 200 \r\n\r\n").reason(), b"");
}

#[test]
fn fields_keep_wire_order_case_and_repeats() {
    let head = parse(b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX: \xff\r\nset-cookie: b=2\r\n\r\n");
    let fields: Vec<_> = head.fields().collect();
    assert_eq!(
        fields,
        [
            ("Set-Cookie", &b"a=1"[..]),
            ("X", b"\xff"),
            ("set-cookie", b"b=2")
        ]
    );
    assert_eq!(head.get_all("SET-COOKIE").count(), 2);
    assert_eq!(head.header_map().get_all("set-cookie").iter().count(), 2);
    assert_eq!(head.to_response().status(), 200);
}

#[test]
fn heads_past_64_kib_keep_exact_offsets() {
    // Past u16 range the offset table switches to 32-bit entries.
    let mut raw = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
    raw.resize(70_000, b'v');
    raw.extend_from_slice(b"\r\nContent-Length: 3\r\nX-Last: end\r\n\r\n");
    let limits = Limits::default().max_head_bytes(128 * 1024);
    let (consumed, head) = parse_response_head(&raw, &limits).unwrap().unwrap();
    assert_eq!(consumed, raw.len());
    assert_eq!(head.get("x-big").map(<[u8]>::len), Some(70_000 - 24));
    assert_eq!(head.get("content-length"), Some(&b"3"[..]));
    assert_eq!(head.get("x-last"), Some(&b"end"[..]));
    assert_eq!(head.as_bytes(), &raw[..]);
}

#[test]
fn a_huge_field_limit_allocates_by_the_input() {
    // Found in review: `max_headers(usize::MAX)` panicked with a capacity overflow.
    let limits = Limits::default().max_headers(usize::MAX);
    let raw = b"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n";
    let (_, head) = parse_response_head(raw, &limits).unwrap().unwrap();
    assert_eq!(head.len(), 2);
    let tight = Limits::default().max_headers(1);
    assert_eq!(
        parse_response_head(raw, &tight),
        Err(crate::Error::TooManyHeaders { limit: 1 })
    );
}
