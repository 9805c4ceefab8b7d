//! A response: its head, where it came from, the redirects before it, and a body decoded as
//! it streams.

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{CONTENT_ENCODING, CONTENT_TYPE};
use http::{HeaderMap, StatusCode, Version};
use url::Url;

use crate::causes::DecodeError;
use crate::decode::Decoder;
use crate::{Error, Timings};

/// A response whose head has arrived. The body is read with [`chunk`](Self::chunk),
/// [`bytes`](Self::bytes), [`text`](Self::text) or [`json`](Self::json); content encodings
/// are undone on the way. Reading it to its end returns the connection to the pool; dropping
/// it earlier drains a little or closes the connection.
pub struct Response {
    // Boxed: a response moves through several futures on its way to the caller, and the
    // pool's part is most of its size.
    inner: Box<tarry_pool::Response>,
    url: Arc<Url>,
    pub(crate) history: Vec<Response>,
    cookies: Vec<(String, String)>,
    elapsed: Duration,
    headers: OnceLock<HeaderMap>,
    body: Body,
    max_body_size: usize,
    /// The call's deadline, to tell its expiry from the read timeout's.
    deadline: Option<Instant>,
    /// The request's span and when the head came, to record how long the body took.
    #[cfg(feature = "tracing")]
    traced: Option<(tracing::Span, Instant)>,
}

enum Body {
    /// Still on the connection; `None` decoder: sent as it is.
    Streaming {
        decoder: Option<Decoder>,
        done: bool,
    },
    /// Read already (a redirect response in the history); taken by the first read.
    Buffered(Option<Bytes>),
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("url", &self.url.as_str())
            .field("status", &self.status())
            .field("version", &self.version())
            .field("history", &self.history)
            .field("reused", &self.reused())
            .field("elapsed", &self.elapsed)
            .finish_non_exhaustive()
    }
}

impl Response {
    pub(crate) fn new(
        inner: tarry_pool::Response,
        url: Arc<Url>,
        elapsed: Duration,
        cookies: Vec<(String, String)>,
        (max_body_size, deadline): (usize, Option<Instant>),
    ) -> Result<Response, Error> {
        let codings = crate::decode::codings(inner.head().get_all(CONTENT_ENCODING.as_str()))
            .map_err(|reason| Error::Decode {
                url: (*url).clone(),
                reason,
            })?;
        let decoder = match codings {
            Some(codings) if !codings.is_empty() => {
                crate::log::debug!(codings = ?codings, "decoding the body");
                Some(Decoder::new(&codings, max_body_size))
            }
            _ => None,
        };
        Ok(Response {
            inner: Box::new(inner),
            url,
            history: Vec::new(),
            cookies,
            elapsed,
            headers: OnceLock::new(),
            body: Body::Streaming {
                decoder,
                done: false,
            },
            max_body_size,
            deadline,
            #[cfg(feature = "tracing")]
            traced: None,
        })
    }

    /// Records in `span` how long the body takes, from now to its end.
    #[cfg(feature = "tracing")]
    pub(crate) fn trace_body(&mut self, span: tracing::Span) {
        self.traced = Some((span, Instant::now()));
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.inner.status()
    }

    /// The reason phrase as the server wrote it (Latin-1 bytes taken as such).
    pub fn reason(&self) -> String {
        self.inner
            .head()
            .reason()
            .iter()
            .map(|&b| char::from(b))
            .collect()
    }

    /// The HTTP version of the response.
    pub fn version(&self) -> Version {
        self.inner.head().version()
    }

    /// The header fields: names case-insensitive, repeated fields kept as separate values.
    /// `Content-Encoding` and `Content-Length` describe the body as sent, before decoding.
    pub fn headers(&self) -> &HeaderMap {
        self.headers.get_or_init(|| self.inner.head().header_map())
    }

    /// The value of header `name` (any case), if present and text; repeated fields are
    /// joined with `", "`, as requests shows them.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str())
            .collect::<Result<_, _>>()
            .ok()?;
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// The URL as shared with the hop that fetched it.
    pub(crate) fn shared_url(&self) -> Arc<Url> {
        Arc::clone(&self.url)
    }

    /// The URL this response came from: the last hop of a redirect chain.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The redirect responses that led here, oldest first; empty without redirects. Each
    /// has its own URL, status, headers and cookies; unlike requests, entries carry no history
    /// of their own (the chain is this list). Their bodies were read (up to 1 MiB each; a
    /// larger one is dropped) and are read again through [`take_history`](Self::take_history).
    pub fn history(&self) -> &[Response] {
        &self.history
    }

    /// Takes the redirect responses out, to read their bodies (`bytes`, `text`, `json`).
    pub fn take_history(&mut self) -> Vec<Response> {
        std::mem::take(&mut self.history)
    }

    /// The cookies this response set (`Set-Cookie` lines the jar accepted), as name and
    /// value. Cookies set by earlier hops are in their [`history`](Self::history) entries,
    /// and all of them in the session's jar.
    pub fn cookies(&self) -> &[(String, String)] {
        &self.cookies
    }

    /// Whether the request went out on a connection reused from the pool.
    pub fn reused(&self) -> bool {
        self.inner.reused()
    }

    /// Time from sending the request to having the response head.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Where the time of this hop went (DNS, connect, TLS, wait).
    pub fn timings(&self) -> Timings {
        self.inner.timings()
    }

    /// The charset [`text`](Self::text) will use.
    pub fn encoding(&self) -> &'static str {
        crate::charset::encoding_name(self.content_type().as_deref())
    }

    fn content_type(&self) -> Option<String> {
        let value = self.inner.head().get(CONTENT_TYPE.as_str())?;
        std::str::from_utf8(value).ok().map(str::to_owned)
    }

    /// Whether the status is 4xx or 5xx.
    pub fn is_error(&self) -> bool {
        self.status().is_client_error() || self.status().is_server_error()
    }

    /// `Err(Error::Status)` for a 4xx or 5xx status; the response otherwise.
    pub fn error_for_status(self) -> Result<Response, Error> {
        if self.is_error() {
            return Err(Error::Status {
                url: (*self.url).clone(),
                status: self.status(),
            });
        }
        Ok(self)
    }

    /// The next piece of the decoded body, or `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            let (decoder, done) = match &mut self.body {
                Body::Buffered(bytes) => return Ok(bytes.take().filter(|b| !b.is_empty())),
                Body::Streaming { decoder, done } => (decoder, done),
            };
            if *done {
                return Ok(None);
            }
            let url: &Url = &self.url;
            let decode_error = |reason| Error::Decode {
                url: url.clone(),
                reason,
            };
            match self.inner.chunk().await {
                Err(e) => {
                    *done = true;
                    return Err(Error::from_pool(url, e, self.deadline));
                }
                Ok(Some(raw)) => match decoder {
                    None => return Ok(Some(raw)),
                    Some(d) => {
                        let out = d.decode(&raw).map_err(decode_error)?;
                        if !out.is_empty() {
                            return Ok(Some(out.into()));
                        }
                    }
                },
                Ok(None) => {
                    *done = true;
                    #[cfg(feature = "tracing")]
                    if let Some((span, from)) = self.traced.take() {
                        span.record("body_us", crate::log::micros(from.elapsed()));
                    }
                    if let Some(d) = decoder {
                        let out = d.finish().map_err(decode_error)?;
                        if !out.is_empty() {
                            return Ok(Some(out.into()));
                        }
                    }
                    return Ok(None);
                }
            }
        }
    }

    /// The whole decoded body, at most the session's `max_body_size` bytes.
    pub async fn bytes(mut self) -> Result<Bytes, Error> {
        self.read_all(self.max_body_size).await
    }

    async fn read_all(&mut self, limit: usize) -> Result<Bytes, Error> {
        // One piece is returned without a copy: the common small body, and a body sent as it
        // is, whose announced length the pool gathers into one piece of its read buffer.
        if let Body::Streaming { decoder: None, .. } = self.body {
            self.inner.gather_up_to(limit);
        }
        let mut first: Option<Bytes> = None;
        let mut all = BytesMut::new();
        let mut total = 0usize;
        while let Some(piece) = self.chunk().await? {
            total += piece.len();
            if total > limit {
                return Err(Error::Decode {
                    url: (*self.url).clone(),
                    reason: DecodeError::TooLarge { limit },
                });
            }
            if first.is_none() && all.is_empty() {
                first = Some(piece);
                continue;
            }
            if let Some(first) = first.take() {
                all.extend_from_slice(&first);
            }
            all.extend_from_slice(&piece);
        }
        Ok(first.unwrap_or_else(|| all.freeze()))
    }

    /// The body as text, in the charset of [`encoding`](Self::encoding).
    pub async fn text(self) -> Result<String, Error> {
        let content_type = self.content_type();
        let body = self.bytes().await?;
        Ok(crate::charset::decode(&body, content_type.as_deref()))
    }

    /// The body parsed as JSON into `T`.
    #[cfg(feature = "json")]
    pub async fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        let url = (*self.url).clone();
        let body = self.bytes().await?;
        serde_json::from_slice(&body).map_err(|e| Error::Decode {
            url,
            reason: DecodeError::Json(e),
        })
    }

    /// Reads the body of a redirect response into memory so that it stays readable in the
    /// history; more than `limit` bytes are not kept (the connection is then closed).
    pub(crate) async fn buffer(&mut self, limit: usize) {
        let body = self.read_all(limit).await.ok();
        self.body = Body::Buffered(body);
    }
}
