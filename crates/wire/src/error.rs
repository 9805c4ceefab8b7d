//! The one error type of this crate.
//!
//! "Need more input" is never an error here: every reading call reports it as a status. An
//! [`Error`] always means the exchange cannot continue and the connection must be closed.

use std::fmt;

/// Everything that can go wrong while encoding a request or decoding a response.
///
/// Each variant names one rule that was broken. The `Display` text says which rule, in words a
/// log reader can act on. After any error the connection is in an unknown state and must not be
/// reused; [`CloseReason`](crate::CloseReason) is not consulted.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    // ----- request side: refused before a single byte is produced -----
    /// The request target holds a byte that may not appear in a request line (CR, LF, NUL,
    /// space or another control byte), or the target form asked for cannot be built from the URI.
    InvalidRequestTarget,
    /// A request header value holds CR, LF, NUL or another control byte other than HTAB.
    InvalidRequestHeader {
        /// The header whose value was refused.
        name: String,
    },
    /// The request carries `Content-Length` or `Transfer-Encoding` itself. Framing is chosen
    /// with [`RequestBody`](crate::RequestBody) so that the header and the bytes cannot disagree.
    FramingHeaderInRequest,
    /// The request has neither an authority in its URI nor a `Host` header.
    MissingHost,
    /// Only HTTP/1.0 and HTTP/1.1 requests can be encoded.
    UnsupportedVersion,
    /// A chunked request body in an HTTP/1.0 request, which has no chunked coding.
    ChunkedNeedsHttp11,
    /// The caller's output buffer has room for fewer bytes than the next write needs.
    OutputTooSmall {
        /// Bytes the write needs in one piece.
        needed: usize,
    },
    /// More body bytes were written than `Content-Length` announced.
    BodyTooLong {
        /// The announced length.
        declared: u64,
    },
    /// The body was finished before `Content-Length` bytes were written.
    BodyTooShort {
        /// The announced length.
        declared: u64,
        /// What was written.
        written: u64,
    },
    /// Trailers were given for a body that is not chunked.
    TrailersWithoutChunked,

    // ----- response head -----
    /// The status line does not start with `HTTP/1.0` or `HTTP/1.1`.
    InvalidVersion,
    /// The status code is not three digits in 100..=999, or the status line is malformed.
    InvalidStatus,
    /// A header line has no colon, an empty name, a byte that is not a token character in the
    /// name, or whitespace before the colon; or a line starts with whitespace (an obsolete
    /// folded continuation line, which is never unfolded into the previous field).
    InvalidHeaderName,
    /// A header value holds CR, NUL or another control byte.
    InvalidHeaderValue,
    /// A line ending in the head is malformed (for example a CR not followed by LF).
    InvalidLineEnding,
    /// A line of the response head ends in a bare LF, which
    /// [`Limits::accept_bare_lf`](crate::Limits::accept_bare_lf) has not allowed.
    BareLfLineEnding,
    /// The response head (interim heads included) grew past the limit without ending.
    HeadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The response head has more header lines than the limit.
    TooManyHeaders {
        /// The limit in fields.
        limit: usize,
    },
    /// More interim (1xx) responses arrived than the limit allows.
    TooManyInterimResponses {
        /// The limit in responses.
        limit: usize,
    },
    /// The server answered `101 Switching Protocols` to a request that asked for no upgrade.
    UnexpectedSwitchingProtocols,
    /// The input ended inside a response head.
    IncompleteHead,

    // ----- response framing and body -----
    /// `Content-Length` values disagree (in one header or across several).
    ConflictingContentLength,
    /// A `Content-Length` value is not plain decimal digits, is empty, or overflows u64.
    InvalidContentLength,
    /// `Transfer-Encoding` lists `chunked` more than once, or appears in an HTTP/1.0 response.
    InvalidTransferEncoding,
    /// A chunk-size line does not start with hexadecimal digits, overflows u64, or has
    /// whitespace after the size followed by neither `;` nor the line end (`5 5`).
    InvalidChunkSize,
    /// Chunk framing is malformed: a missing or bare CR/LF, or chunk data longer than its size.
    InvalidChunk,
    /// Whitespace in a chunk-size line that is not around a `;` or an `=` of an extension: at
    /// the end of the line (`5 \r\n`, `5;a \r\n`) or between two words (`5;a b`).
    ChunkLineWhitespace,
    /// A `;` in a chunk-size line is not followed by an extension name (`5;\r\n`, `5;;a`, `5;=b`).
    ChunkExtensionWithoutName,
    /// An `=` in a chunk extension is not followed by a value (`5;a=\r\n`, `5;a=;b`).
    ChunkExtensionWithoutValue,
    /// A chunk extension holds a byte its grammar does not allow: a byte that is not a token
    /// character in a name or unquoted value, a control byte in a quoted string, or anything
    /// but whitespace, `;` or the line end after a closing quote.
    InvalidChunkExtension,
    /// A quoted string in a chunk extension is still open at the end of the line: a CR or LF
    /// inside it.
    UnterminatedChunkExtensionQuote,
    /// Chunk extensions in one body add up to more bytes than the limit.
    ChunkExtensionsTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The trailer section is larger than the limit.
    TrailersTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A trailer field is malformed (bad name, control byte in value, too many fields).
    InvalidTrailer,
    /// The input ended before the body did (short `Content-Length` body, or a chunked body
    /// without its last chunk).
    IncompleteBody,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequestTarget => f.write_str(
                "request target holds a forbidden byte or cannot be written in the requested form",
            ),
            Error::InvalidRequestHeader { name } => write!(
                f,
                "request header `{name}` holds CR, LF, NUL or another control byte"
            ),
            Error::FramingHeaderInRequest => f.write_str(
                "request sets Content-Length or Transfer-Encoding itself; choose framing with RequestBody",
            ),
            Error::MissingHost => {
                f.write_str("request has no authority in its URI and no Host header")
            }
            Error::UnsupportedVersion => {
                f.write_str("only HTTP/1.0 and HTTP/1.1 requests can be encoded")
            }
            Error::ChunkedNeedsHttp11 => {
                f.write_str("a chunked request body needs HTTP/1.1; send a sized body with HTTP/1.0")
            }
            Error::OutputTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} bytes needed")
            }
            Error::BodyTooLong { declared } => {
                write!(f, "body longer than its Content-Length of {declared} bytes")
            }
            Error::BodyTooShort { declared, written } => write!(
                f,
                "body ended after {written} of its {declared} Content-Length bytes"
            ),
            Error::TrailersWithoutChunked => {
                f.write_str("trailers can only be sent with a chunked body")
            }
            Error::InvalidVersion => f.write_str("response is not HTTP/1.0 or HTTP/1.1"),
            Error::InvalidStatus => f.write_str("response status line is malformed"),
            Error::InvalidHeaderName => f.write_str(
                "response header line has an invalid name or is an obsolete folded line",
            ),
            Error::InvalidHeaderValue => {
                f.write_str("response header value holds a control byte")
            }
            Error::InvalidLineEnding => f.write_str("response head has a malformed line ending"),
            Error::BareLfLineEnding => f.write_str(
                "response head has a line ending in LF without CR (Limits::accept_bare_lf allows it)",
            ),
            Error::HeadTooLarge { limit } => {
                write!(f, "response head larger than the {limit}-byte limit")
            }
            Error::TooManyHeaders { limit } => {
                write!(f, "response has more than {limit} header fields")
            }
            Error::TooManyInterimResponses { limit } => {
                write!(f, "more than {limit} interim (1xx) responses")
            }
            Error::UnexpectedSwitchingProtocols => {
                f.write_str("101 Switching Protocols to a request that asked for no upgrade")
            }
            Error::IncompleteHead => f.write_str("connection ended inside the response head"),
            Error::ConflictingContentLength => {
                f.write_str("response has Content-Length values that disagree")
            }
            Error::InvalidContentLength => {
                f.write_str("response Content-Length is not a plain decimal number")
            }
            Error::InvalidTransferEncoding => f.write_str(
                "response Transfer-Encoding repeats chunked or appears in an HTTP/1.0 response",
            ),
            Error::InvalidChunkSize => f.write_str("chunk size is not a valid hexadecimal number"),
            Error::InvalidChunk => f.write_str("chunked body framing is malformed"),
            Error::ChunkLineWhitespace => f.write_str(
                "chunk-size line has whitespace that is not around an extension's `;` or `=`",
            ),
            Error::ChunkExtensionWithoutName => {
                f.write_str("chunk extension has a `;` without a name after it")
            }
            Error::ChunkExtensionWithoutValue => {
                f.write_str("chunk extension has an `=` without a value after it")
            }
            Error::InvalidChunkExtension => {
                f.write_str("chunk extension holds a byte its grammar does not allow")
            }
            Error::UnterminatedChunkExtensionQuote => {
                f.write_str("chunk extension has a quoted string still open at the end of the line")
            }
            Error::ChunkExtensionsTooLarge { limit } => {
                write!(f, "chunk extensions exceed the {limit}-byte limit")
            }
            Error::TrailersTooLarge { limit } => {
                write!(f, "trailer section larger than the {limit}-byte limit")
            }
            Error::InvalidTrailer => f.write_str("trailer section is malformed"),
            Error::IncompleteBody => f.write_str("connection ended before the response body did"),
        }
    }
}

impl std::error::Error for Error {}

impl From<httparse::Error> for Error {
    fn from(e: httparse::Error) -> Self {
        match e {
            httparse::Error::HeaderName => Error::InvalidHeaderName,
            httparse::Error::HeaderValue => Error::InvalidHeaderValue,
            httparse::Error::NewLine => Error::InvalidLineEnding,
            httparse::Error::Status | httparse::Error::Token => Error::InvalidStatus,
            httparse::Error::Version => Error::InvalidVersion,
            // Only reached when the caller did not map it with the configured limit first.
            httparse::Error::TooManyHeaders => Error::TooManyHeaders { limit: 0 },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_is_one_line_without_trailing_punctuation() {
        let samples = [
            Error::InvalidRequestTarget,
            Error::InvalidRequestHeader { name: "x".into() },
            Error::HeadTooLarge { limit: 65536 },
            Error::BodyTooShort {
                declared: 5,
                written: 2,
            },
            Error::IncompleteBody,
        ];
        for e in samples {
            let s = e.to_string();
            assert!(!s.contains('\n') && !s.ends_with('.'), "{s}");
        }
    }
}
