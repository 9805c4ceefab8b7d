//! (a) A valid response reads the same under every split, and as what was generated.

use http::Method;
use proptest::prelude::*;
use tarry_wire::{CloseReason, Error, Limits};

use crate::harness::{BYTEWISE, Fixture, Next, ONE_SHOT, Outcome, run};

type Fields = Vec<(String, Vec<u8>)>;

#[derive(Debug, Clone)]
enum Framing {
    Length,
    Chunked {
        /// Chunk sizes, used in turn until the body is used up.
        sizes: Vec<usize>,
        extensions: bool,
        upper_hex: bool,
        trailers: Fields,
    },
    /// 204 or 304: no body and no framing field.
    NoContent,
    /// No framing field; the server closes the connection after the body.
    UntilClose,
}

#[derive(Debug, Clone)]
struct Response {
    bare_lf: bool,
    interim: Vec<(u16, Fields)>,
    status: u16,
    reason: String,
    fields: Fields,
    body: Vec<u8>,
    framing: Framing,
}

/// Field values: visible ASCII, obs-text and inner SP/HTAB; never whitespace at either end
/// (the parser trims it, RFC 9110 §5.5).
fn value() -> impl Strategy<Value = Vec<u8>> {
    let byte =
        prop_oneof![8 => 0x21u8..=0x7e, 1 => Just(b' '), 1 => Just(b'\t'), 1 => 0x80u8..=0xff];
    proptest::collection::vec(byte, 0..24).prop_map(|mut v| {
        while v.last().is_some_and(|b| *b == b' ' || *b == b'\t') {
            v.pop();
        }
        while v.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            v.remove(0);
        }
        v
    })
}

/// Field names that cannot collide with framing or connection fields.
fn fields(max: usize) -> impl Strategy<Value = Fields> {
    proptest::collection::vec(("[Xx]-[A-Za-z0-9!#$%&'*+.^_`|~-]{1,10}", value()), 0..max)
}

/// Trailer names are compared as the `HeaderMap` gives them back: lowercase, and distinct so
/// that the map keeps their order.
fn trailers() -> impl Strategy<Value = Fields> {
    proptest::collection::vec(("[a-z0-9-]{0,6}", value()), 0..4).prop_map(|fields| {
        let named = fields.into_iter().enumerate();
        named
            .map(|(i, (name, value))| (format!("x-t{i}{name}"), value))
            .collect()
    })
}

fn framing() -> impl Strategy<Value = Framing> {
    let chunked = (
        proptest::collection::vec(1usize..80, 1..6),
        any::<bool>(),
        any::<bool>(),
        trailers(),
    )
        .prop_map(
            |(sizes, extensions, upper_hex, trailers)| Framing::Chunked {
                sizes,
                extensions,
                upper_hex,
                trailers,
            },
        );
    prop_oneof![
        3 => Just(Framing::Length),
        4 => chunked,
        1 => Just(Framing::NoContent),
        1 => Just(Framing::UntilClose),
    ]
}

fn response() -> impl Strategy<Value = Response> {
    let interim = proptest::collection::vec(
        (prop_oneof![Just(100u16), Just(102), Just(103)], fields(3)),
        0..3,
    );
    let status = prop_oneof![
        Just(200u16),
        Just(201),
        Just(206),
        Just(301),
        Just(404),
        Just(418),
        Just(500),
        Just(599)
    ];
    (
        any::<bool>(),
        interim,
        status,
        "[A-Za-z ]{0,12}",
        fields(8),
        proptest::collection::vec(any::<u8>(), 0..400),
        framing(),
    )
        .prop_map(
            |(bare_lf, interim, status, reason, fields, body, framing)| {
                let (status, body) = match framing {
                    Framing::NoContent => (if status % 2 == 0 { 204 } else { 304 }, Vec::new()),
                    _ => (status, body),
                };
                Response {
                    bare_lf,
                    interim,
                    status,
                    reason,
                    fields,
                    body,
                    framing,
                }
            },
        )
}

impl Response {
    /// The bytes on the wire, and the head fields the final head must show.
    fn encode(&self) -> (Vec<u8>, Fields) {
        let nl: &[u8] = if self.bare_lf { b"\n" } else { b"\r\n" };
        let mut raw = Vec::new();
        let head = |raw: &mut Vec<u8>, status: u16, reason: &str, fields: &Fields| {
            // Always a space after the code: see fixtures `wire_17_status_line_without_reason_phrase`.
            raw.extend_from_slice(format!("HTTP/1.1 {status} {reason}").as_bytes());
            raw.extend_from_slice(nl);
            for (name, value) in fields {
                raw.extend_from_slice(name.as_bytes());
                raw.extend_from_slice(b": ");
                raw.extend_from_slice(value);
                raw.extend_from_slice(nl);
            }
            raw.extend_from_slice(nl);
        };
        for (status, fields) in &self.interim {
            head(&mut raw, *status, "Interim", fields);
        }
        let mut fields = self.fields.clone();
        match &self.framing {
            Framing::Length => fields.push((
                "Content-Length".into(),
                self.body.len().to_string().into_bytes(),
            )),
            Framing::Chunked { .. } => {
                fields.push(("Transfer-Encoding".into(), b"chunked".to_vec()))
            }
            Framing::NoContent | Framing::UntilClose => {}
        }
        head(&mut raw, self.status, &self.reason, &fields);
        match &self.framing {
            Framing::Chunked {
                sizes,
                extensions,
                upper_hex,
                trailers,
            } => {
                let mut rest = &self.body[..];
                for (i, &size) in sizes.iter().cycle().enumerate() {
                    if rest.is_empty() {
                        break;
                    }
                    let (chunk, tail) = rest.split_at(size.min(rest.len()));
                    let size = if *upper_hex {
                        format!("{:X}", chunk.len())
                    } else {
                        format!("{:x}", chunk.len())
                    };
                    let ext = if *extensions && i % 2 == 0 {
                        ";n=v; flag"
                    } else {
                        ""
                    };
                    raw.extend_from_slice(format!("{size}{ext}\r\n").as_bytes());
                    raw.extend_from_slice(chunk);
                    raw.extend_from_slice(b"\r\n");
                    rest = tail;
                }
                raw.extend_from_slice(b"0\r\n");
                for (name, value) in trailers {
                    raw.extend_from_slice(name.as_bytes());
                    raw.extend_from_slice(b": ");
                    raw.extend_from_slice(value);
                    raw.extend_from_slice(b"\r\n");
                }
                raw.extend_from_slice(b"\r\n");
            }
            _ => raw.extend_from_slice(&self.body),
        }
        (raw, fields)
    }

    /// What the harness must report for it.
    fn expected(&self, head: Fields, sent: Vec<u8>) -> Outcome {
        let (next, trailers, verdict) = match &self.framing {
            Framing::Length if self.body.is_empty() => (Next::NoBody, None, None),
            Framing::Length => (Next::Body, None, None),
            Framing::Chunked { trailers, .. } => (
                Next::Body,
                Some(trailers.clone()).filter(|t| !t.is_empty()),
                None,
            ),
            Framing::NoContent => (Next::NoBody, None, None),
            Framing::UntilClose => (Next::Body, None, Some(CloseReason::ReadToClose)),
        };
        Outcome {
            sent,
            interim: self.interim.iter().map(|(s, _)| *s).collect(),
            status: Some(self.status),
            version: Some(http::Version::HTTP_11),
            head,
            next: Some(next),
            body: self.body.clone(),
            trailers,
            keep_alive: None,
            error: None,
            stalled: false,
            verdict: Some(verdict),
            leftover: 0,
        }
    }
}

proptest! {
    #![proptest_config(crate::config(1024))]

    #[test]
    fn any_split_reads_the_same(
        response in response(),
        accept_bare_lf in any::<bool>(),
        splits in proptest::collection::vec(proptest::collection::vec(1usize..48, 1..8), 3),
    ) {
        let (raw, head) = response.encode();
        let mut fx = Fixture::new("generated", Method::GET, &raw);
        fx.eof = matches!(response.framing, Framing::UntilClose);
        fx.limits = Limits::default().accept_bare_lf(accept_bare_lf);
        let whole = run(&fx, ONE_SHOT);
        let expected = if response.bare_lf && !accept_bare_lf {
            // The first head, interim or final, is refused.
            Outcome {
                sent: whole.sent.clone(),
                error: Some(Error::BareLfLineEnding),
                ..Outcome::default()
            }
        } else {
            response.expected(head, whole.sent.clone())
        };
        prop_assert_eq!(&whole, &expected);
        prop_assert_eq!(&run(&fx, BYTEWISE), &whole);
        for reads in &splits {
            prop_assert_eq!(&run(&fx, reads), &whole, "reads of {:?}", reads);
        }
    }
}
