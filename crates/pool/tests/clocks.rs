//! The clocks of an exchange: the read timeout as the longest silence (the wait for the head
//! included), the optional head deadline, and a caller's deadline over everything.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Request;
use tarry_pool::{Error, Phase, Pool, SendOptions};
use tarry_testkit::{Script, ScriptedServer, Step};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
const MS: fn(u64) -> Duration = Duration::from_millis;

fn get(server: &ScriptedServer) -> Request<()> {
    Request::get(server.url("/")).body(()).unwrap()
}

/// Answers after `pause` of silence.
fn late(pause: Duration) -> ScriptedServer {
    ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::Sleep(pause),
        Step::write(OK),
    ]))
    .unwrap()
}

#[tokio::test]
async fn the_read_timeout_bounds_the_silence_before_the_head() {
    let server = late(MS(1500));
    let pool = Pool::builder().read_timeout(MS(300)).build();
    let started = Instant::now();
    let err = pool.send(get(&server), Bytes::new()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(Phase::Head)), "{err:?}");
    assert!(started.elapsed() < MS(1200), "{:?}", started.elapsed());

    // A head that drips in, each byte well within the read timeout, is not cut.
    let server = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::write_slowly(OK, 4, MS(150)),
    ]))
    .unwrap();
    let response = pool.send(get(&server), Bytes::new()).await.unwrap();
    assert_eq!(response.bytes().await.unwrap(), "ok");
}

#[tokio::test]
async fn a_head_deadline_also_bounds_a_head_that_drips() {
    let server = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::write_slowly(OK, 4, MS(200)),
    ]))
    .unwrap();
    let pool = Pool::builder().head_timeout(MS(300)).build();
    let err = pool.send(get(&server), Bytes::new()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(Phase::Head)), "{err:?}");
}

#[tokio::test]
async fn a_deadline_bounds_the_head_and_the_body() {
    let server = late(MS(1500));
    let pool = Pool::new();
    let options = SendOptions::new().deadline(std::time::Instant::now() + MS(300));
    let started = Instant::now();
    let err = pool
        .send_with(get(&server), Bytes::new(), &options)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(Phase::Head)), "{err:?}");
    assert!(started.elapsed() < MS(1200), "{:?}", started.elapsed());

    // The body, read after the response came back, is held to the same deadline.
    let head = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n";
    let server = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::write(head),
        Step::write_slowly("abcdef", 1, MS(150)),
    ]))
    .unwrap();
    let options = SendOptions::new().deadline(std::time::Instant::now() + MS(400));
    let response = pool
        .send_with(get(&server), Bytes::new(), &options)
        .await
        .unwrap();
    let err = response.bytes().await.unwrap_err();
    assert!(matches!(err, Error::Timeout(Phase::Body)), "{err:?}");
}

#[tokio::test]
async fn a_deadline_already_past_waits_for_nothing() {
    // Whatever the connect and read timeouts say, the exchange ends at once, in whichever
    // phase it had reached (a loopback connect may complete in its first poll).
    let server = late(MS(1000));
    let pool = Pool::builder()
        .connect_timeout(Duration::from_secs(30))
        .read_timeout(Duration::from_secs(30))
        .build();
    let options = SendOptions::new().deadline(std::time::Instant::now());
    let started = Instant::now();
    let err = pool
        .send_with(get(&server), Bytes::new(), &options)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(started.elapsed() < MS(500), "{:?}", started.elapsed());
}
