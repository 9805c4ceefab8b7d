//! # tarry-testkit
//!
//! Scripted servers on `127.0.0.1:0` for tarry's tests (dev only, never published). A
//! server runs a [`Script`] on each connection it accepts: read a request, write exact bytes,
//! write them slowly, sleep, half-close, close, reset (`SO_LINGER` 0) or hold the socket
//! open. It records how many connections it accepted and every raw request on each, so a
//! test can see whether a client reused a connection and exactly what it sent.
//!
//! - [`ScriptedServer`]: plain TCP.
//! - [`TlsScriptedServer`]: the same behind TLS, with a CA and a leaf made at start for the
//!   names given (trust [`TlsScriptedServer::ca_pem`]) or a certificate the test made; it
//!   records the SNI of every connection and the client certificate, can skip
//!   `close_notify`, and can stall the handshake.
//! - [`TestCa`] and [`TestCert`]: test certificates made at run time with rcgen (roots,
//!   intermediates, leaves for any names or parameters) and the rustls configurations that
//!   serve and trust them, for the kit's TLS server and for tests that run their own.
//! - [`read_request`] and [`request_len`]: the request framing the scripts use, for tests
//!   that write their own server loop.
//! - [`Capture`]: a `tracing` subscriber that keeps every event and span as a line of text,
//!   for tests of what a client reports (and of what it must never report).
//!
//! Beyond fixed bytes, a script can answer from the request ([`Answer`]), close a connection
//! left idle ([`Step::ExpectRequestWithin`]), react to bytes that are no request
//! ([`Step::ReadAny`]) and wait for the test ([`Gate`]). The record says who ended each
//! connection ([`Ended`]) and how many were open at once.
//!
//! Servers run on a thread of their own with their own runtime, so they work from any test,
//! async or not; dropping one stops it and closes all its connections.
//!
//! Names such as `a.test` reach a kit server through a resolve override in the client (the
//! pool's `PoolBuilder::resolve`, the session's `SessionBuilder::resolve`).
//!
//! ```
//! use std::io::{Read, Write};
//! use tarry_testkit::{Script, ScriptedServer, Step};
//!
//! let server = ScriptedServer::start([Script::new([
//!     Step::ExpectRequest,
//!     Step::write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
//!     Step::Close,
//! ])])?;
//!
//! let mut client = std::net::TcpStream::connect(server.addr())?;
//! client.write_all(b"GET /x HTTP/1.1\r\nHost: a.test\r\n\r\n")?;
//! let mut answer = String::new();
//! client.read_to_string(&mut answer)?; // the script closes after its answer
//!
//! assert!(answer.ends_with("\r\n\r\nhi"));
//! assert_eq!(server.accepts(), 1);
//! assert_eq!(server.requests(), [[&b"GET /x HTTP/1.1\r\nHost: a.test\r\n\r\n"[..]]]);
//! # Ok::<(), std::io::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod capture;
mod certs;
mod record;
mod request;
mod run;
mod script;
mod server;
mod tls;

/// rcgen, as the kit uses it: for [`TestCa::sign`] and [`TestCa::intermediate`] parameters
/// (validity, key usages, names), without a dependency of the test's own.
pub use rcgen;

pub use capture::Capture;
pub use certs::{TestCa, TestCert};
pub use record::{Connection, Ended};
pub use request::{MAX_BODY, MAX_HEAD, Malformed, read_request, request_len};
pub use script::{Answer, Gate, Script, Step};
pub use server::ScriptedServer;
pub use tls::{TlsScriptedServer, TlsServerBuilder};
