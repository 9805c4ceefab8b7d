//! `tarry-wire` driven over real TCP sockets by a minimal blocking loop, against scripted
//! servers: proves the reuse verdict on an actual kept-alive connection, before the pool exists.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use tarry_wire::client::state::Cleanup;
use tarry_wire::client::{AfterHead, AfterResponse, Call, ResponseEvent};
use tarry_wire::{CloseReason, Error, RequestBody, ResponseHead};

/// A server that answers each request on a connection with the next scripted reply; after the
/// last reply of a connection it closes it. Counts accepted connections.
struct ScriptedServer {
    addr: std::net::SocketAddr,
    accepted: Arc<AtomicUsize>,
}

impl ScriptedServer {
    fn start(connections: Vec<Vec<&'static [u8]>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        thread::spawn(move || {
            for replies in connections {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                count.fetch_add(1, Ordering::SeqCst);
                thread::spawn(move || serve(stream, replies));
            }
        });
        ScriptedServer { addr, accepted }
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

fn serve(stream: TcpStream, replies: Vec<&'static [u8]>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    for reply in replies {
        // Read one request head (the tests send no request bodies).
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
        }
        if writer.write_all(reply).is_err() {
            return;
        }
    }
}

/// What one exchange produced.
struct Exchange {
    head: ResponseHead,
    body: Vec<u8>,
    /// The verdict given the bytes buffered when the body ended.
    close: Option<CloseReason>,
    cleanup: Call<Cleanup>,
}

/// Sends a GET for `path` on `stream` and reads the response with `tarry-wire`. `buf` holds
/// bytes read but not yet consumed, and carries over to the next exchange on the connection.
fn get(stream: &mut TcpStream, buf: &mut Vec<u8>, path: &str) -> Result<Exchange, Error> {
    let request = http::Request::get(format!("http://127.0.0.1{path}"))
        .body(())
        .unwrap();
    let mut out = Vec::new();
    let AfterHead::RecvResponse(mut call) =
        Call::new(request, RequestBody::None)?.write_head(&mut out)?
    else {
        unreachable!("GET without a body reads the response next")
    };
    stream.write_all(&out).unwrap();

    let mut eof = false;
    loop {
        match call.read(buf)? {
            ResponseEvent::Final { consumed } => {
                buf.drain(..consumed);
                break;
            }
            ResponseEvent::Interim { consumed, .. } => {
                buf.drain(..consumed);
            }
            _ if eof => return Err(call.end_of_input(buf)),
            _ => eof = fill(stream, buf),
        }
    }
    let (head, next) = call.proceed()?.expect("final head read");
    let mut body = Vec::new();
    let cleanup = match next {
        AfterResponse::Body(mut call) => {
            while !call.is_done() {
                let step = call.read(buf)?;
                body.extend_from_slice(&buf[step.data.clone()]);
                buf.drain(..step.consumed);
                if step.consumed == 0 {
                    if eof {
                        call.end_of_input()?;
                    } else {
                        eof = fill(stream, buf);
                    }
                }
            }
            call.proceed()
        }
        AfterResponse::NoBody(call) | AfterResponse::Upgrade(call) => call,
    };
    let close = cleanup.close_reason(buf.len());
    Ok(Exchange {
        head,
        body,
        close,
        cleanup,
    })
}

/// Reads once into `buf`; returns whether the peer has closed.
fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 4096];
    let n = stream.read(&mut chunk).unwrap_or(0);
    buf.extend_from_slice(&chunk[..n]);
    n == 0
}

fn connect(server: &ScriptedServer) -> TcpStream {
    let stream = TcpStream::connect(server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
}

#[test]
fn two_exchanges_share_one_connection_when_wire_says_so() {
    let server = ScriptedServer::start(vec![vec![
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nsecond\r\n0\r\n\r\n",
    ]]);
    let mut stream = connect(&server);
    let mut buf = Vec::new();
    let one = get(&mut stream, &mut buf, "/1").unwrap();
    assert_eq!(
        (one.head.status(), &one.body[..], one.close),
        (200.try_into().unwrap(), &b"first"[..], None)
    );
    let two = get(&mut stream, &mut buf, "/2").unwrap();
    assert_eq!((&two.body[..], two.close), (&b"second"[..], None));
    assert_eq!(server.accepted(), 1);
}

#[test]
fn wire_23_connection_close_is_not_reused_and_does_not_hang() {
    // The server says close but holds the socket open: the verdict must not wait for EOF.
    let server = ScriptedServer::start(vec![vec![
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
        b"",
    ]]);
    let mut stream = connect(&server);
    let mut buf = Vec::new();
    let one = get(&mut stream, &mut buf, "/").unwrap();
    assert_eq!(
        (&one.body[..], one.close),
        (&b"ok"[..], Some(CloseReason::ServerConnectionClose))
    );
}

#[test]
fn wire_09_early_close_is_an_incomplete_message_not_a_short_body() {
    let server = ScriptedServer::start(vec![
        vec![b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten.."],
        vec![b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"],
        vec![b"HTTP/1.1 200 OK\r\nContent-Le"],
    ]);
    for expected in [
        Error::IncompleteBody,
        Error::IncompleteBody,
        Error::IncompleteHead,
    ] {
        let mut stream = connect(&server);
        let err = get(&mut stream, &mut Vec::new(), "/").err();
        assert_eq!(err, Some(expected));
    }
    assert_eq!(server.accepted(), 3);
}

#[test]
fn read_to_close_body_ends_at_eof_and_is_never_reused() {
    let server = ScriptedServer::start(vec![vec![b"HTTP/1.1 200 OK\r\n\r\nuntil the end"]]);
    let mut stream = connect(&server);
    let got = get(&mut stream, &mut Vec::new(), "/").unwrap();
    assert_eq!(
        (&got.body[..], got.close),
        (&b"until the end"[..], Some(CloseReason::ReadToClose))
    );
}

#[test]
fn bytes_after_the_response_forbid_reuse() {
    let server = ScriptedServer::start(vec![vec![
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA",
    ]]);
    let mut stream = connect(&server);
    let mut buf = Vec::new();
    let got = get(&mut stream, &mut buf, "/").unwrap();
    assert_eq!(got.body, b"ok");
    // The extra bytes may arrive with the response or just after it; wait for them, then ask
    // the finished call again with what is now buffered.
    if buf.is_empty() {
        fill(&mut stream, &mut buf);
    }
    assert_eq!(buf, b"EXTRA");
    assert_eq!(
        got.cleanup.close_reason(buf.len()),
        Some(CloseReason::LeftoverBytes)
    );
}
