//! The pool over TLS against scripted TLS servers (`tarry-testkit`) with certificates made at
//! test time: trust, hostname checks, reuse, resumption (TLS 1.3 and 1.2), truncation
//! (WIRE-10), `close_notify` ahead of a delayed FIN, and the TLS stream's records: handshake
//! messages larger than its buffer, large bodies read whole and in pieces byte for byte, many
//! small records.
#![cfg(feature = "tls")]

use std::net::SocketAddr;
use std::time::Duration;

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

/// Sends three requests to `server`, each on a fresh connection (none is kept idle), and
/// returns how many handshakes were full and how many resumed.
async fn three_fresh_connections(server: &TlsScriptedServer) -> (u64, u64) {
    let addr = server.addr();
    let pool = trusting(server).max_idle_per_host(0).build();
    for _ in 0..3 {
        let response = pool.send(get("a.test", addr), Bytes::new()).await.unwrap();
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(server.accepts(), 3);
    let stats = pool.stats();
    (stats.tls_full, stats.tls_resumed)
}

#[tokio::test]
async fn fresh_connections_resume_the_tls_session() {
    assert_eq!(three_fresh_connections(&tls_server()).await, (1, 2));
}

/// The client's last handshake flight goes out with the request. Over TLS 1.2 a full
/// handshake ends with the server's flight and a resumed one with the client's: fresh
/// connections of both kinds carry their requests.
#[tokio::test]
async fn tls12_full_and_resumed_handshakes_carry_requests() {
    let server = TlsScriptedServer::builder(&["a.test"])
        .tls12_only()
        .repeating(Script::answer_all(OK))
        .unwrap();
    assert_eq!(three_fresh_connections(&server).await, (1, 2));
}

/// A server that sends `close_notify` after its answer and its FIN only much later: the
/// connection is taken as closed at once, and the next request goes out on a new one instead
/// of waiting on the old one for an answer that never comes.
#[tokio::test]
async fn close_notify_ahead_of_a_delayed_fin_ends_reuse() {
    let server = TlsScriptedServer::builder(&["a.test"])
        .start_then(
            [Script::new([
                Step::ExpectRequest,
                Step::write(OK),
                Step::CloseNotify,
                Step::HoldOpen,
            ])],
            Script::answer_all(OK),
        )
        .unwrap();
    let addr = server.addr();
    let pool = trusting(&server)
        .read_timeout(Duration::from_secs(5))
        .build();
    let first = pool.send(get("a.test", addr), Bytes::new()).await.unwrap();
    assert_eq!(first.bytes().await.unwrap(), "ok");
    // The alert reaches the idle connection; the FIN does not come.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let second = pool.send(get("a.test", addr), Bytes::new()).await.unwrap();
    assert!(!second.reused());
    assert_eq!(second.bytes().await.unwrap(), "ok");
    assert_eq!(server.accepts(), 2);
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

/// `len` bytes that differ from one position to the next, so that a lost, doubled or moved
/// piece shows.
fn pattern(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}

fn response(body: &[u8]) -> Bytes {
    let mut out = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out.into()
}

#[tokio::test]
async fn a_certificate_larger_than_the_record_buffer_is_taken_whole() {
    // About 1,400 names make a certificate message of some 45 KiB: several records, more
    // than the stream's 32 KiB buffer holds, all needed at once by rustls.
    let mut names = vec!["a.test".to_owned()];
    names.extend((0..1_400).map(|i| format!("padding-name-{i:05}.example.test")));
    let server = TlsScriptedServer::builder(&names)
        .repeating(Script::answer_all(response(b"ok")))
        .unwrap();
    let pool = trusting(&server).build();
    for _ in 0..2 {
        let res = pool
            .send(get("a.test", server.addr()), Bytes::new())
            .await
            .unwrap();
        assert_eq!(&res.bytes().await.unwrap()[..], b"ok");
    }
    assert_eq!(
        server.accepts(),
        1,
        "the second request reused the connection"
    );
}

#[tokio::test]
async fn large_bodies_arrive_byte_for_byte_whole_and_in_pieces() {
    let body = pattern(3 * 1024 * 1024 + 7);
    let server = TlsScriptedServer::builder(&["a.test"])
        .repeating(Script::answer_all(response(&body)))
        .unwrap();
    let pool = trusting(&server).build();
    for _ in 0..3 {
        let res = pool
            .send(get("a.test", server.addr()), Bytes::new())
            .await
            .unwrap();
        assert!(res.bytes().await.unwrap() == body[..], "whole body differs");
        let mut res = pool
            .send(get("a.test", server.addr()), Bytes::new())
            .await
            .unwrap();
        let mut got = Vec::new();
        while let Some(piece) = res.chunk().await.unwrap() {
            got.extend_from_slice(&piece);
        }
        assert!(got == body, "streamed body differs");
    }
    assert_eq!(
        server.accepts(),
        1,
        "every request reused the one connection"
    );
}

#[tokio::test]
async fn many_small_records_written_apart_make_one_body() {
    // Each odd-sized piece goes out as a record of its own, with a pause: reads that find one
    // record, or part of the stream's buffer filled by several. (The large body above has
    // full-size records split across reads by the buffer's size.)
    let body = pattern(200 * 1024 + 3);
    let server = TlsScriptedServer::builder(&["a.test"])
        .start([Script::new([
            Step::ExpectRequest,
            Step::write_slowly(response(&body), 1_447, Duration::from_micros(200)),
        ])])
        .unwrap();
    let pool = trusting(&server).build();
    let res = pool
        .send(get("a.test", server.addr()), Bytes::new())
        .await
        .unwrap();
    assert!(res.bytes().await.unwrap() == body[..], "body differs");
}
