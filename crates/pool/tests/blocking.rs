//! `tarry_pool::block_on` against real servers on 127.0.0.1: a kept-alive plain connection is
//! read on the calling thread in blocking mode, and handed back to the runtime in the mode
//! tokio needs.

use std::time::{Duration, Instant};

use bytes::Bytes;
use tarry_pool::{Pool, block_on};
use tarry_testkit::{Script, ScriptedServer, Step};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn get(pool: &Pool, url: &str) -> Result<Bytes, tarry_pool::Error> {
    let request = http::Request::get(url).body(()).unwrap();
    pool.send(request, Bytes::new()).await?.bytes().await
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

#[test]
fn the_calling_thread_and_the_runtime_take_turns_on_one_connection() {
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let url = server.url("/");
    let pool = Pool::builder().build();
    let rt = runtime();
    for i in 0..8 {
        let body = if i % 3 == 0 {
            rt.block_on(get(&pool, &url))
        } else {
            block_on(&rt, get(&pool, &url))
        };
        assert_eq!(body.unwrap(), "ok");
    }
    assert_eq!(server.accepts(), 1);
    assert_eq!(server.requests()[0].len(), 8);
}

// A socket left in blocking mode by the calling thread would make tokio's next write wait in
// `send` once the socket buffers are full, where no timer can end it: the runtime's timeout
// must still end an upload the server does not read.
#[test]
fn a_connection_read_in_blocking_mode_is_non_blocking_again_for_the_runtime() {
    let server = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::Write(Bytes::from_static(OK)),
        Step::ExpectRequest,
        Step::Write(Bytes::from_static(OK)),
        Step::HoldOpen,
    ]))
    .unwrap();
    let url = server.url("/");
    let (done, finished) = std::sync::mpsc::channel();
    let caller = std::thread::spawn(move || {
        let pool = Pool::builder().build();
        let rt = runtime();
        // The first call connects through the runtime; the second reads on this thread.
        assert_eq!(block_on(&rt, get(&pool, &url)).unwrap(), "ok");
        assert_eq!(block_on(&rt, get(&pool, &url)).unwrap(), "ok");
        let started = Instant::now();
        let unread = rt.block_on(async {
            let request = http::Request::post(&url).body(()).unwrap();
            let body = Bytes::from(vec![0u8; 64 << 20]);
            tokio::time::timeout(Duration::from_millis(300), pool.send(request, body)).await
        });
        assert!(unread.is_err(), "the server read nothing, yet: {unread:?}");
        done.send(started.elapsed()).unwrap();
    });
    let took = finished.recv_timeout(Duration::from_secs(20));
    assert!(
        took.is_ok(),
        "the upload was not ended by the runtime's timeout"
    );
    caller.join().unwrap();
    assert_eq!(server.accepts(), 1);
}

// The read timeout of a read on the calling thread is the socket's; it must still come.
#[test]
fn a_silent_server_ends_a_read_on_the_calling_thread_at_the_head_timeout() {
    let server = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::Write(Bytes::from_static(OK)),
        Step::ExpectRequest,
        Step::HoldOpen,
    ]))
    .unwrap();
    let url = server.url("/");
    let pool = Pool::builder()
        .head_timeout(Duration::from_millis(300))
        .build();
    let rt = runtime();
    assert_eq!(block_on(&rt, get(&pool, &url)).unwrap(), "ok");
    let started = Instant::now();
    let e = block_on(&rt, get(&pool, &url)).unwrap_err();
    assert!(matches!(e, tarry_pool::Error::Timeout(_)), "{e:?}");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(server.accepts(), 1);
}
