//! tarry-session against a real httpbin (PyPI `httpbin` under `gunicorn -k gthread`), which
//! `./test.sh` installs, starts on loopback, and names in `TARRY_HTTPBIN_URL` (a second
//! instance on another port in `TARRY_HTTPBIN2_URL`, for cross-origin hops).
//!
//! Without the variables, each test prints one `skipped:` line and passes, except when
//! `CI=true`, where a missing server is a failure.

mod cookies;
mod harness;
mod merging;
mod pooling;
mod redirects;
mod responses;
mod security;
mod seed;
mod timeouts;
