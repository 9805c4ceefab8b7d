//! The keep-alive race of hyper#2136 and reqwest#2021: a server closes idle connections after
//! T ms, and the client sends its next request with gaps around T. Idempotent requests must
//! never fail; a POST caught by the race gets a typed error and is never sent twice.

use std::time::Duration;

use bytes::Bytes;
use http::Request;
use tarry_pool::{Error, Pool};
use tarry_testkit::{Script, ScriptedServer, Step};

const IDLE_CLOSE: Duration = Duration::from_millis(8);

/// A server that answers each request and closes a connection idle for `IDLE_CLOSE`.
fn closing_server() -> ScriptedServer {
    ScriptedServer::repeating(Script::looped([
        Step::ExpectRequestWithin(IDLE_CLOSE),
        Step::write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    ]))
    .unwrap()
}

/// How many POST requests `server` has read in all.
fn posts(server: &ScriptedServer) -> usize {
    let requests = server.requests().concat();
    requests.iter().filter(|r| r.starts_with(b"POST ")).count()
}

#[tokio::test]
async fn pool_02_a_thousand_gets_across_the_idle_close_race_all_succeed() {
    let server = closing_server();
    let pool = Pool::new();
    let mut errors = Vec::new();
    for i in 0..1000u64 {
        // Gaps from 4 to 12 ms: below, at and above the server's 8 ms idle close.
        tokio::time::sleep(Duration::from_micros(4_000 + (i * 7919 % 8_000))).await;
        let request = Request::get(server.url(&format!("/{i}"))).body(()).unwrap();
        match pool.send(request, Bytes::new()).await {
            Ok(response) => match response.bytes().await {
                Ok(body) => assert_eq!(body, "ok"),
                Err(e) => errors.push(e.to_string()),
            },
            Err(e) => errors.push(e.to_string()),
        }
    }
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    let stats = pool.stats();
    // The race was really run: connections were both reused and found closed.
    assert!(stats.reused > 0 && stats.opened > 1, "{stats:?}");
}

#[tokio::test]
async fn pool_02_a_post_caught_by_the_race_is_reported_and_never_sent_twice() {
    let server = closing_server();
    let pool = Pool::new();
    let mut sent_ok = 0;
    let mut typed_errors = 0;
    for i in 0..300u64 {
        tokio::time::sleep(Duration::from_micros(4_000 + (i * 7919 % 8_000))).await;
        let request = Request::post(server.url("/order")).body(()).unwrap();
        match pool.send(request, Bytes::from_static(b"item=1")).await {
            Ok(response) => {
                response.bytes().await.unwrap();
                sent_ok += 1;
            }
            Err(Error::ClosedBeforeResponse { retried: false } | Error::Io(..)) => {
                typed_errors += 1;
            }
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    // A POST that failed may or may not have reached the server, but none was re-sent: the
    // server never saw more POSTs than the client sent.
    let seen = posts(&server);
    assert!(
        seen >= sent_ok && seen <= sent_ok + typed_errors,
        "seen {seen}, ok {sent_ok}, errors {typed_errors}"
    );
    assert_eq!(pool.stats().retried, 0);
}
