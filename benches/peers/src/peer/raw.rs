//! The raw floor: no HTTP library, a fixed GET written and exactly the known response length
//! read back. Keep-alive: one socket (or one tokio-rustls stream) per task for the whole cell.
//! Fresh: TCP connect and TLS handshake per request, on one shared `ClientConfig`, so every
//! handshake after the first resumes.

use std::net::SocketAddr;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use tarry_cli::server::HOST;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::error::Error;
use crate::measure::Worker;
use crate::scenario::Target;

/// What the server answers, head first.
const HEAD_PREFIX: &[u8] = b"HTTP/1.1 200 OK\r\n";

/// The connection of a kept-alive worker.
enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// One task's raw floor.
pub(crate) struct Raw {
    addr: SocketAddr,
    /// Through a proxy: the port to ask a `CONNECT` tunnel for (HTTPS), or 0 when the
    /// proxy forwards the request (HTTP).
    tunnel_to: Option<u16>,
    tls: Option<TlsConnector>,
    /// `None` when every exchange opens its own connection.
    kept: Option<Stream>,
    request: Vec<u8>,
    head_len: usize,
    body_size: usize,
    /// Room to spare past the response, so the last read comes back short: tokio then knows
    /// the socket is drained, where a read that exactly fills its buffer leaves the socket
    /// marked readable and costs a wasted `recv` per exchange (the libraries get this too).
    /// Streamed, a fixed piece that every read overwrites.
    buf: Vec<u8>,
    streamed: bool,
}

/// The piece a streamed raw read takes at most.
const PIECE: usize = 64 * 1024;

impl Raw {
    /// `tasks` workers; `tls` is shared among them (one session cache, as one client's).
    pub(crate) async fn workers(target: &Target, tasks: usize) -> Result<Vec<Raw>, Error> {
        let tls = if target.tls {
            let config = crate::tls::client_config(&target.ca_pem)?;
            Some(TlsConnector::from(Arc::new(config)))
        } else {
            None
        };
        let port = target.addr.port();
        // A forwarding proxy takes the target in absolute form.
        let forwarded = target.proxy.is_some() && !target.tls;
        let path = if forwarded {
            format!("http://{HOST}:{port}/")
        } else {
            "/".to_owned()
        };
        let request = format!("GET {path} HTTP/1.1\r\nhost: {HOST}:{port}\r\n\r\n").into_bytes();
        let head_len = if target.external {
            // Another server's head is learnt from one response; it keeps its length (a
            // server's `Date` is fixed-width).
            head_length(target.addr, &request).await?
        } else {
            format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
                target.body_size
            )
            .len()
        };
        let mut workers = Vec::with_capacity(tasks);
        for _ in 0..tasks {
            let mut raw = Raw {
                addr: target.proxy.unwrap_or(target.addr),
                tunnel_to: target.proxy.filter(|_| target.tls).map(|_| port),
                tls: tls.clone(),
                kept: None,
                request: request.clone(),
                head_len,
                body_size: target.body_size,
                buf: if target.streamed {
                    vec![0; PIECE]
                } else {
                    vec![0; head_len + target.body_size + 4096]
                },
                streamed: target.streamed,
            };
            if !target.fresh {
                raw.kept = Some(raw.connect().await?);
            }
            workers.push(raw);
        }
        Ok(workers)
    }

    async fn connect(&self) -> Result<Stream, Error> {
        let mut tcp = TcpStream::connect(self.addr).await?;
        tcp.set_nodelay(true)?;
        if let Some(port) = self.tunnel_to {
            let connect = format!("CONNECT {HOST}:{port} HTTP/1.1\r\nhost: {HOST}:{port}\r\n\r\n");
            tcp.write_all(connect.as_bytes()).await?;
            let granted = b"HTTP/1.1 200 Connection established\r\n\r\n";
            let mut answer = vec![0; granted.len()];
            tcp.read_exact(&mut answer).await?;
            if answer != granted {
                return Err(Error::new("the proxy did not grant the tunnel"));
            }
        }
        Ok(match &self.tls {
            None => Stream::Plain(tcp),
            Some(tls) => {
                let name = ServerName::try_from(HOST)?;
                Stream::Tls(Box::new(tls.connect(name, tcp).await?))
            }
        })
    }
}

impl Worker for Raw {
    async fn exchange(&mut self) -> Result<usize, Error> {
        let mut fresh = match self.kept {
            Some(_) => None,
            None => Some(self.connect().await?),
        };
        let Some(stream) = fresh.as_mut().or(self.kept.as_mut()) else {
            return Err(Error::new("no connection"));
        };
        let expected = self.head_len + self.body_size;
        let (buf, streamed) = (&mut self.buf, self.streamed);
        match stream {
            Stream::Plain(io) => exchange(io, &self.request, buf, expected, streamed).await?,
            Stream::Tls(io) => exchange(io, &self.request, buf, expected, streamed).await?,
        }
        Ok(self.body_size)
    }
}

/// The length of the head `addr` answers `request` with, from one exchange on a connection of
/// its own.
async fn head_length(addr: SocketAddr, request: &[u8]) -> Result<usize, Error> {
    let mut tcp = TcpStream::connect(addr).await?;
    tcp.write_all(request).await?;
    let mut head = Vec::new();
    let mut piece = [0u8; 4096];
    loop {
        if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            return Ok(at + 4);
        }
        match tcp.read(&mut piece).await? {
            0 => return Err(Error::new("the server closed before its head ended")),
            n => head.extend_from_slice(&piece[..n]),
        }
    }
}

/// Writes `request`, then reads until `expected` bytes have come: into `buf` whole, or
/// `streamed`, each read into the start of `buf` over the last.
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    io: &mut S,
    request: &[u8],
    buf: &mut [u8],
    expected: usize,
    streamed: bool,
) -> Result<(), Error> {
    io.write_all(request).await?;
    io.flush().await?; // TLS: push the record out; TCP: nothing
    if streamed {
        let mut seen = 0;
        while seen < expected {
            let room = buf.len().min(expected - seen);
            match io.read(&mut buf[..room]).await? {
                0 => return Err(Error::new("the server closed the connection")),
                n if seen == 0 && !buf[..n].starts_with(HEAD_PREFIX) => {
                    return Err(Error::new("an unexpected response"));
                }
                n => seen += n,
            }
        }
        return Ok(());
    }
    let mut filled = 0;
    while filled < expected {
        match io.read(&mut buf[filled..]).await? {
            0 => return Err(Error::new("the server closed the connection")),
            n => filled += n,
        }
    }
    if filled != expected || !buf.starts_with(HEAD_PREFIX) {
        return Err(Error::new("an unexpected response"));
    }
    Ok(())
}
