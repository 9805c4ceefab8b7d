//! What a session sends with every request unless the request says otherwise.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{ACCEPT, ACCEPT_ENCODING, USER_AGENT};
use http::{HeaderMap, HeaderValue};

use crate::{Auth, Response};

/// A response hook: called with every response of a call, each redirect hop included.
pub type Hook = Arc<dyn Fn(&Response) + Send + Sync>;

/// Hooks, shown by count in `Debug`.
#[derive(Clone, Default)]
pub(crate) struct Hooks(pub(crate) Vec<Hook>);

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} hooks", self.0.len())
    }
}

/// The session's defaults. Change them with [`Session::configure`](crate::Session::configure);
/// every later request of every clone of the session sees the change, and requests already
/// sent keep the values they started with.
#[derive(Clone)]
#[non_exhaustive]
pub struct Defaults {
    /// Headers sent with every request. A request header of the same name (any case) wins;
    /// [`RequestBuilder::remove_header`](crate::RequestBuilder::remove_header) drops one for a
    /// request. Starts with `User-Agent`, `Accept` and `Accept-Encoding`.
    pub headers: HeaderMap,
    /// Query parameters appended to every URL, in order. Names are case-sensitive; a request
    /// parameter of the same name replaces every session value of it.
    pub query: Vec<(String, String)>,
    /// Credentials sent with every request unless the request brings its own or says
    /// [`no_auth`](crate::RequestBuilder::no_auth).
    pub auth: Option<Auth>,
    /// Timeouts; each request may override each one.
    pub timeouts: Timeouts,
    /// How redirects are followed.
    pub redirects: Redirects,
    /// The most body bytes (after decoding) [`Response::bytes`], `text` and `json` will hold;
    /// more is an error rather than unbounded memory. Default 64 MiB. Streaming with
    /// [`Response::chunk`] has no total limit.
    pub max_body_size: usize,
    /// Called with every response, redirect hops included, in order. A request that brings
    /// its own hooks runs those instead.
    pub hooks: Vec<Hook>,
    /// TLS settings for this session's requests (roots, client certificate, minimum
    /// version), replacing those the session was built with; `None` keeps those.
    #[cfg(feature = "tls")]
    pub tls: Option<tarry_pool::TlsSettings>,
}

/// The clocks of a request. `None` means no limit for that phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Each TCP connect attempt, and the TLS handshake. Default 10 s.
    pub connect: Option<Duration>,
    /// From sending the request to the end of the response head. Default 30 s.
    pub head: Option<Duration>,
    /// The longest gap while reading the body (or writing a large request body). Default 30 s.
    pub read: Option<Duration>,
    /// The whole exchange of each hop, from sending to the last body byte. Default none.
    pub total: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Some(Duration::from_secs(10)),
            head: Some(Duration::from_secs(30)),
            read: Some(Duration::from_secs(30)),
            total: None,
        }
    }
}

/// How redirects are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Redirects {
    /// Redirects followed before [`Error::TooManyRedirects`](crate::Error); 0 returns the
    /// first redirect response as it is. Default 30, as requests.
    pub limit: usize,
    /// Refuse a redirect from https to http.
    pub https_only: bool,
}

impl Default for Redirects {
    fn default() -> Redirects {
        Redirects {
            limit: 30,
            https_only: false,
        }
    }
}

impl Default for Defaults {
    fn default() -> Defaults {
        let mut headers = HeaderMap::new();
        let agent = concat!("tarry/", env!("CARGO_PKG_VERSION"));
        headers.insert(USER_AGENT, HeaderValue::from_static(agent));
        headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        headers.insert(
            ACCEPT_ENCODING,
            HeaderValue::from_static(crate::decode::ACCEPT_ENCODING),
        );
        Defaults {
            headers,
            query: Vec::new(),
            auth: None,
            timeouts: Timeouts::default(),
            redirects: Redirects::default(),
            max_body_size: 64 * 1024 * 1024,
            hooks: Vec::new(),
            #[cfg(feature = "tls")]
            tls: None,
        }
    }
}

impl fmt::Debug for Defaults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Defaults");
        d.field("headers", &self.headers)
            .field("query", &self.query)
            .field("auth", &self.auth)
            .field("timeouts", &self.timeouts)
            .field("redirects", &self.redirects)
            .field("max_body_size", &self.max_body_size)
            .field("hooks", &self.hooks.len());
        #[cfg(feature = "tls")]
        d.field("tls", &self.tls);
        d.finish()
    }
}
