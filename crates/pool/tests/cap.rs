//! `max_connections_per_host`: bounded sockets, a first-come queue, hand-over of returned
//! connections, acquire timeouts, and cancelled waiters giving up their place.

use std::time::Duration;

use bytes::Bytes;
use http::Request;
use tarry_pool::{Error, Pool};
use tarry_testkit::{Script, ScriptedServer, Step};

/// A keep-alive server that answers each request after `delay` with `reply`; its record
/// counts the connections and how many were open at once.
fn answering_after(delay: Duration, reply: &'static [u8]) -> ScriptedServer {
    ScriptedServer::repeating(Script::looped([
        Step::ExpectRequest,
        Step::Sleep(delay),
        Step::write(reply),
    ]))
    .unwrap()
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

fn get(server: &ScriptedServer) -> Request<()> {
    Request::get(server.url("/")).body(()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_09_many_tasks_share_a_capped_set_of_connections() {
    let s = answering_after(Duration::from_millis(5), OK);
    let pool = Pool::builder().max_connections_per_host(4).build();
    let tasks: Vec<_> = (0..60)
        .map(|_| {
            let (pool, request) = (pool.clone(), get(&s));
            tokio::spawn(async move {
                let response = pool.send(request, Bytes::new()).await?;
                response.bytes().await
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), "ok");
    }
    assert!(s.max_open() <= 4, "peak {}", s.max_open());
    assert!(s.accepts() <= 4);
    let stats = pool.host_stats(&get(&s).uri().clone()).unwrap();
    assert_eq!((stats.waiting, stats.open), (0, stats.idle));
}

#[tokio::test]
async fn pool_09_a_full_host_gives_an_acquire_timeout_then_recovers() {
    // Five of ten body bytes, then the server holds: the first response keeps its connection.
    let s = answering_after(
        Duration::ZERO,
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234",
    );
    // No draining: the dropped response must close its connection at once.
    let pool = Pool::builder()
        .max_connections_per_host(1)
        .acquire_timeout(Duration::from_millis(100))
        .drain(0, Duration::ZERO)
        .build();
    let mut first = pool.send(get(&s), Bytes::new()).await.unwrap();
    assert_eq!(first.chunk().await.unwrap().unwrap(), "01234");
    let err = pool.send(get(&s), Bytes::new()).await.unwrap_err();
    assert!(matches!(err, Error::AcquireTimeout), "{err}");
    // Dropping the half-read response closes its connection and frees the slot.
    drop(first);
    let again = pool.send(get(&s), Bytes::new()).await.unwrap();
    assert!(!again.reused());
    assert_eq!(s.accepts(), 2);
}

#[tokio::test]
async fn pool_09_a_returned_connection_goes_to_the_oldest_live_waiter() {
    let s = answering_after(Duration::from_millis(50), OK);
    let pool = Pool::builder().max_connections_per_host(1).build();
    let uri = get(&s).uri().clone();
    // One request in flight; then waiter A (which gives up) and waiter B queue behind it.
    let busy = tokio::spawn({
        let (pool, request) = (pool.clone(), get(&s));
        async move {
            pool.send(request, Bytes::new())
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
        }
    });
    while pool.host_stats(&uri).unwrap().open == 0 {
        tokio::task::yield_now().await;
    }
    let a = tokio::spawn({
        let (pool, request) = (pool.clone(), get(&s));
        async move { pool.send(request, Bytes::new()).await }
    });
    while pool.host_stats(&uri).unwrap().waiting < 1 {
        tokio::task::yield_now().await;
    }
    let b = tokio::spawn({
        let (pool, request) = (pool.clone(), get(&s));
        async move {
            pool.send(request, Bytes::new())
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
        }
    });
    while pool.host_stats(&uri).unwrap().waiting < 2 {
        tokio::task::yield_now().await;
    }
    a.abort(); // A gives up its place
    assert_eq!(busy.await.unwrap(), "ok");
    assert_eq!(b.await.unwrap(), "ok");
    // One connection served everyone: handed over, not reopened.
    assert_eq!(s.accepts(), 1);
}
