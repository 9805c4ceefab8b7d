//! A request being built for a blocking session: the async builder's methods, and a `send`
//! that waits.

use std::io::Read;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue};

use super::{Response, Shared, enter, refused};
use crate::{Auth, Body, Error};

/// A request of a blocking [`Session`](super::Session); each method does what the async
/// [`RequestBuilder`](crate::RequestBuilder)'s method of the same name does.
#[must_use = "a request does nothing until it is sent"]
#[derive(Debug)]
pub struct RequestBuilder {
    inner: crate::RequestBuilder,
    runtime: Shared,
}

/// Forwards one by-value builder method to the async builder.
macro_rules! forward {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*)) => {
        $(#[$doc])*
        pub fn $name(self, $($arg: $ty),*) -> Self {
            RequestBuilder { inner: self.inner.$name($($arg),*), runtime: self.runtime }
        }
    };
}

impl RequestBuilder {
    pub(super) fn new(inner: crate::RequestBuilder, runtime: Shared) -> RequestBuilder {
        RequestBuilder { inner, runtime }
    }

    /// Sets header `name` to `value`, replacing the session's values of that name.
    pub fn header<K, V>(self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName> + std::fmt::Debug + Clone,
        V: TryInto<HeaderValue>,
    {
        RequestBuilder {
            inner: self.inner.header(name, value),
            runtime: self.runtime,
        }
    }

    /// Adds a value to header `name`, after the session's values and those set before.
    pub fn append_header<K, V>(self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName> + std::fmt::Debug + Clone,
        V: TryInto<HeaderValue>,
    {
        RequestBuilder {
            inner: self.inner.append_header(name, value),
            runtime: self.runtime,
        }
    }

    /// Sends no header `name` with this request, not even the session's.
    pub fn remove_header<K>(self, name: K) -> Self
    where
        K: TryInto<HeaderName> + std::fmt::Debug + Clone,
    {
        RequestBuilder {
            inner: self.inner.remove_header(name),
            runtime: self.runtime,
        }
    }

    /// Adds query parameters, after any query the URL has.
    pub fn query<K: AsRef<str>, V: AsRef<str>>(self, pairs: &[(K, V)]) -> Self {
        RequestBuilder {
            inner: self.inner.query(pairs),
            runtime: self.runtime,
        }
    }

    /// A `application/x-www-form-urlencoded` body.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(self, pairs: &[(K, V)]) -> Self {
        RequestBuilder {
            inner: self.inner.form(pairs),
            runtime: self.runtime,
        }
    }

    /// A JSON body, with `Content-Type: application/json` unless a header says otherwise.
    #[cfg(feature = "json")]
    pub fn json<T: serde::Serialize + ?Sized>(self, value: &T) -> Self {
        RequestBuilder {
            inner: self.inner.json(value),
            runtime: self.runtime,
        }
    }

    /// The request body: bytes, a string, a file, or any [`Body`].
    pub fn body(self, body: impl Into<Body>) -> Self {
        RequestBuilder {
            inner: self.inner.body(body),
            runtime: self.runtime,
        }
    }

    /// A body read from `reader` while it is sent, chunked since its length is unknown
    /// (give the length with [`body`](Self::body) and [`Body::with_length`] otherwise). It
    /// is read on the calling thread, in pieces of 64 KiB, and cannot be sent twice: a
    /// redirect that asks for it again is an error.
    pub fn body_reader(self, reader: impl Read + Send + 'static) -> Self {
        self.body(Body::from_stream(ReadStream {
            reader: Some(Box::new(reader)),
        }))
    }

    /// Runs this hook on every response of this call instead of the session's hooks.
    pub fn hook(self, hook: impl Fn(&crate::Response) + Send + Sync + 'static) -> Self {
        RequestBuilder {
            inner: self.inner.hook(hook),
            runtime: self.runtime,
        }
    }

    forward!(
        /// Sets one cookie for this request only, next to the jar's.
        cookie(name: &str, value: &str)
    );
    forward!(
        /// Authenticates this request with `auth` instead of the session's.
        auth(auth: Auth)
    );
    forward!(
        /// `Basic` authentication for this request.
        basic_auth(user: &str, password: &str)
    );
    forward!(
        /// `Bearer` authentication for this request.
        bearer_auth(token: &str)
    );
    forward!(
        /// No authentication for this request, not even the session's.
        no_auth()
    );
    forward!(
        /// Sends no query parameter `name`, not even the session's.
        remove_query(name: &str)
    );
    forward!(
        /// A `multipart/form-data` body.
        #[cfg(feature = "multipart")]
        multipart(form: crate::multipart::Form)
    );
    forward!(
        /// The longest the whole call may take, redirects and body included.
        timeout(d: impl Into<Option<Duration>>)
    );
    forward!(
        /// The longest a connection may take to open.
        connect_timeout(d: impl Into<Option<Duration>>)
    );
    forward!(
        /// The longest the server may stay silent.
        read_timeout(d: impl Into<Option<Duration>>)
    );
    forward!(
        /// Whether to follow redirects.
        allow_redirects(follow: bool)
    );
    forward!(
        /// The most redirects to follow.
        max_redirects(max: usize)
    );
    forward!(
        /// Sends this request through the proxy at `url`.
        proxy(url: &str)
    );
    forward!(
        /// Sends this request through `proxy`.
        proxy_with(proxy: crate::Proxy)
    );
    forward!(
        /// Sends this request directly, whatever the session's proxies.
        no_proxy()
    );
    forward!(
        /// TLS settings for this request instead of the session's.
        #[cfg(feature = "tls")]
        tls(settings: crate::TlsSettings)
    );

    /// Sends the request (following redirects) and waits for the response's head; the body
    /// is read from the response.
    ///
    /// # Errors
    ///
    /// What the async [`send`](crate::RequestBuilder::send) returns, and
    /// [`BuildError::InsideRuntime`](crate::BuildError::InsideRuntime) when called from
    /// inside an async runtime.
    pub fn send(self) -> Result<Response, Error> {
        let RequestBuilder { inner, runtime } = self;
        let response = tarry_pool::block_on(
            enter(&runtime).map_err(|reason| refused(None, reason))?,
            inner.send(),
        )?;
        Ok(Response::new(response, runtime))
    }
}

/// A `Read` as a stream of body pieces. Each poll reads on the spot: the caller chose a
/// blocking source, and the thread reading it is the one waiting for the answer.
struct ReadStream {
    reader: Option<Box<dyn Read + Send>>,
}

/// The most one read of a request-body reader returns.
const PIECE: usize = 64 * 1024;

impl futures_core::Stream for ReadStream {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let Some(reader) = self.reader.as_mut() else {
            return Poll::Ready(None);
        };
        let mut piece = vec![0; PIECE];
        loop {
            match reader.read(&mut piece) {
                Ok(0) => {
                    self.reader = None;
                    return Poll::Ready(None);
                }
                Ok(n) => {
                    piece.truncate(n);
                    return Poll::Ready(Some(Ok(Bytes::from(piece))));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.reader = None;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
    }
}
