//! The session's one error type.
//!
//! Every variant that concerns a request names its URL; every cause is a type a caller can
//! match on (the pool's error with its phase and `io::Error`, the codec's error, the jar's
//! reason, a JSON error), reachable through `source()`. `Display` is one line.
//!
//! This module and `response` name each other's types, and nothing more: an error can carry
//! the response past the redirect limit, and reading a response can fail.

use std::fmt;
use std::io;
use std::time::Instant;

use http::StatusCode;
use url::Url;

use crate::Response;
use crate::causes::{BuildError, DecodeError, RedirectError, TimeoutKind, UrlError};
use crate::{Phase, PoolError, ProtocolError};

/// Everything that can go wrong with a session, its settings, or one of its requests.
///
/// Match on the variant, or ask the predicates ([`is_timeout`](Self::is_timeout),
/// [`is_connect`](Self::is_connect), …), which stay true of the same failures when variants
/// are added.
///
/// ```
/// use tarry_session::{Error, Session};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let err = Session::new().get("ftp://example.com/").send().await.unwrap_err();
/// assert!(err.is_builder());
/// assert!(matches!(err, Error::InvalidUrl { .. }));
/// assert_eq!(err.to_string(), r#"invalid URL "ftp://example.com/": the scheme "ftp" is not http or https"#);
/// # }
/// ```
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// The URL could not be used: it does not parse, or is not http or https with a host.
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: UrlError,
    },
    /// A setting or a part of a request is not valid (a header name or value, a method, a
    /// cookie, a body that does not serialize, a certificate). Nothing was sent.
    Builder {
        /// The request's URL; `None` for a session setting.
        url: Option<Url>,
        /// What was refused.
        reason: BuildError,
    },
    /// Resolving the host, or connecting to it, failed.
    Connect {
        /// The URL of the request (the hop, in a redirect chain).
        url: Url,
        /// The pool's error, with the `io::Error`.
        source: PoolError,
    },
    /// The proxy refused the request's tunnel or broke it (`407`, another status, a SOCKS5
    /// error code, bytes where none may be).
    Proxy {
        /// The URL of the request.
        url: Url,
        /// The pool's error; its source says how the proxy failed.
        source: PoolError,
    },
    /// The TLS handshake failed (certificate verification included).
    Tls {
        /// The URL of the request.
        url: Url,
        /// The pool's error; its source is the TLS library's error.
        source: PoolError,
    },
    /// A timeout expired.
    Timeout {
        /// The URL of the request.
        url: Url,
        /// Which clock expired.
        timeout: TimeoutKind,
        /// What was under way.
        phase: Phase,
    },
    /// The connection failed while sending the request or reading the response (a reset, a
    /// close before the response).
    Transport {
        /// The URL of the request.
        url: Url,
        /// The pool's error, with its phase.
        source: PoolError,
    },
    /// The request body could not be sent as it should: its stream, reader or file failed, or
    /// yielded more or fewer bytes than its announced length. The request was cut short and
    /// its connection closed.
    Body {
        /// The URL of the request.
        url: Url,
        /// The pool's error: the source's `io::Error`, or the codec's length error.
        source: PoolError,
    },
    /// The server broke HTTP/1.1: a malformed head, bad framing, a limit exceeded.
    Protocol {
        /// The URL of the request.
        url: Url,
        /// Reading the head or the body.
        phase: Phase,
        /// The codec's error.
        source: ProtocolError,
    },
    /// More redirects than the limit allowed. The last redirect response comes along, its
    /// body read, with the earlier ones in its history.
    TooManyRedirects {
        /// The URL that answered with the redirect past the limit.
        url: Url,
        /// That response.
        response: Box<Response>,
    },
    /// A redirect could not be followed.
    Redirect {
        /// The URL that answered with the redirect.
        url: Url,
        /// Why it was not followed.
        reason: RedirectError,
    },
    /// The body could not be decoded: a corrupt `Content-Encoding`, more than the body size
    /// limit, or JSON that did not parse into the requested type.
    Decode {
        /// The URL of the response.
        url: Url,
        /// Why.
        reason: DecodeError,
    },
    /// [`Response::error_for_status`] found a 4xx or 5xx status.
    Status {
        /// The URL of the response.
        url: Url,
        /// The status.
        status: StatusCode,
    },
    /// The session was closed.
    Closed,
}

impl Error {
    /// The URL the error concerns, if any.
    pub fn url(&self) -> Option<&Url> {
        match self {
            Error::Builder { url, .. } => url.as_ref(),
            Error::Connect { url, .. }
            | Error::Proxy { url, .. }
            | Error::Body { url, .. }
            | Error::Tls { url, .. }
            | Error::Timeout { url, .. }
            | Error::Transport { url, .. }
            | Error::Protocol { url, .. }
            | Error::TooManyRedirects { url, .. }
            | Error::Redirect { url, .. }
            | Error::Decode { url, .. }
            | Error::Status { url, .. } => Some(url),
            Error::InvalidUrl { .. } | Error::Closed => None,
        }
    }

    /// The status of an [`Error::Status`], or of the response an
    /// [`Error::TooManyRedirects`] carries.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Status { status, .. } => Some(*status),
            Error::TooManyRedirects { response, .. } => Some(response.status()),
            _ => None,
        }
    }

    /// Which clock expired, for a timeout.
    pub fn timeout(&self) -> Option<TimeoutKind> {
        match self {
            Error::Timeout { timeout, .. } => Some(*timeout),
            _ => None,
        }
    }

    /// The phase of the exchange the error happened in, when one was under way.
    pub fn phase(&self) -> Option<Phase> {
        match self {
            Error::Timeout { phase, .. } | Error::Protocol { phase, .. } => Some(*phase),
            Error::Proxy { .. } => Some(Phase::Proxy),
            Error::Connect { source, .. }
            | Error::Tls { source, .. }
            | Error::Transport { source, .. } => match source {
                PoolError::Io(phase, _) | PoolError::Protocol(phase, _) => Some(*phase),
                PoolError::NoAddress => Some(Phase::Resolve),
                PoolError::ClosedBeforeResponse { .. } => Some(Phase::Head),
                _ => None,
            },
            _ => None,
        }
    }

    /// The kind of the I/O error underneath, if there is one.
    pub fn io_error_kind(&self) -> Option<io::ErrorKind> {
        match self {
            Error::Connect { source, .. }
            | Error::Tls { source, .. }
            | Error::Body { source, .. }
            | Error::Transport { source, .. } => match source {
                PoolError::Io(_, e) | PoolError::RequestBody(e) => Some(e.kind()),
                _ => None,
            },
            Error::Decode {
                reason: DecodeError::Corrupt(e),
                ..
            } => Some(e.kind()),
            _ => None,
        }
    }

    /// A short, stable name for the kind of error, for counting failures by kind and for
    /// logs: `invalid_url`, `builder`, `connect`, `proxy`, `tls`, `timeout`, `transport`,
    /// `body`, `protocol`, `too_many_redirects`, `redirect`, `decode`, `status`, `closed`.
    /// Unlike the error's message, it holds no URL.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidUrl { .. } => "invalid_url",
            Error::Builder { .. } => "builder",
            Error::Connect { .. } => "connect",
            Error::Proxy { .. } => "proxy",
            Error::Tls { .. } => "tls",
            Error::Timeout { .. } => "timeout",
            Error::Transport { .. } => "transport",
            Error::Body { .. } => "body",
            Error::Protocol { .. } => "protocol",
            Error::TooManyRedirects { .. } => "too_many_redirects",
            Error::Redirect { .. } => "redirect",
            Error::Decode { .. } => "decode",
            Error::Status { .. } => "status",
            Error::Closed => "closed",
        }
    }

    /// Whether a setting or a request part was refused before anything was sent (a bad URL
    /// included).
    pub fn is_builder(&self) -> bool {
        matches!(self, Error::InvalidUrl { .. } | Error::Builder { .. })
    }

    /// Whether resolving, connecting or the TLS handshake failed: the request was not sent.
    pub fn is_connect(&self) -> bool {
        matches!(self, Error::Connect { .. } | Error::Tls { .. })
            || matches!(self, Error::Timeout { timeout, .. } if *timeout == TimeoutKind::Connect)
    }

    /// Whether the request body could not be sent as it should.
    pub fn is_body(&self) -> bool {
        matches!(self, Error::Body { .. })
    }

    /// Whether a proxy refused or broke the tunnel.
    pub fn is_proxy(&self) -> bool {
        matches!(self, Error::Proxy { .. })
    }

    /// Whether the TLS handshake failed.
    pub fn is_tls(&self) -> bool {
        matches!(self, Error::Tls { .. })
    }

    /// Whether a timeout expired.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether a redirect could not be followed, or there were too many.
    pub fn is_redirect(&self) -> bool {
        matches!(
            self,
            Error::Redirect { .. } | Error::TooManyRedirects { .. }
        )
    }

    /// Whether this is [`Error::Status`] from [`Response::error_for_status`].
    pub fn is_status(&self) -> bool {
        matches!(self, Error::Status { .. })
    }

    /// Whether the body could not be decoded (or held: see the body size limit).
    pub fn is_decode(&self) -> bool {
        matches!(self, Error::Decode { .. })
    }

    /// Whether the connection or the server failed during the exchange.
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Transport { .. } | Error::Protocol { .. })
    }

    /// Sorts a pool error into the session's kinds. `deadline` is the call's deadline, if it
    /// has one: a pool timeout at or past it is the call's timeout, whatever the phase.
    pub(crate) fn from_pool(url: &Url, e: PoolError, deadline: Option<Instant>) -> Error {
        let url = url.clone();
        let past_deadline = || deadline.is_some_and(|d| Instant::now() >= d);
        let timeout = |phase: Phase| {
            let timeout = if past_deadline() {
                TimeoutKind::Total
            } else {
                match phase {
                    Phase::Acquire => TimeoutKind::Acquire,
                    Phase::Resolve | Phase::Connect | Phase::Tls => TimeoutKind::Connect,
                    _ => TimeoutKind::Read,
                }
            };
            (timeout, phase)
        };
        match e {
            PoolError::Timeout(phase) => {
                let (timeout, phase) = timeout(phase);
                Error::Timeout {
                    url,
                    timeout,
                    phase,
                }
            }
            PoolError::AcquireTimeout => {
                let (timeout, phase) = timeout(Phase::Acquire);
                Error::Timeout {
                    url,
                    timeout,
                    phase,
                }
            }
            PoolError::PoolClosed => Error::Closed,
            e @ (PoolError::Proxy(_) | PoolError::InvalidProxy(_)) => {
                Error::Proxy { url, source: e }
            }
            PoolError::InvalidUri(_) | PoolError::InvalidCertificate(_) => Error::Builder {
                url: Some(url),
                reason: BuildError::Pool(Box::new(e)),
            },
            e @ (PoolError::RequestBody(_)
            | PoolError::Protocol(
                Phase::Write,
                ProtocolError::BodyTooLong { .. } | ProtocolError::BodyTooShort { .. },
            )) => Error::Body { url, source: e },
            PoolError::Protocol(Phase::Write, e) => Error::Builder {
                url: Some(url),
                reason: BuildError::Refused(e),
            },
            PoolError::Protocol(phase, source) => Error::Protocol { url, phase, source },
            e @ (PoolError::NoAddress | PoolError::Io(Phase::Resolve | Phase::Connect, _)) => {
                Error::Connect { url, source: e }
            }
            e @ PoolError::Io(Phase::Tls, _) => Error::Tls { url, source: e },
            e => Error::Transport { url, source: e },
        }
    }

    pub(crate) fn builder(url: Option<&Url>, reason: BuildError) -> Error {
        Error::Builder {
            url: url.cloned(),
            reason,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidUrl { url, reason } => write!(f, "invalid URL {url:?}: {reason}"),
            Error::Builder { url: None, reason } => write!(f, "invalid setting: {reason}"),
            Error::Builder {
                url: Some(url),
                reason,
            } => write!(f, "invalid request to {url}: {reason}"),
            Error::Connect { url, source }
            | Error::Proxy { url, source }
            | Error::Body { url, source }
            | Error::Tls { url, source }
            | Error::Transport { url, source } => write!(f, "{url}: {source}"),
            Error::Timeout {
                url,
                timeout,
                phase,
            } => write!(f, "{url}: {timeout} expired {phase}"),
            Error::Protocol { url, phase, source } => write!(f, "{url}: {phase}: {source}"),
            Error::TooManyRedirects { url, response } => write!(
                f,
                "{url}: too many redirects ({} followed)",
                response.history().len()
            ),
            Error::Redirect { url, reason } => write!(f, "{url}: redirect not followed: {reason}"),
            Error::Decode { url, reason } => write!(f, "{url}: cannot decode the body: {reason}"),
            Error::Status { url, status } => {
                let class = if status.is_client_error() {
                    "Client Error"
                } else {
                    "Server Error"
                };
                let reason = status.canonical_reason().unwrap_or("");
                write!(f, "{} {class}: {reason} for url: {url}", status.as_u16())
            }
            Error::Closed => f.write_str("the session is closed"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidUrl { reason, .. } => Some(reason),
            Error::Builder { reason, .. } => Some(reason),
            Error::Connect { source, .. }
            | Error::Proxy { source, .. }
            | Error::Body { source, .. }
            | Error::Tls { source, .. }
            | Error::Transport { source, .. } => Some(source),
            Error::Protocol { source, .. } => Some(source),
            Error::Redirect { reason, .. } => Some(reason),
            Error::Decode { reason, .. } => Some(reason),
            Error::Timeout { .. }
            | Error::TooManyRedirects { .. }
            | Error::Status { .. }
            | Error::Closed => None,
        }
    }
}
