//! The blocking session against real servers on 127.0.0.1: many threads on one session,
//! bodies read and sent through `std::io`, its errors, and its refusal inside a runtime.

use std::io::{Cursor, Read};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tarry_session::blocking::Session;
use tarry_session::{BuildError, Error};
use tarry_testkit::{Script, ScriptedServer, Step};

mod support;
use support::chain;

/// A keep-alive server whose body names the request target, so each answer can be checked
/// against the request that asked.
fn echo_server() -> ScriptedServer {
    ScriptedServer::repeating(Script::answer_with(|request| {
        let head = String::from_utf8_lossy(request);
        let target = head.split(' ').nth(1).unwrap_or("?").to_owned();
        let body = format!("you asked for {target}");
        Bytes::from(format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ))
    }))
    .unwrap()
}

#[test]
fn sixteen_threads_share_one_session_and_its_connections() {
    let server = echo_server();
    let session = Session::new();
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let (session, base) = (session.clone(), server.url(""));
            std::thread::spawn(move || {
                for i in 0..1000 {
                    let r = session.get(format!("{base}/t{t}/r{i}")).send().unwrap();
                    assert_eq!(r.status(), 200);
                    assert_eq!(r.text().unwrap(), format!("you asked for /t{t}/r{i}"));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let requests: usize = server.requests().iter().map(Vec::len).sum();
    assert_eq!(requests, 16_000);
    // One connection per thread at most: every body was read, so each went back to the pool.
    assert!(server.accepts() <= 16, "{} connections", server.accepts());
    assert_eq!(session.stats().opened, server.accepts() as u64);
}

#[test]
fn a_response_is_a_read_and_a_reader_is_a_body() {
    let data: Arc<Vec<u8>> = Arc::new((0..300_000u32).map(|i| (i % 251) as u8).collect());
    let served = data.clone();
    let server = ScriptedServer::repeating(Script::answer_with(move |_| {
        let mut response = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
            served.len()
        )
        .into_bytes();
        response.extend_from_slice(&served);
        response.into()
    }))
    .unwrap();
    let s = Session::new();

    let mut r = s.get(server.url("/file")).send().unwrap();
    let mut got = Vec::new();
    let mut small = [0u8; 1000];
    // Small reads first, then the rest at once: pieces larger than the buffer are kept.
    for _ in 0..7 {
        let n = r.read(&mut small).unwrap();
        got.extend_from_slice(&small[..n]);
    }
    r.read_to_end(&mut got).unwrap();
    assert_eq!(got, *data);

    let upload = s
        .post(server.url("/upload"))
        .body_reader(Cursor::new(data.to_vec()))
        .send()
        .unwrap();
    assert_eq!(upload.status(), 200);
    drop(upload);
    let raw = server.requests().concat().pop().unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(
        text.to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{text:.200}"
    );
    let body_at = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert_eq!(dechunk(&raw[body_at..]), *data);
}

/// The payload of a chunked body (no trailers).
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = std::str::from_utf8(&raw[..line_end]).unwrap();
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap();
        raw = &raw[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

#[test]
fn a_failing_reader_fails_the_request_with_its_error() {
    struct Broken(usize);
    impl Read for Broken {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::other("disk on fire"));
            }
            self.0 -= 1;
            buf[0] = b'x';
            Ok(1)
        }
    }
    let server = echo_server();
    let e = Session::new()
        .post(server.url("/upload"))
        .body_reader(Broken(3))
        .send()
        .unwrap_err();
    assert!(e.is_body(), "{e:?}");
    assert!(chain(&e).contains("disk on fire"), "{}", chain(&e));
}

#[test]
fn errors_are_the_async_sessions_typed_errors() {
    let silent = ScriptedServer::repeating(Script::looped([
        Step::ExpectRequest,
        Step::Sleep(Duration::from_secs(5)),
    ]))
    .unwrap();
    let s = Session::builder()
        .read_timeout(Duration::from_millis(200))
        .build_blocking()
        .unwrap();
    let e = s.get(silent.url("/slow")).send().unwrap_err();
    assert!(e.is_timeout(), "{e:?}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let e = s
        .get(format!("http://127.0.0.1:{port}/"))
        .send()
        .unwrap_err();
    assert!(e.is_connect(), "{e:?}");

    let e = s.get("not a url").send().unwrap_err();
    assert!(e.is_builder(), "{e:?}");
}

#[test]
fn a_blocking_call_inside_a_runtime_is_refused_not_a_stall() {
    let server = echo_server();
    let s = Session::new();
    let url = server.url("/inside");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let e = runtime.block_on(async { s.get(url.as_str()).send().unwrap_err() });
    assert!(
        matches!(
            e,
            Error::Builder {
                reason: BuildError::InsideRuntime,
                ..
            }
        ),
        "{e:?}"
    );
    // Outside it, the same session works.
    assert_eq!(
        s.get(url.as_str()).send().unwrap().text().unwrap(),
        "you asked for /inside"
    );
}

#[test]
fn the_async_and_blocking_faces_share_settings_and_the_jar() {
    let server = ScriptedServer::repeating(Script::answer_all(
        "HTTP/1.1 200 OK\r\nSet-Cookie: seen=yes\r\nContent-Length: 0\r\n\r\n",
    ))
    .unwrap();
    let async_session = tarry_session::Session::new();
    let s = Session::from_async(async_session.clone());
    s.set_header("x-face", "blocking").unwrap();
    s.get(server.url("/one")).send().unwrap();
    let seen = async_session.jar().get("127.0.0.1", "/", "seen").unwrap();
    assert_eq!(seen.value(), "yes");
    s.get(server.url("/two")).send().unwrap();
    let second = String::from_utf8_lossy(&server.requests().concat()[1]).into_owned();
    assert!(second.contains("x-face: blocking"), "{second}");
    assert!(second.contains("cookie: seen=yes"), "{second}");
}

#[test]
fn a_blocking_session_dropped_inside_a_runtime_does_not_panic() {
    let server = echo_server();
    let s = Session::new();
    s.get(server.url("/before")).send().unwrap().text().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move { drop(s) });
}

/// A server that answers the first request on each connection and then goes silent.
fn answers_once_then_silent() -> ScriptedServer {
    ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::Write(Bytes::from_static(
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        )),
        Step::ExpectRequest,
        Step::HoldOpen,
    ]))
    .unwrap()
}

/// Asserts that a call started at `started` ended at `timeout`: not before it, and not long
/// after (a read that no timer ends would take the server's whole silence).
fn ended_at_the_timeout(started: std::time::Instant, timeout: Duration) {
    let took = started.elapsed();
    assert!(took >= timeout, "{took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
}

// A kept-alive plain connection is read on the calling thread with a blocking `recv`, which
// no runtime timer can interrupt: the socket's own timeout must end it.
#[test]
fn a_reused_connection_read_on_the_calling_thread_still_times_out() {
    let server = answers_once_then_silent();
    let s = Session::builder()
        .read_timeout(Duration::from_millis(300))
        .build_blocking()
        .unwrap();
    assert_eq!(
        s.get(server.url("/1")).send().unwrap().text().unwrap(),
        "ok"
    );
    let started = std::time::Instant::now();
    let e = s.get(server.url("/2")).send().unwrap_err();
    assert_eq!(e.timeout(), Some(tarry_session::TimeoutKind::Read), "{e:?}");
    ended_at_the_timeout(started, Duration::from_millis(300));
    // The second request went out on the first one's connection.
    assert_eq!(server.accepts(), 1);
    assert_eq!(server.requests()[0].len(), 2);

    // The call's own timeout, shorter than the read timeout, ends a read on the calling
    // thread as well.
    let s = Session::builder()
        .read_timeout(Duration::from_secs(30))
        .build_blocking()
        .unwrap();
    assert_eq!(
        s.get(server.url("/3")).send().unwrap().text().unwrap(),
        "ok"
    );
    let started = std::time::Instant::now();
    let e = s
        .get(server.url("/4"))
        .timeout(Duration::from_millis(300))
        .send()
        .unwrap_err();
    assert_eq!(
        e.timeout(),
        Some(tarry_session::TimeoutKind::Total),
        "{e:?}"
    );
    ended_at_the_timeout(started, Duration::from_millis(300));
    assert_eq!(server.accepts(), 2);
}

// A body too large for the socket buffers, sent on a connection in blocking mode: the send
// that would wait hands the call to the runtime, which switches the socket back.
#[test]
fn a_large_upload_on_a_reused_connection_is_sent_whole() {
    let server = ScriptedServer::repeating(Script::answer_with(|request| {
        let len = request.len();
        let body = format!("{len}");
        Bytes::from(format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ))
    }))
    .unwrap();
    let s = Session::new();
    let small = s.get(server.url("/")).send().unwrap().text().unwrap();
    let body = vec![7u8; 16 << 20];
    let large = s
        .post(server.url("/"))
        .body(body)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let small2 = s.get(server.url("/")).send().unwrap().text().unwrap();
    assert_eq!(server.accepts(), 1);
    let recorded = server.requests();
    assert_eq!(recorded[0].len(), 3);
    assert_eq!(small, recorded[0][0].len().to_string());
    assert_eq!(large, recorded[0][1].len().to_string());
    assert!(recorded[0][1].ends_with(&[7u8; 1024]));
    assert!(recorded[0][1].len() > 16 << 20);
    assert_eq!(small2, recorded[0][2].len().to_string());
}
