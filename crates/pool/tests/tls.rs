//! The pool over TLS against an in-process tokio-rustls server with certificates made at test
//! time (rcgen): trust, hostname checks, reuse, resumption, and truncation (WIRE-10).
#![cfg(feature = "tls")]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::Request;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tarry_pool::{Error, Phase, Pool, PoolBuilder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A CA (PEM) and a leaf for `a.test` signed by it.
struct Pki {
    ca_pem: String,
    leaf: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
}

fn pki() -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["a.test".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca_cert, &ca_key)
        .unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        leaf: leaf.der().clone(),
        key: PrivatePkcs8KeyDer::from(leaf_key.serialize_der()).into(),
    }
}

#[derive(Clone, Copy)]
enum Ending {
    /// Keep answering `OK` with Content-Length on the connection.
    KeepAlive,
    /// Answer once with a close-delimited body, then close TCP without `close_notify`.
    Truncate,
    /// The same, but with a proper `close_notify` first.
    CloseNotify,
}

/// A TLS server on 127.0.0.1 for `a.test`; returns its address and its accept counter.
async fn tls_server(pki: &Pki, ending: Ending) -> (SocketAddr, Arc<AtomicUsize>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![pki.leaf.clone()], pki.key.clone_key())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = Vec::new();
                loop {
                    let mut chunk = [0u8; 4096];
                    match tls.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        buf.drain(..end + 4);
                        match ending {
                            Ending::KeepAlive => {
                                let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
                                if tls.write_all(reply).await.is_err() {
                                    return;
                                }
                            }
                            Ending::Truncate => {
                                let _ = tls.write_all(b"HTTP/1.1 200 OK\r\n\r\npartial").await;
                                let _ = tls.flush().await;
                                let (tcp, _) = tls.into_inner();
                                drop(tcp); // FIN without close_notify
                                return;
                            }
                            Ending::CloseNotify => {
                                let _ = tls.write_all(b"HTTP/1.1 200 OK\r\n\r\npartial").await;
                                let _ = tls.shutdown().await;
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    (addr, accepted)
}

fn trusting(pki: &Pki, addr: SocketAddr) -> PoolBuilder {
    Pool::builder()
        .add_root_certificates_pem(pki.ca_pem.as_bytes())
        .unwrap()
        .without_builtin_roots()
        .resolve("a.test", addr.port(), addr)
        .resolve("b.test", addr.port(), addr)
}

fn get(host: &str, addr: SocketAddr) -> Request<()> {
    Request::get(format!("https://{host}:{}/", addr.port()))
        .body(())
        .unwrap()
}

#[tokio::test]
async fn a_custom_root_is_trusted_and_the_connection_reused() {
    let pki = pki();
    let (addr, accepted) = tls_server(&pki, Ending::KeepAlive).await;
    let pool = trusting(&pki, addr).build();
    for i in 0..5 {
        let response = pool.send(get("a.test", addr), Bytes::new()).await.unwrap();
        assert_eq!(response.reused(), i > 0);
        assert_eq!(response.timings().tls.is_some(), i == 0);
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    assert_eq!(pool.stats().tls_full, 1);
}

#[tokio::test]
async fn tls_01_an_unknown_root_is_refused_by_default() {
    let pki = pki();
    let (addr, _) = tls_server(&pki, Ending::KeepAlive).await;
    let pool = Pool::builder().resolve("a.test", addr.port(), addr).build();
    let err = pool
        .send(get("a.test", addr), Bytes::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err}");
    assert!(err.to_string().contains("certificate"), "{err}");
}

#[tokio::test]
async fn tls_02_a_certificate_for_another_name_is_refused() {
    let pki = pki();
    let (addr, _) = tls_server(&pki, Ending::KeepAlive).await;
    let pool = trusting(&pki, addr).build();
    let err = pool
        .send(get("b.test", addr), Bytes::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err}");
}

#[tokio::test]
async fn fresh_connections_resume_the_tls_session() {
    let pki = pki();
    let (addr, accepted) = tls_server(&pki, Ending::KeepAlive).await;
    // No idle connections kept: every request opens a fresh one.
    let pool = trusting(&pki, addr).max_idle_per_host(0).build();
    for _ in 0..3 {
        let response = pool.send(get("a.test", addr), Bytes::new()).await.unwrap();
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
    let stats = pool.stats();
    assert_eq!((stats.tls_full, stats.tls_resumed), (1, 2));
}

#[tokio::test]
async fn resumption_can_be_turned_off_for_full_handshakes() {
    let pki = pki();
    let (addr, _) = tls_server(&pki, Ending::KeepAlive).await;
    let settings = tarry_pool::TlsSettings::new()
        .add_root_certificates_pem(pki.ca_pem.as_bytes())
        .unwrap()
        .without_builtin_roots()
        .resumption(false);
    let pool = Pool::builder()
        .tls(settings)
        .resolve("a.test", addr.port(), addr)
        .max_idle_per_host(0)
        .build();
    for _ in 0..3 {
        let response = pool.send(get("a.test", addr), Bytes::new()).await.unwrap();
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    let stats = pool.stats();
    assert_eq!((stats.tls_full, stats.tls_resumed), (3, 0));
}

#[tokio::test]
async fn wire_10_a_close_delimited_body_cut_without_close_notify_is_an_error() {
    let pki = pki();
    let (addr, _) = tls_server(&pki, Ending::Truncate).await;
    let pool = trusting(&pki, addr).build();
    let response = pool.send(get("a.test", addr), Bytes::new()).await.unwrap();
    let err = response.bytes().await.unwrap_err();
    assert!(matches!(err, Error::Io(Phase::Body, _)), "{err}");

    let (addr, _) = tls_server(&pki, Ending::CloseNotify).await;
    let pool = trusting(&pki, addr).build();
    let response = pool.send(get("a.test", addr), Bytes::new()).await.unwrap();
    assert_eq!(response.bytes().await.unwrap(), "partial");
}

#[test]
fn a_malformed_root_is_refused_when_it_is_added() {
    let err = Pool::builder()
        .add_root_certificates_pem(b"not a certificate")
        .unwrap_err();
    assert!(matches!(err, Error::InvalidCertificate(_)), "{err}");
}

#[tokio::test]
async fn tls_07_a_server_that_never_answers_the_hello_times_out() {
    let pki = pki();
    // TCP is accepted, then nothing: no ServerHello, ever.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp);
        }
    });
    let pool = trusting(&pki, addr)
        .connect_timeout(std::time::Duration::from_millis(200))
        .build();
    let err = pool
        .send(get("a.test", addr), Bytes::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(Phase::Tls)), "{err}");
}
