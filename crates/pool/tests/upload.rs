//! Request bodies: `Expect: 100-continue` and servers that answer before the upload ends
//! (POOL-11), against in-process servers on 127.0.0.1 that record what they received.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Request;
use tarry_pool::{Pool, SendOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a server connection received: every byte, in order.
type Received = Arc<Mutex<Vec<u8>>>;

/// Reads until the end of a request head; returns the head's length.
async fn read_head(stream: &mut TcpStream, got: &Received) -> Option<usize> {
    loop {
        if let Some(end) = got
            .lock()
            .unwrap()
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
        {
            return Some(end + 4);
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => got.lock().unwrap().extend_from_slice(&chunk[..n]),
        }
    }
}

/// Reads until `total` bytes have arrived in all, or the peer stops.
async fn read_until(stream: &mut TcpStream, got: &Received, total: usize) {
    while got.lock().unwrap().len() < total {
        let mut chunk = [0u8; 65536];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => got.lock().unwrap().extend_from_slice(&chunk[..n]),
        }
    }
}

/// A one-connection server running `script` on the connection it accepts. Not a testkit
/// server: these answer between a request's head and its body and watch the body's bytes
/// arrive, while a kit script reads whole requests.
async fn server<F, Fut>(script: F) -> (u16, Received)
where
    F: FnOnce(TcpStream, Received) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Received::default();
    let seen = got.clone();
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        script(stream, seen).await;
    });
    (port, got)
}

fn post(port: u16, expect: bool) -> Request<()> {
    let mut request = Request::post(format!("http://127.0.0.1:{port}/upload"));
    if expect {
        request = request.header("expect", "100-continue");
    }
    request.body(()).unwrap()
}

const BODY: &[u8] = b"the body of the request";

#[tokio::test]
async fn expect_100_continue_waits_for_the_go_ahead() {
    let (port, got) = server(|mut s, got| async move {
        let head = read_head(&mut s, &got).await.unwrap();
        // Nothing of the body may come before the `100`.
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(got.lock().unwrap().len(), head, "body sent before the 100");
        s.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await.unwrap();
        read_until(&mut s, &got, head + BODY.len()).await;
        s.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
            .await
            .unwrap();
        let _ = s.read(&mut [0u8; 16]).await;
    })
    .await;
    let pool = Pool::new();
    let response = pool
        .send(post(port, true), Bytes::from_static(BODY))
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert!(got.lock().unwrap().ends_with(BODY));
    drop(response);
    assert_eq!(
        pool.stats().idle,
        1,
        "a completed 100-continue exchange is reusable"
    );
}

#[tokio::test]
async fn a_final_answer_to_expect_means_the_body_is_never_sent() {
    let (port, got) = server(|mut s, got| async move {
        read_head(&mut s, &got).await.unwrap();
        s.write_all(b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")
            .await
            .unwrap();
        // Keep reading whatever comes until the client hangs up.
        read_until(&mut s, &got, usize::MAX).await;
    })
    .await;
    let pool = Pool::new();
    let response = pool
        .send(post(port, true), Bytes::from_static(BODY))
        .await
        .unwrap();
    assert_eq!(response.status(), 417);
    drop(response);
    assert_eq!(
        pool.stats().idle,
        0,
        "the server may still expect the body: not reused"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    let got = got.lock().unwrap();
    assert!(
        !got.windows(BODY.len()).any(|w| w == BODY),
        "the body was sent"
    );
}

#[tokio::test]
async fn a_server_that_ignores_expect_gets_the_body_after_the_timeout() {
    let (port, _) = server(|mut s, got| async move {
        let head = read_head(&mut s, &got).await.unwrap();
        // An old server: no `100`, it just waits for the body.
        read_until(&mut s, &got, head + BODY.len()).await;
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .await
            .unwrap();
        let _ = s.read(&mut [0u8; 16]).await;
    })
    .await;
    let pool = Pool::new();
    let options = SendOptions::new().expect_continue_timeout(Duration::from_millis(200));
    let started = Instant::now();
    let response = pool
        .send_with(post(port, true), Bytes::from_static(BODY), &options)
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(response.bytes().await.unwrap(), "ok");
}

#[tokio::test]
async fn pool_11_an_early_answer_stops_a_large_upload() {
    const SIZE: usize = 50 * 1024 * 1024;
    let (port, got) = server(|mut s, got| async move {
        read_head(&mut s, &got).await.unwrap();
        let reply = b"HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 8\r\n\r\ntoo big!";
        s.write_all(reply).await.unwrap();
        // Read on for a moment (a lingering close), so the reply is not lost to a reset.
        let _ = tokio::time::timeout(
            Duration::from_millis(500),
            read_until(&mut s, &got, usize::MAX),
        )
        .await;
    })
    .await;
    let pool = Pool::new();
    let body = Bytes::from(vec![b'x'; SIZE]);
    let response = pool.send(post(port, false), body).await.unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(response.bytes().await.unwrap(), "too big!");
    assert_eq!(pool.stats().idle, 0);
    let received = got.lock().unwrap().len();
    assert!(
        received < SIZE,
        "the upload went on to the end ({received} bytes)"
    );
}

#[tokio::test]
async fn pool_11_an_interim_response_during_an_upload_does_not_stop_it() {
    const SIZE: usize = 1024 * 1024;
    let (port, _) = server(|mut s, got| async move {
        let head = read_head(&mut s, &got).await.unwrap();
        s.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await.unwrap();
        read_until(&mut s, &got, head + SIZE).await;
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .await
            .unwrap();
        let _ = s.read(&mut [0u8; 16]).await;
    })
    .await;
    let pool = Pool::new();
    let body = Bytes::from(vec![b'y'; SIZE]);
    let response = pool.send(post(port, false), body).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap(), "ok");
    assert_eq!(pool.stats().idle, 1);
}

#[tokio::test]
async fn pool_11_a_server_that_stops_reading_hits_the_write_timeout() {
    const SIZE: usize = 64 * 1024 * 1024;
    let (port, _) = server(|mut s, got| async move {
        read_head(&mut s, &got).await.unwrap();
        // Neither reads nor answers: the socket buffers fill and the client must give up.
        tokio::time::sleep(Duration::from_secs(10)).await;
    })
    .await;
    let pool = Pool::new();
    let options = SendOptions::new().read_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let err = pool
        .send_with(post(port, false), Bytes::from(vec![b'z'; SIZE]), &options)
        .await
        .unwrap_err();
    assert!(
        matches!(err, tarry_pool::Error::Timeout(tarry_pool::Phase::Write)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}
