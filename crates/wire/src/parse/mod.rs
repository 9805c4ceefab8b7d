//! The bridge to `httparse`: one response head in, one owned [`ResponseHead`] out.
//!
//! httparse borrows the caller's buffer; a [`ResponseHead`] must outlive that buffer, so the head
//! bytes are copied once into a [`Bytes`] and the fields are kept as offsets into it, in a table
//! after the bytes in the same buffer. That keeps parsing to one allocation, and leaves building an
//! [`http::HeaderMap`] (one allocation per custom name and value) to callers who ask for one.

mod fields;
mod head;
mod line_ends;

use std::mem::MaybeUninit;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Version};

use crate::Error;
use fields::{FieldIndex, Span, to_u32};
pub use head::ResponseHead;

/// Field slots kept on the stack; a larger `max_headers` limit spills to the heap.
const STACK_FIELDS: usize = 128;

/// Parses one response head from the start of `input`, within `limits`.
///
/// Returns `Ok(None)` when `input` holds only part of a head, and `Ok(Some((consumed, head)))`
/// once the blank line ending it has arrived; the body, if any, starts at `input[consumed..]`.
/// Interim (1xx) heads are returned like any other: skipping them is the job of
/// [`Call`](crate::client::Call), which also counts them against the limits.
///
/// Line endings: CRLF only, unless [`Limits::accept_bare_lf`](crate::Limits::accept_bare_lf)
/// allows LF alone (RFC 9112 §2.2 lets a recipient accept it; the setting says why tarry does
/// not by default). Obs-fold, whitespace before a colon and control bytes in values are
/// always refused, and chunk framing always needs CRLF (see
/// [`ChunkedDecoder`](crate::ChunkedDecoder)).
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
    parse_head_within(input, limits.head_bytes(), limits)
}

/// [`parse_response_head`] with `budget` head bytes left of the exchange's head byte limit.
pub(crate) fn parse_head_within(
    input: &[u8],
    budget: usize,
    limits: &crate::Limits,
) -> Result<Option<(usize, ResponseHead)>, Error> {
    let (limit, max_headers) = (limits.head_bytes(), limits.headers());
    // Only the first `budget` bytes can belong to an acceptable head. Parsing no further
    // keeps the outcome independent of how much input (body bytes included) is offered at
    // once: fed one byte at a time, the parser would never see past the budget either.
    let offered = input.len();
    let input = &input[..offered.min(budget)];
    // A field line takes at least three bytes (`a:` and LF), so no input holds more fields
    // than a third of its length: a huge limit allocates by the input, not by the limit.
    let slots_needed = max_headers.min(input.len() / 3 + 1);
    let mut stack = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; STACK_FIELDS];
    let mut heap;
    let slots: &mut [MaybeUninit<httparse::Header<'_>>] = if slots_needed <= STACK_FIELDS {
        &mut stack[..slots_needed]
    } else {
        heap = Vec::with_capacity(slots_needed);
        heap.resize_with(slots_needed, MaybeUninit::uninit);
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

    let head = &input[..consumed];
    if !limits.accepts_bare_lf()
        && line_ends::has_bare_lf(head, res.headers.iter().map(|h| h.name.as_bytes()))
    {
        return Err(Error::BareLfLineEnding);
    }
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
    let mut buf = Vec::with_capacity(consumed + FieldIndex::table_len(consumed, res.headers.len()));
    buf.extend_from_slice(head);
    let fields = FieldIndex::append(&mut buf, head, res.headers);
    // Length equals capacity, so this takes the Vec over without another allocation.
    let raw = Bytes::from(buf);

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

/// Parses a complete trailer section (field lines, each ending in CRLF, without the final blank
/// line) into a map. Used by the chunked decoder once the section has been bounded and framed.
pub(crate) fn parse_trailer_fields(section: &[u8], max_fields: usize) -> Result<HeaderMap, Error> {
    let mut owned = Vec::with_capacity(section.len() + 2);
    owned.extend_from_slice(section);
    owned.extend_from_slice(b"\r\n");
    let mut slots = vec![httparse::EMPTY_HEADER; max_fields.min(owned.len() / 3 + 1)];
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
mod tests;
