//! # tarry-pool
//!
//! A per-host keep-alive pool of HTTP/1.1 connections, plain and TLS, on tokio. Every byte on
//! the wire is decided by the sans-IO codec `tarry-wire`; this crate owns the sockets, the
//! clocks and the rules for when a connection may carry another request.
//!
//! - **Sending:** [`Pool::send`] (or [`Pool::send_with`] and per-request [`SendOptions`])
//!   checks out the most recently used live connection for the request's key (scheme, host,
//!   port, TLS settings, resolve override) or opens one, sends the request, and returns the [`Response`] once its head has arrived; the body
//!   streams from it. `Expect: 100-continue` waits for the go-ahead (at most the expect
//!   timeout); a server that answers while a large body is still going out stops the upload
//!   and its answer is returned. [`Pool::send_parts`] takes a borrowed head instead
//!   ([`RequestParts`]: a header map the caller keeps, such as a client's defaults, possibly
//!   [`CheckedHeaders`] checked once, plus per-request fields), so nothing is copied per
//!   request.
//! - **Per request, on a kept-alive connection:** no allocation for buffers (an exchange
//!   takes a set another one gave back, up to [`PoolBuilder::idle_buffer_limit`] each; an
//!   idle connection holds none), no new timer (a connection moves its one read-deadline
//!   timer), and the route (key, TLS configuration) remembered
//!   per thread from the pool's last request to the same origin.
//! - **Reuse:** a connection goes back only when wire says the exchange ended cleanly and the
//!   body was read to its end. A response dropped early is drained (a bounded amount within a
//!   short time) or its connection closed. Idle connections are liveness-checked at checkout;
//!   their deadline is the idle timeout, shortened by the server's `Keep-Alive: timeout` less
//!   a margin, and by [`PoolBuilder::max_lifetime`]; a background sweep closes them on time.
//! - **Safe retry:** a request that fails on a reused connection before any byte of the
//!   response is sent once more on a fresh connection if its method is idempotent or the
//!   socket took none of it. Never otherwise; [`Response::retried`] and [`Stats::retried`]
//!   report it.
//! - **Connecting:** DNS through tokio or a resolve override (curl's `--resolve`, several
//!   addresses allowed), addresses raced with a head start (happy eyeballs, RFC 8305),
//!   `TCP_NODELAY`, a connect timeout per attempt.
//! - **Proxies** ([`Proxy`], per request with [`SendOptions::proxy`]): `http://` requests
//!   forwarded in absolute form to an HTTP proxy (plain or TLS) with its credentials, over
//!   connections every origin behind that proxy shares; other requests through a `CONNECT`
//!   tunnel (TLS to the origin inside it, verified as ever) or a SOCKS5 proxy (`socks5h`
//!   lets the proxy resolve). A proxy's refusal is a typed [`ProxyError`]; bytes after a
//!   granted tunnel are refused, never handed to TLS. Keys name the proxy and its
//!   credentials, so connections are never shared across proxies or identities.
//! - **TLS** (feature `tls`, on by default): rustls with the ring provider; webpki-roots or
//!   custom roots, client certificates, a minimum version, SNI from the host (none for IP
//!   literals), ALPN `http/1.1`. Each distinct [`TlsSettings`] value gets one shared
//!   configuration (so fresh connections resume sessions) and a number in the pool key (so a
//!   connection is never reused under other settings). Full and resumed handshakes are
//!   counted. Verification is always on unless a request asks otherwise by name. Records are
//!   read on rustls' unbuffered API: one `recv` takes 32 KiB, up to 256 KiB while a large
//!   body keeps filling the buffer, records are decrypted where they lie, and the record
//!   buffers are lent per exchange like the others, so an idle TLS connection keeps only
//!   rustls' state. The client's last handshake flight goes out with the first request, in
//!   one write.
//! - **Limits:** `max_idle_per_host`, a global idle cap (least recently used evicted across
//!   hosts), `max_connections_per_host` with a first-come queue and an acquire timeout, and
//!   clocks for every phase: the connect timeout (resolving, each attempt, the handshake),
//!   the read timeout (the longest silence, waiting for the head included, and each stall of
//!   an upload), an optional deadline for the head, a total timeout per exchange, and a
//!   caller's deadline for everything ([`SendOptions::deadline`]); each expiry is a typed
//!   [`Error`] naming its [`Phase`].
//! - **Metrics:** [`Pool::stats`] (opened, reused, retried, handshakes, closes by reason),
//!   [`Pool::host_stats`] (open, idle, waiting) and per-request [`Timings`] (DNS, connect,
//!   TLS, wait).
//! - **Events** (feature `tracing`, on by default), at `debug` under the target `tarry_pool`:
//!   a connection opened (origin, address, connect and TLS times, resumed or full), reused
//!   (age, exchanges carried), returned, handed to a waiting request, closed (`reason`: the
//!   names of [`ClosedStats`]' fields), a request sent again after a stale connection, a
//!   request waiting at the per-host limit and served or giving up; at `warn`, a server that
//!   keeps closing connections before they are reused (three in a row). Origins are
//!   `scheme://host:port` (and a proxy's host and port): no credentials. Free when no
//!   `tracing` subscriber listens; `RUST_LOG=tarry_pool=debug` with `tracing-subscriber`'s
//!   env filter shows them.
//! - [`Pool::close`] shuts idle connections (TLS with `close_notify`) and refuses later
//!   requests; dropping the pool closes them too.
//!
//! ## Inside
//!
//! `builder` holds the settings; `pool` the handle and the one retry policy; `lifecycle` the
//! shared state and a connection's life in it (checkout, open, check-in), and the narrow
//! check-in handle an exchange and a response body get; `exchange` one request and its
//! response head; `body` the rest; `secure` everything that differs with and without TLS.
//! The idle store's rules (`idle`) are generic over what they store and tested without I/O.
//!
//! **Per-thread route memory.** Working out a request's key costs about a tenth of a
//! kept-alive exchange, so each thread remembers the last route a pool worked out: keyed on
//! the pool (by a number never reused in a process), the scheme and the authority text
//! exactly as the request spells it. Only requests with the pool's own settings (no TLS
//! settings or resolve override of their own) use it, and nothing else a route depends on
//! changes in a pool's life, so a remembered route is never wrong; a different authority,
//! scheme or pool simply replaces it. It holds one route per thread, and with it that route's
//! TLS configuration, which stays alive after its pool is dropped until the thread next sends
//! through a pool.
//!
//! **Blocking callers.** A program on plain threads runs its requests with
//! [`block_on`]`(&runtime, future)` rather than `runtime.block_on`: a kept-alive plain-HTTP
//! exchange then runs on the calling thread alone, its socket read with a blocking `recv`
//! bounded by the read deadline, and several threads do not wake each other through the
//! runtime. Anything that has to wait (connecting, TLS) is finished in the runtime. The
//! socket goes back to non-blocking mode before tokio uses it again.
//!
//! The pool alone, sending two requests over one connection:
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
// One `unsafe` block, measured: a blocking caller's socket read (see src/plain.rs).
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod blocking;
mod body;
mod builder;
mod connect;
mod connection;
mod deadline;
mod error;
mod exchange;
mod idle;
mod key;
mod lifecycle;
mod log;
mod metrics;
mod options;
mod plain;
mod pool;
mod proxy;
mod request_body;
mod route_memo;
mod secure;
mod slots;
mod spare;
#[cfg(feature = "tls")]
mod tls;
#[cfg(feature = "tls")]
mod tls_registry;
#[cfg(feature = "tls")]
mod tls_stream;
mod tunnel;

pub use blocking::block_on;
pub use body::{Response, Timings};
pub use builder::PoolBuilder;
pub use error::{Error, Phase, ProxyError};
pub use metrics::{ClosedStats, HostStats, Stats};
pub use options::SendOptions;
pub use pool::Pool;
pub use proxy::{Proxy, ProxyKind};
pub use request_body::Body;
/// The codec's limits, for [`PoolBuilder::response_limits`].
pub use tarry_wire::Limits;
/// A request head borrowed from the caller, for [`Pool::send_parts`], and header fields
/// checked once to send with many of them.
pub use tarry_wire::{CheckedHeaders, RequestParts};
#[cfg(feature = "tls")]
pub use tls::{TlsSettings, TlsVersion};
