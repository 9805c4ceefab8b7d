//! The keep-alive race of hyper#2136 and reqwest#2021: a server closes idle connections after
//! T ms, and the client sends its next request with gaps around T. Idempotent requests must
//! never fail; a POST caught by the race gets a typed error and is never sent twice.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::Request;
use tarry_pool::{Error, Pool};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const IDLE_CLOSE: Duration = Duration::from_millis(8);

/// A server that answers each request and closes a connection idle for `IDLE_CLOSE`.
/// Returns its port and a count of POST requests it received.
async fn closing_server() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let posts = Arc::new(AtomicUsize::new(0));
    let seen = posts.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                loop {
                    let mut chunk = [0u8; 2048];
                    let read = tokio::time::timeout(IDLE_CLOSE, stream.read(&mut chunk)).await;
                    let n = match read {
                        Ok(Ok(n)) if n > 0 => n,
                        _ => return, // idle too long, EOF or error: close
                    };
                    buf.extend_from_slice(&chunk[..n]);
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                        let body = if head.starts_with("POST") { 6 } else { 0 };
                        if buf.len() < end + 4 + body {
                            break;
                        }
                        buf.drain(..end + 4 + body);
                        if body > 0 {
                            seen.fetch_add(1, Ordering::SeqCst);
                        }
                        let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
                        if stream.write_all(reply).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (port, posts)
}

#[tokio::test]
async fn pool_02_a_thousand_gets_across_the_idle_close_race_all_succeed() {
    let (port, _) = closing_server().await;
    let pool = Pool::new();
    let mut errors = Vec::new();
    for i in 0..1000u64 {
        // Gaps from 4 to 12 ms: below, at and above the server's 8 ms idle close.
        tokio::time::sleep(Duration::from_micros(4_000 + (i * 7919 % 8_000))).await;
        let request = Request::get(format!("http://127.0.0.1:{port}/{i}"))
            .body(())
            .unwrap();
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
    let (port, posts) = closing_server().await;
    let pool = Pool::new();
    let mut sent_ok = 0;
    let mut typed_errors = 0;
    for i in 0..300u64 {
        tokio::time::sleep(Duration::from_micros(4_000 + (i * 7919 % 8_000))).await;
        let request = Request::post(format!("http://127.0.0.1:{port}/order"))
            .body(())
            .unwrap();
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
    let seen = posts.load(Ordering::SeqCst);
    assert!(
        seen >= sent_ok && seen <= sent_ok + typed_errors,
        "seen {seen}, ok {sent_ok}, errors {typed_errors}"
    );
    assert_eq!(pool.stats().retried, 0);
}
