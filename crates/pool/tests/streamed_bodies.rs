//! Request bodies read as they are sent: chunked framing byte for byte, announced lengths
//! held to, a failing source, an answer that stops the upload, a server that stops reading,
//! and any sequence of chunks arriving as it was given.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Request;
use proptest::prelude::*;
use tarry_pool::{Body, Error, Phase, Pool, PoolBuilder};
use tarry_testkit::{Script, ScriptedServer, Step};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/// A stream of the given chunks, each after `pause`, then `end` (an error, or nothing).
struct Chunks {
    items: std::vec::IntoIter<std::io::Result<Bytes>>,
    pause: Option<Pin<Box<tokio::time::Sleep>>>,
    every: Duration,
}

fn chunks(items: Vec<std::io::Result<Bytes>>, every: Duration) -> Chunks {
    Chunks {
        items: items.into_iter(),
        pause: None,
        every,
    }
}

impl futures_core::Stream for Chunks {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if !self.every.is_zero() {
            let every = self.every;
            let pause = self
                .pause
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(every)));
            if pause.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.pause = None;
        }
        Poll::Ready(self.items.next())
    }
}

fn ok_chunks(parts: &[&'static str]) -> Vec<std::io::Result<Bytes>> {
    parts
        .iter()
        .map(|p| Ok(Bytes::from_static(p.as_bytes())))
        .collect()
}

fn post(server: &ScriptedServer) -> Request<()> {
    Request::post(server.url("/upload")).body(()).unwrap()
}

/// The body of a recorded chunked request, unframed.
fn dechunk(raw: &[u8]) -> Vec<u8> {
    let start = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let mut rest = &raw[start..];
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap(), 16).unwrap();
        rest = &rest[line_end + 2..];
        if size == 0 {
            assert_eq!(rest, b"\r\n", "nothing after the last chunk but the end");
            return body;
        }
        body.extend_from_slice(&rest[..size]);
        assert_eq!(&rest[size..size + 2], b"\r\n");
        rest = &rest[size + 2..];
    }
}

#[tokio::test]
async fn a_body_of_unknown_length_goes_chunked_byte_for_byte() {
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let pool = Pool::new();
    let body = Body::from_stream(chunks(ok_chunks(&["ab", "", "cde"]), Duration::ZERO));
    let response = pool.send(post(&server), body).await.unwrap();
    assert_eq!(response.bytes().await.unwrap(), "ok");
    let raw = server.requests()[0][0].clone();
    let text = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    assert!(
        text.contains("\r\ntransfer-encoding: chunked\r\n"),
        "{text}"
    );
    assert!(!text.contains("content-length"), "{text}");
    assert!(
        text.ends_with("\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n"),
        "{text:?}"
    );
    // The connection is reused for the next request: the body ended cleanly.
    let again = pool.send(post(&server), Body::from("x")).await.unwrap();
    assert!(again.reused());
}

#[tokio::test]
async fn an_announced_length_goes_as_content_length_and_is_held_to() {
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let pool = Pool::new();
    let body = Body::from_reader(&b"0123456789"[..]).with_length(10);
    let response = pool.send(post(&server), body).await.unwrap();
    response.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&server.requests()[0][0]).to_ascii_lowercase();
    assert!(
        text.contains("content-length: 10\r\n") && text.ends_with("\r\n\r\n0123456789"),
        "{text}"
    );

    // Fewer bytes than announced: a typed error, and the connection is not reused.
    let short = Body::from_reader(&b"0123"[..]).with_length(10);
    let err = pool.send(post(&server), short).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Protocol(
                Phase::Write,
                tarry_wire::Error::BodyTooShort {
                    declared: 10,
                    written: 4
                }
            )
        ),
        "{err:?}"
    );
    // More bytes than announced.
    let long = Body::from_reader(&b"0123456789abc"[..]).with_length(10);
    let err = pool.send(post(&server), long).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Protocol(
                Phase::Write,
                tarry_wire::Error::BodyTooLong { declared: 10 }
            )
        ),
        "{err:?}"
    );
    // The first connection carried the good body and the short one; the long one opened a
    // second. The server counts an accept after the client's connect returns: wait for it.
    let before = server.wait_accepts(2, Duration::from_secs(5));
    assert_eq!(before, 2);
    let response = pool.send(post(&server), Body::from("fine")).await.unwrap();
    assert!(
        !response.reused(),
        "a connection with a cut-short body is never reused"
    );
    assert_eq!(server.wait_accepts(3, Duration::from_secs(5)), 3);
}

#[tokio::test]
async fn a_failing_source_fails_the_request_with_its_error() {
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let items = vec![
        Ok(Bytes::from_static(b"part")),
        Err(std::io::Error::other("the disk went away")),
    ];
    let body = Body::from_stream(chunks(items, Duration::ZERO));
    let err = Pool::new().send(post(&server), body).await.unwrap_err();
    match err {
        Error::RequestBody(e) => assert_eq!(e.to_string(), "the disk went away"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_answer_during_the_upload_stops_it_and_is_returned() {
    // The server answers 413 as soon as the head is in, and reads nothing more.
    let server = ScriptedServer::repeating(Script::new([
        Step::ReadAny,
        Step::write(
            "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        ),
        Step::HoldOpen,
    ]))
    .unwrap();
    let pieces: Vec<std::io::Result<Bytes>> = (0..100)
        .map(|_| Ok(Bytes::from(vec![b'x'; 1024])))
        .collect();
    let body = Body::from_stream(chunks(pieces, Duration::from_millis(20)));
    let started = std::time::Instant::now();
    let response = Pool::new().send(post(&server), body).await.unwrap();
    assert_eq!(response.status(), 413);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_server_that_stops_reading_is_a_write_timeout() {
    let server = ScriptedServer::repeating(Script::new([Step::HoldOpen])).unwrap();
    let pool = PoolBuilder::default()
        .read_timeout(Duration::from_millis(300))
        .build();
    // Far more than the socket buffers take.
    let pieces: Vec<std::io::Result<Bytes>> = (0..512)
        .map(|_| Ok(Bytes::from(vec![b'x'; 64 * 1024])))
        .collect();
    let body = Body::from_stream(chunks(pieces, Duration::ZERO));
    let started = std::time::Instant::now();
    let err = pool.send(post(&server), body).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(Phase::Write)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_file_goes_with_its_length_and_reopens_for_a_second_send() {
    let path = std::env::temp_dir().join(format!("tarry-body-{}.bin", std::process::id()));
    std::fs::write(&path, vec![7u8; 200_000]).unwrap();
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let mut body = Body::file(&path).unwrap();
    assert_eq!(body.length(), Some(200_000));
    assert!(body.is_replayable());
    let again = body.replay().unwrap().unwrap();
    let pool = Pool::new();
    for body in [body, again] {
        pool.send(post(&server), body)
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
    }
    for raw in &server.requests()[0] {
        let text = String::from_utf8_lossy(&raw[..200]).to_ascii_lowercase();
        assert!(text.contains("content-length: 200000\r\n"), "{text}");
        assert_eq!(
            raw.len() - (raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4),
            200_000
        );
    }
    std::fs::remove_file(&path).unwrap();
    assert!(Body::file(&path).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// Any sequence of chunks, empty ones included, arrives as one byte-identical body.
    #[test]
    fn any_chunks_arrive_byte_identical(parts in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..3000), 0..12)) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
        let want: Vec<u8> = parts.concat();
        let items: Vec<std::io::Result<Bytes>> = parts.into_iter().map(|p| Ok(Bytes::from(p))).collect();
        runtime.block_on(async {
            let body = Body::from_stream(chunks(items, Duration::ZERO));
            let response = Pool::new().send(post(&server), body).await.unwrap();
            response.bytes().await.unwrap();
        });
        let raw = server.requests()[0][0].clone();
        prop_assert_eq!(dechunk(&raw), want);
    }
}

/// `Expect: 100-continue` with a stream: the head goes alone; a final answer before the
/// go-ahead means no byte of the body is ever read from its source.
#[tokio::test]
async fn a_final_answer_to_expect_continue_leaves_the_stream_unread() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    struct Watched(Arc<AtomicBool>);
    impl futures_core::Stream for Watched {
        type Item = std::io::Result<Bytes>;
        fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            self.0.store(true, Ordering::Relaxed);
            Poll::Ready(Some(Ok(Bytes::from_static(b"never"))))
        }
    }
    let server = ScriptedServer::repeating(Script::new([
        Step::ReadAny,
        Step::write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"),
        Step::HoldOpen,
    ]))
    .unwrap();
    let read = Arc::new(AtomicBool::new(false));
    let request = Request::put(server.url("/big"))
        .header("expect", "100-continue")
        .body(())
        .unwrap();
    let body = Body::from_stream(Watched(Arc::clone(&read)));
    let response = Pool::new().send(request, body).await.unwrap();
    assert_eq!(response.status(), 401);
    assert!(!read.load(Ordering::Relaxed), "the stream was read");
}
