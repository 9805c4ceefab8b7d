//! Writes one request head (3 default fields and 1 extra) many times, the plain way or with
//! the defaults checked ahead, for counting instructions per head under callgrind:
//!
//! ```text
//! cargo build --release -p tarry-wire --example head_cost
//! valgrind --tool=callgrind target/release/examples/head_cost checked 10000
//! ```
//!
//! minus the same run with 0 heads, divided by 10000. Criterion's timings are too noisy for
//! differences of a few hundred instructions.

use std::hint::black_box;

use http::header::{ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use http::{Method, Uri, Version};
use tarry_wire::client::Call;
use tarry_wire::{CheckedHeaders, RequestBody, RequestParts, TargetForm};

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "plain".into());
    let n: usize = args.next().map_or(1, |n| n.parse().unwrap());
    let mut defaults = HeaderMap::new();
    defaults.insert(USER_AGENT, HeaderValue::from_static("tarry/0.1"));
    defaults.insert(ACCEPT, HeaderValue::from_static("*/*"));
    defaults.insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip, br"));
    let checked = CheckedHeaders::new(defaults.clone()).unwrap();
    let extra = [(AUTHORIZATION, HeaderValue::from_static("Bearer t0ken"))];
    let uri: Uri = "http://example.test/api/items?page=2".parse().unwrap();
    let mut out = Vec::with_capacity(512);
    for _ in 0..n {
        out.clear();
        let parts = match mode.as_str() {
            "plain" => RequestParts::new(&Method::GET, &uri, Version::HTTP_11, &defaults),
            "checked" => RequestParts::with_checked(&Method::GET, &uri, Version::HTTP_11, &checked),
            other => panic!("plain or checked, not {other}"),
        }
        .with_extra(&extra);
        let next = Call::write_request(
            black_box(parts),
            RequestBody::None,
            TargetForm::Origin,
            &mut out,
        );
        black_box(next.unwrap());
        black_box(&out);
    }
}
