//! Writing a request head and body framing, after validating every byte of it.
//!
//! Validation happens in [`RequestHeadPlan::new`], before anything is written: a header value
//! holding CR or LF would otherwise split one request into two (RUSTSEC-2017-0002,
//! CVE-2019-11236). The `http` crate already refuses those bytes in its checked constructors;
//! the scan here also covers `HeaderValue::from_maybe_shared_unchecked` and keeps this crate's
//! guarantee independent of how the caller built its values.
//!
//! Writing never allocates: the exact length is computed first, checked against the output's
//! free space, and numbers are formatted on the stack.

use bytes::BufMut;
use http::header::{CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
use http::{HeaderMap, Method, Request, Version};

use crate::Error;

/// How the request body is framed on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestBody {
    /// No body and no framing header. Use `Sized(0)` for an empty `POST` or `PUT`, which
    /// servers expect to carry `Content-Length: 0`.
    None,
    /// A body of exactly this many bytes, announced with `Content-Length`.
    Sized(u64),
    /// A body of unknown length, sent with `Transfer-Encoding: chunked` (trailers allowed).
    Chunked,
}

/// Which form of request-target to write (RFC 9112 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TargetForm {
    /// `/path?query`: to an origin server. `CONNECT` always uses the authority form instead.
    #[default]
    Origin,
    /// `http://host:port/path?query`: to a forward proxy.
    Absolute,
}

/// A validated request head, ready to be written.
#[derive(Debug)]
pub(crate) struct RequestHeadPlan {
    pub(crate) request: Request<()>,
    pub(crate) body: RequestBody,
    form: TargetForm,
    /// Whether the caller wrote a Host header; looked up once, since the head's length and
    /// its writing both need the Host value.
    own_host: bool,
}

impl RequestHeadPlan {
    pub(crate) fn new(request: Request<()>, body: RequestBody) -> Result<Self, Error> {
        if !matches!(request.version(), Version::HTTP_10 | Version::HTTP_11) {
            return Err(Error::UnsupportedVersion);
        }
        // HTTP/1.0 has no chunked coding: a 1.0 peer would read the chunks as the next request.
        if request.version() == Version::HTTP_10 && body == RequestBody::Chunked {
            return Err(Error::ChunkedNeedsHttp11);
        }
        let headers = request.headers();
        if headers.contains_key(CONTENT_LENGTH) || headers.contains_key(TRANSFER_ENCODING) {
            return Err(Error::FramingHeaderInRequest);
        }
        validate_fields(headers).map_err(|name| Error::InvalidRequestHeader { name })?;
        let own_host = request.headers().contains_key(HOST);
        let plan = RequestHeadPlan {
            request,
            body,
            form: TargetForm::Origin,
            own_host,
        };
        plan.target()?;
        plan.host()?;
        Ok(plan)
    }

    pub(crate) fn set_form(&mut self, form: TargetForm) -> Result<(), Error> {
        let previous = std::mem::replace(&mut self.form, form);
        if let Err(e) = self.target() {
            self.form = previous;
            return Err(e);
        }
        Ok(())
    }

    /// The request-target as up to four pieces written one after another.
    fn target(&self) -> Result<[&str; 4], Error> {
        let uri = self.request.uri();
        let authority = || {
            let a = uri.authority().ok_or(Error::InvalidRequestTarget)?.as_str();
            // Credentials in the URI never go on the wire in the target or in Host.
            Ok::<_, Error>(a.rsplit_once('@').map_or(a, |(_, host)| host))
        };
        let path = match uri.path_and_query().map(|p| p.as_str()) {
            None | Some("") => "/",
            Some(p) => p,
        };
        let pieces = if self.request.method() == Method::CONNECT {
            [authority()?, "", "", ""]
        } else if self.form == TargetForm::Absolute {
            let scheme = uri.scheme_str().ok_or(Error::InvalidRequestTarget)?;
            [scheme, "://", authority()?, path]
        } else {
            [path, "", "", ""]
        };
        if pieces
            .iter()
            .any(|p| p.bytes().any(|b| b <= b' ' || b == 0x7f))
        {
            return Err(Error::InvalidRequestTarget);
        }
        Ok(pieces)
    }

    /// The Host value: the caller's own, else the URI's authority without credentials.
    fn host(&self) -> Result<&[u8], Error> {
        if let Some(v) = self
            .own_host
            .then(|| self.request.headers().get(HOST))
            .flatten()
        {
            return Ok(v.as_bytes());
        }
        let a = self
            .request
            .uri()
            .authority()
            .ok_or(Error::MissingHost)?
            .as_str();
        Ok(a.rsplit_once('@').map_or(a, |(_, host)| host).as_bytes())
    }

    /// Exact number of bytes [`write`](Self::write) produces.
    pub(crate) fn len(&self) -> usize {
        // Validated in `new` and `set_form`; the unwraps cannot fail, but stay total.
        let target: usize = self.target().map_or(0, |t| t.iter().map(|p| p.len()).sum());
        let method = self.request.method().as_str().len();
        let mut n = method + 1 + target + " HTTP/1.1\r\n".len();
        n += "Host: \r\n".len() + self.host().map_or(0, <[u8]>::len);
        for (name, value) in self.request.headers() {
            if name != HOST {
                n += name.as_str().len() + 2 + value.len() + 2;
            }
        }
        n += match self.body {
            RequestBody::None => 0,
            RequestBody::Sized(len) => "Content-Length: \r\n".len() + decimal(len).1,
            RequestBody::Chunked => "Transfer-Encoding: chunked\r\n".len(),
        };
        n + 2
    }

    /// Writes the head; fails without writing anything if `out` has too little room.
    pub(crate) fn write<B: BufMut>(&self, out: &mut B) -> Result<usize, Error> {
        let len = self.len();
        if out.remaining_mut() < len {
            return Err(Error::OutputTooSmall { needed: len });
        }
        out.put_slice(self.request.method().as_str().as_bytes());
        out.put_u8(b' ');
        for piece in self.target()? {
            out.put_slice(piece.as_bytes());
        }
        out.put_slice(match self.request.version() {
            Version::HTTP_10 => b" HTTP/1.0\r\nHost: ",
            _ => b" HTTP/1.1\r\nHost: ",
        });
        out.put_slice(self.host()?);
        out.put_slice(b"\r\n");
        for (name, value) in self.request.headers() {
            if name != HOST {
                put_field(out, name.as_str().as_bytes(), value.as_bytes());
            }
        }
        match self.body {
            RequestBody::None => {}
            RequestBody::Sized(n) => {
                let (digits, used) = decimal(n);
                out.put_slice(b"Content-Length: ");
                out.put_slice(&digits[digits.len() - used..]);
                out.put_slice(b"\r\n");
            }
            RequestBody::Chunked => out.put_slice(b"Transfer-Encoding: chunked\r\n"),
        }
        out.put_slice(b"\r\n");
        Ok(len)
    }
}

/// Checks every value for bytes that would end or corrupt a header line; returns the name of
/// the first offending field.
pub(crate) fn validate_fields(headers: &HeaderMap) -> Result<(), String> {
    for (name, value) in headers {
        if value
            .as_bytes()
            .iter()
            .any(|&b| (b < b' ' && b != b'\t') || b == 0x7f)
        {
            return Err(name.as_str().to_owned());
        }
    }
    Ok(())
}

fn put_field<B: BufMut>(out: &mut B, name: &[u8], value: &[u8]) {
    out.put_slice(name);
    out.put_slice(b": ");
    out.put_slice(value);
    out.put_slice(b"\r\n");
}

/// `n` in decimal, right-aligned in a stack buffer, with the digit count.
fn decimal(mut n: u64) -> ([u8; 20], usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return (buf, buf.len() - i);
        }
    }
}

/// `n` in lowercase hex, right-aligned in a stack buffer, with the digit count.
pub(crate) fn hex(mut n: u64) -> ([u8; 16], usize) {
    let mut buf = [0u8; 16];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b"0123456789abcdef"[(n % 16) as usize];
        n /= 16;
        if n == 0 {
            return (buf, buf.len() - i);
        }
    }
}

/// Writes one chunk: size line, data, CRLF. An empty `data` writes nothing, since a
/// zero-size chunk would end the body.
pub(crate) fn write_chunk<B: BufMut>(data: &[u8], out: &mut B) -> Result<usize, Error> {
    if data.is_empty() {
        return Ok(0);
    }
    let (digits, used) = hex(data.len() as u64);
    let len = used + 2 + data.len() + 2;
    if out.remaining_mut() < len {
        return Err(Error::OutputTooSmall { needed: len });
    }
    out.put_slice(&digits[digits.len() - used..]);
    out.put_slice(b"\r\n");
    out.put_slice(data);
    out.put_slice(b"\r\n");
    Ok(len)
}

/// Writes the last chunk, the trailer fields and the final CRLF.
pub(crate) fn write_last_chunk<B: BufMut>(
    trailers: Option<&HeaderMap>,
    out: &mut B,
) -> Result<usize, Error> {
    let fields = || trailers.into_iter().flatten();
    let len = 3
        + fields()
            .map(|(n, v)| n.as_str().len() + 2 + v.len() + 2)
            .sum::<usize>()
        + 2;
    if let Some(t) = trailers {
        validate_fields(t).map_err(|name| Error::InvalidRequestHeader { name })?;
    }
    if out.remaining_mut() < len {
        return Err(Error::OutputTooSmall { needed: len });
    }
    out.put_slice(b"0\r\n");
    for (name, value) in fields() {
        put_field(out, name.as_str().as_bytes(), value.as_bytes());
    }
    out.put_slice(b"\r\n");
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
