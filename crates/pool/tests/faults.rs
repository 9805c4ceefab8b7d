//! Faults over plain TCP, one test (or a few) per row of the security catalogue (`docs/security.md`): resets in the middle
//! of a response (POOL-03), request state leaking into the next request on a pooled connection
//! (POOL-07), file descriptors of connections the server closed while idle (POOL-10), connect
//! failures (POOL-12) and the retry policy (POOL-14).
//!
//! Every server is a scripted one (`tarry-testkit`) on 127.0.0.1, which records each request it
//! reads on the connection it came on; the record and the accept count are the oracles. Every
//! await on the client is bounded, so a hang fails the test instead of stalling the run.
//!
//! POOL-10 counts this process's file descriptors, and the tests of one file share a process:
//! every test here runs through [`serial`], so that no other test opens sockets while one counts.

use std::future::Future;
use std::io::ErrorKind;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Request;
use tarry_pool::{Error, Phase, Pool};
use tarry_testkit::{Gate, Script, ScriptedServer, Step};
use tokio::net::{TcpSocket, TcpStream};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
/// Half a response head, then nothing.
const HALF_A_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Len";

/// Longest any single client step may take before the test calls it a hang. Generous: the VM
/// is shared with other builds.
const HANG: Duration = Duration::from_secs(10);

/// Runs one test on its own current-thread runtime, one test of this file at a time (see the
/// module docs). The runtime is built and dropped under the lock, since it has descriptors too.
fn serial<F: Future>(test: F) -> F::Output {
    static SERIAL: Mutex<()> = Mutex::new(());
    let _one_at_a_time = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(test)
}

/// `fut`, or a panic naming `what` if it takes longer than [`HANG`].
async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    match tokio::time::timeout(HANG, fut).await {
        Ok(out) => out,
        Err(_) => panic!("{what}: still waiting after {HANG:?}"),
    }
}

/// The requests `server` read whose request line names `path`, with the index of the
/// connection (in accept order) each came on.
fn requests_for(server: &ScriptedServer, path: &str) -> Vec<(usize, Bytes)> {
    let line = format!(" {path} HTTP/1.1\r\n");
    let mut found = Vec::new();
    for (conn, requests) in server.requests().into_iter().enumerate() {
        for r in requests {
            let first = r.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
            if String::from_utf8_lossy(&r[..first]).ends_with(&line) {
                found.push((conn, r));
            }
        }
    }
    found
}

/// How many requests `server` read, on all its connections.
fn request_count(server: &ScriptedServer) -> usize {
    server.requests().concat().len()
}

fn request(method: &str, server: &ScriptedServer, path: &str) -> Request<()> {
    Request::builder()
        .method(method)
        .uri(server.url(path))
        .body(())
        .unwrap()
}

fn get(server: &ScriptedServer, path: &str) -> Request<()> {
    request("GET", server, path)
}

/// Sends, failing the test on an error or a hang.
async fn fetch_ok(pool: &Pool, request: Request<()>, body: Bytes) -> tarry_pool::Response {
    within("request", pool.send(request, body)).await.unwrap()
}

// ------------------------------------------------------------------------------- POOL-03

#[test]
fn pool_03_a_reset_in_the_middle_of_the_body_is_an_error_and_never_retried() {
    serial(async {
        // Head and 100 of 1000 body bytes; then, once the client has the head, RST.
        let client_has_head = Gate::new();
        let mut partial = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".to_vec();
        partial.extend_from_slice(&[b'x'; 100]);
        let s = ScriptedServer::repeating(Script::new([
            Step::ExpectRequest,
            Step::write(partial),
            Step::Wait(client_has_head.clone()),
            Step::Reset,
        ]))
        .unwrap();
        let pool = Pool::new();
        let mut response = fetch_ok(&pool, get(&s, "/"), Bytes::new()).await;
        assert_eq!(response.status(), 200);
        client_has_head.open();

        let mut got = 0;
        let err = loop {
            match within("body", response.chunk()).await {
                Ok(Some(piece)) => got += piece.len(),
                Ok(None) => panic!("a body of 1000 bytes ended after {got}"),
                Err(e) => break e,
            }
        };
        assert!(got <= 100, "{got} body bytes from a server that sent 100");
        match &err {
            Error::Io(Phase::Body, e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset, "{err}"),
            Error::Protocol(Phase::Body, _) => {}
            other => panic!("expected a body error, got {other:?}"),
        }
        drop(response);

        assert_eq!(
            (s.accepts(), request_count(&s)),
            (1, 1),
            "the request was retried"
        );
        let stats = pool.stats();
        assert_eq!((stats.idle, stats.retried), (0, 0), "{stats:?}");
        assert_eq!(stats.closed.error, 1, "{stats:?}");
    })
}

#[test]
fn pool_03_a_reset_after_half_a_head_on_a_fresh_connection_is_an_error_not_a_retry() {
    serial(async {
        let s = ScriptedServer::repeating(Script::new([
            Step::ExpectRequest,
            Step::write(HALF_A_HEAD),
            Step::Reset,
        ]))
        .unwrap();
        let pool = Pool::new();
        let err = within("send", pool.send(get(&s, "/"), Bytes::new()))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Io(Phase::Head, _)
                    | Error::Protocol(Phase::Head, _)
                    | Error::ClosedBeforeResponse { retried: false }
            ),
            "{err:?}"
        );
        // A GET, but on a fresh connection: nothing to blame on a stale socket, so no retry.
        assert_eq!((s.accepts(), request_count(&s)), (1, 1));
        let stats = pool.stats();
        assert_eq!((stats.idle, stats.retried), (0, 0), "{stats:?}");
    })
}

#[test]
fn pool_03_a_reset_after_half_a_head_on_a_reused_connection_is_not_retried() {
    serial(async {
        // Response bytes arrived before the reset: the server has seen and acted on the request,
        // so even a GET is not sent again.
        let first = Script::new([
            Step::ExpectRequest,
            Step::write(OK),
            Step::ExpectRequest,
            Step::write(HALF_A_HEAD),
            Step::Reset,
        ]);
        let s = ScriptedServer::start_then([first], Script::answer_all(OK)).unwrap();
        let pool = Pool::new();
        let first = fetch_ok(&pool, get(&s, "/first"), Bytes::new()).await;
        assert_eq!(within("body", first.bytes()).await.unwrap(), "ok");
        let err = within("send", pool.send(get(&s, "/second"), Bytes::new()))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Io(Phase::Head, _) | Error::Protocol(Phase::Head, _)
            ),
            "{err:?}"
        );
        assert_eq!(requests_for(&s, "/second").len(), 1, "the GET was retried");
        assert_eq!(s.accepts(), 1);
        assert_eq!(pool.stats().retried, 0);
    })
}

// ------------------------------------------------------------------------------- POOL-07

#[test]
fn pool_07_authorization_does_not_carry_over_to_the_next_request_on_a_connection() {
    serial(async {
        let s = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
        let pool = Pool::new();
        let mut with_auth = get(&s, "/private");
        with_auth.headers_mut().insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("Basic dXNlcjpzZWNyZXQ="),
        );
        let first = fetch_ok(&pool, with_auth, Bytes::new()).await;
        assert_eq!(within("body", first.bytes()).await.unwrap(), "ok");
        let second = fetch_ok(&pool, get(&s, "/public"), Bytes::new()).await;
        assert!(second.reused());
        assert_eq!(within("body", second.bytes()).await.unwrap(), "ok");

        assert_eq!(s.accepts(), 1, "both requests should share one connection");
        let head = |path| {
            let found = requests_for(&s, path);
            assert_eq!(found.len(), 1, "{path}");
            String::from_utf8_lossy(&found[0].1).to_ascii_lowercase()
        };
        // The record itself works: the first request carried the header.
        assert!(
            head("/private").contains("\r\nauthorization: basic dxnlcjpzzwnyzxq=\r\n"),
            "{}",
            head("/private")
        );
        assert!(
            !head("/public").contains("authorization"),
            "credentials leaked into the next request: {}",
            head("/public")
        );
    })
}

// ------------------------------------------------------------------------------- POOL-10

/// This process's open file descriptors.
#[cfg(target_os = "linux")]
fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// This process's TCP sockets on `port`: (client side, connected to it; server side, bound to
/// it, the listener included). Matched by inode between `/proc/self/fd` and `/proc/net/tcp`.
#[cfg(target_os = "linux")]
fn sockets_on(port: u16) -> (usize, usize) {
    use std::collections::HashMap;
    let port_of = |field: &str| {
        let hex = field.rsplit(':').next().unwrap();
        u16::from_str_radix(hex, 16).unwrap()
    };
    let table = std::fs::read_to_string("/proc/self/net/tcp").unwrap();
    let mut by_inode = HashMap::new();
    for line in table.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (local, remote, inode) = (port_of(fields[1]), port_of(fields[2]), fields[9]);
        if inode != "0" {
            by_inode.insert(inode.to_owned(), (local, remote));
        }
    }
    let (mut client, mut server) = (0, 0);
    for entry in std::fs::read_dir("/proc/self/fd").unwrap() {
        let Ok(target) = std::fs::read_link(entry.unwrap().path()) else {
            continue; // the directory's own descriptor, gone by now
        };
        let target = target.to_string_lossy().into_owned();
        let Some(inode) = target
            .strip_prefix("socket:[")
            .and_then(|t| t.strip_suffix(']'))
        else {
            continue;
        };
        match by_inode.get(inode) {
            Some(&(_, remote)) if remote == port => client += 1,
            Some(&(local, _)) if local == port => server += 1,
            _ => {}
        }
    }
    (client, server)
}

#[cfg(target_os = "linux")]
#[test]
fn pool_10_connections_the_server_closed_while_idle_leak_no_descriptors() {
    serial(async {
        const N: usize = 50;
        // The first N connections each answer one request, but only once all N requests are in
        // (the test opens `all_in` when the record has them), so the pool must open N
        // connections; then they hold until told to close. Later ones are ordinary keep-alive
        // connections.
        let (all_in, close_all) = (Gate::new(), Gate::new());
        let one_then_hold = Script::new([
            Step::ExpectRequest,
            Step::Wait(all_in.clone()),
            Step::Sleep(Duration::from_millis(50)),
            Step::write(OK),
            Step::Wait(close_all.clone()),
            Step::Close,
        ]);
        let s = ScriptedServer::start_then(vec![one_then_hold; N], Script::answer_all(OK)).unwrap();
        // Listener up, nothing connected: the baseline.
        let baseline = fd_count();
        assert_eq!(sockets_on(s.port()), (0, 1));

        // Room for all N idle (the default keeps 32 per host).
        let pool = Pool::builder().max_idle_per_host(64).build();
        let tasks: Vec<_> = (0..N)
            .map(|_| {
                let (pool, request) = (pool.clone(), get(&s, "/"));
                tokio::spawn(async move {
                    let response = pool.send(request, Bytes::new()).await?;
                    response.bytes().await
                })
            })
            .collect();
        within("all N requests at the server", async {
            while request_count(&s) < N {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await;
        all_in.open();
        for task in tasks {
            assert_eq!(within("request", task).await.unwrap().unwrap(), "ok");
        }
        assert_eq!(s.accepts(), N);
        assert_eq!(pool.stats().idle, N);
        assert_eq!(sockets_on(s.port()), (N, N + 1));
        println!(
            "fds: baseline {baseline}, with {N} idle connections {}",
            fd_count()
        );

        // The server closes all N idle connections.
        close_all.open();
        within("server closing its sockets", async {
            while s.connections()[..N].iter().any(|c| c.ended.is_none()) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await;
        // Give the FINs a moment to land (loopback: immediate, but the VM is noisy).
        tokio::time::sleep(Duration::from_millis(50)).await;

        // The next checkout finds them dead (or the sweep already did): all evicted and closed.
        let response = fetch_ok(&pool, get(&s, "/next"), Bytes::new()).await;
        assert!(!response.reused() && !response.retried());
        assert_eq!(within("body", response.bytes()).await.unwrap(), "ok");
        let stats = pool.stats();
        assert!(stats.idle <= 1, "{stats:?}");
        assert_eq!(stats.closed.stale, N as u64, "{stats:?}");
        assert_eq!(s.accepts(), N + 1);

        let (client, server_side) = sockets_on(s.port());
        let now = fd_count();
        println!(
            "fds: baseline {baseline}, after eviction {now}; \
             sockets on the port: {client} client, {server_side} server"
        );
        assert_eq!(
            client, stats.idle,
            "client sockets to the server outlived their eviction"
        );
        assert!(server_side <= 2, "server sockets: {server_side}");
        assert!(
            now <= baseline + 4,
            "{now} descriptors open, baseline {baseline}: the evicted connections leaked"
        );
    })
}

// ------------------------------------------------------------------------------- POOL-12

#[test]
fn pool_12_a_name_that_does_not_resolve_is_a_resolve_error() {
    serial(async {
        // RFC 6761: `.invalid` never resolves. The system resolver may take a moment to say so.
        let pool = Pool::new();
        let started = Instant::now();
        let request = Request::get("http://nothing.invalid/").body(()).unwrap();
        let err = within("resolving", pool.send(request, Bytes::new()))
            .await
            .unwrap_err();
        println!("resolve failure after {:?}: {err}", started.elapsed());
        assert!(
            matches!(err, Error::Io(Phase::Resolve, _) | Error::NoAddress),
            "{err:?}"
        );
        assert_eq!(pool.stats().opened, 0);
    })
}

#[test]
fn pool_12_a_closed_port_is_connection_refused() {
    serial(async {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        }; // dropped: nothing listens there now
        let pool = Pool::new();
        let request = Request::get(format!("http://127.0.0.1:{port}/"))
            .body(())
            .unwrap();
        let err = within("connecting", pool.send(request, Bytes::new()))
            .await
            .unwrap_err();
        match &err {
            Error::Io(Phase::Connect, e) => assert_eq!(e.kind(), ErrorKind::ConnectionRefused),
            other => panic!("expected a refused connect, got {other:?}"),
        }
        let stats = pool.stats();
        assert_eq!((stats.opened, stats.idle), (0, 0), "{stats:?}");
    })
}

#[test]
fn pool_12_a_connect_that_never_completes_times_out() {
    serial(async {
        // A listener that never accepts, with the smallest backlog. Once its accept queue is full,
        // Linux drops further SYNs, so a connect gets no answer (until a retransmit, 1 s later).
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(([127, 0, 0, 1], 0).into()).unwrap();
        let listener = socket.listen(1).unwrap();
        let addr = listener.local_addr().unwrap();
        // Fill the queue: connect until one connect stalls. A loopback connect that is answered
        // takes microseconds; 800 ms is so that a loaded VM is not mistaken for a dropped SYN.
        let mut fillers = Vec::new();
        let mut stalled = false;
        for _ in 0..16 {
            match tokio::time::timeout(Duration::from_millis(800), TcpStream::connect(addr)).await {
                Ok(Ok(stream)) => fillers.push(stream),
                Ok(Err(e)) => panic!("filling the backlog: {e}"),
                Err(_) => {
                    stalled = true;
                    break;
                }
            }
        }
        assert!(
            stalled,
            "{} connects to a listener with backlog 1 all completed: SYNs are not dropped here, \
             so this host cannot produce a connect that hangs",
            fillers.len()
        );

        let pool = Pool::builder()
            .connect_timeout(Duration::from_millis(200))
            .build();
        let started = Instant::now();
        let request = Request::get(format!("http://{addr}/")).body(()).unwrap();
        let err = within("connecting", pool.send(request, Bytes::new()))
            .await
            .unwrap_err();
        let took = started.elapsed();
        println!("connect timeout after {took:?} ({} fillers)", fillers.len());
        assert!(matches!(err, Error::Timeout(Phase::Connect)), "{err:?}");
        assert!(
            took >= Duration::from_millis(190) && took < Duration::from_secs(2),
            "{took:?}"
        );
        let stats = pool.stats();
        assert_eq!((stats.opened, stats.idle), (0, 0), "{stats:?}");
        drop(listener);
    })
}

// ------------------------------------------------------------------------------- POOL-14

/// A server whose first connection answers `/warm`, then reads the next request and resets;
/// later connections answer everything.
fn resets_the_second_request() -> ScriptedServer {
    let first = Script::new([
        Step::ExpectRequest,
        Step::write(OK),
        Step::ExpectRequest,
        Step::Reset,
    ]);
    ScriptedServer::start_then([first], Script::answer_all(OK)).unwrap()
}

/// Warms the pool with one request, so that the next one goes out on a reused connection.
async fn warmed_pool(s: &ScriptedServer) -> Pool {
    let pool = Pool::new();
    let warm = fetch_ok(&pool, get(s, "/warm"), Bytes::new()).await;
    assert_eq!(within("body", warm.bytes()).await.unwrap(), "ok");
    assert_eq!(pool.stats().idle, 1);
    pool
}

#[test]
fn pool_14_a_get_reset_on_a_reused_connection_is_retried_once() {
    serial(async {
        let s = resets_the_second_request();
        let pool = warmed_pool(&s).await;
        let response = fetch_ok(&pool, get(&s, "/target"), Bytes::new()).await;
        assert!(response.retried() && !response.reused());
        assert_eq!(within("body", response.bytes()).await.unwrap(), "ok");
        let seen = requests_for(&s, "/target");
        assert_eq!(
            seen.iter().map(|(conn, _)| *conn).collect::<Vec<_>>(),
            [0, 1]
        );
        assert_eq!(s.accepts(), 2);
        assert_eq!(pool.stats().retried, 1);
    })
}

#[test]
fn pool_14_a_post_reset_on_a_reused_connection_is_not_retried() {
    serial(async {
        let s = resets_the_second_request();
        let pool = warmed_pool(&s).await;
        let post = request("POST", &s, "/target");
        let err = within("send", pool.send(post, Bytes::from_static(b"item=1")))
            .await
            .unwrap_err();
        println!("POST: {err}");
        assert!(
            matches!(
                err,
                Error::Io(Phase::Head, _) | Error::ClosedBeforeResponse { retried: false }
            ),
            "{err:?}"
        );
        let seen = requests_for(&s, "/target");
        assert_eq!(seen.len(), 1, "the POST was sent again");
        assert!(seen[0].1.ends_with(b"\r\n\r\nitem=1"));
        assert_eq!(s.accepts(), 1);
        assert_eq!(pool.stats().retried, 0);
    })
}

#[test]
fn pool_14_a_put_reset_on_a_reused_connection_is_replayed_byte_for_byte() {
    serial(async {
        let s = resets_the_second_request();
        let pool = warmed_pool(&s).await;
        // A body of some size, so that a replay that lost or reordered part of it would show.
        let body: Vec<u8> = (0..=250u8).cycle().take(20_000).collect();
        let mut put = request("PUT", &s, "/target");
        put.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/octet-stream"),
        );
        let response = fetch_ok(&pool, put, Bytes::from(body.clone())).await;
        assert!(response.retried());
        assert_eq!(within("body", response.bytes()).await.unwrap(), "ok");
        let seen = requests_for(&s, "/target");
        assert_eq!(
            seen.iter().map(|(conn, _)| *conn).collect::<Vec<_>>(),
            [0, 1]
        );
        assert!(seen[0].1.ends_with(&body), "the first copy lost its body");
        assert!(
            seen[0].1 == seen[1].1,
            "the replayed PUT differs from the original:\n{}\n---\n{}",
            String::from_utf8_lossy(&seen[0].1[..seen[0].1.len() - body.len()]),
            String::from_utf8_lossy(&seen[1].1[..seen[1].1.len().saturating_sub(body.len())])
        );
        assert_eq!(pool.stats().retried, 1);
    })
}
