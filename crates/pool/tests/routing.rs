//! Where connections go: resolve overrides in the pool key (POOL-06) and the race between
//! addresses when one of them does not answer (POOL-12 c, happy eyeballs; the other POOL-12
//! cases are in `faults.rs`).

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::Request;
use tarry_pool::{Pool, SendOptions};
use tarry_testkit::{Script, ScriptedServer};
use tokio::net::{TcpSocket, TcpStream};

/// A keep-alive server answering every request with `name`.
fn named_server(name: &'static str) -> ScriptedServer {
    let reply = format!("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n{name}");
    ScriptedServer::repeating(Script::answer_all(reply)).unwrap()
}

/// How many requests `server` has read, over all its connections.
fn seen(server: &ScriptedServer) -> usize {
    server.requests().concat().len()
}

async fn body(pool: &Pool, uri: &str, options: &SendOptions) -> String {
    let request = Request::get(uri).body(()).unwrap();
    let response = pool
        .send_with(request, Bytes::new(), options)
        .await
        .unwrap();
    String::from_utf8(response.bytes().await.unwrap().to_vec()).unwrap()
}

#[tokio::test]
async fn pool_06_a_resolve_override_is_part_of_the_key() {
    let (server_a, server_b) = (named_server("a"), named_server("b"));
    let (a, b) = (server_a.addr(), server_b.addr());
    let pool = Pool::new();
    let to_a = SendOptions::new().resolve_to(a);
    let to_b = SendOptions::new().resolve_to(b);
    for _ in 0..3 {
        assert_eq!(body(&pool, "http://x.test/", &to_a).await, "a");
        assert_eq!(body(&pool, "http://x.test/", &to_b).await, "b");
    }
    assert_eq!(seen(&server_a), 3);
    assert_eq!(seen(&server_b), 3);
    assert_eq!(
        pool.stats().opened,
        2,
        "one connection per route, each reused"
    );
}

#[tokio::test]
async fn pool_06_pool_wide_and_per_request_overrides_stay_apart() {
    let (server_a, server_b) = (named_server("a"), named_server("b"));
    let (a, b) = (server_a.addr(), server_b.addr());
    let pool = Pool::builder().resolve("X.test.", 80, a).build();
    assert_eq!(
        body(&pool, "http://x.test/", &SendOptions::new()).await,
        "a"
    );
    let to_b = SendOptions::new().resolve_to(b);
    assert_eq!(body(&pool, "http://x.test/", &to_b).await, "b");
    assert_eq!(
        body(&pool, "http://x.test/", &SendOptions::new()).await,
        "a"
    );
    assert_eq!(pool.stats().opened, 2);
}

/// Each thread remembers the last route a pool worked out; on one thread, pools with other
/// overrides for the same URL, and URLs that differ only in case or port, must each still go
/// where their own settings say.
#[tokio::test(flavor = "current_thread")]
async fn pool_06_the_remembered_route_is_per_pool_and_per_authority() {
    let (server_a, server_b) = (named_server("a"), named_server("b"));
    let (a, b) = (server_a.addr(), server_b.addr());
    let to_a = Pool::builder()
        .resolve("x.test", 80, a)
        .resolve("x.test", 81, b)
        .build();
    let to_b = Pool::builder().resolve("x.test", 80, b).build();
    let plain = SendOptions::new();
    for _ in 0..3 {
        assert_eq!(body(&to_a, "http://x.test/", &plain).await, "a");
        assert_eq!(body(&to_b, "http://x.test/", &plain).await, "b");
    }
    // The same pool, a per-request override, then its own route again.
    let to_b_once = SendOptions::new().resolve_to(b);
    assert_eq!(body(&to_a, "http://x.test/", &to_b_once).await, "b");
    assert_eq!(body(&to_a, "http://x.test/", &plain).await, "a");
    // Another spelling of the same origin shares its connection; another port is another
    // route, here to the other server.
    assert_eq!(body(&to_a, "http://X.TEST:80/", &plain).await, "a");
    assert_eq!(body(&to_a, "http://x.test:81/", &plain).await, "b");
    assert_eq!(body(&to_a, "http://x.test/", &plain).await, "a");
    assert_eq!(seen(&server_a), 6);
    assert_eq!(seen(&server_b), 5);
    // `to_a` opened one connection to a, one to b for the per-request override, and one for
    // port 81; every other request reused one.
    assert_eq!(to_a.stats().opened, 3);
}

/// A listener whose backlog is full and which never accepts: a connect to it gets no answer
/// (Linux drops the SYN), the nearest a loopback test gets to a dead address family.
async fn unanswering() -> (SocketAddr, Vec<TcpStream>) {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    // Fill the accept queue; each of these completes the handshake and is never accepted.
    for _ in 0..4 {
        match tokio::time::timeout(Duration::from_millis(800), TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => held.push(stream),
            _ => break,
        }
    }
    // Keep the listener open for the test's life by leaking it into a task that holds it.
    tokio::spawn(async move {
        let _listener = listener;
        tokio::time::sleep(Duration::from_secs(60)).await;
    });
    (addr, held)
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn pool_12_an_address_that_does_not_answer_is_raced_by_the_next() {
    let (dead, _held) = unanswering().await;
    let live = named_server("b");
    let pool = Pool::builder()
        .resolve("dual.test", 80, dead)
        .resolve("dual.test", 80, live.addr())
        .happy_eyeballs_delay(Duration::from_millis(150))
        .connect_timeout(Duration::from_secs(5))
        .build();
    let request = Request::get("http://dual.test/").body(()).unwrap();
    let response = pool.send(request, Bytes::new()).await.unwrap();
    let connect = response.timings().connect.unwrap();
    assert_eq!(response.bytes().await.unwrap(), "b");
    // The first address had its head start, then lost the race (well before its timeout).
    assert!(connect >= Duration::from_millis(140), "{connect:?}");
    assert!(connect < Duration::from_secs(2), "{connect:?}");
}
