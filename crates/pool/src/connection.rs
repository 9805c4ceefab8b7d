//! One pooled connection, plain or TLS, and the liveness check that decides whether it may be
//! reused.

use std::io;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::Poolable;

/// An open connection, and its place in its host's connection count.
#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) io: Io,
    pub(crate) _slot: crate::slots::Slot,
    /// How long opening it took; taken by the first exchange, so reused ones report none.
    pub(crate) setup: Option<Setup>,
}

/// Time spent opening a connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Setup {
    pub(crate) connect: std::time::Duration,
    pub(crate) tls: Option<std::time::Duration>,
}

/// The byte stream of a connection.
#[derive(Debug)]
pub(crate) enum Io {
    Plain(TcpStream),
    #[cfg(feature = "tls")]
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl Connection {
    pub(crate) async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.io.write_all(bytes).await
    }

    pub(crate) async fn read_buf(&mut self, buf: &mut BytesMut) -> io::Result<usize> {
        self.io.read_buf(buf).await
    }

    /// Closes politely: TLS sends `close_notify`, TCP a FIN. Bounded by `limit`, since a peer
    /// that stopped reading must not hold up a pool that is closing.
    pub(crate) async fn shutdown(mut self, limit: std::time::Duration) {
        let _ = tokio::time::timeout(limit, async {
            match &mut self.io {
                Io::Plain(s) => s.shutdown().await,
                #[cfg(feature = "tls")]
                Io::Tls(s) => s.shutdown().await,
            }
        })
        .await;
    }
}

impl Io {
    pub(crate) async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Io::Plain(s) => s.write_all(bytes).await,
            #[cfg(feature = "tls")]
            Io::Tls(s) => {
                s.write_all(bytes).await?;
                // rustls buffers records; push them out now.
                s.flush().await
            }
        }
    }

    pub(crate) async fn read_buf(&mut self, buf: &mut BytesMut) -> io::Result<usize> {
        match self {
            Io::Plain(s) => s.read_buf(buf).await,
            #[cfg(feature = "tls")]
            Io::Tls(s) => s.read_buf(buf).await,
        }
    }

    fn tcp(&self) -> &TcpStream {
        match self {
            Io::Plain(s) => s,
            #[cfg(feature = "tls")]
            Io::Tls(s) => s.get_ref().0,
        }
    }
}

impl Poolable for Connection {
    /// An idle HTTP/1.1 connection has nothing to say: EOF means the server closed it, an error
    /// means it was reset, and any byte is one nobody asked for (the framing of the last
    /// response was wrong, or the server is sending its close, a TLS alert included). Only
    /// "would block" is alive.
    fn is_open(&self) -> bool {
        let mut probe = [0u8; 1];
        matches!(self.io.tcp().try_read(&mut probe), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
    }
}
