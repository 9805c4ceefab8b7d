//! Running one [`Script`] over one connection, plain or TLS alike.

use std::future::pending;

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::sleep;

use crate::record::Record;
use crate::request::read_request;
use crate::{Script, Step};

/// A server-side connection: the stream the script talks through, and the TCP socket under
/// it for what only TCP can do (a reset, or a FIN without TLS's `close_notify`).
pub(crate) trait Conn: AsyncRead + AsyncWrite + Unpin + Send {
    fn tcp(&mut self) -> &mut TcpStream;
}

impl Conn for TcpStream {
    fn tcp(&mut self) -> &mut TcpStream {
        self
    }
}

impl Conn for tokio_rustls::server::TlsStream<TcpStream> {
    fn tcp(&mut self) -> &mut TcpStream {
        self.get_mut().0
    }
}

/// How the connection ends, once the script says so or runs out.
enum End {
    Close,
    Reset,
    /// The peer went away or a write failed: nothing more to say to it.
    Gone,
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
        End::Close => {
            let _ = shut_down(&mut conn, polite).await;
        }
        End::Reset => {
            let _ = conn.tcp().set_zero_linger();
        }
        End::Gone => {}
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
            Step::ExpectRequest => match read_request(conn, buf).await {
                Ok(Some(raw)) => record.request(index, raw),
                Ok(None) | Err(_) => return Some(End::Gone),
            },
            Step::Write(bytes) => {
                if write(conn, bytes).await.is_err() {
                    return Some(End::Gone);
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
                        return Some(End::Gone);
                    }
                    if pieces.peek().is_some() {
                        sleep(*pause).await;
                    }
                }
            }
            Step::Sleep(d) => sleep(*d).await,
            Step::HalfClose => {
                if shut_down(conn, polite).await.is_err() {
                    return Some(End::Gone);
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
