//! `CheckedHeaders`: refused as the plain path refuses, written as the plain path writes.
//! Forged control bytes are in the fixtures (`wire_25`), which may use the unchecked
//! constructor.

use http::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, COOKIE, EXPECT, HOST, TRANSFER_ENCODING, USER_AGENT,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri, Version};

use crate::client::{AfterHead, Call};
use crate::{CheckedHeaders, Error, RequestBody, RequestParts, TargetForm};

fn defaults() -> HeaderMap {
    let mut map = HeaderMap::new();
    map.append(USER_AGENT, HeaderValue::from_static("tarry"));
    map.append(ACCEPT, HeaderValue::from_static("*/*"));
    map
}

fn write(
    uri: &str,
    checked: &CheckedHeaders,
    extra: &[(HeaderName, HeaderValue)],
    body: RequestBody,
) -> Result<(String, AfterHead), Error> {
    let uri: Uri = uri.parse().unwrap();
    let parts = RequestParts::with_checked(&Method::POST, &uri, Version::HTTP_11, checked)
        .with_extra(extra);
    assert!(std::ptr::eq(parts.headers(), checked.headers()));
    let mut out = Vec::new();
    let next = Call::write_request(parts, body, TargetForm::Origin, &mut out)?;
    Ok((String::from_utf8(out).unwrap(), next))
}

#[test]
fn framing_fields_are_refused_at_the_check() {
    for name in [CONTENT_LENGTH, TRANSFER_ENCODING] {
        let mut map = defaults();
        map.append(name, HeaderValue::from_static("5"));
        assert_eq!(
            CheckedHeaders::new(map).unwrap_err(),
            Error::FramingHeaderInRequest
        );
    }
}

#[test]
fn extra_fields_follow_the_checked_block() {
    let checked = CheckedHeaders::new(defaults()).unwrap();
    let extra = [
        (COOKIE, HeaderValue::from_static("a=1")),
        (AUTHORIZATION, HeaderValue::from_static("Basic eA==")),
    ];
    let (head, _) = write("http://a.test/u", &checked, &extra, RequestBody::Sized(1)).unwrap();
    assert_eq!(
        head,
        "POST /u HTTP/1.1\r\nHost: a.test\r\nuser-agent: tarry\r\naccept: */*\r\n\
         cookie: a=1\r\nauthorization: Basic eA==\r\nContent-Length: 1\r\n\r\n"
    );
    // Framing in extra is still refused.
    let extra = [(CONTENT_LENGTH, HeaderValue::from_static("1"))];
    let err = write("http://a.test/", &checked, &extra, RequestBody::Sized(1)).unwrap_err();
    assert_eq!(err, Error::FramingHeaderInRequest);
}

#[test]
fn a_checked_host_goes_first_once_and_wins_over_an_extra_one() {
    let mut map = defaults();
    map.insert(HOST, HeaderValue::from_static("m.test"));
    let checked = CheckedHeaders::new(map).unwrap();
    let extra = [(HOST, HeaderValue::from_static("h.test"))];
    // Neither the URI's authority nor the extra Host: the map's, as the plain path picks it.
    let (head, _) = write("http://a.test/", &checked, &extra, RequestBody::None).unwrap();
    assert_eq!(
        head,
        "POST / HTTP/1.1\r\nHost: m.test\r\nuser-agent: tarry\r\naccept: */*\r\n\r\n"
    );
    // It also makes a URI without an authority writable.
    let (head, _) = write("/p", &checked, &[], RequestBody::None).unwrap();
    assert!(
        head.starts_with("POST /p HTTP/1.1\r\nHost: m.test\r\nuser-agent"),
        "{head}"
    );

    // Without one in the map, an extra Host is the Host.
    let checked = CheckedHeaders::new(defaults()).unwrap();
    let (head, _) = write("/p", &checked, &extra, RequestBody::None).unwrap();
    assert_eq!(
        head,
        "POST /p HTTP/1.1\r\nHost: h.test\r\nuser-agent: tarry\r\naccept: */*\r\n\r\n"
    );
    let err = write("/p", &checked, &[], RequestBody::None).unwrap_err();
    assert_eq!(err, Error::MissingHost);
}

#[test]
fn only_the_first_expect_counts_across_the_map_and_extra() {
    let continue_ = (EXPECT, HeaderValue::from_static("100-continue"));
    let other = (EXPECT, HeaderValue::from_static("x"));

    let mut map = defaults();
    map.append(other.0.clone(), other.1.clone());
    let checked = CheckedHeaders::new(map).unwrap();
    let (_, next) = write(
        "http://a.test/",
        &checked,
        std::slice::from_ref(&continue_),
        RequestBody::Sized(3),
    )
    .unwrap();
    assert!(matches!(next, AfterHead::SendBody(_)), "{next:?}");

    let checked = CheckedHeaders::new(defaults()).unwrap();
    let (_, next) = write(
        "http://a.test/",
        &checked,
        &[continue_],
        RequestBody::Sized(3),
    )
    .unwrap();
    assert!(matches!(next, AfterHead::Await100(_)), "{next:?}");
}

#[test]
fn debug_shows_the_map_and_hides_what_it_hides() {
    let mut map = defaults();
    let mut secret = HeaderValue::from_static("Bearer s3cret");
    secret.set_sensitive(true);
    map.insert(AUTHORIZATION, secret);
    let checked = CheckedHeaders::new(map).unwrap();
    let debug = format!("{checked:?}");
    assert!(
        debug.contains("user-agent") && debug.contains("Sensitive"),
        "{debug}"
    );
    assert!(!debug.contains("s3cret"), "{debug}");

    let clone = checked.clone();
    assert_eq!(clone.headers(), checked.headers());
    assert_eq!(clone.into_headers().len(), 3);
}
