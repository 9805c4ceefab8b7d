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

/// The session's defaults: every request of the session and of its clones starts from them.
///
/// One owner per setting: each field here is the only place its value lives. Change one with
/// the session's setters ([`Session::set_header`](crate::Session::set_header) and its
/// siblings), or several at once with [`Session::configure`](crate::Session::configure);
/// requests already sent keep the values they started with.
#[derive(Clone)]
#[non_exhaustive]
pub struct Defaults {
    /// Headers sent with every request. A request header of the same name (any case) wins;
    /// [`RequestBuilder::remove_header`](crate::RequestBuilder::remove_header) drops one for a
    /// request. Starts with `User-Agent`, `Accept` and `Accept-Encoding`.
    pub headers: HeaderMap,
    /// Query parameters (requests' `params`) appended to every URL, in order. Names are
    /// case-sensitive; a request parameter of the same name replaces every session value of
    /// it.
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
    /// Proxies by scheme or origin (requests' `proxies`). They win over the environment's.
    pub proxies: crate::Proxies,
    /// Whether the environment's proxies (`HTTPS_PROXY`, `NO_PROXY`, …, read when the session
    /// was built) are used where [`proxies`](Self::proxies) names none (requests'
    /// `trust_env`). Default true.
    pub trust_env: bool,
    /// TLS settings: trusted roots, a client certificate, the lowest version, verification
    /// (requests' `verify` and `cert`). Connections made under other settings are never used
    /// for requests under these.
    #[cfg(feature = "tls")]
    pub tls: crate::TlsSettings,
}

/// The clocks of a call. `None` means no limit.
///
/// requests users know two of them: its `timeout=(connect, read)`. tarry adds the one
/// reqwest calls `timeout` and ureq `timeout_global`: a deadline for the whole call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Resolving the host, each TCP connect attempt, and the TLS handshake. Default 10 s.
    pub connect: Option<Duration>,
    /// The longest silence from the server, from the end of the request to the last byte of
    /// the body: waiting for the response head counts, and so does each wait between two
    /// pieces of the body (requests' read timeout). Also bounds each stall while writing a
    /// request body. Default 30 s.
    pub read: Option<Duration>,
    /// A deadline for the whole call: waiting for a connection, connecting, every redirect
    /// hop, and reading the body to its end. Default none.
    pub total: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Some(Duration::from_secs(10)),
            read: Some(Duration::from_secs(30)),
            total: None,
        }
    }
}

/// How redirects are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Redirects {
    /// Whether redirects are followed at all (requests' `allow_redirects`); when not, a
    /// redirect response is the answer. Default true.
    pub follow: bool,
    /// Redirects followed before [`Error::TooManyRedirects`](crate::Error::TooManyRedirects)
    /// (requests' `max_redirects`): with 0, the first redirect is that error. Default 30, as
    /// requests.
    pub max: usize,
    /// Refuse a redirect from https to http.
    pub https_only: bool,
}

impl Default for Redirects {
    fn default() -> Redirects {
        Redirects {
            follow: true,
            max: 30,
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
            proxies: crate::Proxies::new(),
            trust_env: true,
            #[cfg(feature = "tls")]
            tls: crate::TlsSettings::default(),
        }
    }
}

impl Defaults {
    /// Sets query parameter `name` to `value` alone: the first of its pairs takes the value
    /// in place and the others go, or it is appended when absent (as assigning to requests'
    /// `params` dict does).
    pub fn set_query(&mut self, name: &str, value: &str) {
        let mut placed = false;
        self.query.retain_mut(|(n, v)| {
            if n != name {
                return true;
            }
            if placed {
                return false;
            }
            placed = true;
            value.clone_into(v);
            true
        });
        if !placed {
            self.query.push((name.to_owned(), value.to_owned()));
        }
    }

    /// Removes every pair of query parameter `name`.
    pub fn remove_query(&mut self, name: &str) {
        self.query.retain(|(n, _)| n != name);
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
            .field("hooks", &self.hooks.len())
            .field("proxies", &self.proxies)
            .field("trust_env", &self.trust_env);
        #[cfg(feature = "tls")]
        d.field("tls", &self.tls);
        d.finish()
    }
}
