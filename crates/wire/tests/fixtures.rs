//! Table-driven fixtures: a request, the server's raw bytes, and the exact outcome.
//!
//! Every fixture goes through one harness ([`harness::run`]) that drives a `Call` as a real
//! client would, twice ([`expect::check`]): with all bytes at once and one byte at a time; both
//! runs must agree before the expectation is checked. Tests are named after the rows of the
//! security catalogue (`docs/security.md`) they cover (`wire_01_…`).
//!
//! Two WIRE rows are outside this crate: WIRE-10 (TLS truncation) belongs to the transport,
//! which must not call `end_of_input` without `close_notify`; WIRE-24 (content decoding bombs)
//! belongs to `tarry-session`, since `tarry-wire` never decodes content codings.

#[path = "fixtures/chunked.rs"]
mod chunked;
#[path = "fixtures/expect.rs"]
mod expect;
#[path = "fixtures/framing.rs"]
mod framing;
#[path = "fixtures/harness.rs"]
mod harness;
#[path = "fixtures/head.rs"]
mod head;
#[path = "fixtures/interim.rs"]
mod interim;
#[path = "fixtures/request.rs"]
mod request;
#[path = "fixtures/request_body.rs"]
mod request_body;
#[path = "fixtures/reuse.rs"]
mod reuse;
