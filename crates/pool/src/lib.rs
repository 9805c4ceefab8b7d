//! # tarry-pool (in progress)
//!
//! A per-host keep-alive pool of HTTP/1.1 connections for tarry. This first part is the pool's
//! memory, with no I/O at all, so that its rules are tested with a fake clock and fake
//! connections:
//!
//! - [`IdleStore`]: per-host stacks of idle connections, most recently used first, with a
//!   per-host and a global cap (least recently used evicted across hosts), an idle deadline per
//!   connection, a liveness check at checkout, and a purge. Evicted connections are handed
//!   back with a reason, for the caller to close and count.
//! - [`idle_deadline`]: how long a connection may idle: the configured timeout, or the server's
//!   `Keep-Alive: timeout` less a safety margin, whichever is shorter.
//!
//! Connecting (tokio, rustls), checkout with waiters, sending through `tarry-wire`, safe retry,
//! timeouts and metrics arrive with the rest of issue #4.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use tarry_pool::{IdleStore, Poolable};
//!
//! struct Conn(u32);
//! impl Poolable for Conn {
//!     fn is_open(&self) -> bool { true }
//! }
//!
//! let mut idle = IdleStore::new(2, 100);
//! let now = Instant::now();
//! let deadline = now + Duration::from_secs(30);
//! assert!(idle.checkin("a.test:443", Conn(1), now, deadline).is_empty());
//! assert!(idle.checkin("a.test:443", Conn(2), now, deadline).is_empty());
//! // Most recently used first.
//! let (conn, evicted) = idle.checkout(&"a.test:443", now);
//! assert_eq!(conn.map(|c| c.0), Some(2));
//! assert!(evicted.is_empty());
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod deadline;
mod idle;

pub use deadline::idle_deadline;
pub use idle::{EvictReason, Evicted, IdleStore, Poolable};
