//! Why a connection may not carry another request.
//!
//! The pool returns a connection to its idle stack only when the finished exchange has no
//! close reason. Every way an exchange can leave the connection in doubt is one variant, so a
//! log line or a metric can say exactly why a connection was not kept.

use std::fmt;

/// The reason a connection must be closed after an exchange.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseReason {
    /// The request said `Connection: close`.
    ClientConnectionClose,
    /// The response said `Connection: close`.
    ServerConnectionClose,
    /// The request was HTTP/1.0 without `Connection: keep-alive`.
    Http10Request,
    /// The response was HTTP/1.0 without `Connection: keep-alive`.
    Http10Response,
    /// The body was delimited by the connection closing.
    ReadToClose,
    /// The framing headers contradicted each other (`Transfer-Encoding` with `Content-Length`).
    FramingInDoubt,
    /// The server answered before the request body was sent in full; the server may still be waiting
    /// for those bytes, or may take them for the next request.
    BodyNotSent,
    /// The caller stopped before the response body ended.
    BodyNotFullyRead,
    /// Bytes arrived after the end of the response, before any new request was sent.
    LeftoverBytes,
    /// The connection switched protocols (`101`, or a tunnel after `CONNECT`).
    Upgraded,
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CloseReason::ClientConnectionClose => "request sent Connection: close",
            CloseReason::ServerConnectionClose => "response sent Connection: close",
            CloseReason::Http10Request => "HTTP/1.0 request without keep-alive",
            CloseReason::Http10Response => "HTTP/1.0 response without keep-alive",
            CloseReason::ReadToClose => "body delimited by connection close",
            CloseReason::FramingInDoubt => "conflicting framing headers",
            CloseReason::BodyNotSent => "response arrived before the request body was sent in full",
            CloseReason::BodyNotFullyRead => "response body not read to its end",
            CloseReason::LeftoverBytes => "bytes left over after the response",
            CloseReason::Upgraded => "connection upgraded to another protocol",
        })
    }
}
