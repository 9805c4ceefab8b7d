//! Section D of the behaviour checklist: kept-alive connections, observed through the pool's
//! counters (`s.stats()`), `r.reused()`, and a relay that counts accepted connections.

use std::time::{Duration, Instant};

use tarry_session::{Error, Session};
use tokio::task::JoinSet;

use crate::harness::{Relay, RelayMode, addr_of, as_localhost, both, httpbin};

/// Sends GET `url` and reads the body to its end; returns whether the connection was reused.
async fn get(s: &Session, url: &str) -> bool {
    let r = s.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    let reused = r.reused();
    r.bytes().await.unwrap();
    reused
}

/// Sends `n` GETs of `url` at once and waits for all (bodies read).
async fn concurrently(s: &Session, url: &str, n: usize) {
    let mut set = JoinSet::new();
    for _ in 0..n {
        let (s, url) = (s.clone(), url.to_owned());
        set.spawn(async move { get(&s, &url).await });
    }
    while let Some(done) = set.join_next().await {
        done.unwrap();
    }
}

/// Waits (at most 10 s) until the pool's stats satisfy `ok`.
async fn until(s: &Session, ok: impl Fn(&tarry_session::Stats) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ok(&s.stats()) {
        assert!(Instant::now() < deadline, "{:?}", s.stats());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn ten_requests_through_one_session_open_one_connection() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    for _ in 0..10 {
        get(&s, &format!("{b}/get")).await;
    }
    let stats = s.stats();
    assert_eq!((stats.opened, stats.reused), (1, 9), "{stats:?}");
}

/// requests mounts one adapter per scheme prefix; a session here has one pool for every
/// origin (there is nothing to mount), and refuses schemes it cannot speak.
#[tokio::test]
async fn d01_one_pool_serves_every_origin() {
    let Some((b, b2)) = both() else { return };
    let s = Session::new();
    for base in [&b, &b2, &as_localhost(&b)] {
        get(&s, &format!("{base}/get")).await;
        assert_eq!(s.host_stats(base).unwrap().opened, 1, "{base}");
    }
    assert_eq!(s.stats().idle, 3);
    let err = s.get("ftp://127.0.0.1/").send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidUrl { .. }), "{err}");
    assert!(err.to_string().contains("ftp://127.0.0.1/"), "{err}");
}

/// Connections are keyed by scheme, host (lowercased) and port.
#[tokio::test]
async fn d02_the_pool_key_is_scheme_host_and_port() {
    let Some((b, b2)) = both() else { return };
    let s = Session::new();
    let local = as_localhost(&b);
    assert!(!get(&s, &format!("{b}/get")).await);
    assert!(!get(&s, &format!("{local}/get")).await, "another host");
    assert!(!get(&s, &format!("{b2}/get")).await, "another port");
    let shouting = local.replace("localhost", "LOCALHOST");
    assert!(get(&s, &format!("{shouting}/get")).await, "host case");
    assert_eq!(s.stats().opened, 3);
}

/// `max_idle_per_host` is how many idle connections one origin keeps; the others close.
#[tokio::test]
async fn d03_idle_connections_kept_per_host_are_capped() {
    let Some(b) = httpbin() else { return };
    let s = Session::builder().max_idle_per_host(2).build().unwrap();
    concurrently(&s, &format!("{b}/delay/1"), 4).await;
    let stats = s.stats();
    assert_eq!(stats.opened, 4, "{stats:?}");
    assert_eq!(stats.idle, 2, "{stats:?}");
    assert_eq!(stats.closed.limit, 2, "{stats:?}");
}

#[tokio::test]
async fn d04_sequential_requests_reuse_one_connection() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let reused: Vec<bool> = {
        let mut v = Vec::new();
        for _ in 0..5 {
            v.push(get(&s, &format!("{b}/get")).await);
        }
        v
    };
    assert_eq!(reused, [false, true, true, true, true]);
    assert_eq!(s.stats().opened, 1);
}

/// Without a per-host cap, busy connections do not make callers wait: more are opened, and
/// all of them are kept afterwards (up to the idle cap, 32 by default).
#[tokio::test]
async fn d05_without_a_cap_busy_connections_make_new_ones() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    concurrently(&s, &format!("{b}/delay/1"), 6).await;
    let stats = s.stats();
    assert_eq!((stats.opened, stats.idle), (6, 6), "{stats:?}");
}

/// With `max_connections_per_host(2)`, four concurrent one-second requests share two
/// connections, so they take at least two seconds.
#[tokio::test]
async fn d06_a_per_host_cap_makes_callers_wait() {
    let Some(b) = httpbin() else { return };
    let s = Session::builder()
        .max_connections_per_host(2)
        .build()
        .unwrap();
    let started = Instant::now();
    concurrently(&s, &format!("{b}/delay/1"), 4).await;
    let stats = s.stats();
    assert_eq!((stats.opened, stats.reused), (2, 2), "{stats:?}");
    assert!(started.elapsed() >= Duration::from_millis(1900));
}

/// A relay in front of httpbin closes connections idle for 1 s (a short server keep-alive);
/// after 2 s idle, the next request notices and opens a new connection, without an error.
#[tokio::test]
async fn d07_a_stale_connection_is_replaced_silently() {
    let Some(b) = httpbin() else { return };
    let mode = RelayMode {
        close_idle_after: Some(Duration::from_secs(1)),
        ..RelayMode::default()
    };
    let relay = Relay::start(addr_of(&b), mode).await;
    let s = Session::new();
    get(&s, &format!("{}/get", relay.base)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(!get(&s, &format!("{}/get", relay.base)).await);
    assert_eq!(relay.accepted(), 2);
    assert_eq!(s.stats().opened, 2);
}

/// The race requests does not handle (its most reported complaint): the server drops a reused
/// connection as the request arrives. An idempotent request is sent once more on a fresh
/// connection.
#[tokio::test]
async fn d08_a_reused_connection_dropped_before_the_response_is_retried_once() {
    let Some(b) = httpbin() else { return };
    let mode = RelayMode {
        drop_second_request: true,
        ..RelayMode::default()
    };
    let relay = Relay::start(addr_of(&b), mode).await;
    let s = Session::new();
    get(&s, &format!("{}/get", relay.base)).await;
    assert!(!get(&s, &format!("{}/get", relay.base)).await);
    assert_eq!(relay.accepted(), 2);
    assert_eq!(s.stats().retried, 1);
}

/// There is no configurable retry policy (requests' `max_retries`); the one safe retry is
/// never used for a POST the server may have received: the failure is reported.
#[tokio::test]
async fn d09_a_post_that_reached_the_server_is_not_retried() {
    let Some(b) = httpbin() else { return };
    let mode = RelayMode {
        drop_second_request: true,
        ..RelayMode::default()
    };
    let relay = Relay::start(addr_of(&b), mode).await;
    let s = Session::new();
    get(&s, &format!("{}/get", relay.base)).await;
    let url = format!("{}/post", relay.base);
    let err = s.post(&url).body("x").send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    assert!(err.to_string().contains(&url), "{err}");
    assert_eq!(relay.accepted(), 1);
    assert_eq!(s.stats().retried, 0);
}

#[tokio::test]
async fn d10_connection_refused_is_a_connect_error_naming_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = format!("http://127.0.0.1:{port}/get");
    let err = Session::new().get(&url).send().await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains(&url), "{err}");
    assert_eq!(err.url().map(|u| u.as_str()), Some(url.as_str()));
}

/// A connection goes back only once its body is read. Unlike requests (which closes the
/// socket of any unread body), a small rest is drained and the connection kept; a body that
/// does not come quickly closes the connection.
#[tokio::test]
async fn d11_only_a_fully_read_body_frees_the_connection_for_reuse() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let slow = s
        .get(format!("{b}/drip?numbytes=5&duration=5&delay=0"))
        .send()
        .await
        .unwrap();
    drop(slow);
    // The drain gives up after a moment and closes the connection.
    until(&s, |stats| stats.closed.not_reusable == 1).await;
    assert!(
        !get(&s, &format!("{b}/get")).await,
        "the slow one was closed"
    );

    let small = s.get(format!("{b}/bytes/100")).send().await.unwrap();
    assert!(small.reused());
    drop(small);
    until(&s, |stats| stats.idle == 1).await;
    assert!(
        get(&s, &format!("{b}/get")).await,
        "the small one was drained"
    );
    assert_eq!(s.stats().opened, 2);
}

/// gunicorn overrides a `Connection` header the app sets, so only the request side can be
/// shown with httpbin: `Connection: close` from the caller means the connection is not kept.
#[tokio::test]
async fn d12_connection_close_is_not_reused() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s
        .get(format!("{b}/get"))
        .header("connection", "close")
        .send()
        .await
        .unwrap();
    r.bytes().await.unwrap();
    assert!(!get(&s, &format!("{b}/get")).await);
    assert_eq!(s.stats().opened, 2);
}

/// Decided against requests (a closed session keeps working): after `close()` the idle
/// connections are gone and every clone refuses requests with `Error::Closed`.
#[tokio::test]
async fn d13_close_shuts_idle_connections_and_refuses_later_requests() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let clone = s.clone();
    get(&s, &format!("{b}/get")).await;
    assert_eq!(s.stats().idle, 1);
    s.close().await;
    assert_eq!(s.stats().idle, 0);
    assert!(clone.is_closed());
    let err = clone.get(format!("{b}/get")).send().await.unwrap_err();
    assert!(matches!(err, Error::Closed), "{err}");
}

/// No context manager is needed: reading the body to its end gives the connection back at
/// once, while the response is still alive; dropping the response is the `close()`.
#[tokio::test]
async fn d14_a_fully_read_response_returns_its_connection_at_once() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let mut r = s.get(format!("{b}/stream/4")).send().await.unwrap();
    assert_eq!(s.stats().in_use, 1);
    while r.chunk().await.unwrap().is_some() {}
    let stats = s.stats();
    assert_eq!((stats.idle, stats.in_use), (1, 0), "{stats:?}");
    drop(r);
    assert!(get(&s, &format!("{b}/get")).await);
}

/// Unlike requests, which promises nothing, a session is `Send + Sync` and its clones share
/// one pool safely across threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn d15_one_session_is_shared_safely_across_threads() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<Session>();
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let mut set = JoinSet::new();
    for _ in 0..4 {
        let (s, url) = (s.clone(), format!("{b}/get"));
        set.spawn(async move {
            for _ in 0..4 {
                get(&s, &url).await;
            }
        });
    }
    while let Some(done) = set.join_next().await {
        done.unwrap();
    }
    let stats = s.stats();
    assert_eq!(stats.opened + stats.reused, 16, "{stats:?}");
    assert!(stats.opened <= 4, "{stats:?}");
    assert_eq!(stats.idle as u64, stats.opened, "{stats:?}");
}
