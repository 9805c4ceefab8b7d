//! The in-process peer of the load tests: answers `GET /n/<id>` with a body only that id
//! makes ([`body_for`]), so a client can tell any response that is not its own, and is as
//! unkind to kept-alive connections as a real server may be:
//!
//! - it says `Keep-Alive: timeout=1` and closes a connection idle for 1 s (the pool keeps
//!   such a connection for half the hint, 500 ms);
//! - now and then it closes an idle connection much sooner, at a random moment;
//! - each connection serves a random number of requests (1 to 100): the last response says
//!   `Connection: close`, or, on a quarter of connections, says nothing and the server just
//!   closes after it;
//! - in slow mode, heads and bodies go out in pieces with short random pauses between, so a
//!   client that gives up does so mid-head or mid-body.
//!
//! It runs on a thread with its own runtime (like the testkit's servers) and stops on drop.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::measure::Rng;

/// The body for request `id`: its decimal digits repeated, 16 bytes to about 4 KiB long.
pub(crate) fn body_for(id: u64) -> Vec<u8> {
    let len = 16 + (id.wrapping_mul(7919) % 4096) as usize;
    format!("{id}.")
        .into_bytes()
        .into_iter()
        .cycle()
        .take(len)
        .collect()
}

/// The session the load tests use: all defaults.
pub(crate) fn session() -> tarry_session::Session {
    tarry_session::Session::new()
}

/// What the server counted.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    pub(crate) accepted: AtomicU64,
    pub(crate) answered: AtomicU64,
    /// Connections the server closed while idle before the 1 s it announced.
    pub(crate) idle_closed_early: AtomicU64,
    /// Writes that failed because the client had gone, by where they were.
    pub(crate) gone_mid_head: AtomicU64,
    pub(crate) gone_mid_body: AtomicU64,
}

#[derive(Debug)]
pub(crate) struct LoadServer {
    pub(crate) port: u16,
    pub(crate) counts: Arc<Counts>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LoadServer {
    pub(crate) fn start(seed: u64, slow: bool) -> LoadServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let counts = Arc::new(Counts::default());
        let (stop, stopped) = oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let c = counts.clone();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).unwrap();
                tokio::spawn(async move {
                    let mut rng = Rng::new(seed);
                    while let Ok((tcp, _)) = listener.accept().await {
                        c.accepted.fetch_add(1, Ordering::Relaxed);
                        let conn_rng = Rng::new(rng.next());
                        tokio::spawn(serve(tcp, conn_rng, c.clone(), slow));
                    }
                });
                let _ = stopped.await;
            });
        });
        LoadServer {
            port,
            counts,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for LoadServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(mut tcp: TcpStream, mut rng: Rng, counts: Arc<Counts>, slow: bool) {
    let _ = tcp.set_nodelay(true);
    let max_requests = 1 + rng.below(100);
    let silent_close = rng.one_in(4);
    let mut buf = BytesMut::new();
    for n in 1..=max_requests {
        // One idle wait in 30 between requests is cut short at a random moment within 20 ms.
        // Never the wait for a connection's first request: a client cannot retry a request
        // that failed on a fresh connection, and no server drops those within milliseconds.
        let (idle, early) = if n == 1 {
            // Not the unkindness under test, and a loaded machine may take a while to send it.
            (Duration::from_secs(10), false)
        } else if rng.one_in(30) {
            (Duration::from_micros(rng.below(20_000)), true)
        } else {
            (Duration::from_secs(1), false)
        };
        let request =
            match tokio::time::timeout(idle, tarry_testkit::read_request(&mut tcp, &mut buf)).await
            {
                Ok(Ok(Some(raw))) => raw,
                Ok(_) => return,
                Err(_) => {
                    if early {
                        counts.idle_closed_early.fetch_add(1, Ordering::Relaxed);
                    }
                    return;
                }
            };
        let last = n == max_requests;
        let (head, body) = answer(&request, last && !silent_close);
        if slow {
            let pieces = [&head[..head.len() / 2], &head[head.len() / 2..]];
            if write_pieces(&mut tcp, &pieces, &mut rng).await.is_err() {
                counts.gone_mid_head.fetch_add(1, Ordering::Relaxed);
                return;
            }
            let third = body.len() / 3;
            let pieces = [&body[..third], &body[third..2 * third], &body[2 * third..]];
            if write_pieces(&mut tcp, &pieces, &mut rng).await.is_err() {
                counts.gone_mid_body.fetch_add(1, Ordering::Relaxed);
                return;
            }
        } else {
            let whole = [head.as_slice(), body.as_slice()].concat();
            if tcp.write_all(&whole).await.is_err() {
                return;
            }
        }
        counts.answered.fetch_add(1, Ordering::Relaxed);
    }
}

async fn write_pieces(tcp: &mut TcpStream, pieces: &[&[u8]], rng: &mut Rng) -> std::io::Result<()> {
    for piece in pieces {
        tcp.write_all(piece).await?;
        tokio::time::sleep(Duration::from_micros(rng.below(1500))).await;
    }
    Ok(())
}

/// The head and body answering `request`; a request for anything but `/n/<id>` gets a 404.
fn answer(request: &[u8], close: bool) -> (Vec<u8>, Vec<u8>) {
    let line = request.split(|&b| b == b'\r').next().unwrap_or_default();
    let id = std::str::from_utf8(line)
        .ok()
        .and_then(|l| l.strip_prefix("GET /n/"))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|id| id.parse::<u64>().ok());
    let (status, body) = match id {
        Some(id) => ("200 OK", body_for(id)),
        None => ("404 Not Found", b"no such thing".to_vec()),
    };
    let connection = if close { "Connection: close\r\n" } else { "" };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nKeep-Alive: timeout=1\r\n{connection}\r\n",
        body.len()
    );
    (head.into_bytes(), body)
}
