//! The bodies of the `tarry-wire`, `tarry-jar` and `tarry-session` fuzz targets.
//!
//! `fuzz_targets/*.rs` are three-line libFuzzer wrappers around the functions here (nightly,
//! `cargo +nightly fuzz run <target>`), and `tests/replay_corpus.rs` runs the committed seeds
//! through the very same functions on stable (`cargo test`). A target "fails" by panicking.
//!
//! Each target checks a promise of the `tarry-wire` docs, not just "does not crash":
//! - `parse_response`: refusing bare LF changes nothing but turning a head into
//!   `BareLfLineEnding`; a parsed head is the exact prefix it claims, framing a `HEAD` response
//!   is always `Empty`, and `header_map()` keeps every field httparse accepted.
//! - `chunked`: "the same input gives the same result however it is split".
//! - `client_call`: the same, for a whole exchange driven through every `Call` state.
//! - `set_cookie`: a request only ever carries cookies that domain- and path-match it, never a
//!   `Secure` cookie over http, never another host's host-only cookie; an http origin never
//!   sets or changes a `Secure` cookie; the header and the jar stay within their limits.
//! - `cookie_date`: a parsed date lies in 1601..=9999 and survives a round trip through the
//!   IMF-fixdate form.
//! - `cookies_txt`: every loaded cookie is sound, and saving then loading changes nothing.
//! - `location`: a redirect target is http(s) with a host and no user or password, keeps
//!   https under https-only and the old fragment, and leads back to itself; two different
//!   `Location` values are an error.

mod chunked;
mod client_call;
mod cookie_date;
mod cookies_txt;
mod location;
mod parse_response;
mod set_cookie;

pub use chunked::chunked;
pub use client_call::*;
pub use cookie_date::{MAX_COOKIE_DATE, MIN_COOKIE_DATE, cookie_date, imf_fixdate};
pub use cookies_txt::cookies_txt;
pub use location::location;
pub use parse_response::parse_response;
pub use set_cookie::{ORIGINS, set_cookie, small_jar_limits};

use tarry_wire::Limits;

/// Tight limits, so that short fuzz inputs reach every limit check.
pub fn small_limits() -> Limits {
    Limits::default()
        .max_head_bytes(256)
        .max_headers(8)
        .max_interim_responses(2)
        .max_chunk_extension_bytes(16)
        .max_trailer_bytes(64)
}

/// `data` cut into pieces of the given sizes, cycling through them, as socket reads would
/// deliver it. A size of 0 counts as 1 (a read never returns nothing before EOF); no sizes at
/// all means one piece.
#[derive(Debug, Clone)]
pub struct Pieces<'a> {
    rest: &'a [u8],
    sizes: &'a [u8],
    next: usize,
}

impl<'a> Pieces<'a> {
    /// Pieces of `data` cut by `sizes`.
    pub fn new(data: &'a [u8], sizes: &'a [u8]) -> Self {
        Pieces {
            rest: data,
            sizes,
            next: 0,
        }
    }

    /// Bytes not handed out yet.
    pub fn remaining(&self) -> usize {
        self.rest.len()
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let size = match self.sizes {
            [] => self.rest.len(),
            sizes => usize::from(sizes[self.next % sizes.len()]).max(1),
        };
        self.next += 1;
        let (piece, rest) = self.rest.split_at(size.min(self.rest.len()));
        self.rest = rest;
        Some(piece)
    }
}
