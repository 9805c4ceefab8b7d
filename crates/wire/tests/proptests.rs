//! Property tests.
//!
//! - `response`: any valid response (interim heads, CRLF or bare-LF head, Content-Length,
//!   chunked with random chunk sizes, extensions and trailers, 204/304, or read to close) is
//!   read the same however its bytes are split, and the one-shot result is the response that
//!   was generated.
//! - `chunk_ext`: the chunked decoder accepts exactly the chunk-size lines that a separate
//!   reader of the RFC 9112 chunk-extension grammar accepts, over bytes rich in `;`, `=`,
//!   quotes, backslashes and whitespace, and every line generated from the grammar.
//! - `request`: every encoded request parses back to the same method, target, fields and body
//!   with parsers that share no code with `tarry_wire`: `httparse::Request` for the head and
//!   the chunked reader in `proptests/dechunk.rs` for the body.
//! - `parts`: a borrowed head (`Call::write_request`, its fields split between a map and
//!   `extra`) is written, refused and carried through the exchange exactly as the owned
//!   request with all its fields in one map; and a map checked ahead (`CheckedHeaders`) as the
//!   same map borrowed plainly.
//!
//! Case counts keep the whole file under a few seconds in a debug build. Failing cases are not
//! persisted to a regressions file: proptest prints the minimal input, which belongs in a
//! fixture.

// The fixture harness is shared with `fixtures.rs`; only that binary reads `Fixture::expect`.
#[allow(dead_code)]
#[path = "fixtures/harness.rs"]
mod harness;

#[path = "proptests/chunk_ext.rs"]
mod chunk_ext;
#[path = "proptests/dechunk.rs"]
mod dechunk;
#[path = "proptests/parts.rs"]
mod parts;
#[path = "proptests/request.rs"]
mod request;
#[path = "proptests/response.rs"]
mod response;

/// The settings every property here runs with.
fn config(cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}
