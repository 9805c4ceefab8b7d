//! (b) Every encoded request parses back, with independent parsers, to what was asked for.

use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Version};
use proptest::prelude::*;
use tarry_wire::client::{AfterHead, Call};
use tarry_wire::{RequestBody, TargetForm};

use crate::dechunk::dechunk;

type Fields = Vec<(String, Vec<u8>)>;

#[derive(Debug, Clone)]
enum Body {
    None,
    Sized(Vec<Vec<u8>>),
    Chunked(Vec<Vec<u8>>, Fields),
}

#[derive(Debug, Clone)]
struct Case {
    method: Method,
    http10: bool,
    userinfo: bool,
    port: Option<u16>,
    path: String,
    absolute: bool,
    headers: Fields,
    body: Body,
}

/// Visible ASCII, obs-text, and SP/HTAB inside (never at either end: httparse trims them).
fn value() -> impl Strategy<Value = Vec<u8>> {
    let byte =
        prop_oneof![8 => 0x21u8..=0x7e, 1 => Just(b' '), 1 => Just(b'\t'), 1 => 0x80u8..=0xff];
    proptest::collection::vec(byte, 0..24).prop_map(|v| {
        let inner = |b: &u8| *b != b' ' && *b != b'\t';
        let start = v.iter().position(inner).unwrap_or(v.len());
        let end = v.iter().rposition(inner).map_or(start, |i| i + 1);
        v[start..end].to_vec()
    })
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "x-[a-z0-9!#$%&'*+.^_`|~-]{1,12}",
        1 => prop_oneof![Just("accept"), Just("user-agent"), Just("cookie"), Just("authorization")]
            .prop_map(str::to_owned),
    ]
}

fn pieces() -> impl Strategy<Value = Vec<Vec<u8>>> {
    // Empty pieces included: a sized body ignores them, a chunked one must not end early.
    proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..90), 0..6)
}

fn body() -> impl Strategy<Value = Body> {
    let trailers = proptest::collection::vec(("x-t[a-z0-9-]{0,6}", value()), 0..4);
    prop_oneof![
        Just(Body::None),
        pieces().prop_map(Body::Sized),
        (pieces(), trailers).prop_map(|(p, t)| Body::Chunked(p, t)),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    let method = prop_oneof![
        Just(Method::GET),
        Just(Method::POST),
        Just(Method::PUT),
        Just(Method::DELETE),
        Just(Method::PATCH),
        Just(Method::OPTIONS),
        Just(Method::HEAD),
        Just(Method::from_bytes(b"PROPFIND").unwrap()),
        Just(Method::from_bytes(b"PURGE").unwrap()),
    ];
    let segment = "/[a-zA-Z0-9._~!$&'()*+,;=:@%-]{0,8}";
    let path = (
        proptest::collection::vec(segment, 1..4),
        proptest::option::of("[a-zA-Z0-9=&._~%/?-]{0,12}"),
    )
        .prop_map(|(segments, query)| {
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            segments.concat() + &query
        });
    let headers = proptest::collection::vec((name(), value()), 0..10);
    (
        method,
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(1u16..),
        path,
        any::<bool>(),
        headers,
        body(),
    )
        .prop_map(
            |(method, http10, userinfo, port, path, absolute, headers, body)| Case {
                method,
                http10,
                userinfo,
                port,
                path,
                absolute,
                headers,
                body,
            },
        )
}

impl Case {
    fn host(&self) -> String {
        self.port
            .map_or("example.test".to_owned(), |p| format!("example.test:{p}"))
    }

    /// HTTP/1.0 when asked for, except with a chunked body, which needs 1.1
    /// (`Error::ChunkedNeedsHttp11`, tested in the fixtures).
    fn is_http10(&self) -> bool {
        self.http10 && !matches!(self.body, Body::Chunked(..))
    }

    fn request(&self) -> Request<()> {
        let userinfo = if self.userinfo { "user:secret@" } else { "" };
        let uri = format!("http://{userinfo}{}{}", self.host(), self.path);
        let version = if self.is_http10() {
            Version::HTTP_10
        } else {
            Version::HTTP_11
        };
        let mut builder = Request::builder()
            .method(self.method.clone())
            .uri(uri)
            .version(version);
        for (name, value) in &self.headers {
            builder = builder.header(name, HeaderValue::from_bytes(value).unwrap());
        }
        builder.body(()).unwrap()
    }

    /// The body as `Call` is told about it, and the bytes it should carry.
    fn framing(&self) -> (RequestBody, Vec<u8>) {
        match &self.body {
            Body::None => (RequestBody::None, Vec::new()),
            Body::Sized(p) => (RequestBody::Sized(p.concat().len() as u64), p.concat()),
            Body::Chunked(p, _) => (RequestBody::Chunked, p.concat()),
        }
    }
}

fn trailer_map(fields: &Fields) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in fields {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
        map.append(name, HeaderValue::from_bytes(value).unwrap());
    }
    map
}

/// Encodes `case` with `Call`, the way a client would.
fn encode(case: &Case) -> (Vec<u8>, usize) {
    let request = case.request();
    let (framing, _) = case.framing();
    let mut call = Call::new(request, framing).unwrap();
    if case.absolute {
        call = call.with_target_form(TargetForm::Absolute).unwrap();
    }
    let head_len = call.head_len();
    let mut out = Vec::new();
    let next = call.write_head(&mut out).unwrap();
    assert_eq!(out.len(), head_len, "head_len");
    let mut call = match (next, &case.body) {
        (AfterHead::RecvResponse(_), Body::None | Body::Sized(_)) => return (out, head_len),
        (AfterHead::SendBody(call), _) => call,
        (other, body) => panic!("unexpected {other:?} for {body:?}"),
    };
    let pieces = match &case.body {
        Body::None => unreachable!("no body goes straight to the response"),
        Body::Sized(p) | Body::Chunked(p, _) => p,
    };
    for piece in pieces {
        call.write(piece, &mut out).unwrap();
    }
    match &case.body {
        Body::Chunked(_, trailers) if !trailers.is_empty() => {
            call.finish_with_trailers(&trailer_map(trailers), &mut out)
                .unwrap();
        }
        _ => {
            call.finish(&mut out).unwrap();
        }
    }
    (out, head_len)
}

proptest! {
    #![proptest_config(crate::config(2048))]

    #[test]
    fn encoded_requests_parse_back(case in case()) {
        let (wire, head_len) = encode(&case);
        let request = case.request();

        let mut slots = [httparse::EMPTY_HEADER; 32];
        let mut parsed = httparse::Request::new(&mut slots);
        let status = parsed.parse(&wire).map_err(|e| TestCaseError::fail(format!("{e}: {wire:?}")))?;
        prop_assert_eq!(status, httparse::Status::Complete(head_len));
        prop_assert_eq!(parsed.method, Some(case.method.as_str()));
        let target = if case.absolute { format!("http://{}{}", case.host(), case.path) } else { case.path.clone() };
        prop_assert_eq!(parsed.path, Some(target.as_str()));
        prop_assert_eq!(parsed.version, Some(u8::from(!case.is_http10())));

        // Host first (never the credentials), then the caller's fields in the map's order,
        // then the framing field.
        let (framing, body) = case.framing();
        let mut expected: Fields = vec![("Host".into(), case.host().into_bytes())];
        expected.extend(request.headers().iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())));
        match framing {
            RequestBody::None => {}
            RequestBody::Sized(n) => expected.push(("Content-Length".into(), n.to_string().into_bytes())),
            RequestBody::Chunked => expected.push(("Transfer-Encoding".into(), b"chunked".to_vec())),
        }
        let got: Fields = parsed.headers.iter().map(|h| (h.name.to_owned(), h.value.to_vec())).collect();
        prop_assert_eq!(got, expected);

        let rest = &wire[head_len..];
        match &case.body {
            Body::None => prop_assert!(rest.is_empty(), "bytes after a bodiless head: {:?}", rest),
            Body::Sized(_) => prop_assert_eq!(rest, &body[..]),
            Body::Chunked(_, trailers) => {
                let decoded = dechunk(rest).map_err(TestCaseError::fail)?;
                prop_assert_eq!(decoded.consumed, rest.len());
                prop_assert_eq!(&decoded.body, &body);
                let map = trailer_map(trailers);
                let expected: Fields = map.iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())).collect();
                prop_assert_eq!(&decoded.trailers, &expected);
            }
        }
    }
}
