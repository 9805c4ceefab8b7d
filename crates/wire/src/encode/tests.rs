//! Unit tests of `encode.rs`.

use super::*;
use crate::CheckedHeaders;
use crate::body::length::list_elements;
use http::Request;
use http::header::{CONNECTION, CONTENT_LENGTH, EXPECT, TRANSFER_ENCODING, UPGRADE};
use proptest::prelude::*;

/// The plan written the plain way: each rule checked over all fields in turn, each field
/// looked up in the map when needed, the length counted apart from the writing.
fn reference(
    request: &Request<()>,
    body: RequestBody,
    form: TargetForm,
) -> Result<(Vec<u8>, [bool; 4]), Error> {
    let headers = request.headers();
    if !matches!(request.version(), Version::HTTP_10 | Version::HTTP_11) {
        return Err(Error::UnsupportedVersion);
    }
    if request.version() == Version::HTTP_10 && body == RequestBody::Chunked {
        return Err(Error::ChunkedNeedsHttp11);
    }
    if headers.contains_key(CONTENT_LENGTH) || headers.contains_key(TRANSFER_ENCODING) {
        return Err(Error::FramingHeaderInRequest);
    }
    for (name, value) in headers {
        if value
            .as_bytes()
            .iter()
            .any(|&b| (b < b' ' && b != b'\t') || b == 0x7f)
        {
            let name = name.as_str().to_owned();
            return Err(Error::InvalidRequestHeader { name });
        }
    }
    let uri = request.uri();
    let authority = || {
        let a = uri.authority().ok_or(Error::InvalidRequestTarget)?.as_str();
        Ok::<_, Error>(a.rsplit_once('@').map_or(a, |(_, host)| host))
    };
    let path = match uri.path_and_query().map(|p| p.as_str()) {
        None | Some("") => "/",
        Some(p) => p,
    };
    let target = if request.method() == Method::CONNECT {
        authority()?.to_owned()
    } else if form == TargetForm::Absolute {
        let scheme = uri.scheme_str().ok_or(Error::InvalidRequestTarget)?;
        format!("{scheme}://{}{path}", authority()?)
    } else {
        path.to_owned()
    };
    if target.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(Error::InvalidRequestTarget);
    }
    let host = match headers.get(HOST) {
        Some(v) => v.as_bytes().to_vec(),
        None => {
            let a = uri.authority().ok_or(Error::MissingHost)?.as_str();
            a.rsplit_once('@').map_or(a, |(_, h)| h).as_bytes().to_vec()
        }
    };
    let mut out = Vec::new();
    out.extend_from_slice(request.method().as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    let version = if request.version() == Version::HTTP_10 {
        "1.0"
    } else {
        "1.1"
    };
    out.extend_from_slice(format!(" HTTP/{version}\r\nHost: ").as_bytes());
    out.extend_from_slice(&host);
    out.extend_from_slice(b"\r\n");
    for (name, value) in headers.iter().filter(|(n, _)| *n != HOST) {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    match body {
        RequestBody::None => {}
        RequestBody::Sized(n) => {
            out.extend_from_slice(format!("Content-Length: {n}\r\n").as_bytes())
        }
        RequestBody::Chunked => out.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
    }
    out.extend_from_slice(b"\r\n");
    let tokens = |token: &[u8]| {
        headers
            .get_all(CONNECTION)
            .iter()
            .any(|v| list_elements(v.as_bytes()).any(|t| t.eq_ignore_ascii_case(token)))
    };
    let facts = [
        headers
            .get(EXPECT)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue")),
        headers.contains_key(UPGRADE),
        tokens(b"close"),
        tokens(b"keep-alive"),
    ];
    Ok((out, facts))
}

fn planned(
    request: Request<()>,
    body: RequestBody,
    form: TargetForm,
) -> Result<(Vec<u8>, [bool; 4]), Error> {
    let plain = plan_and_write(RequestParts::from(&request), body, form);
    // The same map checked ahead: the same head, or refused by the check itself.
    match CheckedHeaders::new(request.headers().clone()) {
        Ok(checked) => {
            let parts = RequestParts::with_checked(
                request.method(),
                request.uri(),
                request.version(),
                &checked,
            );
            assert_eq!(plan_and_write(parts, body, form), plain);
        }
        Err(e) if matches!(request.version(), Version::HTTP_10 | Version::HTTP_11) => {
            if request.version() == Version::HTTP_11 || body != RequestBody::Chunked {
                assert_eq!(plain.as_ref(), Err(&e));
            }
        }
        Err(_) => {}
    }
    plain
}

fn plan_and_write(
    parts: RequestParts<'_>,
    body: RequestBody,
    form: TargetForm,
) -> Result<(Vec<u8>, [bool; 4]), Error> {
    let mut plan = RequestHeadPlan::new(parts, body)?;
    plan.set_form(parts, form)?;
    let mut out = Vec::new();
    let written = plan.write(parts, &mut out)?;
    assert_eq!(written, out.len());
    assert_eq!(plan.len(), out.len());
    let f = plan.facts;
    Ok((
        out,
        [
            f.expects_continue,
            f.upgrade,
            f.connection_close,
            f.connection_keep_alive,
        ],
    ))
}

fn request_case() -> impl Strategy<Value = (Request<()>, RequestBody, TargetForm)> {
    let method = prop_oneof![
        Just(Method::GET),
        Just(Method::POST),
        Just(Method::CONNECT),
        Just(Method::from_bytes(b"PROPFIND").unwrap()),
    ];
    let version = prop_oneof![
        4 => Just(Version::HTTP_11),
        2 => Just(Version::HTTP_10),
        1 => Just(Version::HTTP_2),
    ];
    let uri = prop_oneof![
        Just("http://a.test/p?q=1"),
        Just("http://user:pw@a.test:8080/"),
        Just("http://u@v@b.test"),
        Just("https://[::1]:443/x"),
        Just("/only/a/path"),
        Just("*"),
        Just("a.test:443"),
    ];
    let name = prop_oneof![
        Just("host"),
        Just("content-length"),
        Just("transfer-encoding"),
        Just("expect"),
        Just("upgrade"),
        Just("connection"),
        Just("accept"),
        Just("x-custom"),
        Just("X-Mixed"),
    ];
    // Words that the request-side rules look for, and bytes http allows in a value.
    let value = prop_oneof![
        Just(b"100-continue".to_vec()),
        Just(b"100-CONTINUE".to_vec()),
        Just(b"close".to_vec()),
        Just(b" keep-alive ,Close".to_vec()),
        Just(b"".to_vec()),
        proptest::collection::vec(
            prop_oneof![0x20u8..=0x7e, Just(b'\t'), 0x80u8..=0xff],
            0..20
        ),
    ];
    let fields = proptest::collection::vec((name, value), 0..6);
    let body = prop_oneof![
        Just(RequestBody::None),
        any::<u64>().prop_map(RequestBody::Sized),
        Just(RequestBody::Chunked),
    ];
    let form = prop_oneof![Just(TargetForm::Origin), Just(TargetForm::Absolute)];
    (method, version, uri, fields, body, form).prop_map(
        |(method, version, uri, fields, body, form)| {
            let mut request = Request::new(());
            *request.method_mut() = method;
            *request.version_mut() = version;
            *request.uri_mut() = uri.parse().unwrap();
            for (name, value) in fields {
                let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
                let value = HeaderValue::from_bytes(&value).unwrap();
                request.headers_mut().append(name, value);
            }
            (request, body, form)
        },
    )
}

proptest! {
    #[test]
    fn the_one_pass_plan_agrees_with_the_plain_one((request, body, form) in request_case()) {
        // `Call::new` plans the origin form; another form is asked for afterwards.
        let expected = reference(&request, body, TargetForm::Origin)
            .and_then(|origin| match form {
                TargetForm::Origin => Ok(origin),
                _ => reference(&request, body, form),
            });
        prop_assert_eq!(planned(request, body, form), expected);
    }
}

#[test]
fn clean_values_are_exactly_those_without_controls_or_del() {
    for b in 0..=u8::MAX {
        let bad = (b < b' ' && b != b'\t') || b == 0x7f;
        // Alone, and at every place in a value long enough to take the vectorised path.
        assert_eq!(value_is_clean(&[b]), !bad, "{b:#04x}");
        for at in 0..70 {
            let mut value = vec![b'a'; 70];
            value[at] = b;
            assert_eq!(value_is_clean(&value), !bad, "{b:#04x} at {at}");
        }
    }
    assert!(value_is_clean(b""));
}

#[test]
fn numbers_format_without_allocating() {
    let (d, n) = decimal(0);
    assert_eq!(&d[20 - n..], b"0");
    let (d, n) = decimal(u64::MAX);
    assert_eq!(&d[20 - n..], b"18446744073709551615");
    let (h, n) = hex(0x4000);
    assert_eq!(&h[16 - n..], b"4000");
    let (h, n) = hex(u64::MAX);
    assert_eq!(&h[16 - n..], b"ffffffffffffffff");
}
