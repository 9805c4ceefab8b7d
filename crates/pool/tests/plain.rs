//! The pool over plain TCP against scripted in-process servers on 127.0.0.1.
//!
//! Each server connection follows a script: for every request it reads, the next action says
//! what to do. The accept count is the oracle for "was the connection reused".

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::Request;
use tarry_pool::{Error, Pool};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy)]
enum Action {
    /// Write these bytes and keep the connection.
    Reply(&'static [u8]),
    /// Read the request, then close without a byte of response.
    Vanish,
    /// Write these bytes, then close the connection.
    ReplyThenClose(&'static [u8]),
    /// Write the first bytes, wait 30 ms, write the second, and keep the connection.
    ReplyInTwo(&'static [u8], &'static [u8]),
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

struct Server {
    port: u16,
    accepted: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
    /// Connections the client closed (EOF seen by the server after its script).
    hangups: Arc<AtomicUsize>,
}

/// A server whose n-th accepted connection runs `scripts[n]` (the last script repeats).
async fn server(scripts: Vec<Vec<Action>>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let hangups = Arc::new(AtomicUsize::new(0));
    let (acc, reqs, hups) = (accepted.clone(), requests.clone(), hangups.clone());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let n = acc.fetch_add(1, Ordering::SeqCst);
            let script = scripts[n.min(scripts.len() - 1)].clone();
            tokio::spawn(serve(stream, script, reqs.clone(), hups.clone()));
        }
    });
    Server {
        port,
        accepted,
        requests,
        hangups,
    }
}

async fn serve(
    mut stream: TcpStream,
    script: Vec<Action>,
    requests: Arc<AtomicUsize>,
    hangups: Arc<AtomicUsize>,
) {
    let mut buf = Vec::new();
    for action in script {
        // One request head (bodies here are announced by Content-Length and read along).
        loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let body_len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if buf.len() >= end + 4 + body_len {
                    buf.drain(..end + 4 + body_len);
                    break;
                }
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        requests.fetch_add(1, Ordering::SeqCst);
        match action {
            Action::Reply(bytes) => {
                if stream.write_all(bytes).await.is_err() {
                    return;
                }
            }
            Action::ReplyInTwo(first, second) => {
                let _ = stream.write_all(first).await;
                tokio::time::sleep(Duration::from_millis(30)).await;
                if stream.write_all(second).await.is_err() {
                    return;
                }
            }
            Action::Vanish => return,
            Action::ReplyThenClose(bytes) => {
                let _ = stream.write_all(bytes).await;
                return;
            }
        }
    }
    // Script done: hold the connection until the client goes.
    let mut rest = [0u8; 64];
    while let Ok(n) = stream.read(&mut rest).await {
        if n == 0 {
            hangups.fetch_add(1, Ordering::SeqCst);
            return;
        }
    }
}

fn get(port: u16, path: &str) -> Request<()> {
    Request::get(format!("http://127.0.0.1:{port}{path}"))
        .body(())
        .unwrap()
}

#[tokio::test]
async fn sequential_requests_share_one_connection() {
    let s = server(vec![vec![Action::Reply(OK); 20]]).await;
    let pool = Pool::new();
    for i in 0..20 {
        let response = pool.send(get(s.port, "/"), Bytes::new()).await.unwrap();
        assert_eq!(response.reused(), i > 0);
        // Only the request that opened the connection spent time connecting.
        assert_eq!(response.timings().connect.is_some(), i == 0);
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(s.accepted.load(Ordering::SeqCst), 1);
    let stats = pool.stats();
    assert_eq!((stats.opened, stats.reused, stats.idle), (1, 19, 1));
}

#[tokio::test]
async fn connection_close_is_honoured() {
    let close: &[u8] = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
    let s = server(vec![vec![Action::Reply(close)], vec![Action::Reply(OK)]]).await;
    let pool = Pool::new();
    for _ in 0..2 {
        let response = pool.send(get(s.port, "/"), Bytes::new()).await.unwrap();
        assert!(!response.reused());
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(s.accepted.load(Ordering::SeqCst), 2);
    assert_eq!(pool.stats().closed.not_reusable, 1, "{:?}", pool.stats());
}

#[tokio::test]
async fn pool_02_a_stale_connection_is_retried_once_for_get() {
    // The first connection answers once, then takes the next request and closes: the race of
    // a server closing an idle connection just as the client reuses it.
    let s = server(vec![
        vec![Action::Reply(OK), Action::Vanish],
        vec![Action::Reply(OK)],
    ])
    .await;
    let pool = Pool::new();
    pool.send(get(s.port, "/"), Bytes::new())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let response = pool
        .send(get(s.port, "/again"), Bytes::new())
        .await
        .unwrap();
    assert!(response.retried() && !response.reused());
    assert_eq!(response.bytes().await.unwrap(), "ok");
    assert_eq!(s.accepted.load(Ordering::SeqCst), 2);
    assert_eq!(pool.stats().retried, 1);
    assert_eq!(pool.stats().closed.stale, 1);
}

#[tokio::test]
async fn pool_02_a_stale_connection_is_not_retried_for_post() {
    let s = server(vec![
        vec![Action::Reply(OK), Action::Vanish],
        vec![Action::Reply(OK)],
    ])
    .await;
    let pool = Pool::new();
    pool.send(get(s.port, "/"), Bytes::new())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let post = Request::post(format!("http://127.0.0.1:{}/order", s.port))
        .body(())
        .unwrap();
    let err = pool
        .send(post, Bytes::from_static(b"item=1"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ClosedBeforeResponse { retried: false }),
        "{err}"
    );
    // The server saw the POST exactly once.
    assert_eq!(s.requests.load(Ordering::SeqCst), 2);
    assert_eq!(s.accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_body_dropped_half_read_never_returns_its_connection() {
    let big: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234";
    let s = server(vec![vec![Action::Reply(big)], vec![Action::Reply(OK)]]).await;
    let pool = Pool::new();
    let mut response = pool.send(get(s.port, "/big"), Bytes::new()).await.unwrap();
    assert_eq!(response.chunk().await.unwrap().unwrap(), "01234");
    drop(response);
    // The rest never comes: the drain gives up after its timeout (100 ms) and closes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(pool.stats().idle, 0);
    assert_eq!(pool.stats().closed.not_reusable, 1);
    let response = pool.send(get(s.port, "/"), Bytes::new()).await.unwrap();
    assert!(!response.reused());
    assert_eq!(s.accepted.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_dropped_body_already_buffered_keeps_its_connection() {
    let whole: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
    let s = server(vec![vec![Action::Reply(whole), Action::Reply(OK)]]).await;
    let pool = Pool::new();
    let response = pool.send(get(s.port, "/"), Bytes::new()).await.unwrap();
    drop(response); // not a byte of the body read
    assert_eq!(
        pool.stats().idle,
        1,
        "the buffered rest was skipped at once"
    );
    let again = pool.send(get(s.port, "/"), Bytes::new()).await.unwrap();
    assert!(again.reused());
    assert_eq!(again.bytes().await.unwrap(), "ok");
    assert_eq!(s.accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_dropped_body_whose_rest_comes_soon_is_drained_and_kept() {
    let head: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234";
    let s = server(vec![vec![
        Action::ReplyInTwo(head, b"56789"),
        Action::Reply(OK),
    ]])
    .await;
    let pool = Pool::new();
    let mut response = pool.send(get(s.port, "/"), Bytes::new()).await.unwrap();
    assert_eq!(response.chunk().await.unwrap().unwrap(), "01234");
    drop(response);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(pool.stats().idle, 1, "drained within the 100 ms default");
    let again = pool.send(get(s.port, "/"), Bytes::new()).await.unwrap();
    assert!(again.reused());
    assert_eq!(again.bytes().await.unwrap(), "ok");
    assert_eq!(s.accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_dropped_body_larger_than_the_drain_limit_closes() {
    let head: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234";
    let s = server(vec![vec![
        Action::ReplyInTwo(head, b"56789"),
        Action::Reply(OK),
    ]])
    .await;
    let pool = Pool::builder().drain(4, Duration::from_secs(1)).build();
    let mut response = pool.send(get(s.port, "/"), Bytes::new()).await.unwrap();
    assert_eq!(response.chunk().await.unwrap().unwrap(), "01234");
    drop(response);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(pool.stats().idle, 0, "5 bytes due, 4 allowed");
    assert_eq!(pool.stats().closed.not_reusable, 1);
}

#[tokio::test]
async fn keep_alive_timeout_from_the_server_is_respected() {
    // `timeout=1`: the default 1 s margin is cut to half the hint, so the connection is kept
    // for 500 ms, then closed as idle past its deadline (by the sweep, which wakes at least
    // once a second).
    let hinted: &[u8] = b"HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 2\r\n\r\nok";
    let s = server(vec![vec![Action::Reply(hinted)]]).await;
    let pool = Pool::new();
    pool.send(get(s.port, "/"), Bytes::new())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(pool.stats().idle, 1);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let stats = pool.stats();
    assert_eq!((stats.idle, stats.closed.idle_timeout), (0, 1), "{stats:?}");
}

#[tokio::test]
async fn pool_01_a_connection_the_server_closed_is_never_reused() {
    // The first connection answers once and closes (no `Connection: close` said).
    let s = server(vec![
        vec![Action::ReplyThenClose(OK)],
        vec![Action::Reply(OK)],
    ])
    .await;
    // A made-up name routed to the loopback server by the resolve override.
    let pool = Pool::builder()
        .resolve("server.test", s.port, ([127, 0, 0, 1], s.port).into())
        .head_timeout(Duration::from_secs(5))
        .build();
    let url = |p: &str| {
        Request::get(format!("http://server.test:{}{p}", s.port))
            .body(())
            .unwrap()
    };
    pool.send(url("/"), Bytes::new())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    // The FIN arrives with the response or just after it: the liveness check at checkin or
    // at checkout sees EOF, and the dead connection is never written to.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let response = pool.send(url("/2"), Bytes::new()).await.unwrap();
    assert!(!response.reused() && !response.retried());
    assert_eq!(response.bytes().await.unwrap(), "ok");
    assert_eq!(s.accepted.load(Ordering::SeqCst), 2);
    assert_eq!(pool.stats().retried, 0);
}

#[cfg(not(feature = "tls"))]
#[tokio::test]
async fn https_needs_the_tls_feature() {
    let pool = Pool::new();
    let err = pool
        .send(
            Request::get("https://127.0.0.1:1/").body(()).unwrap(),
            Bytes::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidUri(_)), "{err}");
}

#[tokio::test]
async fn close_shuts_idle_connections_and_refuses_new_requests() {
    let s = server(vec![vec![Action::Reply(OK)]]).await;
    let pool = Pool::new();
    pool.send(get(s.port, "/"), Bytes::new())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(pool.stats().idle, 1);
    pool.close().await;
    assert_eq!(pool.stats().idle, 0);
    let err = pool.send(get(s.port, "/"), Bytes::new()).await.unwrap_err();
    assert!(matches!(err, Error::PoolClosed), "{err}");
    for _ in 0..100 {
        if s.hangups.load(Ordering::SeqCst) == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server never saw the idle connection close");
}

#[tokio::test]
async fn pool_10_the_sweep_closes_connections_whose_idle_deadline_passed() {
    let s = server(vec![vec![Action::Reply(OK)]]).await;
    let pool = Pool::builder()
        .idle_timeout(Duration::from_millis(100))
        .build();
    pool.send(get(s.port, "/"), Bytes::new())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(pool.stats().idle, 1);
    // Nobody touches the pool: only the background sweep can close it.
    for _ in 0..100 {
        if s.hangups.load(Ordering::SeqCst) == 1 {
            assert_eq!(pool.stats().idle, 0);
            assert_eq!(pool.stats().closed.idle_timeout, 1);
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the idle connection outlived its deadline");
}

#[tokio::test]
async fn pool_10_a_connection_is_not_used_past_its_max_lifetime() {
    let s = server(vec![vec![Action::Reply(OK); 3]]).await;
    let pool = Pool::builder()
        .max_lifetime(Duration::from_millis(300))
        .build();
    let fetch = |pool: Pool, port: u16| async move {
        let response = pool.send(get(port, "/"), Bytes::new()).await.unwrap();
        let reused = response.reused();
        response.bytes().await.unwrap();
        reused
    };
    assert!(!fetch(pool.clone(), s.port).await);
    assert!(fetch(pool.clone(), s.port).await, "young: reused");
    // Idle past its end of life: the sweep (which wakes at least once a second) closes it,
    // counted as an idle deadline.
    let mut waited = 0;
    while pool.stats().idle > 0 && waited < 3000 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += 20;
    }
    assert_eq!(pool.stats().idle, 0, "outlived its max lifetime");
    assert_eq!(pool.stats().closed.idle_timeout, 1);
    // In use when its life ends: closed as it comes back, not pooled.
    let response = pool.send(get(s.port, "/"), Bytes::new()).await.unwrap();
    assert!(!response.reused());
    tokio::time::sleep(Duration::from_millis(400)).await;
    response.bytes().await.unwrap();
    assert_eq!(pool.stats().idle, 0);
    assert_eq!(pool.stats().closed.lifetime, 1);
    assert_eq!(s.accepted.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn pool_13_a_trickling_server_hits_the_total_deadline() {
    // One body byte every 20 ms: each gap is far below the read timeout, but the whole
    // exchange must still end at the total deadline.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        let mut request = [0u8; 1024];
        let _ = stream.read(&mut request).await;
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            .await;
        for _ in 0..1000 {
            if stream.write_all(b"x").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let pool = Pool::builder()
        .read_timeout(Duration::from_secs(5))
        .total_timeout(Duration::from_millis(300))
        .build();
    let started = std::time::Instant::now();
    let response = pool.send(get(port, "/"), Bytes::new()).await.unwrap();
    let err = response.bytes().await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(pool.stats().closed.error, 1);
}

#[tokio::test]
async fn pool_08_one_host_however_it_is_spelled_shares_connections() {
    let s = server(vec![vec![Action::Reply(OK); 3]]).await;
    let pool = Pool::builder()
        .resolve("localhost", s.port, ([127, 0, 0, 1], s.port).into())
        .build();
    for host in ["localhost", "LOCALHOST", "localhost."] {
        let url = format!("http://{host}:{}/", s.port);
        let response = pool
            .send(Request::get(url).body(()).unwrap(), Bytes::new())
            .await
            .unwrap();
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(s.accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn metrics_are_kept_per_origin_and_in_total() {
    let a = server(vec![vec![Action::Reply(OK); 3]]).await;
    const CLOSING: &[u8] = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
    let b = server(vec![vec![Action::Reply(OK), Action::Reply(CLOSING)]]).await;
    let pool = Pool::new();
    for _ in 0..3 {
        let response = pool.send(get(a.port, "/"), Bytes::new()).await.unwrap();
        response.bytes().await.unwrap();
    }
    let held = pool.send(get(b.port, "/"), Bytes::new()).await.unwrap();
    let b_now = pool.host_stats(&get(b.port, "/").uri().clone()).unwrap();
    assert_eq!((b_now.open, b_now.in_use, b_now.idle), (1, 1, 0));
    held.bytes().await.unwrap();
    let last = pool.send(get(b.port, "/"), Bytes::new()).await.unwrap();
    last.bytes().await.unwrap(); // `Connection: close`: not kept

    let a_stats = pool.host_stats(&get(a.port, "/").uri().clone()).unwrap();
    assert_eq!((a_stats.opened, a_stats.reused, a_stats.idle), (1, 2, 1));
    let b_stats = pool.host_stats(&get(b.port, "/").uri().clone()).unwrap();
    assert_eq!((b_stats.opened, b_stats.reused, b_stats.idle), (1, 1, 0));
    assert_eq!(b_stats.closed.not_reusable, 1);
    assert_eq!(a_stats.closed, tarry_pool::ClosedStats::default());
    let total = pool.stats();
    assert_eq!(
        (total.opened, total.reused, total.open, total.idle),
        (2, 3, 1, 1)
    );
    let never = pool
        .host_stats(&"http://elsewhere.test/".parse().unwrap())
        .unwrap();
    assert_eq!(never, tarry_pool::HostStats::default());
}
