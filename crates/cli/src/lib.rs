//! The library half of `tarry-cli`: the embedded servers `tarry bench` measures against, shared
//! so that other benchmarks (the peers comparison in `benches/peers`) hit the very same server.
//!
//! [`server::Servers`] starts an HTTP and an HTTPS server on 127.0.0.1, on a thread and runtime
//! of their own, each answering every request with one fixed response. The HTTPS certificate is
//! for [`server::HOST`] and signed by a CA made at start, handed out as PEM so a client can trust
//! it and nothing else.
//!
//! ```
//! use std::io::{Read, Write};
//!
//! let servers = tarry_cli::server::Servers::start(13)?;
//! let mut tcp = std::net::TcpStream::connect(servers.http)?;
//! let host = tarry_cli::server::HOST;
//! write!(tcp, "GET / HTTP/1.1\r\nHost: {host}\r\n\r\n")?;
//!
//! let expected = b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nxxxxxxxxxxxxx";
//! let mut response = vec![0; expected.len()];
//! tcp.read_exact(&mut response)?;
//! assert_eq!(response, expected);
//! assert!(servers.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The `tarry` binary (`tarry bench`) is the other half; its modules stay private to it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod proxy;
pub mod server;
