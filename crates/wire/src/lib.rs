//! # tarry-wire
//!
//! A sans-IO HTTP/1.1 client codec: it turns a request into bytes and bytes into a response,
//! decides how long the response body is, and says whether the connection may carry the next
//! request. It never touches a socket, a timer or an async runtime, so it runs the same under
//! tokio, in a blocking loop, inside a proxy or in a fuzzer.
//!
//! In scope:
//! - Request heads: method, request-target (origin, absolute and authority form), `Host` first,
//!   the caller's fields in the caller's order, `Content-Length` or chunked framing, trailers.
//!   Every byte is validated before the first is written. A request the caller keeps (for a
//!   retry) or whose fields it shares can be written borrowed, as [`RequestParts`] with extra
//!   per-request fields, by [`client::Call::write_request`]: no clone, nothing of it kept.
//!   Fields shared by many requests can be checked and encoded once, as [`CheckedHeaders`].
//! - `Expect: 100-continue`: the state that waits for the go-ahead. The caller owns the timer.
//! - Response heads on [`httparse`], interim (1xx) responses skipped and reported, `101` only
//!   after an upgrade was asked for.
//! - Body length exactly as RFC 9112 §6.3; a strict chunked decoder whose extensions follow
//!   their grammar under a byte budget, and trailers kept apart from the head.
//! - CRLF line ends: a head line ending in a bare LF is refused unless
//!   [`Limits::accept_bare_lf`] allows it; chunk framing always needs CRLF.
//! - The reuse verdict as a [`CloseReason`], and the server's [`KeepAlive`] hint.
//! - A limit, with a default and a setter, on everything a peer controls ([`Limits`]).
//!
//! Out of scope: sockets, TLS, timeouts, connection pooling (`tarry-pool`), cookies
//! (`tarry-jar`), redirects and content decoding (`tarry-session`).
//!
//! Bytes in, bytes out. Reading calls return how many input bytes they consumed; "not enough
//! input yet" is a status (`Partial`, or zero consumed), never an error, and the same input
//! gives the same result however it is split. Writing calls append to the caller's
//! [`bytes::BufMut`] and allocate nothing of their own.
//!
//! # Example: one GET over any byte stream
//!
//! ```
//! use std::io::{Read, Write};
//! use tarry_wire::client::{AfterHead, AfterResponse, Call, ResponseEvent};
//! use tarry_wire::RequestBody;
//!
//! // Any `Read + Write` works; here a server's reply is replayed from memory.
//! let mut sent = Vec::new();
//! let mut reply: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
//!                         5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
//!
//! let request = http::Request::get("http://example.test/greeting").body(()).unwrap();
//! let mut out = Vec::new();
//! let AfterHead::RecvResponse(mut call) =
//!     Call::new(request, RequestBody::None)?.write_head(&mut out)?
//! else {
//!     unreachable!("a request without a body goes straight to the response")
//! };
//! sent.write_all(&out).unwrap();
//! assert!(sent.starts_with(b"GET /greeting HTTP/1.1\r\nHost: example.test\r\n"));
//!
//! // Read until the final head is complete.
//! let mut buf = Vec::new();
//! let consumed = loop {
//!     match call.read(&buf)? {
//!         ResponseEvent::Final { consumed } => break consumed,
//!         ResponseEvent::Interim { consumed, .. } => { buf.drain(..consumed); }
//!         _ => {
//!             let mut chunk = [0u8; 16];
//!             let n = reply.read(&mut chunk).unwrap();
//!             buf.extend_from_slice(&chunk[..n]);
//!         }
//!     }
//! };
//! buf.drain(..consumed);
//! let (head, next) = call.proceed()?.expect("the final head was read");
//! assert_eq!(head.status(), http::StatusCode::OK);
//!
//! // Read the body; `data` is a span of our own buffer, so nothing is copied.
//! let AfterResponse::Body(mut call) = next else { unreachable!("a 200 to GET has a body") };
//! let mut body = Vec::new();
//! while !call.is_done() {
//!     let step = call.read(&buf)?;
//!     body.extend_from_slice(&buf[step.data]);
//!     buf.drain(..step.consumed);
//!     if step.consumed == 0 {
//!         let mut chunk = [0u8; 16];
//!         let n = reply.read(&mut chunk).unwrap();
//!         if n == 0 {
//!             call.end_of_input()?;
//!         }
//!         buf.extend_from_slice(&chunk[..n]);
//!     }
//! }
//! assert_eq!(body, b"hello world");
//!
//! // The exchange ended cleanly with nothing left over: the connection may be reused.
//! assert_eq!(call.proceed().close_reason(buf.len()), None);
//! # Ok::<(), tarry_wire::Error>(())
//! ```
//!
//! # Versioning
//!
//! The public API uses the `http` crate's types (`Request`, `StatusCode`, `Version`,
//! `HeaderMap`) and `bytes::BufMut`, both 1.x. `httparse` is an implementation detail and is
//! never exposed.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod ascii;
mod body;
mod checked_headers;
pub mod client;
mod close_reason;
mod encode;
mod error;
mod field_scan;
mod keep_alive;
mod limits;
mod parse;
mod request_parts;

pub use body::length::response_framing;
pub use body::{BodyDecoder, BodyLength, ChunkedDecoder, Decoded, Framing};
pub use checked_headers::CheckedHeaders;
pub use close_reason::CloseReason;
pub use encode::{RequestBody, TargetForm};
pub use error::Error;
pub use keep_alive::KeepAlive;
pub use limits::Limits;
pub use parse::{ResponseHead, parse_response_head};
pub use request_parts::RequestParts;
