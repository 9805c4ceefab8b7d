//! Running one [`Script`] over one connection, plain or TLS alike.

use std::future::pending;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{sleep, timeout};

use crate::record::{Ended, Record};
use crate::request::read_request;
use crate::{Script, Step};

/// A server-side connection: the stream the script talks through, and the TCP socket under
/// it for what only TCP can do (a reset, or a FIN without TLS's `close_notify`).
pub(crate) trait Conn: AsyncRead + AsyncWrite + Unpin + Send {
    fn tcp(&mut self) -> &mut TcpStream;
    /// Queues TLS's `close_notify` (plain TCP has none), to be sent by the next flush.
    fn queue_close_notify(&mut self);
}

impl Conn for TcpStream {
    fn tcp(&mut self) -> &mut TcpStream {
        self
    }

    fn queue_close_notify(&mut self) {}
}

impl Conn for tokio_rustls::server::TlsStream<TcpStream> {
    fn tcp(&mut self) -> &mut TcpStream {
        self.get_mut().0
    }

    fn queue_close_notify(&mut self) {
        self.get_mut().1.send_close_notify();
    }
}

/// How the connection ends, once the script says so or runs out.
enum End {
    Close,
    Reset,
    /// No request came in the time allowed: closed as by `Close`.
    GiveUp,
    /// Nothing more to say: the peer went away or a write failed (`ByClient`), or the peer
    /// sent what cannot be framed (`ByServer`). The socket is just dropped.
    Drop(Ended),
}

/// Runs `script` on `conn` (connection number `index` in `record`). `polite` says whether a
/// close or half-close sends TLS's `close_notify` first (always true for plain TCP, where
/// the two are the same thing).
pub(crate) async fn run<C: Conn>(
    mut conn: C,
    script: Script,
    record: Record,
    index: usize,
    polite: bool,
) {
    let mut buf = BytesMut::new();
    let end = loop {
        if let Some(end) = steps(&mut conn, &script.steps, &record, index, &mut buf, polite).await {
            break end;
        }
        // An empty looped script would spin; a script that ran out closes.
        if !script.looped || script.steps.is_empty() {
            break End::Close;
        }
    };
    match end {
        End::Close | End::GiveUp => {
            let _ = shut_down(&mut conn, polite).await;
        }
        End::Reset => {
            let _ = conn.tcp().set_zero_linger();
        }
        End::Drop(_) => {}
    }
    // Dropped before it is recorded as ended, so that a test that sees the end also finds
    // the socket closed.
    drop(conn);
    let how = match end {
        End::Drop(how) => how,
        End::Close | End::Reset | End::GiveUp => Ended::ByServer,
    };
    record.ended(index, how);
}

/// The client went away, or a write to it failed.
const GONE: End = End::Drop(Ended::ByClient);

/// Reads one request and records it; `Err` with how the connection ends when there is none.
async fn expect<C: Conn>(
    conn: &mut C,
    record: &Record,
    index: usize,
    buf: &mut BytesMut,
) -> Result<Bytes, End> {
    match read_request(conn, buf).await {
        Ok(Some(raw)) => {
            record.request(index, raw.clone());
            Ok(raw)
        }
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err(End::Drop(Ended::ByServer)),
        Ok(None) | Err(_) => Err(End::Drop(Ended::ByClient)),
    }
}

/// One pass over the steps; `Some` when the connection ends before they run out.
async fn steps<C: Conn>(
    conn: &mut C,
    steps: &[Step],
    record: &Record,
    index: usize,
    buf: &mut BytesMut,
    polite: bool,
) -> Option<End> {
    for step in steps {
        match step {
            Step::ExpectRequest => {
                if let Err(end) = expect(conn, record, index, buf).await {
                    return Some(end);
                }
            }
            Step::ExpectRequestWithin(limit) => {
                match timeout(*limit, expect(conn, record, index, buf)).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(end)) => return Some(end),
                    Err(_) => return Some(End::GiveUp),
                }
            }
            Step::Answer(answer) => {
                let request = match expect(conn, record, index, buf).await {
                    Ok(request) => request,
                    Err(end) => return Some(end),
                };
                if write(conn, &answer.respond(&request)).await.is_err() {
                    return Some(GONE);
                }
            }
            Step::ReadAny => {
                // Bytes left over from an earlier read count as what arrived.
                if buf.is_empty() {
                    buf.reserve(4096);
                    match conn.read_buf(buf).await {
                        Ok(0) | Err(_) => return Some(GONE),
                        Ok(_) => {}
                    }
                }
                buf.clear();
            }
            Step::Wait(gate) => gate.opened().await,
            Step::Write(bytes) => {
                if write(conn, bytes).await.is_err() {
                    return Some(GONE);
                }
            }
            Step::WriteSlowly {
                bytes,
                chunk,
                pause,
            } => {
                let mut pieces = bytes.chunks((*chunk).max(1)).peekable();
                while let Some(piece) = pieces.next() {
                    if write(conn, piece).await.is_err() {
                        return Some(GONE);
                    }
                    if pieces.peek().is_some() {
                        sleep(*pause).await;
                    }
                }
            }
            Step::Sleep(d) => sleep(*d).await,
            Step::CloseNotify => {
                conn.queue_close_notify();
                if conn.flush().await.is_err() {
                    return Some(GONE);
                }
            }
            Step::HalfClose => {
                if shut_down(conn, polite).await.is_err() {
                    return Some(GONE);
                }
            }
            Step::Close => return Some(End::Close),
            Step::Reset => return Some(End::Reset),
            Step::HoldOpen => pending::<()>().await,
        }
    }
    None
}

async fn write<C: Conn>(conn: &mut C, bytes: &[u8]) -> std::io::Result<()> {
    conn.write_all(bytes).await?;
    // TLS buffers records until flushed; a slow write must reach the client piece by piece.
    conn.flush().await
}

async fn shut_down<C: Conn>(conn: &mut C, polite: bool) -> std::io::Result<()> {
    if polite {
        conn.shutdown().await
    } else {
        conn.tcp().shutdown().await
    }
}
