//! A pool outlives the runtime that opened its connections. A connection's socket and its
//! read-deadline timer belong to that runtime's drivers; once the runtime is gone, the
//! connection still looks idle and open, but its first write fails before a byte leaves, so
//! the request goes once more on a fresh connection of the runtime at hand. Nothing panics.

use std::time::Duration;

use bytes::Bytes;
use tarry_pool::Pool;
use tarry_testkit::{Script, ScriptedServer};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn get(pool: &Pool, url: &str) -> Bytes {
    let request = http::Request::get(url).body(()).unwrap();
    let response = pool.send(request, Bytes::new()).await.unwrap();
    response.bytes().await.unwrap()
}

#[test]
fn a_connection_from_a_runtime_that_is_gone_gives_way_to_a_fresh_one() {
    let server = ScriptedServer::repeating(Script::answer_all(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    ))
    .unwrap();
    let url = server.url("/");
    let pool = Pool::builder().head_timeout(Duration::from_secs(5)).build();

    let first = runtime();
    first.block_on(async {
        assert_eq!(get(&pool, &url).await, "ok");
        assert_eq!(get(&pool, &url).await, "ok");
    });
    assert_eq!(pool.stats().idle, 1, "kept for reuse");
    drop(first);

    // Several runtimes one after another, as tests with a runtime each might share a pool.
    for _ in 0..3 {
        runtime().block_on(async {
            assert_eq!(get(&pool, &url).await, "ok");
            assert_eq!(get(&pool, &url).await, "ok");
        });
    }
    let stats = pool.stats();
    assert_eq!(stats.opened, 4, "one connection per runtime: {stats:?}");
    assert_eq!(
        (stats.retried, stats.closed.stale),
        (3, 3),
        "each later runtime's first request met the last runtime's connection: {stats:?}"
    );
    assert_eq!(server.accepts(), 4);
}

/// A runtime that is alive but no longer driven (a current-thread runtime outside
/// `block_on`) delivers neither socket readiness nor timers. A request from another runtime
/// that reuses its idle connection must still meet its own head timeout, not hang.
#[test]
fn a_deadline_comes_even_when_the_connections_first_runtime_is_idle() {
    use tarry_testkit::Step;
    let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    // One answer, then silence on that connection; later connections are answered.
    let first = Script::new([Step::ExpectRequest, Step::write(ok), Step::HoldOpen]);
    let server = ScriptedServer::start_then([first], Script::answer_all(ok)).unwrap();
    let url = server.url("/");
    let pool = Pool::builder()
        .head_timeout(Duration::from_millis(300))
        .build();

    let idle = runtime();
    idle.block_on(async { assert_eq!(get(&pool, &url).await, "ok") });
    assert_eq!(pool.stats().idle, 1);

    // `idle` stays alive, undriven, while another runtime sends.
    let other = runtime();
    let outcome = other.block_on(async {
        let request = http::Request::get(url.as_str()).body(()).unwrap();
        let send = pool.send(request, Bytes::new());
        tokio::time::timeout(Duration::from_secs(10), send).await
    });
    let Ok(result) = outcome else {
        panic!("the head timeout never came: the request hung");
    };
    match result {
        Err(tarry_pool::Error::Timeout(tarry_pool::Phase::Head)) => {}
        other => panic!("expected a head timeout, got {other:?}"),
    }
    drop(idle);
}
