//! tarry-session against a real httpbin (PyPI `httpbin` under `gunicorn -k gthread`), which
//! `./test.sh` installs, starts on loopback, and names in `TARRY_HTTPBIN_URL` (a second
//! instance on another port in `TARRY_HTTPBIN2_URL`, for cross-origin hops).
//!
//! Without the variables, each test prints one `skipped:` line and passes, except when
//! `CI=true`, where a missing server is a failure.
//!
//! The acceptance tests: one test per item of sections A–F of a checklist of requests'
//! Session behaviour (`merging`, `cookies`, `redirects`, `pooling`, `timeouts`,
//! `responses`; named `a01_…`, `b06_…`), the httpbin-testable rows of the security catalogue
//! (`security`: `ses_01_…`, `jar_11_…`), and one session shared by 64 tasks (`concurrency`).
//! Where we decided against a requests quirk, the test checks our behaviour and its doc
//! comment names the quirk.

mod concurrency;
mod cookies;
mod digest;
mod harness;
mod merging;
mod pooling;
mod redirects;
mod responses;
mod security;
mod seed;
mod timeouts;
mod uploads;
