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
    let head = parse(b"HTTP/1.1 204 No\xd5\xd5\n\r\n");
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
