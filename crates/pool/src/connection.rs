//! One pooled connection and the liveness check that decides whether it may be reused.

use std::io;

use tokio::net::TcpStream;

use crate::Poolable;

/// An open connection. (TLS streams join it as a second variant with TLS.)
#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) stream: TcpStream,
}

impl Poolable for Connection {
    /// An idle HTTP/1.1 connection has nothing to say: EOF means the server closed it, an error
    /// means it was reset, and any byte is one nobody asked for (the framing of the last
    /// response was wrong, or the server is sending its close). Only "would block" is alive.
    fn is_open(&self) -> bool {
        let mut probe = [0u8; 1];
        matches!(self.stream.try_read(&mut probe), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
    }
}
