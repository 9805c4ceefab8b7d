//! The borrowed path: `Call::write_request` with `RequestParts`, extra fields included.

use http::header::{AUTHORIZATION, CONTENT_LENGTH, COOKIE, HOST, TRANSFER_ENCODING};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri, Version};

use crate::client::{AfterHead, Call};
use crate::{Error, Limits, RequestBody, RequestParts, TargetForm};

fn shared() -> HeaderMap {
    let mut map = HeaderMap::new();
    map.append("x-b", HeaderValue::from_static("2"));
    map.append("accept", HeaderValue::from_static("*/*"));
    map
}

fn write(
    uri: &str,
    headers: &HeaderMap,
    extra: &[(HeaderName, HeaderValue)],
    body: RequestBody,
) -> Result<(String, AfterHead), Error> {
    let uri: Uri = uri.parse().unwrap();
    let parts = RequestParts::new(&Method::POST, &uri, Version::HTTP_11, headers).with_extra(extra);
    let mut out = Vec::new();
    let next = Call::write_request(parts, body, TargetForm::Origin, &mut out)?;
    Ok((String::from_utf8(out).unwrap(), next))
}

#[test]
fn extra_fields_follow_the_map_in_their_own_order() {
    let extra = [
        (COOKIE, HeaderValue::from_static("b=2")),
        (AUTHORIZATION, HeaderValue::from_static("Basic eA==")),
        (COOKIE, HeaderValue::from_static("a=1")),
    ];
    let (head, _) = write("http://a.test/u", &shared(), &extra, RequestBody::Sized(1)).unwrap();
    assert_eq!(
        head,
        "POST /u HTTP/1.1\r\nHost: a.test\r\nx-b: 2\r\naccept: */*\r\ncookie: b=2\r\n\
         authorization: Basic eA==\r\ncookie: a=1\r\nContent-Length: 1\r\n\r\n"
    );
}

#[test]
fn a_host_in_extra_is_the_host_unless_the_map_has_one() {
    let extra = [(HOST, HeaderValue::from_static("h.test:81"))];
    let (head, _) = write("http://a.test/", &shared(), &extra, RequestBody::None).unwrap();
    assert!(
        head.starts_with("POST / HTTP/1.1\r\nHost: h.test:81\r\nx-b: 2\r\n"),
        "{head}"
    );
    assert_eq!(head.matches("h.test").count(), 1, "{head}");

    // Without a URI authority, the extra Host is what makes the request writable at all.
    let (head, _) = write("/only/path", &shared(), &extra, RequestBody::None).unwrap();
    assert!(
        head.starts_with("POST /only/path HTTP/1.1\r\nHost: h.test:81\r\n"),
        "{head}"
    );

    // As when appended to the map: the map's Host comes first and wins, the other is dropped.
    let mut headers = shared();
    headers.insert(HOST, HeaderValue::from_static("m.test"));
    let (head, _) = write("http://a.test/", &headers, &extra, RequestBody::None).unwrap();
    assert!(
        head.starts_with("POST / HTTP/1.1\r\nHost: m.test\r\n"),
        "{head}"
    );
    assert!(!head.contains("h.test"), "{head}");
}

#[test]
fn framing_fields_in_extra_are_refused() {
    for name in [CONTENT_LENGTH, TRANSFER_ENCODING] {
        let extra = [(name, HeaderValue::from_static("5"))];
        let err = write("http://a.test/", &shared(), &extra, RequestBody::Sized(5)).unwrap_err();
        assert_eq!(err, Error::FramingHeaderInRequest);
    }
}

#[test]
fn request_facts_are_read_from_extra_too() {
    let extra = [(
        HeaderName::from_static("expect"),
        HeaderValue::from_static("100-continue"),
    )];
    let (_, next) = write("http://a.test/", &shared(), &extra, RequestBody::Sized(3)).unwrap();
    assert!(matches!(next, AfterHead::Await100(_)), "{next:?}");

    let extra = [(
        HeaderName::from_static("connection"),
        HeaderValue::from_static("close"),
    )];
    let (_, next) = write("http://a.test/", &shared(), &extra, RequestBody::None).unwrap();
    let AfterHead::RecvResponse(call) = next else {
        panic!("{next:?}")
    };
    assert!(call.inner.facts.connection_close);
}

#[test]
fn a_full_fixed_buffer_gets_nothing_and_the_parts_can_be_offered_again() {
    let uri: Uri = "http://a.test/".parse().unwrap();
    let headers = shared();
    let parts = RequestParts::new(&Method::GET, &uri, Version::HTTP_11, &headers);
    let mut storage = [0u8; 16];
    let mut out = &mut storage[..];
    let err =
        Call::write_request(parts, RequestBody::None, TargetForm::Origin, &mut out).unwrap_err();
    let Error::OutputTooSmall { needed } = err else {
        panic!("{err:?}")
    };
    assert_eq!(storage, [0u8; 16]);

    let mut storage = vec![0u8; needed];
    let mut out = &mut storage[..];
    Call::write_request(parts, RequestBody::None, TargetForm::Origin, &mut out).unwrap();
    assert!(out.is_empty(), "needed was exact");
    assert!(storage.starts_with(b"GET / HTTP/1.1\r\nHost: a.test\r\n"));
}

#[test]
fn neither_path_keeps_the_request_once_the_head_is_written() {
    let request = Request::get("http://a.test/").body(()).unwrap();
    let next = Call::write_request(
        RequestParts::from(&request),
        RequestBody::None,
        TargetForm::Origin,
        &mut Vec::new(),
    )
    .unwrap()
    .with_limits(Limits::new().max_headers(3));
    let AfterHead::RecvResponse(borrowed) = next else {
        panic!("{next:?}")
    };
    assert!(borrowed.inner.unwritten.is_none());
    assert_eq!(borrowed.method(), Method::GET);
    assert_eq!(borrowed.limits().headers(), 3);

    let call = Call::new(request, RequestBody::None).unwrap();
    assert!(call.inner.unwritten.is_some());
    let AfterHead::RecvResponse(owned) = call.write_head(&mut Vec::new()).unwrap() else {
        unreachable!()
    };
    assert!(owned.inner.unwritten.is_none());
    assert_eq!(owned.method(), Method::GET);
}
