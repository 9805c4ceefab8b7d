//! Sends N keep-alive requests through a session (or the pool alone, with `pool` as the first
//! argument) to the bench server, with bodies of SIZE bytes (default 13); for profiling with
//! callgrind or perf: `session_profile [pool|session] [N] [SIZE]`.

#[path = "../benches/common/mod.rs"]
mod common;

use bytes::Bytes;
use common::server::Server;

fn main() {
    let pool_only = std::env::args().nth(1).as_deref() == Some("pool");
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let size: usize = std::env::args()
        .nth(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(13);
    let server = Server::start_with(None, common::server::response(size));
    let addr = server.addr;
    let url = format!("http://bench.test:{}/", addr.port());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        if pool_only {
            let pool = tarry_pool::Pool::builder()
                .resolve("bench.test", addr.port(), addr)
                .build();
            let uri: http::Uri = url.parse().unwrap();
            for _ in 0..n {
                let request = http::Request::get(uri.clone())
                    .header("user-agent", "tarry/0.1.0")
                    .header("accept", "*/*")
                    .header("accept-encoding", "gzip, deflate, br")
                    .body(())
                    .unwrap();
                let response = pool.send(request, Bytes::new()).await.unwrap();
                assert_eq!(response.bytes().await.unwrap().len(), size);
            }
        } else {
            let session = tarry_session::Session::builder()
                .resolve("bench.test", addr.port(), addr)
                .build()
                .unwrap();
            for _ in 0..n {
                let response = session.get(&url).send().await.unwrap();
                assert_eq!(response.bytes().await.unwrap().len(), size);
            }
        }
    });
}
