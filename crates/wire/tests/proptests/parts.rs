//! (c) The borrowed path, `Call::write_request` with `RequestParts`, is the owned path
//! (`Call::new`, `with_target_form`, `write_head`) with the extra fields appended to the map:
//! the same bytes, error, next state, method, and the same exchange afterwards (limits, close
//! reason, keep-alive hint).
//!
//! (d) A map checked ahead (`CheckedHeaders`, `RequestParts::with_checked`) is written exactly
//! as the same map borrowed plainly, with the same extra fields; a map the check refuses is
//! refused by the plain path with the same error.
//!
//! Values with CR, LF, NUL or DEL can only be forged with the unchecked constructor, which a
//! debug build of `http` turns into a panic: they are generated in release builds only
//! (`cargo test --release -p tarry-wire --test proptests parts`).

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, TRANSFER_ENCODING};
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, Request, Uri, Version};
use proptest::prelude::*;
use tarry_wire::client::{AfterHead, AfterResponse, Await100Next, Call, ResponseEvent};
use tarry_wire::{CheckedHeaders, Error, Limits, RequestBody, RequestParts, TargetForm};

type Field = (HeaderName, HeaderValue);

#[derive(Debug, Clone)]
struct Case {
    method: Method,
    uri: &'static str,
    version: Version,
    /// In the order a caller would append them to one map.
    fields: Vec<Field>,
    body: RequestBody,
    form: TargetForm,
    small_limits: bool,
    response: &'static [u8],
}

/// A value as a caller could build it, forged past `http`'s checks where the build allows.
#[allow(unsafe_code)] // The codec must refuse such values; building one needs the unsafe constructor.
fn value_of(bytes: Vec<u8>) -> HeaderValue {
    if let Ok(value) = HeaderValue::from_bytes(&bytes) {
        return value;
    }
    if cfg!(debug_assertions) {
        // `http` would panic: keep the case, without the forbidden bytes.
        let clean: Vec<u8> = bytes
            .into_iter()
            .filter(|&b| (b >= b' ' || b == b'\t') && b != 0x7f)
            .collect();
        return HeaderValue::from_bytes(&clean).unwrap();
    }
    // SAFETY: the unchecked constructor only skips validation, which makes the value invalid
    // as a header value but not unsound: `HeaderValue` holds plain `Bytes` and checks them
    // again before handing out a `&str`. It is only passed to the codec.
    unsafe { HeaderValue::from_maybe_shared_unchecked(Bytes::from(bytes)) }
}

fn field() -> impl Strategy<Value = Field> {
    field_named(prop_oneof![
        Just("host"),
        Just("expect"),
        Just("connection"),
        Just("upgrade"),
        Just("content-length"),
        Just("transfer-encoding"),
        Just("authorization"),
        Just("cookie"),
        Just("accept"),
        Just("x-a"),
        Just("x-b"),
    ])
}

/// Mostly the fields whose facts combine across the map and `extra` (the first Expect, any
/// Upgrade, every Connection, the first Host), rarely one the check refuses.
fn fact_field() -> impl Strategy<Value = Field> {
    field_named(prop_oneof![
        4 => Just("expect"),
        2 => Just("connection"),
        1 => Just("upgrade"),
        2 => Just("host"),
        2 => Just("x-a"),
        1 => Just("content-length"),
    ])
}

fn field_named(name: impl Strategy<Value = &'static str>) -> impl Strategy<Value = Field> {
    let value = prop_oneof![
        Just(b"100-continue".to_vec()),
        Just(b"100-Continue".to_vec()),
        Just(b"close".to_vec()),
        Just(b"keep-alive".to_vec()),
        Just(b"Upgrade, Keep-Alive".to_vec()),
        Just(b"h.test:81".to_vec()),
        Just(b"websocket".to_vec()),
        Just(b"".to_vec()),
        proptest::collection::vec(
            prop_oneof![
                8 => 0x20u8..=0x7e,
                1 => Just(b'\t'),
                1 => 0x80u8..=0xff,
                1 => prop_oneof![Just(b'\r'), Just(b'\n'), Just(0u8), Just(0x7fu8), 1u8..0x20],
            ],
            0..16,
        ),
    ];
    (name, value).prop_map(|(n, v)| (HeaderName::from_static(n), value_of(v)))
}

fn case() -> impl Strategy<Value = Case> {
    case_of(field().boxed())
}

fn case_of(field: BoxedStrategy<Field>) -> impl Strategy<Value = Case> {
    let method = prop_oneof![
        Just(Method::GET),
        Just(Method::HEAD),
        Just(Method::POST),
        Just(Method::PUT),
        Just(Method::CONNECT),
        Just(Method::from_bytes(b"PROPFIND").unwrap()),
    ];
    let uri = prop_oneof![
        Just("http://a.test/p?q=1&r"),
        Just("http://a.test"),
        Just("http://user:pw@a.test:8080/x"),
        Just("http://u@v@b.test/?"),
        Just("https://[::1]:443/x"),
        Just("/only/a/path?q"),
        Just("*"),
        Just("a.test:443"),
    ];
    let version = prop_oneof![
        5 => Just(Version::HTTP_11),
        3 => Just(Version::HTTP_10),
        1 => Just(Version::HTTP_2),
    ];
    let body = prop_oneof![
        Just(RequestBody::None),
        (0u64..4).prop_map(RequestBody::Sized),
        Just(RequestBody::Chunked),
    ];
    let form = prop_oneof![Just(TargetForm::Origin), Just(TargetForm::Absolute)];
    let response: BoxedStrategy<&'static [u8]> = prop_oneof![
        Just(&b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"[..]),
        Just(&b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 0\r\n\r\n"[..]),
        Just(&b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n"[..]),
        Just(&b"HTTP/1.1 204 No Content\r\nKeep-Alive: timeout=7\r\n\r\n"[..]),
    ]
    .boxed();
    (
        (method, uri, version),
        proptest::collection::vec(field, 0..7),
        (body, form, any::<bool>(), response),
    )
        .prop_map(
            |((method, uri, version), fields, (body, form, small_limits, response))| Case {
                method,
                uri,
                version,
                fields,
                body,
                form,
                small_limits,
                response,
            },
        )
}

fn map_of<'a>(fields: impl IntoIterator<Item = &'a Field>) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in fields {
        map.append(name.clone(), value.clone());
    }
    map
}

impl Case {
    fn limits(&self) -> Limits {
        if self.small_limits {
            // Small enough that some responses above go over: the limit must be in force.
            Limits::new().max_head_bytes(60)
        } else {
            Limits::default()
        }
    }

    /// The owned path, with every field in one map.
    fn owned(&self, headers: HeaderMap) -> (Result<Vec<u8>, Error>, String) {
        let mut request = Request::new(());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.parse().unwrap();
        *request.version_mut() = self.version;
        *request.headers_mut() = headers;
        let mut out = Vec::new();
        let next = Call::new(request, self.body)
            .and_then(|call| call.with_target_form(self.form))
            .map(|call| call.with_limits(self.limits()))
            .and_then(|call| {
                let len = call.head_len();
                let next = call.write_head(&mut out)?;
                assert_eq!(len, out.len(), "head_len");
                Ok(next)
            });
        self.outcome(out, next)
    }

    /// The borrowed path.
    fn borrowed(&self, headers: &HeaderMap, extra: &[Field]) -> (Result<Vec<u8>, Error>, String) {
        let uri: Uri = self.uri.parse().unwrap();
        let parts = RequestParts::new(&self.method, &uri, self.version, headers).with_extra(extra);
        let mut out = Vec::new();
        let next = Call::write_request(parts, self.body, self.form, &mut out)
            .map(|next| next.with_limits(self.limits()));
        // The call holds nothing of the parts: they go before the exchange does.
        drop(uri);
        self.outcome(out, next)
    }

    /// The borrowed path with a map checked ahead.
    fn checked(
        &self,
        headers: &CheckedHeaders,
        extra: &[Field],
    ) -> (Result<Vec<u8>, Error>, String) {
        let uri: Uri = self.uri.parse().unwrap();
        let parts =
            RequestParts::with_checked(&self.method, &uri, self.version, headers).with_extra(extra);
        let mut out = Vec::new();
        let next = Call::write_request(parts, self.body, self.form, &mut out)
            .map(|next| next.with_limits(self.limits()));
        drop(uri);
        self.outcome(out, next)
    }

    /// Whether the head gets as far as its fields: the version and body checks come first.
    fn fields_are_checked(&self) -> bool {
        match self.version {
            Version::HTTP_11 => true,
            Version::HTTP_10 => self.body != RequestBody::Chunked,
            _ => false,
        }
    }

    /// The head (or error) and a transcript of the rest of the exchange.
    fn outcome(
        &self,
        out: Vec<u8>,
        next: Result<AfterHead, Error>,
    ) -> (Result<Vec<u8>, Error>, String) {
        match next {
            Ok(next) => (Ok(out), self.exchange(next)),
            Err(e) => {
                assert!(out.is_empty(), "a refused head wrote {out:?}");
                (Err(e), String::new())
            }
        }
    }

    fn exchange(&self, next: AfterHead) -> String {
        let mut log = format!("{next:?}").split('(').next().unwrap().to_owned();
        let mut out = Vec::new();
        let call = match next {
            AfterHead::RecvResponse(call) => call,
            AfterHead::Await100(call) => {
                log += &format!(" {}", call.method());
                // The caller stops waiting.
                let Await100Next::SendBody(call) = call.proceed() else {
                    unreachable!("nothing was read")
                };
                self.send_body(call, &mut out)
            }
            AfterHead::SendBody(call) => {
                log += &format!(" {}", call.method());
                self.send_body(call, &mut out)
            }
        };
        log += &format!(" {} {:?} {:?}", call.method(), call.limits(), out);
        let mut call = call;
        let input = self.response;
        let consumed = match call.read(input) {
            Ok(ResponseEvent::Final { consumed }) => consumed,
            other => return log + &format!(" {other:?}"),
        };
        let (head, next) = match call.proceed() {
            Ok(Some(done)) => done,
            other => return log + &format!(" {other:?}"),
        };
        log += &format!(" {}", head.status());
        let mut rest = &input[consumed..];
        let cleanup = match next {
            AfterResponse::Body(mut call) => {
                while !call.is_done() {
                    match call.read(rest) {
                        Ok(step) if step.consumed > 0 => {
                            log += &format!(" {:?}", &rest[step.data]);
                            rest = &rest[step.consumed..];
                        }
                        Ok(_) => {
                            log += &format!(" eof {:?}", call.end_of_input());
                            break;
                        }
                        Err(e) => return log + &format!(" {e:?}"),
                    }
                }
                call.proceed()
            }
            AfterResponse::NoBody(call) => call,
            AfterResponse::Upgrade(call) => {
                log += " upgrade";
                call
            }
        };
        log + &format!(
            " {:?} {:?}",
            cleanup.close_reason(rest.len()),
            cleanup.keep_alive()
        )
    }

    fn send_body(
        &self,
        mut call: Call<tarry_wire::client::state::SendBody>,
        out: &mut Vec<u8>,
    ) -> Call<tarry_wire::client::state::RecvResponse> {
        let data = match self.body {
            RequestBody::Sized(n) => vec![b'x'; usize::try_from(n).unwrap()],
            _ => b"abc".to_vec(),
        };
        call.write(&data, out).unwrap();
        call.finish(out).unwrap()
    }
}

/// The field lines of a head, each name lowercased, stably sorted by name: two heads that
/// differ only in how fields of different names interleave give the same list (RFC 9110
/// §5.3 makes only the order among fields of one name significant).
fn field_lines(head: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let text = head.split(|&b| b == b'\n').collect::<Vec<_>>();
    let mut lines: Vec<Vec<u8>> = text[2..text.len().saturating_sub(2)]
        .iter()
        .map(|l| l.to_vec())
        .collect();
    lines.sort_by_key(|l| {
        let name = l.split(|&b| b == b':').next().unwrap_or_default();
        name.to_ascii_lowercase()
    });
    let start = text[..2].join(&b'\n');
    (start, lines)
}

proptest! {
    #![proptest_config(crate::config(1024))]

    /// The map's own order split anywhere: the two paths write the same fields in the same
    /// order, so everything must match byte for byte.
    #[test]
    fn a_split_map_is_written_as_the_whole_one(case in case(), at in any::<prop::sample::Index>()) {
        let whole = map_of(&case.fields);
        let flat: Vec<Field> = whole.iter().map(|(n, v)| (n.clone(), v.clone())).collect();
        let at = at.index(flat.len() + 1);
        let headers = map_of(&flat[..at]);
        prop_assert_eq!(case.borrowed(&headers, &flat[at..]), case.owned(whole));
    }

    /// Any fields in `extra`, in any order: the same as appending them to the map, up to the
    /// interleaving of fields of different names, which the map groups and `extra` keeps.
    #[test]
    fn extra_fields_count_as_appended_ones(case in case(), to_extra in proptest::collection::vec(any::<bool>(), 7)) {
        let (mut headers, mut extra) = (Vec::new(), Vec::new());
        for (field, in_extra) in case.fields.iter().zip(&to_extra) {
            if *in_extra { extra.push(field.clone()) } else { headers.push(field.clone()) }
        }
        let headers_map = map_of(&headers);
        let mut whole = headers_map.clone();
        for (name, value) in &extra {
            whole.append(name.clone(), value.clone());
        }
        let (borrowed, borrowed_rest) = case.borrowed(&headers_map, &extra);
        let (owned, owned_rest) = case.owned(whole);
        prop_assert_eq!(borrowed_rest, owned_rest);
        match (borrowed, owned) {
            (Ok(b), Ok(o)) => prop_assert_eq!(field_lines(&b), field_lines(&o)),
            // Which bad field is named depends on the order: the first one written.
            (Err(Error::InvalidRequestHeader { name }), Err(Error::InvalidRequestHeader { .. })) => {
                let first_bad = headers_map.iter().chain(extra.iter().map(|(n, v)| (n, v)))
                    .find(|(_, v)| v.as_bytes().iter().any(|&b| (b < b' ' && b != b'\t') || b == 0x7f))
                    .map(|(n, _)| n.as_str().to_owned());
                prop_assert_eq!(Some(name), first_bad);
            }
            (b, o) => prop_assert_eq!(b, o),
        }
    }

    /// Any split between the map, checked ahead, and `extra`: checked or not, the same head,
    /// error, state and exchange. Nothing the plain path refuses gets through the check.
    #[test]
    fn a_checked_map_is_written_as_the_plain_one(case in prop_oneof![case(), case_of(fact_field().boxed())], to_extra in proptest::collection::vec(any::<bool>(), 7)) {
        let (mut headers, mut extra) = (Vec::new(), Vec::new());
        for (field, in_extra) in case.fields.iter().zip(&to_extra) {
            if *in_extra { extra.push(field.clone()) } else { headers.push(field.clone()) }
        }
        let map = map_of(&headers);
        let plain = case.borrowed(&map, &extra);
        match CheckedHeaders::new(map.clone()) {
            Ok(checked) => {
                prop_assert_eq!(checked.headers(), &map);
                prop_assert_eq!(case.checked(&checked, &extra), plain);
            }
            Err(e) => {
                prop_assert!(matches!(e, Error::FramingHeaderInRequest | Error::InvalidRequestHeader { .. }), "{:?}", e);
                if case.fields_are_checked() {
                    prop_assert_eq!(case.borrowed(&map, &[]).0, Err(e.clone()));
                    // Extra fields can only add a framing field, which the plain path names first.
                    let framing = extra.iter().any(|(n, _)| n == CONTENT_LENGTH || n == TRANSFER_ENCODING);
                    let expected = if framing { Error::FramingHeaderInRequest } else { e };
                    prop_assert_eq!(plain.0, Err(expected));
                }
            }
        }
    }
}
