//! Reading one whole request off a stream, by its own framing (RFC 9112 §6.3 as a server sees
//! it: chunked, else Content-Length, else no body), so a script can answer after exactly one
//! request and record its bytes as they arrived.
//!
//! The framing check is a pure function over the bytes read so far ([`request_len`]), so it is
//! tested without sockets; the async reader only feeds it.

use std::io;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt};

/// The largest request head read; a longer one is refused rather than buffered without end.
pub const MAX_HEAD: usize = 64 * 1024;
/// The largest request body read, for the same reason.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// Why bytes from a client are not a request this kit can frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// No blank line within [`MAX_HEAD`] bytes.
    HeadTooLong,
    /// A `Content-Length` that is not a decimal number, or two that disagree.
    BadContentLength,
    /// A chunk-size line that is not hexadecimal, or a chunk not followed by CRLF.
    BadChunk,
    /// A body longer than [`MAX_BODY`].
    BodyTooLong,
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Malformed::HeadTooLong => "request head longer than the kit reads",
            Malformed::BadContentLength => "unusable Content-Length",
            Malformed::BadChunk => "malformed chunked body",
            Malformed::BodyTooLong => "request body longer than the kit reads",
        })
    }
}

impl std::error::Error for Malformed {}

/// How many bytes at the start of `buf` make one whole request: `Ok(Some(n))` once all of it
/// is there, `Ok(None)` while more is needed.
pub fn request_len(buf: &[u8]) -> Result<Option<usize>, Malformed> {
    let Some(head_end) = find(buf, b"\r\n\r\n").map(|at| at + 4) else {
        return if buf.len() > MAX_HEAD {
            Err(Malformed::HeadTooLong)
        } else {
            Ok(None)
        };
    };
    if head_end > MAX_HEAD {
        return Err(Malformed::HeadTooLong);
    }
    let mut length: Option<usize> = None;
    let mut chunked = false;
    for line in buf[..head_end].split(|&b| b == b'\n').skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if name.eq_ignore_ascii_case(b"content-length") {
            let n = decimal(value).ok_or(Malformed::BadContentLength)?;
            if length.is_some_and(|old| old != n) {
                return Err(Malformed::BadContentLength);
            }
            length = Some(n);
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            // Only the last coding decides whether the body is chunked (RFC 9112 §6.3).
            let last = value.rsplit(|&b| b == b',').next().map(<[u8]>::trim_ascii);
            chunked = last.is_some_and(|c| c.eq_ignore_ascii_case(b"chunked"));
        }
    }
    if chunked {
        return chunked_len(&buf[head_end..]).map(|n| n.map(|n| head_end + n));
    }
    match length {
        Some(n) if n > MAX_BODY => Err(Malformed::BodyTooLong),
        Some(n) => Ok((buf.len() >= head_end + n).then_some(head_end + n)),
        None => Ok(Some(head_end)),
    }
}

/// The length of a whole chunked body (trailers included) at the start of `buf`.
fn chunked_len(buf: &[u8]) -> Result<Option<usize>, Malformed> {
    let mut at = 0;
    loop {
        let Some(line_len) = find(&buf[at..], b"\r\n") else {
            return if buf.len() - at > 1024 {
                Err(Malformed::BadChunk)
            } else {
                Ok(None)
            };
        };
        let line = &buf[at..at + line_len];
        let digits = line
            .split(|&b| b == b';')
            .next()
            .map(<[u8]>::trim_ascii)
            .unwrap_or(b"");
        let size = hexadecimal(digits).ok_or(Malformed::BadChunk)?;
        at += line_len + 2;
        if size == 0 {
            // Trailer lines, then the blank line that ends the message.
            loop {
                let Some(len) = find(&buf[at..], b"\r\n") else {
                    return Ok(None);
                };
                at += len + 2;
                if len == 0 {
                    return Ok(Some(at));
                }
            }
        }
        if at + size > MAX_BODY {
            return Err(Malformed::BodyTooLong);
        }
        if buf.len() < at + size + 2 {
            return Ok(None);
        }
        if &buf[at + size..at + size + 2] != b"\r\n" {
            return Err(Malformed::BadChunk);
        }
        at += size + 2;
    }
}

/// Reads one whole request from `stream`, keeping any bytes past it in `buf` for the next
/// call. `Ok(None)` when the peer closed before sending a byte of another request; an
/// `UnexpectedEof` error when it closed part-way; `InvalidData` (wrapping [`Malformed`]) when
/// the bytes cannot be framed.
pub async fn read_request<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut BytesMut,
) -> io::Result<Option<Bytes>> {
    loop {
        match request_len(buf) {
            Ok(Some(n)) => return Ok(Some(buf.split_to(n).freeze())),
            Ok(None) => {}
            Err(why) => return Err(io::Error::new(io::ErrorKind::InvalidData, why)),
        }
        buf.reserve(4096);
        if stream.read_buf(buf).await? == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn decimal(s: &[u8]) -> Option<usize> {
    if s.is_empty() || s.len() > 15 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

fn hexadecimal(s: &[u8]) -> Option<usize> {
    if s.is_empty() || s.len() > 12 || !s.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    usize::from_str_radix(std::str::from_utf8(s).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_without_a_body_end_at_the_blank_line() {
        let get = b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /next";
        assert_eq!(request_len(get), Ok(Some(27)));
        assert_eq!(request_len(&get[..20]), Ok(None));
    }

    #[test]
    fn content_length_bodies_wait_for_every_byte() {
        let post = b"POST / HTTP/1.1\r\ncontent-length: 5\r\n\r\nhello";
        assert_eq!(request_len(post), Ok(Some(post.len())));
        assert_eq!(request_len(&post[..post.len() - 1]), Ok(None));
        let twice = b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n";
        assert_eq!(request_len(twice), Err(Malformed::BadContentLength));
        let sign = b"POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n";
        assert_eq!(request_len(sign), Err(Malformed::BadContentLength));
    }

    #[test]
    fn chunked_bodies_end_after_the_last_chunk_and_trailers() {
        let head = b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n".as_slice();
        let body = b"5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\n".as_slice();
        let whole = [head, body].concat();
        assert_eq!(request_len(&whole), Ok(Some(whole.len())));
        for cut in head.len()..whole.len() {
            assert_eq!(request_len(&whole[..cut]), Ok(None), "cut at {cut}");
        }
        let bad = [head, b"zz\r\n".as_slice()].concat();
        assert_eq!(request_len(&bad), Err(Malformed::BadChunk));
        let unterminated = [head, b"2\r\nabX\r\n".as_slice()].concat();
        assert_eq!(request_len(&unterminated), Err(Malformed::BadChunk));
    }

    #[test]
    fn endless_heads_and_huge_bodies_are_refused() {
        assert_eq!(
            request_len(&vec![b'a'; MAX_HEAD + 1]),
            Err(Malformed::HeadTooLong)
        );
        let huge = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        assert_eq!(request_len(huge.as_bytes()), Err(Malformed::BodyTooLong));
    }
}
