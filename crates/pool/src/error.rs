//! The pool's one error type. Every variant names the phase of the exchange that failed, so a
//! caller (and a log reader) knows whether the request may have reached the server.

use std::fmt;
use std::io;

/// The phase of an exchange.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Waiting for a connection under the host's `max_connections_per_host`.
    Acquire,
    /// Resolving the host name.
    Resolve,
    /// Opening the TCP connection.
    Connect,
    /// The TLS handshake (certificate verification included).
    Tls,
    /// Writing the request.
    Write,
    /// Waiting for and reading the response head.
    Head,
    /// Reading the response body.
    Body,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Acquire => "waiting for a free connection to the host",
            Phase::Resolve => "resolving the host",
            Phase::Connect => "connecting",
            Phase::Tls => "in the TLS handshake",
            Phase::Write => "writing the request",
            Phase::Head => "reading the response head",
            Phase::Body => "reading the response body",
        })
    }
}

/// Everything that can go wrong sending a request through the pool.
#[non_exhaustive]
#[derive(Debug)]
pub enum Error {
    /// The request URI has no host, or a scheme this pool does not speak yet.
    InvalidUri(&'static str),
    /// The host name resolved to no address.
    NoAddress,
    /// A certificate given to the pool could not be used.
    InvalidCertificate(&'static str),
    /// An I/O error in a phase.
    Io(Phase, io::Error),
    /// A phase took longer than its timeout.
    Timeout(Phase),
    /// The host was at `max_connections_per_host` for longer than the acquire timeout.
    AcquireTimeout,
    /// The pool was closed.
    PoolClosed,
    /// The server broke HTTP/1.1 (framing, limits, malformed head).
    Protocol(Phase, tarry_wire::Error),
    /// The connection closed before the response head arrived.
    ClosedBeforeResponse {
        /// Whether the pool already re-sent the request once on a fresh connection.
        retried: bool,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidUri(why) => write!(f, "invalid request URI: {why}"),
            Error::NoAddress => f.write_str("host name resolved to no address"),
            Error::InvalidCertificate(why) => write!(f, "certificate: {why}"),
            Error::Io(phase, e) => write!(f, "{phase}: {e}"),
            Error::Timeout(phase) => write!(f, "timed out {phase}"),
            Error::PoolClosed => f.write_str("the connection pool is closed"),
            Error::AcquireTimeout => {
                f.write_str("timed out waiting for a connection: the host is at its connection cap")
            }
            Error::Protocol(phase, e) => write!(f, "{phase}: {e}"),
            Error::ClosedBeforeResponse { retried: false } => {
                f.write_str("connection closed before the response head")
            }
            Error::ClosedBeforeResponse { retried: true } => f.write_str(
                "connection closed before the response head, also on a fresh connection",
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // An error that I/O merely carries (rustls' error in a failed handshake) is the
            // cause itself: the `io::Error` wrapper adds nothing the chain should stop at.
            Error::Io(_, e) => match e.get_ref() {
                Some(inner) => Some(inner),
                None => Some(e),
            },
            Error::Protocol(_, e) => Some(e),
            _ => None,
        }
    }
}
