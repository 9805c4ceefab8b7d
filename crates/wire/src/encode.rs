//! Writing a request head and body framing, after validating every byte of it.
//!
//! Validation happens in [`RequestHeadPlan::new`], before anything is written: a header value
//! holding CR or LF would otherwise split one request into two (RUSTSEC-2017-0002,
//! CVE-2019-11236). The `http` crate already refuses those bytes in its checked constructors;
//! the scan here also covers `HeaderValue::from_maybe_shared_unchecked` and keeps this crate's
//! guarantee independent of how the caller built its values.
//!
//! Writing never allocates: the exact length is computed once, with the validation, checked
//! against the output's free space, and numbers are formatted on the stack.

use bytes::BufMut;
use http::header::HOST;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Version};

use crate::field_scan::{FieldScan, FieldsSummary};
use crate::{Error, RequestParts};

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

/// A validated request head, measured and ready to be written: everything but the parts
/// themselves, so that a borrowed head is held no longer than the call that writes it.
///
/// Every method takes the [`RequestParts`] the plan was made from; other parts would not
/// match the measured length.
#[derive(Debug)]
pub(crate) struct RequestHeadPlan {
    pub(crate) body: RequestBody,
    form: TargetForm,
    /// Where the Host value comes from; settled once, since both the head's length and its
    /// writing need it.
    host: HostSource,
    /// Bytes of the caller's fields other than Host, as written (`name: value` and CRLF).
    fields_len: usize,
    /// Exact length of the head; fixed by `new` and `set_form`, the only ways the plan changes.
    len: usize,
    /// What the response side needs to know about the request's fields, read in the same pass
    /// as the validation so that no field is looked up again.
    pub(crate) facts: RequestFacts,
}

#[derive(Debug, Clone, Copy)]
enum HostSource {
    /// The caller's own Host field.
    Field,
    /// The URI's authority from this byte on (after any credentials).
    Authority { start: usize },
}

/// Request fields that decide how the exchange goes on.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RequestFacts {
    /// The first `Expect` field is `100-continue`.
    pub(crate) expects_continue: bool,
    /// There is an `Upgrade` field.
    pub(crate) upgrade: bool,
    /// A `Connection` field lists `close`.
    pub(crate) connection_close: bool,
    /// A `Connection` field lists `keep-alive`.
    pub(crate) connection_keep_alive: bool,
}

impl RequestHeadPlan {
    /// Validates `parts` for the origin form, the form [`Call::new`](crate::client::Call::new)
    /// starts with; [`set_form`](Self::set_form) moves to another.
    pub(crate) fn new(parts: RequestParts<'_>, body: RequestBody) -> Result<Self, Error> {
        if !matches!(parts.version, Version::HTTP_10 | Version::HTTP_11) {
            return Err(Error::UnsupportedVersion);
        }
        // HTTP/1.0 has no chunked coding: a 1.0 peer would read the chunks as the next request.
        if parts.version == Version::HTTP_10 && body == RequestBody::Chunked {
            return Err(Error::ChunkedNeedsHttp11);
        }
        let mut scan = match parts.checked {
            // Its map is clean and measured: only the extra fields are new.
            Some(checked) => FieldScan::resume(checked.summary()),
            None => {
                let mut scan = FieldScan::resume(FieldsSummary::default());
                for (name, value) in parts.headers {
                    scan.add(name, value);
                }
                scan
            }
        };
        for (name, value) in parts.extra {
            scan.add(name, value);
        }
        let FieldsSummary {
            own_host,
            len: fields_len,
            facts,
            ..
        } = scan.finish()?;
        let target_len = checked_target_len(parts, TargetForm::Origin)?;
        let host = if own_host {
            HostSource::Field
        } else {
            let authority = parts.uri.authority().ok_or(Error::MissingHost)?;
            HostSource::Authority {
                start: host_start(authority.as_str()),
            }
        };
        let len = head_len(parts, body, host, fields_len, target_len);
        Ok(RequestHeadPlan {
            body,
            form: TargetForm::Origin,
            host,
            fields_len,
            len,
            facts,
        })
    }

    pub(crate) fn set_form(
        &mut self,
        parts: RequestParts<'_>,
        form: TargetForm,
    ) -> Result<(), Error> {
        let target_len = checked_target_len(parts, form)?;
        self.form = form;
        self.len = head_len(parts, self.body, self.host, self.fields_len, target_len);
        Ok(())
    }

    /// Exact number of bytes [`write`](Self::write) produces.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Writes the head; fails without writing anything if `out` has too little room.
    pub(crate) fn write<B: BufMut>(
        &self,
        parts: RequestParts<'_>,
        out: &mut B,
    ) -> Result<usize, Error> {
        let len = self.len;
        if out.remaining_mut() < len {
            return Err(Error::OutputTooSmall { needed: len });
        }
        out.put_slice(parts.method.as_str().as_bytes());
        out.put_u8(b' ');
        for piece in target(parts, self.form)? {
            if !piece.is_empty() {
                out.put_slice(piece.as_bytes());
            }
        }
        out.put_slice(match parts.version {
            Version::HTTP_10 => b" HTTP/1.0\r\nHost: ",
            _ => b" HTTP/1.1\r\nHost: ",
        });
        out.put_slice(host(parts, self.host));
        out.put_slice(b"\r\n");
        match parts.checked {
            Some(checked) => out.put_slice(checked.block()),
            None => put_fields(out, parts.headers),
        }
        put_fields(out, parts.extra.iter().map(|(name, value)| (name, value)));
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

/// The request-target as up to four pieces written one after another, unchecked: see
/// [`checked_target_len`].
fn target<'a>(parts: RequestParts<'a>, form: TargetForm) -> Result<[&'a str; 4], Error> {
    let uri = parts.uri;
    let authority = || {
        let a = uri.authority().ok_or(Error::InvalidRequestTarget)?.as_str();
        // Credentials in the URI never go on the wire in the target or in Host.
        Ok::<_, Error>(&a[host_start(a)..])
    };
    let path = match uri.path_and_query().map(|p| p.as_str()) {
        None | Some("") => "/",
        Some(p) => p,
    };
    Ok(if parts.method == Method::CONNECT {
        [authority()?, "", "", ""]
    } else if form == TargetForm::Absolute {
        let scheme = uri.scheme_str().ok_or(Error::InvalidRequestTarget)?;
        [scheme, "://", authority()?, path]
    } else {
        [path, "", "", ""]
    })
}

/// Validates the request-target in `form` and returns its length.
fn checked_target_len(parts: RequestParts<'_>, form: TargetForm) -> Result<usize, Error> {
    let pieces = target(parts, form)?;
    if pieces
        .iter()
        .any(|p| p.bytes().any(|b| b <= b' ' || b == 0x7f))
    {
        return Err(Error::InvalidRequestTarget);
    }
    Ok(pieces.iter().map(|p| p.len()).sum())
}

/// The Host value: the caller's first Host field (the map's before `extra`), else the URI's
/// authority without credentials.
fn host<'a>(parts: RequestParts<'a>, source: HostSource) -> &'a [u8] {
    match source {
        HostSource::Field => match parts.checked {
            Some(checked) => checked.host(),
            None => parts.headers.get(HOST),
        }
        .or_else(|| parts.extra.iter().find(|(n, _)| n == HOST).map(|(_, v)| v))
        .map_or(&[][..], |v| v.as_bytes()),
        HostSource::Authority { start } => parts
            .uri
            .authority()
            .map_or(&[][..], |a| &a.as_str().as_bytes()[start..]),
    }
}

/// Exact length of the head, from the parts `RequestHeadPlan::new` measured.
fn head_len(
    parts: RequestParts<'_>,
    body: RequestBody,
    source: HostSource,
    fields_len: usize,
    target_len: usize,
) -> usize {
    let method = parts.method.as_str().len();
    let mut n = method + 1 + target_len + " HTTP/1.1\r\n".len();
    n += "Host: \r\n".len() + host(parts, source).len() + fields_len;
    n += match body {
        RequestBody::None => 0,
        RequestBody::Sized(len) => "Content-Length: \r\n".len() + decimal(len).1,
        RequestBody::Chunked => "Transfer-Encoding: chunked\r\n".len(),
    };
    n + 2
}

/// Where the host starts in an authority: after the last `@`, so that credentials are dropped.
fn host_start(authority: &str) -> usize {
    authority
        .bytes()
        .rposition(|b| b == b'@')
        .map_or(0, |at| at + 1)
}

/// Whether a value is free of bytes that would end or corrupt a header line: controls other
/// than HTAB, and DEL.
///
/// No early exit, so that the loop vectorises; values are short and almost always clean.
pub(crate) fn value_is_clean(value: &[u8]) -> bool {
    value.iter().fold(true, |clean, &b| {
        clean & ((b >= b' ' || b == b'\t') & (b != 0x7f))
    })
}

/// Checks every value for bytes that would end or corrupt a header line; returns the name of
/// the first offending field.
pub(crate) fn validate_fields(headers: &HeaderMap) -> Result<(), String> {
    for (name, value) in headers {
        if !value_is_clean(value.as_bytes()) {
            return Err(name.as_str().to_owned());
        }
    }
    Ok(())
}

/// Writes every field but Host, which the head writes first.
fn put_fields<'a, B: BufMut>(
    out: &mut B,
    fields: impl IntoIterator<Item = (&'a HeaderName, &'a HeaderValue)>,
) {
    for (name, value) in fields {
        if name != HOST {
            put_field(out, name.as_str().as_bytes(), value.as_bytes());
        }
    }
}

pub(crate) fn put_field<B: BufMut>(out: &mut B, name: &[u8], value: &[u8]) {
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
mod tests;
