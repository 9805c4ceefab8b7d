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
//!   names given (trust [`TlsScriptedServer::ca_pem`]); it records the SNI of every
//!   connection, can skip `close_notify`, and can stall the handshake.
//! - [`read_request`] and [`request_len`]: the request framing the scripts use, for tests
//!   that write their own server loop.
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

mod record;
mod request;
mod run;
mod script;
mod server;
mod tls;

pub use record::Connection;
pub use request::{MAX_BODY, MAX_HEAD, Malformed, read_request, request_len};
pub use script::{Script, Step};
pub use server::ScriptedServer;
pub use tls::{TlsScriptedServer, TlsServerBuilder};
