//! What happens to a connection the pool can no longer use, against scripted servers
//! (`tarry-testkit`): a stale one's retry really gets a fresh connection, and every connection
//! opened is accounted for as open or closed, whichever way its request ended.

use std::time::Duration;

use bytes::Bytes;
use http::Request;
use tarry_pool::{Error, Pool, Stats};
use tarry_testkit::{Script, ScriptedServer, Step};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

fn get(url: &str) -> Request<()> {
    Request::get(url).body(()).unwrap()
}

/// Every connection ever opened is either still open or counted as closed for some reason.
fn balanced(stats: &Stats) -> bool {
    stats.opened == stats.closed.total() + stats.open as u64
}

/// Two idle connections that both go stale under the next request (the server reads it and
/// closes): the retry must open a fresh connection, not take the other idle one, which would
/// fail the same way and turn a safe retry into an error.
#[tokio::test]
async fn a_stale_connections_retry_opens_a_fresh_one_even_with_others_idle() {
    let goes_stale = Script::new([
        Step::ExpectRequest,
        Step::write(OK),
        Step::ExpectRequest,
        Step::Close,
    ]);
    let server =
        ScriptedServer::start([goes_stale.clone(), goes_stale, Script::answer_all(OK)]).unwrap();
    let pool = Pool::new();
    let url = server.url("/");
    let (a, b) = tokio::join!(
        pool.send(get(&url), Bytes::new()),
        pool.send(get(&url), Bytes::new())
    );
    for response in [a.unwrap(), b.unwrap()] {
        assert_eq!(response.bytes().await.unwrap(), "ok");
    }
    assert_eq!(pool.stats().idle, 2, "{:?}", pool.stats());

    let response = pool.send(get(&url), Bytes::new()).await.unwrap();
    assert!(response.retried() && !response.reused());
    assert_eq!(response.bytes().await.unwrap(), "ok");
    let stats = pool.stats();
    assert_eq!(
        (stats.opened, stats.reused, stats.retried),
        (3, 1, 1),
        "{stats:?}"
    );
    assert_eq!(stats.closed.stale, 1, "{stats:?}");
    // The other idle connection was left alone: it is still there for the next request.
    assert_eq!(stats.idle, 2, "{stats:?}");
    assert!(balanced(&stats), "{stats:?}");
}

/// A request whose future is dropped while it waits for the head takes its connection with
/// it: counted as closed (`cancelled`), not left as opened forever.
#[tokio::test]
async fn a_request_dropped_before_its_head_counts_its_connection_as_cancelled() {
    let server =
        ScriptedServer::repeating(Script::new([Step::ExpectRequest, Step::HoldOpen])).unwrap();
    let pool = Pool::new();
    let send = pool.send(get(&server.url("/")), Bytes::new());
    let cut = tokio::time::timeout(Duration::from_millis(200), send).await;
    assert!(cut.is_err(), "the server never answers");
    let stats = pool.stats();
    assert_eq!(
        (stats.opened, stats.closed.cancelled, stats.open),
        (1, 1, 0),
        "{stats:?}"
    );
    assert!(balanced(&stats), "{stats:?}");
    // Nothing of it is reused: the next request opens its own connection.
    let again = pool.send(get(&server.url("/")), Bytes::new());
    let _ = tokio::time::timeout(Duration::from_millis(100), again).await;
    assert_eq!(server.wait_accepts(2, Duration::from_secs(10)), 2);
    assert_eq!(pool.stats().reused, 0);
}

/// A connection that closes before any response byte, on its first use, is an error, not a
/// stale reuse: it is not retried, and it is counted as closed.
#[tokio::test]
async fn a_fresh_connection_closed_before_the_head_is_counted_and_not_retried() {
    let server =
        ScriptedServer::repeating(Script::new([Step::ExpectRequest, Step::Close])).unwrap();
    let pool = Pool::new();
    let err = pool
        .send(get(&server.url("/")), Bytes::new())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ClosedBeforeResponse { retried: false }),
        "{err}"
    );
    let stats = pool.stats();
    assert_eq!(
        (stats.opened, stats.retried, stats.closed.error),
        (1, 0, 1),
        "{stats:?}"
    );
    assert!(balanced(&stats), "{stats:?}");
    assert_eq!(server.accepts(), 1);
}

/// A TLS handshake that never completes ends in a typed timeout, and the TCP connection it
/// had opened is counted as closed.
#[cfg(feature = "tls")]
#[tokio::test]
async fn a_stalled_handshake_is_a_timeout_and_its_connection_is_counted() {
    let server = tarry_testkit::TlsScriptedServer::builder(&["a.test"])
        .stall_handshake()
        .repeating(Script::answer_all(OK))
        .unwrap();
    let pool = Pool::builder()
        .resolve("a.test", server.port(), server.addr())
        .add_root_certificates_pem(server.ca_pem().as_bytes())
        .unwrap()
        .connect_timeout(Duration::from_millis(200))
        .build();
    let url = format!("https://a.test:{}/", server.port());
    let err = pool.send(get(&url), Bytes::new()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    let stats = pool.stats();
    assert_eq!((stats.opened, stats.closed.error), (1, 1), "{stats:?}");
    assert!(balanced(&stats), "{stats:?}");
}

/// Under a per-host cap, a connection handed to a queued request that is then dropped before
/// it looked (cancelled while waiting) goes back to the pool: not closed unseen, and not
/// counted as open forever.
#[tokio::test]
async fn a_connection_handed_to_a_waiter_that_gave_up_goes_back_to_the_pool() {
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let pool = Pool::builder().max_connections_per_host(1).build();
    let url = server.url("/");
    let first = pool.send(get(&url), Bytes::new()).await.unwrap();
    // The second request queues behind the first (polled until it waits, then left alone).
    let mut queued = Box::pin(pool.send(get(&url), Bytes::new()));
    let early = tokio::time::timeout(Duration::from_millis(100), &mut queued).await;
    assert!(early.is_err(), "the cap is 1: the second request must wait");
    assert_eq!(pool.stats().waiting, 1);
    // The first response ends: its connection is handed to the waiter, which never looks.
    assert_eq!(first.bytes().await.unwrap(), "ok");
    drop(queued);
    let stats = pool.stats();
    assert_eq!(
        (stats.opened, stats.idle, stats.waiting),
        (1, 1, 0),
        "{stats:?}"
    );
    assert!(balanced(&stats), "{stats:?}");
    // And the next request reuses it.
    let again = pool.send(get(&url), Bytes::new()).await.unwrap();
    assert!(again.reused());
    assert_eq!(server.accepts(), 1);
}

/// `close()` counts what it closes, idle connections at once and busy ones as they return.
#[tokio::test]
async fn close_counts_what_it_closes() {
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let pool = Pool::new();
    let url = server.url("/");
    let (a, b) = tokio::join!(
        pool.send(get(&url), Bytes::new()),
        pool.send(get(&url), Bytes::new())
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.bytes().await.unwrap(), "ok");
    pool.close().await;
    assert_eq!(b.bytes().await.unwrap(), "ok");
    let stats = pool.stats();
    assert_eq!(
        (stats.opened, stats.closed.shutdown, stats.open),
        (2, 2, 0),
        "{stats:?}"
    );
    assert!(balanced(&stats), "{stats:?}");
}
