//! Sends N kept-alive HTTPS requests through the pool (or, with `raw` as the first argument,
//! on one tokio-rustls stream with no library) to the bench server, and prints the time per
//! request: `taskset -c 1 cargo run --release -p tarry-benches --example tls_profile [raw] N`,
//! or under `valgrind --tool=callgrind` to count instructions.

#[path = "../benches/common/mod.rs"]
mod common;
use bytes::Bytes;
use common::server::{BODY, RESPONSE, Server};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{PrivatePkcs8KeyDer, ServerName};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn main() {
    let raw = std::env::args().nth(1).as_deref() == Some("raw");
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["bench.test".to_owned()])
        .unwrap()
        .signed_by(&key, &ca_cert, &ca_key)
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let sc = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
        )
        .unwrap();
    let server = Server::start(Some(Arc::new(sc)));
    let addr = server.addr;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let start;
        if raw {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(ca_cert.der().clone()).unwrap();
            let cc = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots)
                .with_no_client_auth();
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
                .add_root_certificates_pem(ca_cert.pem().as_bytes())
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
