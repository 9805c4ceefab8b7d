//! The pool's `tracing` events, captured by a subscriber of the test's own while scripted
//! servers make each fact happen: a connection opened, reused, returned, closed for a reason,
//! a request sent again after a stale connection, a request waiting for a connection.

use std::time::Duration;

use bytes::Bytes;
use tarry_pool::{Pool, PoolBuilder};
use tarry_testkit::{Capture, Script, ScriptedServer, Step};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/// Runs `work` against a pool from `builder` on a current-thread runtime, capturing every
/// event of this thread.
fn captured<F, Fut>(builder: PoolBuilder, work: F) -> Capture
where
    F: FnOnce(Pool) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let capture = Capture::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(capture.clone(), || {
        runtime.block_on(work(builder.build()));
    });
    capture
}

async fn get(pool: &Pool, url: &str) -> tarry_pool::Response {
    let request = http::Request::get(url).body(()).unwrap();
    pool.send(request, Bytes::new()).await.unwrap()
}

#[test]
fn opened_returned_and_reused_with_its_age_and_count() {
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let url = server.url("/");
    let events = captured(Pool::builder(), |pool| async move {
        for _ in 0..3 {
            assert_eq!(get(&pool, &url).await.bytes().await.unwrap(), "ok");
        }
    });
    let origin = format!("origin=http://127.0.0.1:{}", server.port());
    let opened = events.named("connection opened");
    assert_eq!(opened.len(), 1, "{:#?}", events.lines());
    assert!(
        opened[0].starts_with("DEBUG") && opened[0].contains(&origin),
        "{opened:?}"
    );
    assert!(opened[0].contains("connect_us="), "{opened:?}");
    let reused = events.named("connection reused");
    assert_eq!(reused.len(), 2, "{:#?}", events.lines());
    assert!(reused[0].contains("exchanges=1") && reused[1].contains("exchanges=2"));
    assert!(reused[0].contains("age_ms="), "{reused:?}");
    assert_eq!(events.named("connection returned to the pool").len(), 3);
    assert!(events.named("connection closed").is_empty());
}

#[test]
fn a_close_names_its_reason() {
    let close = &b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"[..];
    let server =
        ScriptedServer::repeating(Script::new([Step::ExpectRequest, Step::write(close)])).unwrap();
    let url = server.url("/");
    let events = captured(Pool::builder(), |pool| async move {
        get(&pool, &url).await.bytes().await.unwrap();
    });
    let closed = events.named("connection closed");
    assert_eq!(closed.len(), 1, "{:#?}", events.lines());
    assert!(closed[0].contains("reason=not_reusable"), "{closed:?}");

    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let url = server.url("/");
    let builder = Pool::builder().idle_timeout(Duration::from_millis(50));
    let events = captured(builder, |pool| async move {
        get(&pool, &url).await.bytes().await.unwrap();
        // The sweep closes it once its idle time is up (it looks at least once a second).
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(pool.stats().idle, 0);
    });
    let closed = events.named("connection closed");
    assert_eq!(closed.len(), 1, "{:#?}", events.lines());
    assert!(closed[0].contains("reason=idle_timeout"), "{closed:?}");
}

#[test]
fn a_stale_connection_is_closed_and_the_request_sent_again() {
    // The first connection answers once, then takes the next request and closes unanswered.
    let server = ScriptedServer::start_then(
        [Script::new([
            Step::ExpectRequest,
            Step::write(OK),
            Step::ExpectRequest,
            Step::Close,
        ])],
        Script::answer_all(OK),
    )
    .unwrap();
    let url = server.url("/");
    let events = captured(Pool::builder(), |pool| async move {
        get(&pool, &url).await.bytes().await.unwrap();
        let again = get(&pool, &url).await;
        assert!(again.retried());
        assert_eq!(again.bytes().await.unwrap(), "ok");
    });
    let closed = events.named("connection closed");
    assert!(
        closed.iter().any(|l| l.contains("reason=stale")),
        "{:#?}",
        events.lines()
    );
    let retried = events.lines();
    assert_eq!(
        retried
            .iter()
            .filter(|l| l.contains("request sent again on a fresh connection"))
            .count(),
        1,
        "{retried:#?}"
    );
    assert_eq!(events.named("connection opened").len(), 2);
}

#[test]
fn a_request_over_the_hosts_limit_waits_and_is_served() {
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let url = server.url("/");
    let builder = Pool::builder().max_connections_per_host(1);
    let events = captured(builder, |pool| async move {
        // Each reads its body, which gives the one connection back for the other.
        let fetch = || async { get(&pool, &url).await.bytes().await.unwrap() };
        let (a, b) = tokio::join!(fetch(), fetch());
        assert_eq!((a, b), ("ok".into(), "ok".into()));
    });
    assert_eq!(
        events
            .named("waiting for a connection: the host is at its limit")
            .len(),
        1,
        "{:#?}",
        events.lines()
    );
    assert_eq!(
        events
            .named("connection handed to a request waiting for it")
            .len(),
        1,
        "{:#?}",
        events.lines()
    );
    assert_eq!(
        events.named("waiter served: a connection came back").len(),
        1
    );
}

/// The warnings, and the retries, of `requests` GETs to a server whose every connection
/// answers `answers` requests, then takes the next one and closes unanswered.
fn warnings_when_each_connection_answers(answers: usize, requests: usize) -> (Vec<String>, u64) {
    let mut steps = Vec::new();
    for _ in 0..answers {
        steps.extend([Step::ExpectRequest, Step::write(OK)]);
    }
    steps.extend([Step::ExpectRequest, Step::Close]);
    let server = ScriptedServer::repeating(Script::new(steps)).unwrap();
    let url = server.url("/");
    let retried = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let seen = std::sync::Arc::clone(&retried);
    let events = captured(Pool::builder(), |pool| async move {
        for _ in 0..requests {
            assert_eq!(get(&pool, &url).await.bytes().await.unwrap(), "ok");
        }
        seen.store(pool.stats().retried, std::sync::atomic::Ordering::Relaxed);
    });
    let warnings = events
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("WARN"))
        .collect();
    (warnings, retried.load(std::sync::atomic::Ordering::Relaxed))
}

#[test]
fn a_server_that_keeps_closing_reused_connections_is_worth_a_warning() {
    // Each reuse finds the connection closed and the request goes again on a fresh one.
    let (warnings, retried) = warnings_when_each_connection_answers(1, 5);
    assert_eq!(retried, 4);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains("keeps closing connections") && warnings[0].contains("in_a_row=3"),
        "{warnings:?}"
    );
}

#[test]
fn a_reuse_that_works_ends_the_streak() {
    // Closed reused connections and working ones alternate: never three closed in a row.
    let (warnings, retried) = warnings_when_each_connection_answers(2, 9);
    assert!(retried >= 3, "{retried}");
    assert!(warnings.is_empty(), "{warnings:#?}");
}
