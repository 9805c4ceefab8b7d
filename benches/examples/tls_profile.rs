//! Sends N kept-alive HTTPS requests through the pool (or, with `raw` as the first argument,
//! on one tokio-rustls stream with no library) to the bench server, and prints the time per
//! request: `taskset -c 1 cargo run --release -p tarry-benches --example tls_profile [raw] N`,
//! or under `valgrind --tool=callgrind` to count instructions.

#[path = "../benches/common/mod.rs"]
mod common;
use bytes::Bytes;
use common::server::{BODY, RESPONSE, Server};
use rustls::pki_types::ServerName;
use std::sync::Arc;
use tarry_testkit::TestCa;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn main() {
    let raw = std::env::args().nth(1).as_deref() == Some("raw");
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let ca = TestCa::new("bench CA");
    let sc = ca.leaf(&["bench.test"]).server_config();
    let server = Server::start(Some(Arc::new(sc)));
    let addr = server.addr;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let start;
        if raw {
            let cc = ca.client_config();
            let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
            tcp.set_nodelay(true).unwrap();
            let mut io = tokio_rustls::TlsConnector::from(Arc::new(cc))
                .connect(ServerName::try_from("bench.test").unwrap(), tcp)
                .await
                .unwrap();
            let req = format!("GET / HTTP/1.1\r\nhost: bench.test:{}\r\n\r\n", addr.port());
            let mut buf = vec![0u8; 4096];
            start = std::time::Instant::now();
            for _ in 0..n {
                io.write_all(req.as_bytes()).await.unwrap();
                io.flush().await.unwrap();
                let mut filled = 0;
                while filled < RESPONSE.len() {
                    filled += io.read(&mut buf[filled..]).await.unwrap();
                }
            }
        } else {
            let pool = tarry_pool::Pool::builder()
                .resolve("bench.test", addr.port(), addr)
                .add_root_certificates_pem(ca.pem().as_bytes())
                .unwrap()
                .build();
            let uri: http::Uri = format!("https://bench.test:{}/", addr.port())
                .parse()
                .unwrap();
            let get = async || {
                let request = http::Request::get(uri.clone()).body(()).unwrap();
                let r = pool.send(request, Bytes::new()).await.unwrap();
                assert_eq!(r.bytes().await.unwrap(), BODY);
            };
            get().await; // the handshake, untimed
            start = std::time::Instant::now();
            for _ in 0..n {
                get().await;
            }
        }
        eprintln!(
            "{} {:.2} µs/request",
            if raw { "raw " } else { "pool" },
            start.elapsed().as_secs_f64() * 1e6 / n as f64
        );
    });
}
