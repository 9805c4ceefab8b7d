//! A request head borrowed from the caller, for [`Call::write_request`].
//!
//! A client that keeps its request (to retry it, say) or shares default headers between
//! requests would otherwise have to build an owned `http::Request` per exchange, cloning a
//! header map only for the call to read it once. The view borrows instead, and the call keeps
//! nothing of it beyond the head it writes.
//!
//! [`Call::write_request`]: crate::client::Call::write_request

use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri, Version};

use crate::CheckedHeaders;

/// A request head borrowed from the caller: what [`Call::new`] reads from an owned request,
/// plus `extra` fields written after the map.
///
/// `extra` lets a client add per-request fields (credentials, cookies) to a header map it
/// shares between requests, without copying the map. The fields are treated exactly as if
/// they were appended to the map: every rule [`Call::new`] applies to the map's fields (clean
/// values, no `Content-Length` or `Transfer-Encoding`, `Host`, `Expect`, `Upgrade`,
/// `Connection`) applies to them too. They are written after the map's fields, in order.
///
/// Built with [`new`](Self::new) (or [`with_checked`](Self::with_checked), for a map checked
/// once and sent with many requests) and [`with_extra`](Self::with_extra), or from a request:
///
/// ```
/// use http::header::{AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
/// use http::{Method, Uri, Version};
/// use tarry_wire::client::{AfterHead, Call};
/// use tarry_wire::{RequestBody, RequestParts, TargetForm};
///
/// // Shared by every request of a client, never copied.
/// let mut defaults = HeaderMap::new();
/// defaults.insert(USER_AGENT, HeaderValue::from_static("tarry"));
///
/// let uri: Uri = "http://example.test/me".parse().unwrap();
/// let credentials = [(AUTHORIZATION, HeaderValue::from_static("Bearer t0ken"))];
/// let parts = RequestParts::new(&Method::GET, &uri, Version::HTTP_11, &defaults)
///     .with_extra(&credentials);
///
/// let mut out = Vec::new();
/// let next = Call::write_request(parts, RequestBody::None, TargetForm::Origin, &mut out)?;
/// assert_eq!(
///     out,
///     b"GET /me HTTP/1.1\r\nHost: example.test\r\nuser-agent: tarry\r\n\
///       authorization: Bearer t0ken\r\n\r\n"
/// );
/// assert!(matches!(next, AfterHead::RecvResponse(_)));
///
/// // An owned request can be viewed the same way, with no extra fields.
/// let request = http::Request::get("http://example.test/").body(()).unwrap();
/// let parts = RequestParts::from(&request);
/// # let _ = parts;
/// # Ok::<(), tarry_wire::Error>(())
/// ```
///
/// [`Call::new`]: crate::client::Call::new
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    pub(crate) method: &'a Method,
    pub(crate) uri: &'a Uri,
    pub(crate) version: Version,
    pub(crate) headers: &'a HeaderMap,
    /// Set when `headers` is this one's map: its fields need no checking or encoding again.
    pub(crate) checked: Option<&'a CheckedHeaders>,
    pub(crate) extra: &'a [(HeaderName, HeaderValue)],
}

impl<'a> RequestParts<'a> {
    /// A head with these parts and no extra fields.
    #[inline]
    pub fn new(method: &'a Method, uri: &'a Uri, version: Version, headers: &'a HeaderMap) -> Self {
        RequestParts {
            method,
            uri,
            version,
            headers,
            checked: None,
            extra: &[],
        }
    }

    /// A head with these parts, whose fields were checked and encoded once by
    /// [`CheckedHeaders::new`], and no extra fields.
    ///
    /// Writes the same bytes, and fails the same way, as [`new`](Self::new) with
    /// `headers.headers()`; only the map's fields are not looked at again.
    #[inline]
    pub fn with_checked(
        method: &'a Method,
        uri: &'a Uri,
        version: Version,
        headers: &'a CheckedHeaders,
    ) -> Self {
        RequestParts {
            method,
            uri,
            version,
            headers: headers.headers(),
            checked: Some(headers),
            extra: &[],
        }
    }

    /// The same head with `extra` written after `headers`, in order, replacing any extra
    /// fields given before.
    #[inline]
    pub fn with_extra(self, extra: &'a [(HeaderName, HeaderValue)]) -> Self {
        RequestParts { extra, ..self }
    }

    /// The method.
    #[inline]
    pub fn method(&self) -> &'a Method {
        self.method
    }

    /// The URI.
    #[inline]
    pub fn uri(&self) -> &'a Uri {
        self.uri
    }

    /// The version.
    #[inline]
    pub fn version(&self) -> Version {
        self.version
    }

    /// The header map (without the extra fields); the checked one's, if any.
    #[inline]
    pub fn headers(&self) -> &'a HeaderMap {
        self.headers
    }

    /// The checked headers, if the head was built [`with_checked`](Self::with_checked).
    #[inline]
    pub fn checked(&self) -> Option<&'a CheckedHeaders> {
        self.checked
    }

    /// The extra fields, written after the map's.
    #[inline]
    pub fn extra(&self) -> &'a [(HeaderName, HeaderValue)] {
        self.extra
    }
}

impl<'a> From<&'a Request<()>> for RequestParts<'a> {
    fn from(request: &'a Request<()>) -> Self {
        RequestParts::new(
            request.method(),
            request.uri(),
            request.version(),
            request.headers(),
        )
    }
}
