//! The pool over TLS against scripted TLS servers (`tarry-testkit`) with certificates made at
//! test time: trust, hostname checks, reuse, resumption, and truncation (WIRE-10).
#![cfg(feature = "tls")]

use std::net::SocketAddr;

use bytes::Bytes;
use http::Request;
use tarry_pool::{Error, Phase, Pool, PoolBuilder};
use tarry_testkit::{Script, ScriptedServer, Step, TestCa, TlsScriptedServer};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
/// A response whose body ends only when the connection does.
const CLOSE_DELIMITED: &[u8] = b"HTTP/1.1 200 OK\r\n\r\npartial";

/// A keep-alive TLS server on 127.0.0.1 for `a.test`, answering `OK` to every request.
fn tls_server() -> TlsScriptedServer {
    TlsScriptedServer::builder(&["a.test"])
        .repeating(Script::answer_all(OK))
        .unwrap()
}

/// A pool that trusts `server`'s CA alone, with `a.test` and `b.test` routed to it.
fn trusting(server: &TlsScriptedServer) -> PoolBuilder {
    let addr = server.addr();
    Pool::builder()
        .add_root_certificates_pem(server.ca_pem().as_bytes())
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
    let server = tls_server();
    let addr = server.addr();
    let pool = trusting(&server).build();
    for i in 0..5 {
        let response = pool.send(get("a.test", addr), Bytes::new()).await.unwrap();
        assert_eq!(response.reused(), i > 0);
        assert_eq!(response.timings().tls.is_some(), i == 0);
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(server.accepts(), 1);
    assert_eq!(pool.stats().tls_full, 1);
}

#[tokio::test]
async fn tls_01_an_unknown_root_is_refused_by_default() {
    let server = tls_server();
    let addr = server.addr();
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
    let server = tls_server();
    let addr = server.addr();
    let pool = trusting(&server).build();
    let err = pool
        .send(get("b.test", addr), Bytes::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err}");
}

#[tokio::test]
async fn fresh_connections_resume_the_tls_session() {
    let server = tls_server();
    let addr = server.addr();
    // No idle connections kept: every request opens a fresh one.
    let pool = trusting(&server).max_idle_per_host(0).build();
    for _ in 0..3 {
        let response = pool.send(get("a.test", addr), Bytes::new()).await.unwrap();
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(server.accepts(), 3);
    let stats = pool.stats();
    assert_eq!((stats.tls_full, stats.tls_resumed), (1, 2));
}

#[tokio::test]
async fn resumption_can_be_turned_off_for_full_handshakes() {
    let server = tls_server();
    let addr = server.addr();
    let settings = tarry_pool::TlsSettings::new()
        .add_root_certificates_pem(server.ca_pem().as_bytes())
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
    // One answer with a close-delimited body, then a close: a bare TCP FIN first, then with
    // a proper `close_notify`.
    let answer_and_close = Script::new([
        Step::ExpectRequest,
        Step::write(CLOSE_DELIMITED),
        Step::Close,
    ]);
    let truncating = TlsScriptedServer::builder(&["a.test"])
        .skip_close_notify()
        .repeating(answer_and_close.clone())
        .unwrap();
    let addr = truncating.addr();
    let pool = trusting(&truncating).build();
    let response = pool.send(get("a.test", addr), Bytes::new()).await.unwrap();
    let err = response.bytes().await.unwrap_err();
    assert!(matches!(err, Error::Io(Phase::Body, _)), "{err}");

    let polite = TlsScriptedServer::builder(&["a.test"])
        .repeating(answer_and_close)
        .unwrap();
    let addr = polite.addr();
    let pool = trusting(&polite).build();
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
    // TCP is accepted, then nothing: no ServerHello, ever.
    let silent = ScriptedServer::repeating(Script::new([Step::HoldOpen])).unwrap();
    let addr = silent.addr();
    let pool = Pool::builder()
        .add_root_certificates_pem(TestCa::new("TLS-07 root").pem().as_bytes())
        .unwrap()
        .without_builtin_roots()
        .resolve("a.test", addr.port(), addr)
        .connect_timeout(std::time::Duration::from_millis(200))
        .build();
    let err = pool
        .send(get("a.test", addr), Bytes::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(Phase::Tls)), "{err}");
}
