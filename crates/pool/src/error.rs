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
    /// Setting up a tunnel through a proxy (`CONNECT`, or the SOCKS5 handshake).
    Proxy,
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
            Phase::Proxy => "setting up the proxy tunnel",
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
    /// Reading the request body from its stream, reader or file failed; the request was
    /// cut short and its connection closed.
    RequestBody(io::Error),
    /// A proxy URL or its credentials could not be used.
    InvalidProxy(&'static str),
    /// The proxy refused or broke the tunnel.
    Proxy(ProxyError),
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
            Error::InvalidProxy(why) => write!(f, "invalid proxy: {why}"),
            Error::RequestBody(e) => write!(f, "reading the request body: {e}"),
            Error::Proxy(e) => write!(f, "{}: {e}", Phase::Proxy),
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
            Error::Proxy(e) => Some(e),
            Error::RequestBody(e) => Some(e),
            _ => None,
        }
    }
}

/// How a proxy refused or broke a tunnel, in [`Error::Proxy`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyError {
    /// The proxy answered `CONNECT` with this status, not a 2xx (407 aside).
    Refused {
        /// The status code.
        status: u16,
    },
    /// `407 Proxy Authentication Required`: the proxy wants credentials it did not get, or
    /// refused those it got.
    AuthenticationRequired,
    /// The proxy sent bytes after its 2xx answer to `CONNECT` before the client spoke
    /// (content, or the start of another answer): the tunnel cannot be trusted, and nothing
    /// of it is handed to TLS or to the origin's exchange.
    TunnelDesync,
    /// A SOCKS5 proxy refused the connection with this reply code (RFC 1928 §6).
    Socks {
        /// The reply code, 1 to 8 by the RFC.
        code: u8,
    },
    /// The SOCKS5 proxy accepts none of the methods offered (none, or user and password).
    SocksNoAcceptableMethod,
    /// The SOCKS5 proxy refused the user name and password (RFC 1929).
    SocksAuthenticationFailed,
    /// The SOCKS5 proxy broke the protocol, or a name or credential was too long for it.
    SocksProtocol(&'static str),
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyError::Refused { status } => write!(f, "the proxy refused CONNECT with {status}"),
            ProxyError::AuthenticationRequired => {
                f.write_str("the proxy requires authentication (407)")
            }
            ProxyError::TunnelDesync => {
                f.write_str("the proxy sent bytes after accepting CONNECT; the tunnel is not used")
            }
            ProxyError::Socks { code } => {
                let why = match code {
                    1 => "general failure",
                    2 => "connection not allowed by its rules",
                    3 => "network unreachable",
                    4 => "host unreachable",
                    5 => "connection refused",
                    6 => "TTL expired",
                    7 => "command not supported",
                    8 => "address type not supported",
                    _ => "unknown reply",
                };
                write!(f, "the SOCKS5 proxy answered {code}: {why}")
            }
            ProxyError::SocksNoAcceptableMethod => {
                f.write_str("the SOCKS5 proxy accepts none of the authentication methods offered")
            }
            ProxyError::SocksAuthenticationFailed => {
                f.write_str("the SOCKS5 proxy refused the user name and password")
            }
            ProxyError::SocksProtocol(why) => write!(f, "SOCKS5: {why}"),
        }
    }
}

impl std::error::Error for ProxyError {}
