//! Section E of the behaviour checklist: timeouts. Bounds are generous (the VM is noisy):
//! the lower ones are set by httpbin's own pacing, the upper ones leave seconds to spare.
//!
//! E2 (requests' `(connect, read)` tuple and its ValueError) has no counterpart: each
//! timeout is its own typed setting, so there is nothing invalid to pass. E6 (ConnectTimeout
//! as a ConnectionError) needs a peer that never completes the handshake, which loopback
//! httpbin cannot be; the pool's tests cover the connect timeout.

use std::time::{Duration, Instant};

use tarry_session::{Error, Phase, Session, TimeoutKind};

use crate::harness::{Relay, RelayMode, addr_of, httpbin};

const SECOND: Duration = Duration::from_secs(1);

fn timeout_of(err: &Error) -> (TimeoutKind, Phase) {
    match err {
        Error::Timeout { timeout, phase, .. } => (*timeout, *phase),
        other => panic!("not a timeout: {other:?}"),
    }
}

/// requests has no session timeout (and none by default). Here a session has finite connect
/// and read defaults, and each request may override each one, `None` included.
#[tokio::test]
async fn e01_a_session_default_timeout_that_requests_override() {
    let Some(b) = httpbin() else { return };
    let t = Session::new().defaults().timeouts;
    assert_eq!(t.connect, Some(10 * SECOND));
    assert_eq!((t.read, t.total), (Some(30 * SECOND), None));

    // Waiting for the head is a silence like any other.
    let s = Session::builder().read_timeout(SECOND).build().unwrap();
    let url = format!("{b}/delay/3");
    let err = s.get(&url).send().await.unwrap_err();
    assert_eq!(timeout_of(&err), (TimeoutKind::Read, Phase::Head));
    let r = s.get(&url).read_timeout(None).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = s.get(&url).read_timeout(10 * SECOND).send().await.unwrap();
    assert_eq!(r.status(), 200);

    // The call's deadline is another clock: short gaps, but a long exchange.
    let s = Session::builder().timeout(SECOND).build().unwrap();
    let drip = format!("{b}/drip?numbytes=10&duration=3&delay=0");
    let err = match s.get(&drip).send().await {
        Ok(r) => r.bytes().await.unwrap_err(),
        Err(e) => e,
    };
    assert_eq!(err.timeout(), Some(TimeoutKind::Total), "{err}");
    let r = s.get(&drip).timeout(None).send().await.unwrap();
    assert_eq!(r.bytes().await.unwrap().len(), 10);
}

#[tokio::test]
async fn e03_the_read_timeout_is_the_longest_silence_not_a_total() {
    let Some(b) = httpbin() else { return };
    let s = Session::builder().read_timeout(2 * SECOND).build().unwrap();
    let started = Instant::now();
    let r = s
        .get(format!("{b}/drip?numbytes=10&duration=3&delay=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap().len(), 10);
    assert!(started.elapsed() >= Duration::from_millis(2500));
}

#[tokio::test]
async fn e04_waiting_for_the_head_past_the_read_timeout_is_a_read_timeout() {
    let Some(b) = httpbin() else { return };
    let url = format!("{b}/delay/10");
    let started = Instant::now();
    let err = Session::new()
        .get(&url)
        .read_timeout(SECOND)
        .send()
        .await
        .unwrap_err();
    assert!(started.elapsed() < 8 * SECOND, "{:?}", started.elapsed());
    assert_eq!(timeout_of(&err), (TimeoutKind::Read, Phase::Head));
    let message = err.to_string();
    assert!(
        message.contains(&url) && message.contains("the read timeout expired"),
        "{message}"
    );
}

/// Decided against requests' E5 quirk (a read timeout in the body is a ConnectionError, not
/// a Timeout): it is the same `Error::Timeout`, with the phase saying `Body`.
#[tokio::test]
async fn e05_a_silence_in_the_body_is_a_timeout_with_phase_body() {
    let Some(b) = httpbin() else { return };
    let url = format!("{b}/drip?numbytes=2&duration=6&delay=0");
    let r = Session::new()
        .get(&url)
        .read_timeout(SECOND)
        .send()
        .await
        .unwrap();
    let err = r.bytes().await.unwrap_err();
    assert_eq!(timeout_of(&err), (TimeoutKind::Read, Phase::Body));
    assert!(err.to_string().contains(&url), "{err}");
}

/// A relay holds every response back 1 s. Under a 3 s read timeout the four-hop chain
/// succeeds, since each wait is a fresh silence; under a 3 s `timeout` it fails, since that
/// covers the whole call.
#[tokio::test]
async fn e07_the_read_timeout_is_per_wait_and_the_timeout_per_call() {
    let Some(b) = httpbin() else { return };
    let mode = RelayMode {
        delay_responses: Some(SECOND),
        ..RelayMode::default()
    };
    let relay = Relay::start(addr_of(&b), mode).await;
    let url = format!("{}/redirect/3", relay.base);
    let started = Instant::now();
    let s = Session::new();
    let r = s.get(&url).read_timeout(3 * SECOND).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.history().len(), 3);
    assert!(started.elapsed() > 3 * SECOND, "{:?}", started.elapsed());

    let started = Instant::now();
    let err = s.get(&url).timeout(3 * SECOND).send().await.unwrap_err();
    assert_eq!(err.timeout(), Some(TimeoutKind::Total), "{err}");
    let took = started.elapsed();
    assert!(took >= 3 * SECOND && took < 5 * SECOND, "{took:?}");
}

/// `elapsed` runs from sending to having the head; the body's time is not in it.
#[tokio::test]
async fn e08_elapsed_ends_when_the_head_arrives() {
    let Some(b) = httpbin() else { return };
    let started = Instant::now();
    let r = Session::new()
        .get(format!("{b}/drip?numbytes=4&duration=4&delay=0"))
        .send()
        .await
        .unwrap();
    let elapsed = r.elapsed();
    r.bytes().await.unwrap();
    assert!(started.elapsed() >= 3 * SECOND);
    assert!(elapsed < 2 * SECOND, "{elapsed:?}");
}
