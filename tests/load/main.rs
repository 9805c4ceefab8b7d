//! tarry under load and over time: one binary, three tests, run one at a time
//! (they measure the whole process's descriptors and memory).
//!
//! - [`soak`]: many GETs at concurrency 64 through one Session against a server that closes
//!   connections under it; zero failures, no crossed bodies, no leaked descriptors, flat
//!   memory. The one figure line it prints is the run's summary.
//! - [`cancel`]: requests dropped at random points; no connection with leftover bytes is
//!   reused, nothing leaks, the pool's counters add up.
//! - [`exhaust`]: more concurrent requests than `max_connections_per_host` against a slow
//!   server; bounded sockets, first-come service, typed acquire timeouts, no deadlock.
//!
//! `cargo test` runs them small and in debug; `test.sh` runs the binary again in release with
//! `TARRY_LOAD_REQUESTS=200000`.

mod cancel;
mod exhaust;
mod measure;
mod server;
mod soak;
