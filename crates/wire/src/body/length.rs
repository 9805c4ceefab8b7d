//! RFC 9112 §6.3: how long is the response body?
//!
//! The order of the checks below is the order of the RFC's list, and it matters: a `HEAD`
//! response's `Content-Length` describes a body that is not there; `Transfer-Encoding` beats
//! `Content-Length`; only when neither applies does the body run to the end of the connection.

use http::{Method, StatusCode, Version};

use crate::ascii::eq_ignore_case;
use crate::{Error, KeepAlive, ResponseHead};

/// How the body of a response is delimited on the wire.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLength {
    /// No body: a response to `HEAD`, a 1xx, 204 or 304, or `Content-Length: 0`.
    Empty,
    /// Exactly this many bytes (`Content-Length`, nonzero).
    Exactly(u64),
    /// `Transfer-Encoding` with `chunked` as the final coding.
    Chunked,
    /// Everything until the server closes the connection. The connection cannot be reused.
    UntilClose,
}

/// The framing decision for one response, with whether the decision had to overrule headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framing {
    /// How the body is delimited.
    pub length: BodyLength,
    /// The headers contradicted each other in a way the RFC resolves but a peer may not
    /// (`Transfer-Encoding` together with `Content-Length`). The body is read as decided, but the
    /// connection is not reused: a proxy on the path may have framed it the other way.
    pub in_doubt: bool,
}

/// Decides the body framing of a response to a request with `method` (RFC 9112 §6.3).
///
/// Successful (2xx) responses to `CONNECT` and `101` responses are not bodies but tunnels and
/// are handled by the caller before framing is asked for; here they read as [`BodyLength::Empty`].
///
/// ```
/// use http::Method;
/// use tarry_wire::{parse_response_head, BodyLength, Limits};
///
/// let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello";
/// let limits = Limits::default();
/// let (_, head) = parse_response_head(raw, &limits).unwrap().unwrap();
/// let framing = tarry_wire::response_framing(&Method::GET, &head).unwrap();
/// assert_eq!(framing.length, BodyLength::Exactly(5));
/// ```
pub fn response_framing(method: &Method, head: &ResponseHead) -> Result<Framing, Error> {
    framing_from(method, head, &HeadFields::scan(head))
}

/// What the framing, reuse and keep-alive decisions read from a head's fields, gathered in one
/// pass so that each field name is compared once per exchange rather than once per decision.
#[derive(Default)]
pub(crate) struct HeadFields {
    te: TransferCoding,
    /// Every Content-Length value checked against the others; an error is kept, not raised,
    /// because a response without a body ignores the field.
    content_length: Option<Result<u64, Error>>,
    /// A `Connection` field lists `close`.
    pub(crate) connection_close: bool,
    /// A `Connection` field lists `keep-alive`.
    pub(crate) connection_keep_alive: bool,
    /// The `Keep-Alive` fields' parameters, in wire order.
    pub(crate) keep_alive: KeepAlive,
}

impl HeadFields {
    pub(crate) fn scan(head: &ResponseHead) -> Self {
        let mut f = HeadFields::default();
        for (name, value) in head.raw_fields() {
            if eq_ignore_case(name, b"transfer-encoding") {
                f.te.add(value);
            } else if eq_ignore_case(name, b"content-length") {
                f.content_length = Some(match f.content_length {
                    None => content_length_value(value, None),
                    Some(Ok(agreed)) => content_length_value(value, Some(agreed)),
                    Some(Err(e)) => Err(e),
                });
            } else if eq_ignore_case(name, b"connection") {
                for token in list_elements(value) {
                    f.connection_close |= token.eq_ignore_ascii_case(b"close");
                    f.connection_keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
                }
            } else if eq_ignore_case(name, b"keep-alive") {
                f.keep_alive.add(value);
            }
        }
        f
    }
}

/// [`response_framing`] from fields already scanned.
pub(crate) fn framing_from(
    method: &Method,
    head: &ResponseHead,
    fields: &HeadFields,
) -> Result<Framing, Error> {
    let status = head.status();
    let clean = |length| {
        Ok(Framing {
            length,
            in_doubt: false,
        })
    };

    // 1. HEAD, 1xx, 204, 304: no body whatever the headers say.
    if method == Method::HEAD
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
    {
        return clean(BodyLength::Empty);
    }
    // 2. A 2xx to CONNECT turns the connection into a tunnel.
    if method == Method::CONNECT && status.is_success() {
        return clean(BodyLength::Empty);
    }

    let te = &fields.te;
    // 3 and 4. Transfer-Encoding overrides Content-Length.
    if te.present {
        if te.repeated_chunked || head.version() == Version::HTTP_10 {
            // Applying chunked twice is forbidden (RFC 9112 §6.1), and Transfer-Encoding in an
            // HTTP/1.0 message is faulty framing: two readers could disagree on where it ends.
            return Err(Error::InvalidTransferEncoding);
        }
        let length = if te.last_is_chunked {
            BodyLength::Chunked
        } else {
            BodyLength::UntilClose
        };
        return Ok(Framing {
            length,
            in_doubt: fields.content_length.is_some(),
        });
    }
    // 5 and 6. Content-Length, every value checked and all equal.
    match &fields.content_length {
        Some(Ok(0)) => clean(BodyLength::Empty),
        Some(Ok(n)) => clean(BodyLength::Exactly(*n)),
        Some(Err(e)) => Err(e.clone()),
        // 7. Otherwise the body ends when the connection does.
        None => clean(BodyLength::UntilClose),
    }
}

/// The codings listed by every Transfer-Encoding field, as far as framing cares.
#[derive(Default)]
struct TransferCoding {
    present: bool,
    chunked_seen: bool,
    repeated_chunked: bool,
    last_is_chunked: bool,
}

impl TransferCoding {
    fn add(&mut self, value: &[u8]) {
        self.present = true;
        for coding in list_elements(value) {
            // Only the coding's name decides framing, not parameters after a `;`.
            let name = coding.split(|&b| b == b';').next().unwrap_or(coding);
            let is_chunked = trim_ows(name).eq_ignore_ascii_case(b"chunked");
            self.repeated_chunked |= is_chunked && self.chunked_seen;
            self.chunked_seen |= is_chunked;
            self.last_is_chunked = is_chunked;
        }
    }
}

/// Checks one Content-Length field value (a list: `5, 5` is allowed) against the value agreed
/// so far; every element must be plain digits and equal to the others.
fn content_length_value(value: &[u8], mut agreed: Option<u64>) -> Result<u64, Error> {
    for element in value.split(|&b| b == b',') {
        let n = parse_decimal(trim_ows(element)).ok_or(Error::InvalidContentLength)?;
        match agreed {
            Some(prev) if prev != n => return Err(Error::ConflictingContentLength),
            _ => agreed = Some(n),
        }
    }
    agreed.ok_or(Error::InvalidContentLength)
}

/// Plain ASCII digits into a u64, refusing signs, whitespace, empty input and overflow.
///
/// `str::parse::<u64>` accepts a leading `+`, which is how RUSTSEC-2021-0078 happened.
pub(crate) fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, &b| {
        let d = match b {
            b'0'..=b'9' => u64::from(b - b'0'),
            _ => return None,
        };
        acc.checked_mul(10)?.checked_add(d)
    })
}

/// Non-empty, OWS-trimmed elements of a comma-separated field value (RFC 9110 §5.6.1).
pub(crate) fn list_elements(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b',')
        .map(trim_ows)
        .filter(|e| !e.is_empty())
}

pub(crate) fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limits, parse_response_head};
    use proptest::prelude::*;

    /// RFC 9112 §6.3 as first written: the fields read only once the status and method leave
    /// the framing open.
    fn reference_framing(method: &Method, head: &ResponseHead) -> Result<Framing, Error> {
        let status = head.status();
        let clean = |length| {
            Ok(Framing {
                length,
                in_doubt: false,
            })
        };
        if method == Method::HEAD
            || status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED
            || (method == Method::CONNECT && status.is_success())
        {
            return clean(BodyLength::Empty);
        }
        let mut te = TransferCoding::default();
        for value in head.get_all("transfer-encoding") {
            te.add(value);
        }
        let mut content_length = None;
        for value in head.get_all("content-length") {
            content_length = Some(match content_length {
                None => content_length_value(value, None),
                Some(Ok(agreed)) => content_length_value(value, Some(agreed)),
                Some(Err(e)) => Err(e),
            });
        }
        if te.present {
            if te.repeated_chunked || head.version() == Version::HTTP_10 {
                return Err(Error::InvalidTransferEncoding);
            }
            let length = if te.last_is_chunked {
                BodyLength::Chunked
            } else {
                BodyLength::UntilClose
            };
            return Ok(Framing {
                length,
                in_doubt: content_length.is_some(),
            });
        }
        match content_length {
            Some(Ok(0)) => clean(BodyLength::Empty),
            Some(Ok(n)) => clean(BodyLength::Exactly(n)),
            Some(Err(e)) => Err(e),
            None => clean(BodyLength::UntilClose),
        }
    }

    fn head_case() -> impl Strategy<Value = (Method, Vec<u8>)> {
        let method = prop_oneof![Just(Method::GET), Just(Method::HEAD), Just(Method::CONNECT)];
        let status = prop_oneof![
            Just("100"),
            Just("101"),
            Just("200"),
            Just("204"),
            Just("304"),
            Just("404")
        ];
        let name = prop_oneof![
            Just("Transfer-Encoding"),
            Just("transfer-encoding"),
            Just("Content-Length"),
            Just("CONTENT-LENGTH"),
            Just("Connection"),
            Just("connection"),
            Just("Keep-Alive"),
            Just("keep-alivE"),
            Just("Content-Type"),
            Just("X-Keep-Alive"),
        ];
        let value = prop_oneof![
            Just("chunked"),
            Just("gzip, chunked"),
            Just("chunked, gzip"),
            Just("chunked;q=1"),
            Just("5"),
            Just("05, 5"),
            Just("+5"),
            Just("6"),
            Just("0"),
            Just(""),
            Just("close"),
            Just("Keep-Alive, Upgrade"),
            Just("timeout=5, max=\"7\""),
            Just("max=x, timeout=9"),
            Just("18446744073709551616"),
        ];
        let fields = proptest::collection::vec((name, value), 0..6);
        (method, any::<bool>(), status, fields).prop_map(|(method, http10, status, fields)| {
            let version = if http10 { "1.0" } else { "1.1" };
            let mut raw = format!("HTTP/{version} {status} X\r\n");
            for (name, value) in fields {
                raw.push_str(&format!("{name}: {value}\r\n"));
            }
            raw.push_str("\r\n");
            (method, raw.into_bytes())
        })
    }

    proptest! {
        /// One pass over the fields decides as the separate lookups did.
        #[test]
        fn one_scan_agrees_with_separate_lookups((method, raw) in head_case()) {
            let (_, head) = parse_response_head(&raw, &Limits::default()).unwrap().unwrap();
            let fields = HeadFields::scan(&head);
            prop_assert_eq!(framing_from(&method, &head, &fields), reference_framing(&method, &head));
            prop_assert_eq!(response_framing(&method, &head), reference_framing(&method, &head));
            prop_assert_eq!(fields.keep_alive.or_none(), KeepAlive::from_head(&head));
            let token = |t: &[u8]| {
                head.get_all("connection")
                    .any(|v| list_elements(v).any(|e| e.eq_ignore_ascii_case(t)))
            };
            prop_assert_eq!(fields.connection_close, token(b"close"));
            prop_assert_eq!(fields.connection_keep_alive, token(b"keep-alive"));
        }
    }

    #[test]
    fn decimal_is_strict() {
        assert_eq!(parse_decimal(b"0"), Some(0));
        assert_eq!(parse_decimal(b"18446744073709551615"), Some(u64::MAX));
        for bad in [
            &b""[..],
            b"+5",
            b"-1",
            b"5a",
            b"0x10",
            b"5 5",
            b" 5",
            b"18446744073709551616",
            b"36893488147419103232",
        ] {
            assert_eq!(
                parse_decimal(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn list_elements_skip_empty_and_trim() {
        let got: Vec<&[u8]> = list_elements(b" gzip ,, chunked\t").collect();
        assert_eq!(got, [&b"gzip"[..], b"chunked"]);
    }
}
