//! The bridge to `httparse`: one response head in, one owned [`ResponseHead`] out.
//!
//! httparse borrows the caller's buffer; a [`ResponseHead`] must outlive that buffer, so the head
//! bytes are copied once into a [`Bytes`] and the fields are kept as offsets into it. That keeps
//! parsing to two allocations whatever the field count, and leaves building an
//! [`http::HeaderMap`] (one allocation per custom name and value) to callers who ask for one.

use std::mem::MaybeUninit;
use std::ops::Range;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Version};

use crate::Error;

/// Field slots kept on the stack; a larger `max_headers` limit spills to the heap.
const STACK_FIELDS: usize = 128;

/// A parsed response head: status line and header fields, in wire order, repeats kept.
///
/// Field names are matched case-insensitively. Values are raw bytes: obs-text (0x80–0xFF) is
/// allowed by RFC 9110 and kept as is.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseHead {
    raw: Bytes,
    version: Version,
    status: StatusCode,
    reason: Span,
    fields: Vec<Field>,
}

/// Byte offsets into [`ResponseHead::raw`]; `u32` because a head is capped far below 4 GiB.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Span {
    start: u32,
    end: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Field {
    name: Span,
    value: Span,
}

impl Span {
    fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl ResponseHead {
    /// The protocol version of the status line.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The reason phrase as sent (may be empty; may hold obs-text).
    pub fn reason(&self) -> &[u8] {
        &self.raw[self.reason.range()]
    }

    /// The head exactly as received, up to and including the blank line.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The number of header fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the head has no header fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Every field in wire order as `(name, value)`, names as sent (not lowercased).
    pub fn fields(&self) -> impl Iterator<Item = (&str, &[u8])> + '_ {
        self.fields
            .iter()
            .map(|f| (self.name_str(f.name), &self.raw[f.value.range()]))
    }

    /// The value of the first field called `name` (ASCII case-insensitive).
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|f| self.raw[f.name.range()].eq_ignore_ascii_case(name.as_bytes()))
            .map(|f| &self.raw[f.value.range()])
    }

    /// Every value of the fields called `name` (ASCII case-insensitive), in wire order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields
            .iter()
            .filter(move |f| self.raw[f.name.range()].eq_ignore_ascii_case(name.as_bytes()))
            .map(|f| &self.raw[f.value.range()])
    }

    /// The fields as an [`http::HeaderMap`]. Values share this head's buffer; custom names
    /// are copied.
    pub fn header_map(&self) -> HeaderMap {
        let mut map = HeaderMap::with_capacity(self.fields.len());
        for f in &self.fields {
            // httparse accepted the name as a token and the value as field-content; both
            // conversions accept every such input, so a failure here is unreachable. Skipping
            // rather than panicking keeps that an invariant, not a crash.
            let name = HeaderName::from_bytes(&self.raw[f.name.range()]);
            let value = HeaderValue::from_maybe_shared(self.raw.slice(f.value.range()));
            if let (Ok(name), Ok(value)) = (name, value) {
                map.append(name, value);
            }
        }
        map
    }

    /// The head as an [`http::Response`] with an empty body.
    pub fn to_response(&self) -> http::Response<()> {
        let mut res = http::Response::new(());
        *res.status_mut() = self.status;
        *res.version_mut() = self.version;
        *res.headers_mut() = self.header_map();
        res
    }

    fn name_str(&self, span: Span) -> &str {
        // Names are token characters, a subset of ASCII, as checked by httparse.
        std::str::from_utf8(&self.raw[span.range()]).unwrap_or("")
    }
}

impl std::fmt::Debug for ResponseHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("ResponseHead");
        d.field("version", &self.version)
            .field("status", &self.status);
        let fields: Vec<_> = self
            .fields()
            .map(|(n, v)| (n, String::from_utf8_lossy(v)))
            .collect();
        d.field("fields", &fields).finish()
    }
}

/// Parses one response head from the start of `input`, within `limits`.
///
/// Returns `Ok(None)` when `input` holds only part of a head, and `Ok(Some((consumed, head)))`
/// once the blank line ending it has arrived; the body, if any, starts at `input[consumed..]`.
/// Interim (1xx) heads are returned like any other: skipping them is the job of
/// [`Call`](crate::client::Call), which also counts them against the limits.
///
/// Line endings: bare LF is accepted in the head, as httparse does (RFC 9112 §2.2 allows a
/// recipient to), while obs-fold, whitespace before a colon and control bytes in values are
/// refused. Chunk framing stays strict (see [`ChunkedDecoder`](crate::ChunkedDecoder)).
///
/// ```
/// use tarry_wire::{parse_response_head, Limits};
///
/// let limits = Limits::default();
/// assert_eq!(parse_response_head(b"HTTP/1.1 200 OK\r\nServer: x\r\n", &limits), Ok(None));
/// let (consumed, head) = parse_response_head(b"HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody", &limits)
///     .unwrap()
///     .unwrap();
/// assert_eq!(consumed, 30);
/// assert_eq!(head.get("server"), Some(&b"x"[..]));
/// ```
pub fn parse_response_head(
    input: &[u8],
    limits: &crate::Limits,
) -> Result<Option<(usize, ResponseHead)>, Error> {
    parse_head_within(
        input,
        limits.head_bytes(),
        limits.head_bytes(),
        limits.headers(),
    )
}

/// [`parse_response_head`] with `budget` head bytes left of the exchange's `limit`.
pub(crate) fn parse_head_within(
    input: &[u8],
    budget: usize,
    limit: usize,
    max_headers: usize,
) -> Result<Option<(usize, ResponseHead)>, Error> {
    // Only the first `budget` bytes can belong to an acceptable head. Parsing no further
    // keeps the outcome independent of how much input (body bytes included) is offered at
    // once: fed one byte at a time, the parser would never see past the budget either.
    let offered = input.len();
    let input = &input[..offered.min(budget)];
    let mut stack = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; STACK_FIELDS];
    let mut heap;
    let slots: &mut [MaybeUninit<httparse::Header<'_>>] = if max_headers <= STACK_FIELDS {
        &mut stack[..max_headers]
    } else {
        heap = Vec::with_capacity(max_headers);
        heap.resize_with(max_headers, MaybeUninit::uninit);
        &mut heap[..]
    };

    let mut res = httparse::Response::new(&mut []);
    let status = httparse::ParserConfig::default()
        .parse_response_with_uninit_headers(&mut res, input, slots)
        .map_err(|e| match e {
            httparse::Error::TooManyHeaders => Error::TooManyHeaders { limit: max_headers },
            other => Error::from(other),
        });
    let consumed = match status {
        Ok(httparse::Status::Complete(n)) => n,
        // Unfinished within the budget while more bytes are on offer: the head is too large.
        Ok(httparse::Status::Partial) if offered >= budget && offered > 0 => {
            return Err(Error::HeadTooLarge { limit });
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(e),
    };

    let version = match res.version {
        Some(0) => Version::HTTP_10,
        Some(1) => Version::HTTP_11,
        _ => return Err(Error::InvalidVersion),
    };
    let status = res
        .code
        .and_then(|c| StatusCode::from_u16(c).ok())
        .ok_or(Error::InvalidStatus)?;

    let raw = Bytes::copy_from_slice(&input[..consumed]);
    let head = &input[..consumed];
    // httparse hands out sub-slices of `input`; their offsets locate the same bytes in `raw`.
    let span_of = |s: &[u8]| {
        let start = (s.as_ptr() as usize).checked_sub(head.as_ptr() as usize)?;
        let end = start.checked_add(s.len()).filter(|&e| e <= head.len())?;
        Some(Span {
            start: to_u32(start),
            end: to_u32(end),
        })
    };
    // httparse reports a reason phrase holding obs-text as "" (not a slice of the input), so
    // the raw reason is located from the status line itself when that happens.
    let reason = res
        .reason
        .and_then(|r| span_of(r.as_bytes()))
        .filter(|r| r.start < r.end)
        .unwrap_or_else(|| raw_reason(head));
    let mut fields = Vec::with_capacity(res.headers.len());
    fields.extend(res.headers.iter().filter_map(|h| {
        Some(Field {
            name: span_of(h.name.as_bytes())?,
            value: span_of(h.value)?,
        })
    }));

    Ok(Some((
        consumed,
        ResponseHead {
            raw,
            version,
            status,
            reason,
            fields,
        },
    )))
}

/// The reason phrase of the status line at the start of `head`, as raw bytes.
fn raw_reason(head: &[u8]) -> Span {
    // Leading empty lines are skipped by httparse; skip them the same way.
    let start = head
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(0);
    let line_end = head[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(head.len(), |n| start + n);
    let line_end = if line_end > start && head[line_end - 1] == b'\r' {
        line_end - 1
    } else {
        line_end
    };
    // "HTTP/1.1 200 " is 13 bytes; httparse accepted exactly that shape before the reason.
    let reason_start = (start + 13).min(line_end);
    Span {
        start: to_u32(reason_start),
        end: to_u32(line_end),
    }
}

/// Heads are bounded by [`crate::Limits`], whose byte limit is a `usize`; a head past 4 GiB
/// would be refused long before it got here, so saturating is only a guard.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Parses a complete trailer section (field lines, each ending in CRLF, without the final blank
/// line) into a map. Used by the chunked decoder once the section has been bounded and framed.
pub(crate) fn parse_trailer_fields(section: &[u8], max_fields: usize) -> Result<HeaderMap, Error> {
    let mut owned = Vec::with_capacity(section.len() + 2);
    owned.extend_from_slice(section);
    owned.extend_from_slice(b"\r\n");
    let mut slots = vec![httparse::EMPTY_HEADER; max_fields];
    let fields = match httparse::parse_headers(&owned, &mut slots) {
        Ok(httparse::Status::Complete((_, fields))) => fields,
        _ => return Err(Error::InvalidTrailer),
    };
    let mut map = HeaderMap::with_capacity(fields.len());
    for f in fields {
        let name = HeaderName::from_bytes(f.name.as_bytes()).map_err(|_| Error::InvalidTrailer)?;
        let value = HeaderValue::from_bytes(f.value).map_err(|_| Error::InvalidTrailer)?;
        map.append(name, value);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

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
        let head =
            parse(b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX: \xff\r\nset-cookie: b=2\r\n\r\n");
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
}
