//! `max_connections_per_host`: bounded sockets, a first-come queue, hand-over of returned
//! connections, acquire timeouts, and cancelled waiters giving up their place.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::Request;
use tarry_pool::{Error, Pool};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A keep-alive server that answers each request after `delay` with `reply`, and tracks how
/// many connections are open at once.
struct Server {
    port: u16,
    accepted: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

async fn server(delay: Duration, reply: &'static [u8]) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (accepted, peak, open) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let (acc, pk) = (accepted.clone(), peak.clone());
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            acc.fetch_add(1, Ordering::SeqCst);
            let now_open = open.fetch_add(1, Ordering::SeqCst) + 1;
            pk.fetch_max(now_open, Ordering::SeqCst);
            let open = open.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                loop {
                    let mut chunk = [0u8; 2048];
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        buf.drain(..end + 4);
                        tokio::time::sleep(delay).await;
                        if stream.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                }
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Server {
        port,
        accepted,
        peak,
    }
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

fn get(port: u16) -> Request<()> {
    Request::get(format!("http://127.0.0.1:{port}/"))
        .body(())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_09_many_tasks_share_a_capped_set_of_connections() {
    let s = server(Duration::from_millis(5), OK).await;
    let pool = Pool::builder().max_connections_per_host(4).build();
    let tasks: Vec<_> = (0..60)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let response = pool.send(get(s.port), Bytes::new()).await?;
                response.bytes().await
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), "ok");
    }
    assert!(
        s.peak.load(Ordering::SeqCst) <= 4,
        "peak {}",
        s.peak.load(Ordering::SeqCst)
    );
    assert!(s.accepted.load(Ordering::SeqCst) <= 4);
    let stats = pool.host_stats(&get(s.port).uri().clone()).unwrap();
    assert_eq!((stats.waiting, stats.open), (0, stats.idle));
}

#[tokio::test]
async fn pool_09_a_full_host_gives_an_acquire_timeout_then_recovers() {
    // Five of ten body bytes, then the server holds: the first response keeps its connection.
    let s = server(
        Duration::ZERO,
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234",
    )
    .await;
    // No draining: the dropped response must close its connection at once.
    let pool = Pool::builder()
        .max_connections_per_host(1)
        .acquire_timeout(Duration::from_millis(100))
        .drain(0, Duration::ZERO)
        .build();
    let mut first = pool.send(get(s.port), Bytes::new()).await.unwrap();
    assert_eq!(first.chunk().await.unwrap().unwrap(), "01234");
    let err = pool.send(get(s.port), Bytes::new()).await.unwrap_err();
    assert!(matches!(err, Error::AcquireTimeout), "{err}");
    // Dropping the half-read response closes its connection and frees the slot.
    drop(first);
    let again = pool.send(get(s.port), Bytes::new()).await.unwrap();
    assert!(!again.reused());
    assert_eq!(s.accepted.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn pool_09_a_returned_connection_goes_to_the_oldest_live_waiter() {
    let s = server(Duration::from_millis(50), OK).await;
    let pool = Pool::builder().max_connections_per_host(1).build();
    let uri = get(s.port).uri().clone();
    // One request in flight; then waiter A (which gives up) and waiter B queue behind it.
    let busy = tokio::spawn({
        let pool = pool.clone();
        async move {
            pool.send(get(s.port), Bytes::new())
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
        let pool = pool.clone();
        async move { pool.send(get(s.port), Bytes::new()).await }
    });
    while pool.host_stats(&uri).unwrap().waiting < 1 {
        tokio::task::yield_now().await;
    }
    let b = tokio::spawn({
        let pool = pool.clone();
        async move {
            pool.send(get(s.port), Bytes::new())
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
    assert_eq!(s.accepted.load(Ordering::SeqCst), 1);
}
