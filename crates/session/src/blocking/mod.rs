//! The session without `async`: for programs with a plain `fn main` and no runtime of their
//! own (the `blocking` feature).
//!
//! ```
//! # include!("../doc_server.rs");
//! # fn main() -> Result<(), tarry_session::Error> {
//! # let server = tokio::runtime::Runtime::new().unwrap();
//! # let httpbin = server.block_on(doc_server());
//! use std::io::Read;
//! use tarry_session::blocking::Session;
//!
//! let s = Session::new();
//! s.set_header("x-team", "tarry")?;
//! let r = s.get(format!("{httpbin}/cookies/set/flavour/ginger")).send()?;
//! assert_eq!(r.text()?, r#"{"cookies":{"flavour":"ginger"}}"#);
//!
//! let mut body = String::new();
//! s.get(format!("{httpbin}/headers")).send()?.read_to_string(&mut body).unwrap();
//! assert!(body.contains(r#""x-team":"tarry""#));
//! # Ok(())
//! # }
//! ```
//!
//! It is the async [`Session`](crate::Session) driven from the caller's thread, so it has
//! the same settings, jar, pool, limits and errors. Everything that configures a session
//! (the `set_*` methods, [`jar`](crate::Session::jar), [`stats`](crate::Session::stats)) is
//! reached through `Deref`; only the calls that wait differ.
//!
//! # How it waits, and why this way
//!
//! Each session owns a current-thread tokio runtime, shared by its clones, and a call runs on
//! the calling thread. A call on a kept-alive plain-HTTP connection does not wait in the
//! runtime at all ([`tarry_pool::block_on`]): the request is written with a `send` that does
//! not wait and the response read with a blocking `recv`, bounded by the read timeout set on
//! the socket. That is one system call per read where a runtime needs a readiness wait and a
//! read, and several threads sharing the session do not wake each other: measured on the
//! peers benchmark (`benches/peers`, one vCPU), it raised the blocking session from 14% to 25%
//! above hyper-util sequentially and from 15% to 20% with 16 threads. What has to wait on the
//! runtime (connecting, TLS, a full socket buffer, a wait for a free connection) runs in it:
//! one thread at a time drives its I/O for everyone, and the others are woken when their
//! answer is in.
//!
//! A blocking call made from inside an async runtime would stall that runtime's thread; it
//! is refused with [`BuildError::InsideRuntime`](crate::BuildError::InsideRuntime) instead.
//!
//! Work the pool does in the background (draining a body that was dropped unread so its
//! connection can be reused, closing idle connections at their deadline) runs while some
//! thread waits in the runtime, which every calling thread lets run at least once a second;
//! read bodies to their end for the best reuse.

mod request;
mod response;

use std::ops::Deref;
use std::sync::Arc;

pub use request::RequestBuilder;
pub use response::Response;

use crate::{Error, IntoMethod, IntoUrl, SessionBuilder};

/// A [`Session`](crate::Session) whose calls block the calling thread. Clones share
/// everything, and any number of threads may use one at once.
#[derive(Clone, Debug)]
pub struct Session {
    inner: crate::Session,
    runtime: Shared,
}

/// The runtime of a session and its clones, or why it could not start (reported by every
/// call, since making a session cannot fail).
type Shared = Arc<Owned>;

/// A session's runtime, shut down without waiting when the last clone goes: dropping it
/// inside an async runtime (a blocking session kept in async code) must not block there.
#[derive(Debug)]
struct Owned(Option<std::io::Result<tokio::runtime::Runtime>>);

impl Drop for Owned {
    fn drop(&mut self) {
        if let Some(Ok(runtime)) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// A session with the same defaults as [`crate::Session::new`].
    pub fn new() -> Session {
        Session::from_async(crate::Session::new())
    }

    /// The builder of async sessions; finish it with
    /// [`build_blocking`](SessionBuilder::build_blocking).
    pub fn builder() -> SessionBuilder {
        SessionBuilder::default()
    }

    /// A blocking face for `session`, sharing its settings, jar and pool. Send from one
    /// face only: a connection opened by a blocking call is driven by this face's runtime,
    /// so an async call that took it from the pool would wait on it until a blocking call
    /// runs. To use both styles, build two sessions that share a jar
    /// ([`SessionBuilder::jar`](crate::SessionBuilder::jar) with [`shared_jar`](crate::Session::shared_jar)).
    pub fn from_async(session: crate::Session) -> Session {
        Session {
            inner: session,
            runtime: Arc::new(Owned(Some(runtime()))),
        }
    }

    /// The async session behind this one.
    pub fn as_async(&self) -> &crate::Session {
        &self.inner
    }

    /// A request with any method.
    pub fn request(&self, method: impl IntoMethod, url: impl IntoUrl) -> RequestBuilder {
        RequestBuilder::new(self.inner.request(method, url), self.runtime.clone())
    }

    /// A `GET` request.
    pub fn get(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(http::Method::GET, url)
    }

    /// A `POST` request.
    pub fn post(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(http::Method::POST, url)
    }

    /// A `PUT` request.
    pub fn put(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(http::Method::PUT, url)
    }

    /// A `PATCH` request.
    pub fn patch(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(http::Method::PATCH, url)
    }

    /// A `DELETE` request.
    pub fn delete(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(http::Method::DELETE, url)
    }

    /// A `HEAD` request.
    pub fn head(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(http::Method::HEAD, url)
    }

    /// An `OPTIONS` request.
    pub fn options(&self, url: impl IntoUrl) -> RequestBuilder {
        self.request(http::Method::OPTIONS, url)
    }

    /// Closes the idle connections now, politely.
    ///
    /// # Errors
    ///
    /// [`BuildError::InsideRuntime`](crate::BuildError::InsideRuntime) when called from
    /// inside an async runtime.
    pub fn close(&self) -> Result<(), Error> {
        let runtime = enter(&self.runtime).map_err(|reason| refused(None, reason))?;
        runtime.block_on(self.inner.close());
        Ok(())
    }
}

impl Deref for Session {
    type Target = crate::Session;

    fn deref(&self) -> &crate::Session {
        &self.inner
    }
}

impl SessionBuilder {
    /// The blocking session, or the first setting that could not be used.
    ///
    /// # Errors
    ///
    /// [`Error::Builder`] naming that setting.
    pub fn build_blocking(self) -> Result<Session, Error> {
        self.build().map(Session::from_async)
    }
}

/// The runtime of one blocking session: a single thread's worth of scheduler, with sockets
/// and timers, driven by whichever caller is waiting.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
}

/// The session's runtime, to run a call on this thread; refused when this thread is already
/// inside a runtime, or when the runtime never started.
fn enter(runtime: &Shared) -> Result<&tokio::runtime::Runtime, crate::BuildError> {
    match &runtime.0 {
        Some(Ok(_)) if tokio::runtime::Handle::try_current().is_ok() => {
            Err(crate::BuildError::InsideRuntime)
        }
        Some(Ok(runtime)) => Ok(runtime),
        Some(Err(e)) => Err(crate::BuildError::Runtime(std::io::Error::new(
            e.kind(),
            e.to_string(),
        ))),
        // Only `Drop` takes it out, after the last clone is gone.
        None => Err(crate::BuildError::Runtime(
            std::io::ErrorKind::NotFound.into(),
        )),
    }
}

/// The error of a call refused by [`enter`], about `url` when there is one.
fn refused(url: Option<&url::Url>, reason: crate::BuildError) -> Error {
    Error::Builder {
        url: url.cloned(),
        reason,
    }
}
