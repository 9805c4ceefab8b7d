//! The pool's TLS stream against real rustls servers: handshake messages larger than its
//! record buffer, and large bodies read whole and in pieces, byte for byte, across reads that
//! split records anywhere.
#![cfg(feature = "tls")]

use std::time::Duration;

use bytes::Bytes;
use http::Request;
use tarry_pool::{Pool, PoolBuilder};
use tarry_testkit::{Script, Step, TlsScriptedServer};

fn trusting(server: &TlsScriptedServer) -> PoolBuilder {
    let addr = server.addr();
    Pool::builder()
        .add_root_certificates_pem(server.ca_pem().as_bytes())
        .unwrap()
        .without_builtin_roots()
        .resolve("a.test", addr.port(), addr)
}

fn get(server: &TlsScriptedServer) -> Request<()> {
    Request::get(format!("https://a.test:{}/", server.port()))
        .body(())
        .unwrap()
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
        let res = pool.send(get(&server), Bytes::new()).await.unwrap();
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
        let res = pool.send(get(&server), Bytes::new()).await.unwrap();
        assert!(res.bytes().await.unwrap() == body[..], "whole body differs");
        let mut res = pool.send(get(&server), Bytes::new()).await.unwrap();
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
    let res = pool.send(get(&server), Bytes::new()).await.unwrap();
    assert!(res.bytes().await.unwrap() == body[..], "body differs");
}
