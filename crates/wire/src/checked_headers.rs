//! A header map checked and encoded once, to be sent with many requests.
//!
//! A client sends the same default fields (User-Agent, Accept, ...) with every request;
//! checking and writing them field by field each time is a few hundred instructions per
//! request for a result that cannot change. The map is owned and never handed out mutably,
//! so what was checked is what is sent.

use std::fmt;

use bytes::Bytes;
use http::header::HOST;
use http::{HeaderMap, HeaderValue};

use crate::Error;
use crate::encode::put_field;
use crate::field_scan::{FieldScan, FieldsSummary};

/// Request fields validated and encoded once, for
/// [`RequestParts::with_checked`](crate::RequestParts::with_checked).
///
/// Construction applies every rule a request head applies to its fields (clean values, no
/// `Content-Length` or `Transfer-Encoding`), and fails with the error
/// [`Call::write_request`](crate::client::Call::write_request) would give for the same map.
/// A head written with checked headers is byte for byte the head written with the map itself.
///
/// ```
/// use http::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
/// use http::{Method, Uri, Version};
/// use tarry_wire::client::Call;
/// use tarry_wire::{CheckedHeaders, Error, RequestBody, RequestParts, TargetForm};
///
/// let mut defaults = HeaderMap::new();
/// defaults.insert(USER_AGENT, HeaderValue::from_static("tarry"));
/// defaults.insert(ACCEPT, HeaderValue::from_static("*/*"));
/// // Checked once, for the client's life.
/// let defaults = CheckedHeaders::new(defaults)?;
///
/// let uri: Uri = "http://example.test/me".parse().unwrap();
/// let credentials = [(AUTHORIZATION, HeaderValue::from_static("Bearer t0ken"))];
/// let parts = RequestParts::with_checked(&Method::GET, &uri, Version::HTTP_11, &defaults)
///     .with_extra(&credentials);
/// let mut out = Vec::new();
/// Call::write_request(parts, RequestBody::None, TargetForm::Origin, &mut out)?;
/// assert_eq!(
///     out,
///     b"GET /me HTTP/1.1\r\nHost: example.test\r\nuser-agent: tarry\r\naccept: */*\r\n\
///       authorization: Bearer t0ken\r\n\r\n"
/// );
///
/// // The body's framing is the codec's to write, never a field's.
/// let mut framed = HeaderMap::new();
/// framed.insert("content-length", HeaderValue::from_static("5"));
/// assert_eq!(CheckedHeaders::new(framed).unwrap_err(), Error::FramingHeaderInRequest);
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone)]
pub struct CheckedHeaders {
    headers: HeaderMap,
    /// Every field but Host, in the map's order, exactly as the plain path writes them.
    block: Bytes,
    /// The map's first Host, the one the plain path would write; kept apart because Host
    /// goes first in the head, not among the fields.
    host: Option<HeaderValue>,
    summary: FieldsSummary,
}

impl CheckedHeaders {
    /// Checks every field of `headers` as a request head would and encodes them.
    ///
    /// Fails with [`Error::FramingHeaderInRequest`] if the map has `Content-Length` or
    /// `Transfer-Encoding`, else with [`Error::InvalidRequestHeader`] naming the first field
    /// whose value holds CR, LF, NUL or another control byte (possible only with `http`'s
    /// unchecked constructors).
    pub fn new(headers: HeaderMap) -> Result<Self, Error> {
        let mut scan = FieldScan::resume(FieldsSummary::default());
        for (name, value) in &headers {
            scan.add(name, value);
        }
        let summary = scan.finish()?;
        let mut block = Vec::with_capacity(summary.len);
        for (name, value) in &headers {
            if name != HOST {
                put_field(&mut block, name.as_str().as_bytes(), value.as_bytes());
            }
        }
        debug_assert_eq!(block.len(), summary.len);
        Ok(CheckedHeaders {
            host: headers.get(HOST).cloned(),
            block: Bytes::from(block),
            headers,
            summary,
        })
    }

    /// The map that was checked.
    #[inline]
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The map back, to change it and check it again.
    #[inline]
    pub fn into_headers(self) -> HeaderMap {
        self.headers
    }

    /// The encoded fields other than Host.
    #[inline]
    pub(crate) fn block(&self) -> &[u8] {
        &self.block
    }

    #[inline]
    pub(crate) fn host(&self) -> Option<&HeaderValue> {
        self.host.as_ref()
    }

    #[inline]
    pub(crate) fn summary(&self) -> FieldsSummary {
        self.summary
    }
}

/// The map alone: the encoded block would show values that the map's own `Debug` hides
/// (those marked sensitive).
impl fmt::Debug for CheckedHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckedHeaders")
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}
