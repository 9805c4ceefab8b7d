//! What the session costs on top of the pool: the same keep-alive request, 13-byte body, to
//! the same in-process server, sent straight through `tarry-pool` and through a
//! `tarry-session::Session` (merge of defaults, URL handling, cookie jar lookup, redirect
//! check, response wrapping).
//!
//! `cargo bench -p tarry-benches --bench session`; on a small VM run it under `taskset -c 1`
//! for stable numbers (see `pool.rs`). Target: `session/keep-alive` within 10% of
//! `pool/keep-alive`.

mod common;

use std::time::Instant;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use http::Request;
use tarry_pool::Pool;
use tarry_session::Session;

use common::server::{BODY, Server};

const HOST: &str = "bench.test";

fn session_vs_pool(c: &mut Criterion) {
    let server = Server::start(None);
    let addr = server.addr;
    let url = format!("http://{HOST}:{}/", addr.port());
    let uri: http::Uri = url.parse().expect("valid URI");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let mut group = c.benchmark_group("session");
    group.throughput(Throughput::Elements(1));

    let pool = Pool::builder().resolve(HOST, addr.port(), addr).build();
    group.bench_function("pool/keep-alive", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let request = same_request(&uri);
                    let response = pool.send(request, Bytes::new()).await.expect("response");
                    assert_eq!(response.bytes().await.expect("body"), BODY);
                }
                start.elapsed()
            })
        })
    });

    let session = Session::builder()
        .resolve(HOST, addr.port(), addr)
        .build()
        .expect("session");
    group.bench_function("session/keep-alive", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let response = session.get(&url).send().await.expect("response");
                    assert_eq!(response.bytes().await.expect("body"), BODY);
                }
                start.elapsed()
            })
        })
    });
    group.finish();
    // One connection each carried every request.
    assert!(pool.stats().opened <= 1, "{:?}", pool.stats());
    assert!(
        session.pool().stats().opened <= 1,
        "{:?}",
        session.pool().stats()
    );
}

/// What a default session sends: the same three default headers, so that both variants
/// put the same request on the wire and the difference is the session's own work.
fn same_request(uri: &http::Uri) -> Request<()> {
    Request::get(uri.clone())
        .header("user-agent", concat!("tarry/", env!("CARGO_PKG_VERSION")))
        .header("accept", "*/*")
        .header("accept-encoding", "gzip, deflate, br")
        .body(())
        .expect("request")
}

criterion_group!(benches, session_vs_pool);
criterion_main!(benches);
