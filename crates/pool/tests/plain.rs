//! The pool over plain TCP against scripted servers (`tarry-testkit`) on 127.0.0.1.
//!
//! Each server connection follows a script: read a request, answer it (or not), close. The
//! accept count is the oracle for "was the connection reused".

use std::time::Duration;

use bytes::Bytes;
use http::Request;
use tarry_pool::{Error, Phase, Pool};
use tarry_testkit::{Ended, Script, ScriptedServer, Step};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

fn get(server: &ScriptedServer, path: &str) -> Request<()> {
    Request::get(server.url(path)).body(()).unwrap()
}

/// A keep-alive server that answers every request with `OK`.
fn keep_alive() -> ScriptedServer {
    ScriptedServer::repeating(Script::answer_all(OK)).unwrap()
}

/// A server whose first connection answers once, then takes the next request and closes
/// without a byte of response; later connections answer everything.
fn closes_on_the_second_request() -> ScriptedServer {
    let vanishes = Script::new([
        Step::ExpectRequest,
        Step::write(OK),
        Step::ExpectRequest,
        Step::Close,
    ]);
    ScriptedServer::start_then([vanishes], Script::answer_all(OK)).unwrap()
}

/// A connection that answers the first request with `head`, the rest of its body 30 ms
/// later, and then answers one more request with `OK`.
fn answer_in_two(head: &'static [u8], rest: &'static [u8]) -> Script {
    Script::new([
        Step::ExpectRequest,
        Step::write(head),
        Step::Sleep(Duration::from_millis(30)),
        Step::write(rest),
        Step::ExpectRequest,
        Step::write(OK),
        Step::HoldOpen,
    ])
}

/// Whether the client has closed connection `index` of `server` (the server read EOF).
fn client_closed(server: &ScriptedServer, index: usize) -> bool {
    server
        .connections()
        .get(index)
        .is_some_and(|c| c.ended == Some(Ended::ByClient))
}

#[tokio::test]
async fn sequential_requests_share_one_connection() {
    let s = keep_alive();
    let pool = Pool::new();
    for i in 0..20 {
        let response = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
        assert_eq!(response.reused(), i > 0);
        // Only the request that opened the connection spent time connecting.
        assert_eq!(response.timings().connect.is_some(), i == 0);
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(s.accepts(), 1);
    let stats = pool.stats();
    assert_eq!((stats.opened, stats.reused, stats.idle), (1, 19, 1));
}

#[tokio::test]
async fn connection_close_is_honoured() {
    let close: &[u8] = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
    let s =
        ScriptedServer::start_then([Script::answer_all(close)], Script::answer_all(OK)).unwrap();
    let pool = Pool::new();
    for _ in 0..2 {
        let response = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
        assert!(!response.reused());
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(s.accepts(), 2);
    assert_eq!(pool.stats().closed.not_reusable, 1, "{:?}", pool.stats());
}

#[tokio::test]
async fn pool_02_a_stale_connection_is_retried_once_for_get() {
    // The first connection answers once, then takes the next request and closes: the race of
    // a server closing an idle connection just as the client reuses it.
    let s = closes_on_the_second_request();
    let pool = Pool::new();
    pool.send(get(&s, "/"), Bytes::new())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let response = pool.send(get(&s, "/again"), Bytes::new()).await.unwrap();
    assert!(response.retried() && !response.reused());
    assert_eq!(response.bytes().await.unwrap(), "ok");
    assert_eq!(s.accepts(), 2);
    assert_eq!(pool.stats().retried, 1);
    assert_eq!(pool.stats().closed.stale, 1);
}

#[tokio::test]
async fn pool_02_a_stale_connection_is_not_retried_for_post() {
    let s = closes_on_the_second_request();
    let pool = Pool::new();
    pool.send(get(&s, "/"), Bytes::new())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let post = Request::post(s.url("/order")).body(()).unwrap();
    let err = pool
        .send(post, Bytes::from_static(b"item=1"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ClosedBeforeResponse { retried: false }),
        "{err}"
    );
    // The server saw the POST exactly once.
    assert_eq!(s.requests().concat().len(), 2);
    assert_eq!(s.accepts(), 1);
}

#[tokio::test]
async fn a_body_dropped_half_read_never_returns_its_connection() {
    let big: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234";
    let s = ScriptedServer::start_then(
        [Script::new([
            Step::ExpectRequest,
            Step::write(big),
            Step::HoldOpen,
        ])],
        Script::answer_all(OK),
    )
    .unwrap();
    let pool = Pool::new();
    let mut response = pool.send(get(&s, "/big"), Bytes::new()).await.unwrap();
    assert_eq!(response.chunk().await.unwrap().unwrap(), "01234");
    drop(response);
    // The rest never comes: the drain gives up after its timeout (100 ms) and closes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(pool.stats().idle, 0);
    assert_eq!(pool.stats().closed.not_reusable, 1);
    let response = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
    assert!(!response.reused());
    assert_eq!(s.accepts(), 2);
}

#[tokio::test]
async fn a_dropped_body_already_buffered_keeps_its_connection() {
    let whole: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
    let s = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::write(whole),
        Step::ExpectRequest,
        Step::write(OK),
        Step::HoldOpen,
    ]))
    .unwrap();
    let pool = Pool::new();
    let response = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
    drop(response); // not a byte of the body read
    assert_eq!(
        pool.stats().idle,
        1,
        "the buffered rest was skipped at once"
    );
    let again = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
    assert!(again.reused());
    assert_eq!(again.bytes().await.unwrap(), "ok");
    assert_eq!(s.accepts(), 1);
}

#[tokio::test]
async fn a_dropped_body_whose_rest_comes_soon_is_drained_and_kept() {
    let head: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234";
    let s = ScriptedServer::repeating(answer_in_two(head, b"56789")).unwrap();
    let pool = Pool::new();
    let mut response = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
    assert_eq!(response.chunk().await.unwrap().unwrap(), "01234");
    drop(response);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(pool.stats().idle, 1, "drained within the 100 ms default");
    let again = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
    assert!(again.reused());
    assert_eq!(again.bytes().await.unwrap(), "ok");
    assert_eq!(s.accepts(), 1);
}

#[tokio::test]
async fn a_dropped_body_larger_than_the_drain_limit_closes() {
    let head: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234";
    let s = ScriptedServer::repeating(answer_in_two(head, b"56789")).unwrap();
    let pool = Pool::builder().drain(4, Duration::from_secs(1)).build();
    let mut response = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
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
    let s = ScriptedServer::repeating(Script::answer_all(hinted)).unwrap();
    let pool = Pool::new();
    pool.send(get(&s, "/"), Bytes::new())
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
    let s = ScriptedServer::start_then(
        [Script::new([
            Step::ExpectRequest,
            Step::write(OK),
            Step::Close,
        ])],
        Script::answer_all(OK),
    )
    .unwrap();
    // A made-up name routed to the loopback server by the resolve override.
    let pool = Pool::builder()
        .resolve("server.test", s.port(), s.addr())
        .head_timeout(Duration::from_secs(5))
        .build();
    let url = |p: &str| {
        Request::get(format!("http://server.test:{}{p}", s.port()))
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
    assert_eq!(s.accepts(), 2);
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
    let s = keep_alive();
    let pool = Pool::new();
    pool.send(get(&s, "/"), Bytes::new())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(pool.stats().idle, 1);
    pool.close().await;
    assert_eq!(pool.stats().idle, 0);
    let err = pool.send(get(&s, "/"), Bytes::new()).await.unwrap_err();
    assert!(matches!(err, Error::PoolClosed), "{err}");
    for _ in 0..100 {
        if client_closed(&s, 0) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server never saw the idle connection close");
}

#[tokio::test]
async fn pool_10_the_sweep_closes_connections_whose_idle_deadline_passed() {
    let s = keep_alive();
    let pool = Pool::builder()
        .idle_timeout(Duration::from_millis(100))
        .build();
    pool.send(get(&s, "/"), Bytes::new())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(pool.stats().idle, 1);
    // Nobody touches the pool: only the background sweep can close it.
    for _ in 0..100 {
        if client_closed(&s, 0) {
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
    let s = keep_alive();
    let pool = Pool::builder()
        .max_lifetime(Duration::from_millis(300))
        .build();
    let fetch = |pool: Pool, request: Request<()>| async move {
        let response = pool.send(request, Bytes::new()).await.unwrap();
        let reused = response.reused();
        response.bytes().await.unwrap();
        reused
    };
    assert!(!fetch(pool.clone(), get(&s, "/")).await);
    assert!(fetch(pool.clone(), get(&s, "/")).await, "young: reused");
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
    let response = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
    assert!(!response.reused());
    tokio::time::sleep(Duration::from_millis(400)).await;
    response.bytes().await.unwrap();
    assert_eq!(pool.stats().idle, 0);
    assert_eq!(pool.stats().closed.lifetime, 1);
    assert_eq!(s.accepts(), 2);
}

#[tokio::test]
async fn pool_13_a_trickling_server_hits_the_total_deadline() {
    // One body byte every 20 ms: each gap is far below the read timeout, but the whole
    // exchange must still end at the total deadline.
    let s = ScriptedServer::start([Script::new([
        Step::ExpectRequest,
        Step::write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"),
        Step::write_slowly(vec![b'x'; 1000], 1, Duration::from_millis(20)),
    ])])
    .unwrap();
    let pool = Pool::builder()
        .read_timeout(Duration::from_secs(5))
        .total_timeout(Duration::from_millis(300))
        .build();
    let started = std::time::Instant::now();
    let response = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
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
    let s = keep_alive();
    let pool = Pool::builder()
        .resolve("localhost", s.port(), s.addr())
        .build();
    for host in ["localhost", "LOCALHOST", "localhost."] {
        let url = format!("http://{host}:{}/", s.port());
        let response = pool
            .send(Request::get(url).body(()).unwrap(), Bytes::new())
            .await
            .unwrap();
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(s.accepts(), 1);
}

#[tokio::test]
async fn metrics_are_kept_per_origin_and_in_total() {
    let a = keep_alive();
    const CLOSING: &[u8] = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
    let b = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::write(OK),
        Step::ExpectRequest,
        Step::write(CLOSING),
        Step::HoldOpen,
    ]))
    .unwrap();
    let pool = Pool::new();
    for _ in 0..3 {
        let response = pool.send(get(&a, "/"), Bytes::new()).await.unwrap();
        response.bytes().await.unwrap();
    }
    let held = pool.send(get(&b, "/"), Bytes::new()).await.unwrap();
    let b_now = pool.host_stats(&get(&b, "/").uri().clone()).unwrap();
    assert_eq!((b_now.open, b_now.in_use, b_now.idle), (1, 1, 0));
    held.bytes().await.unwrap();
    let last = pool.send(get(&b, "/"), Bytes::new()).await.unwrap();
    last.bytes().await.unwrap(); // `Connection: close`: not kept

    let a_stats = pool.host_stats(&get(&a, "/").uri().clone()).unwrap();
    assert_eq!((a_stats.opened, a_stats.reused, a_stats.idle), (1, 2, 1));
    let b_stats = pool.host_stats(&get(&b, "/").uri().clone()).unwrap();
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

/// A server whose first connection sends `reply` to the first request and then would answer
/// `OK`; later connections answer `OK` to everything.
fn first_reply(reply: &'static [u8]) -> ScriptedServer {
    let first = Script::new([
        Step::ExpectRequest,
        Step::write(reply),
        Step::ExpectRequest,
        Step::write(OK),
        Step::HoldOpen,
    ]);
    ScriptedServer::start_then([first], Script::answer_all(OK)).unwrap()
}

#[tokio::test]
async fn wire_12_a_bare_lf_head_is_refused_and_its_connection_never_reused() {
    const BARE_LF: &[u8] = b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok";
    let s = first_reply(BARE_LF);
    let pool = Pool::new();
    match pool.send(get(&s, "/"), Bytes::new()).await {
        Err(Error::Protocol(Phase::Head, tarry_wire::Error::BareLfLineEnding)) => {}
        other => panic!("expected a refused head, got {other:?}"),
    }
    let response = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
    assert!(!response.reused());
    assert_eq!(response.bytes().await.unwrap(), "ok");
    assert_eq!(s.accepts(), 2);

    // Allowed by the setting, the same head is read and its connection kept.
    let s = first_reply(BARE_LF);
    let limits = tarry_pool::Limits::default().accept_bare_lf(true);
    let pool = Pool::builder().response_limits(limits).build();
    for reused in [false, true] {
        let response = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
        assert_eq!(response.reused(), reused);
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(s.accepts(), 1);
}

#[tokio::test]
async fn wire_06_a_chunk_extension_against_the_grammar_closes_the_connection() {
    // The quoted string never closes: a parser that let it run on would take the CR LF, the
    // data and the last chunk as part of the extension.
    let s = first_reply(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;a=\"x\r\nok\r\n0\r\n\r\n",
    );
    let pool = Pool::new();
    let response = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
    match response.bytes().await {
        Err(Error::Protocol(Phase::Body, tarry_wire::Error::UnterminatedChunkExtensionQuote)) => {}
        other => panic!("expected a refused chunk line, got {other:?}"),
    }
    let response = pool.send(get(&s, "/"), Bytes::new()).await.unwrap();
    assert!(!response.reused());
    assert_eq!(response.bytes().await.unwrap(), "ok");
    assert_eq!(s.accepts(), 2);
}
