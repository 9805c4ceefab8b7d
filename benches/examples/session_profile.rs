//! Sends N keep-alive requests through a session (or the pool alone, with `pool` as the first
//! argument) to the bench server; for profiling with callgrind.

#[path = "../benches/common/mod.rs"]
mod common;

use bytes::Bytes;
use common::server::{BODY, Server};

fn main() {
    let pool_only = std::env::args().nth(1).as_deref() == Some("pool");
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let server = Server::start(None);
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
                assert_eq!(response.bytes().await.unwrap(), BODY);
            }
        } else {
            let session = tarry_session::Session::builder()
                .resolve("bench.test", addr.port(), addr)
                .build()
                .unwrap();
            for _ in 0..n {
                let response = session.get(&url).send().await.unwrap();
                assert_eq!(response.bytes().await.unwrap(), BODY);
            }
        }
    });
}
