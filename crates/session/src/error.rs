//! The session's one error type. Every variant that concerns a request names its URL, and the
//! transport variants keep the pool's error (with its phase) as their source.

use std::fmt;

use http::StatusCode;
use url::Url;

use crate::Response;

/// Everything that can go wrong with a session request.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// The URL could not be parsed, or has a scheme other than `http` or `https`.
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        why: String,
    },
    /// A session setting could not be used (a header that is not a valid header, a PEM
    /// document without a certificate).
    InvalidSettings {
        /// Why.
        why: String,
    },
    /// The request could not be built (a header name or value that is not allowed, a body
    /// that could not be serialized). Nothing was sent.
    InvalidRequest {
        /// The request URL.
        url: Url,
        /// Why.
        why: String,
    },
    /// Resolving the host, connecting, or waiting for a connection slot failed.
    Connect {
        /// The URL of the request (the hop, in a redirect chain).
        url: Url,
        /// The pool's error.
        source: tarry_pool::Error,
    },
    /// The TLS handshake failed (certificate verification included).
    Tls {
        /// The URL of the request.
        url: Url,
        /// The pool's error.
        source: tarry_pool::Error,
    },
    /// A timeout fired; the phase says which.
    Timeout {
        /// The URL of the request.
        url: Url,
        /// The phase that took too long.
        phase: tarry_pool::Phase,
    },
    /// The connection failed or the server broke HTTP/1.1 while sending the request or
    /// reading the response.
    Transport {
        /// The URL of the request.
        url: Url,
        /// The pool's error.
        source: tarry_pool::Error,
    },
    /// More redirects than the limit allowed. The last redirect response comes along, its
    /// body read, with the earlier ones in its history.
    TooManyRedirects {
        /// The URL that answered with the redirect past the limit.
        url: Url,
        /// That response.
        response: Box<Response>,
    },
    /// A redirect could not be followed: a `Location` that is not a URL, two different
    /// `Location` headers, a scheme other than http and https, or https to http under an
    /// https-only policy.
    Redirect {
        /// The URL that answered with the redirect.
        url: Url,
        /// Why it was not followed.
        why: String,
    },
    /// The body could not be decoded: a corrupt `Content-Encoding`, too many encodings,
    /// more than the body size limit, or JSON that did not parse into the requested type.
    Decode {
        /// The URL of the response.
        url: Url,
        /// Why.
        why: String,
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
            Error::InvalidRequest { url, .. }
            | Error::Connect { url, .. }
            | Error::Tls { url, .. }
            | Error::Timeout { url, .. }
            | Error::Transport { url, .. }
            | Error::TooManyRedirects { url, .. }
            | Error::Redirect { url, .. }
            | Error::Decode { url, .. }
            | Error::Status { url, .. } => Some(url),
            Error::InvalidUrl { .. } | Error::InvalidSettings { .. } | Error::Closed => None,
        }
    }

    /// Whether a timeout fired.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Sorts a pool error into the session's kinds.
    pub(crate) fn from_pool(url: &Url, e: tarry_pool::Error) -> Error {
        use tarry_pool::{Error as P, Phase};
        let url = url.clone();
        match e {
            P::Timeout(phase) => Error::Timeout { url, phase },
            P::AcquireTimeout => Error::Timeout {
                url,
                phase: Phase::Acquire,
            },
            P::PoolClosed => Error::Closed,
            P::InvalidUri(why) | P::InvalidCertificate(why) => Error::InvalidRequest {
                url,
                why: why.to_owned(),
            },
            e @ (P::NoAddress | P::Io(Phase::Resolve | Phase::Connect, _)) => {
                Error::Connect { url, source: e }
            }
            e @ P::Io(Phase::Tls, _) => Error::Tls { url, source: e },
            e => Error::Transport { url, source: e },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidUrl { url, why } => write!(f, "invalid URL {url:?}: {why}"),
            Error::InvalidSettings { why } => write!(f, "invalid session setting: {why}"),
            Error::InvalidRequest { url, why } => write!(f, "invalid request to {url}: {why}"),
            Error::Connect { url, source } => write!(f, "{url}: {source}"),
            Error::Tls { url, source } => write!(f, "{url}: {source}"),
            Error::Timeout { url, phase } => write!(f, "{url}: timed out {phase}"),
            Error::Transport { url, source } => write!(f, "{url}: {source}"),
            Error::TooManyRedirects { url, response } => write!(
                f,
                "{url}: too many redirects ({} followed)",
                response.history().len()
            ),
            Error::Redirect { url, why } => write!(f, "{url}: redirect not followed: {why}"),
            Error::Decode { url, why } => write!(f, "{url}: cannot decode the body: {why}"),
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
            Error::Connect { source, .. }
            | Error::Tls { source, .. }
            | Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}
