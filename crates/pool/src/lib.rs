//! # tarry-pool (in progress)
//!
//! A per-host keep-alive pool of HTTP/1.1 connections on tokio, driving `tarry-wire`. Built so
//! far, over plain TCP:
//!
//! - [`Pool::send`]: checkout (most recently used first, liveness-checked) or connect (with a
//!   resolve override map and a connect timeout), one exchange through `tarry-wire`, and the
//!   response body streamed from [`Response`]; the connection goes back only when wire says
//!   the exchange ended cleanly and the body was read to its end.
//! - One safe retry: a request that fails on a reused connection before any byte of the
//!   response, if its method is idempotent. Never otherwise.
//! - Timeouts for connect, the response head and gaps in the body, each a typed error naming
//!   its [`Phase`].
//! - TLS (feature `tls`, on by default) through rustls with the ring provider: webpki-roots
//!   or custom roots, verification always on, SNI from the host (none for IP literals), ALPN
//!   `http/1.1`, one shared configuration so that fresh connections resume the session; full
//!   and resumed handshakes counted. A close-delimited body cut without `close_notify` is an
//!   error (WIRE-10).
//! - `max_connections_per_host` (default unlimited) with a first-come queue: a returned
//!   connection goes straight to the oldest live waiter, a closed one frees its slot for the
//!   next, a cancelled waiter gives up its place, and waiting longer than the acquire timeout
//!   is [`Error::AcquireTimeout`].
//! - [`IdleStore`]: per-host stacks with per-host and global caps (least recently used evicted
//!   across hosts), idle deadlines from [`idle_deadline`] (`Keep-Alive: timeout` less a margin),
//!   purge; generic over [`Poolable`], so its rules are tested without I/O.
//!
//! - [`Pool::close`], a background sweep of idle deadlines, [`Stats`] with closes by reason,
//!   [`Pool::host_stats`], and per-request [`Timings`].
//!
//! Not built yet (issue #4): client certificates and per-request TLS settings in the pool key,
//! bounded draining of dropped bodies (they are closed instead), the `Expect: 100-continue`
//! wait (the body is sent at once), happy eyeballs between address families.
//!
//! ```
//! use bytes::Bytes;
//! use tarry_pool::Pool;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_pool::Error> {
//! // A one-connection server on loopback that answers two requests.
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
//! let port = listener.local_addr().unwrap().port();
//! tokio::spawn(async move {
//!     let (mut socket, _) = listener.accept().await.unwrap();
//!     let mut buf = [0u8; 1024];
//!     for _ in 0..2 {
//!         let _ = socket.read(&mut buf).await;
//!         let _ = socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello").await;
//!     }
//! });
//!
//! let pool = Pool::new();
//! for _ in 0..2 {
//!     let request = http::Request::get(format!("http://127.0.0.1:{port}/")).body(()).unwrap();
//!     let response = pool.send(request, Bytes::new()).await?;
//!     assert_eq!(response.status(), 200);
//!     assert_eq!(response.bytes().await?, "hello");
//! }
//! assert_eq!(pool.stats().opened, 1); // the second request reused the connection
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod body;
mod connect;
mod connection;
mod deadline;
mod error;
mod exchange;
mod idle;
mod key;
mod options;
mod pool;
mod slots;
#[cfg(feature = "tls")]
mod tls;
#[cfg(feature = "tls")]
mod tls_registry;

pub use body::{Response, Timings};
pub use deadline::idle_deadline;
pub use error::{Error, Phase};
pub use idle::{EvictReason, Evicted, IdleStore, Poolable};
pub use key::PoolKey;
pub use options::SendOptions;
pub use pool::{ClosedStats, HostStats, Pool, PoolBuilder, Stats};
#[cfg(feature = "tls")]
pub use tls::{TlsSettings, TlsVersion};
