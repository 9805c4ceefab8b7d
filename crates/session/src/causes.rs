//! The typed causes inside [`Error`](crate::Error): why a URL, a setting, a redirect or a body
//! was refused, and which clock expired. Each is `#[non_exhaustive]` and has a one-line
//! `Display`.

use std::fmt;
use std::io;

use url::Url;

use crate::{PoolError, ProtocolError, RejectReason};

/// Which clock expired, in an [`Error::Timeout`](crate::Error::Timeout).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeoutKind {
    /// The connect timeout: resolving, one TCP connect attempt, or the TLS handshake.
    Connect,
    /// The read timeout: the server was silent too long.
    Read,
    /// The call's own `timeout`: the whole call took too long.
    Total,
    /// Waiting for a connection to the host under `max_connections_per_host`.
    Acquire,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "the connect timeout",
            TimeoutKind::Read => "the read timeout",
            TimeoutKind::Total => "the call's timeout",
            TimeoutKind::Acquire => "the wait for a free connection",
        })
    }
}

/// Why a URL cannot be a request URL.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    /// It does not parse as a URL.
    Parse(url::ParseError),
    /// Its scheme is not `http` or `https`.
    UnsupportedScheme(String),
    /// It has no host.
    NoHost,
    /// It cannot be written as an HTTP request target.
    Target,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Parse(e) => write!(f, "{e}"),
            UrlError::UnsupportedScheme(s) => write!(f, "the scheme {s:?} is not http or https"),
            UrlError::NoHost => f.write_str("no host"),
            UrlError::Target => f.write_str("it cannot be written as a request target"),
        }
    }
}

impl std::error::Error for UrlError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            UrlError::Parse(e) => Some(e),
            _ => None,
        }
    }
}

/// What a setting or a request part got wrong, in an [`Error::Builder`](crate::Error::Builder).
#[non_exhaustive]
#[derive(Debug)]
pub enum BuildError {
    /// Not a valid header name.
    HeaderName {
        /// The name as given, as its `Debug` form writes it (quoted, for text).
        name: String,
    },
    /// Not a valid value for the header (a line break or another control byte).
    HeaderValue {
        /// The header.
        name: String,
    },
    /// Not a valid method token.
    Method {
        /// The method as given.
        method: String,
    },
    /// The cookie was refused (a name that is not a token, a control byte in the value).
    Cookie {
        /// The cookie's name as given.
        name: String,
        /// The jar's reason.
        reason: RejectReason,
    },
    /// The credentials cannot be written in an `Authorization` header (a line break in a
    /// token).
    Credentials,
    /// The JSON body could not be serialized.
    #[cfg(feature = "json")]
    Json(serde_json::Error),
    /// A TLS setting could not be used (a PEM document without a certificate or key), or the
    /// pool refused the request's URL.
    Pool(Box<PoolError>),
    /// A proxy key is not `http`, `https`, `all` or a scheme and host.
    ProxyKey {
        /// The key as given.
        key: String,
    },
    /// An environment variable (`HTTPS_PROXY`, …) does not hold a proxy URL.
    ProxyEnvironment {
        /// The variable's name.
        variable: String,
        /// Why its value cannot be used (never the value's credentials).
        reason: String,
    },
    /// The HTTP/1.1 codec refused to write the request: a `Content-Length` or
    /// `Transfer-Encoding` header set by hand (framing comes from the body), a control byte
    /// in a header value.
    Refused(ProtocolError),
    /// A blocking call was made from inside an async runtime, whose thread it would stall.
    #[cfg(feature = "blocking")]
    InsideRuntime,
    /// The blocking session's runtime could not start (the system refused an event queue).
    #[cfg(feature = "blocking")]
    Runtime(std::io::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::HeaderName { name } => write!(f, "{name} is not a valid header name"),
            BuildError::HeaderValue { name } => write!(f, "invalid value for header {name}"),
            BuildError::Method { method } => write!(f, "{method:?} is not a valid method"),
            BuildError::Cookie { name, reason } => write!(f, "cookie {name:?}: {reason}"),
            BuildError::Credentials => f.write_str("the credentials cannot be written in a header"),
            #[cfg(feature = "json")]
            BuildError::Json(e) => write!(f, "cannot serialize the JSON body: {e}"),
            BuildError::Pool(e) => write!(f, "{e}"),
            BuildError::ProxyKey { key } => write!(
                f,
                "proxy key {key:?} is not http, https, all, or a scheme and host"
            ),
            BuildError::ProxyEnvironment { variable, reason } => {
                write!(f, "the environment variable {variable}: {reason}")
            }
            BuildError::Refused(e) => write!(f, "{e}"),
            #[cfg(feature = "blocking")]
            BuildError::InsideRuntime => f.write_str(
                "a blocking call inside an async runtime would stall it; use the async session",
            ),
            #[cfg(feature = "blocking")]
            BuildError::Runtime(e) => write!(f, "cannot start the blocking runtime: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            #[cfg(feature = "json")]
            BuildError::Json(e) => Some(e),
            BuildError::Pool(e) => Some(&**e),
            BuildError::Refused(e) => Some(e),
            #[cfg(feature = "blocking")]
            BuildError::Runtime(e) => Some(e),
            _ => None,
        }
    }
}

/// Why a redirect was not followed, in an [`Error::Redirect`](crate::Error::Redirect).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectError {
    /// The response has two different `Location` values.
    TwoLocations,
    /// The `Location` is not a URL, even relative to the current one.
    InvalidLocation {
        /// The value, as text.
        location: String,
        /// The parser's error.
        source: url::ParseError,
    },
    /// The target's scheme is not http or https.
    UnsupportedScheme {
        /// The target.
        location: Box<Url>,
    },
    /// The target has no host.
    NoHost {
        /// The target.
        location: Box<Url>,
    },
    /// A 307 or 308 asks for the body again, and it was read from a one-time source (a
    /// stream, a reader) that cannot be sent twice; requests raises `UnrewindableBodyError`.
    /// Give the body a way to reopen itself (`Body::reopen_with`) to follow such redirects.
    BodyNotReplayable,
    /// The redirect leaves https for http, and the session is https-only.
    LeavesHttps {
        /// The target.
        location: Box<Url>,
    },
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectError::TwoLocations => {
                f.write_str("the response has two different Location headers")
            }
            RedirectError::InvalidLocation { location, source } => {
                write!(f, "Location {location:?} is not a URL: {source}")
            }
            RedirectError::UnsupportedScheme { location } => {
                write!(
                    f,
                    "Location {location} has a scheme other than http and https"
                )
            }
            RedirectError::NoHost { location } => write!(f, "Location {location} has no host"),
            RedirectError::BodyNotReplayable => f.write_str(
                "it asks for the request body again, which was read from a stream and cannot be sent twice",
            ),
            RedirectError::LeavesHttps { location } => write!(
                f,
                "Location {location} leaves https, and the session is https-only"
            ),
        }
    }
}

impl std::error::Error for RedirectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RedirectError::InvalidLocation { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Why a body could not be decoded, in an [`Error::Decode`](crate::Error::Decode).
#[non_exhaustive]
#[derive(Debug)]
pub enum DecodeError {
    /// `Content-Encoding` names more codings than are undone.
    TooManyEncodings {
        /// The most codings undone.
        limit: usize,
    },
    /// A compressed body is corrupt or cut short.
    Corrupt(io::Error),
    /// The body, decoded, is larger than the body size limit.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is not JSON of the requested shape.
    #[cfg(feature = "json")]
    Json(serde_json::Error),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooManyEncodings { limit } => {
                write!(f, "more than {limit} content encodings")
            }
            DecodeError::Corrupt(e) => write!(f, "corrupt compressed body: {e}"),
            DecodeError::TooLarge { limit } => {
                write!(f, "the body is larger than the limit of {limit} bytes")
            }
            #[cfg(feature = "json")]
            DecodeError::Json(e) => write!(f, "invalid JSON: {e}"),
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DecodeError::Corrupt(e) => Some(e),
            #[cfg(feature = "json")]
            DecodeError::Json(e) => Some(e),
            _ => None,
        }
    }
}
