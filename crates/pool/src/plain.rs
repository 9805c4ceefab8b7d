//! The socket of a plain-TCP connection, which a blocking caller reads with blocking calls.
//!
//! Inside [`crate::block_on`]'s first poll the socket is read with one blocking `recv` that
//! the kernel bounds by the read deadline (`SO_RCVTIMEO`), and written with a `send` that
//! does not wait; everywhere else it is tokio's non-blocking socket. The socket switches
//! between the two modes only when the other one uses it, so a program that sends from one
//! style only pays for the switch once per connection.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// A plain connection's socket and the mode it is in.
#[derive(Debug)]
pub(crate) struct PlainSocket {
    tcp: TcpStream,
    /// Whether the socket is in blocking mode (set by a blocking read).
    blocking: bool,
    /// What `SO_RCVTIMEO` holds, when it was set.
    read_timeout: Option<Duration>,
}

/// How late a blocking read may return after its deadline, so that the socket's timeout is
/// not set again for every read: deadlines a few microseconds apart share one setting.
const SLACK: Duration = Duration::from_millis(1);

/// The room a blocking read makes when the buffer has none (as tokio's reads do).
const MIN_ROOM: usize = 64;

impl PlainSocket {
    pub(crate) fn new(tcp: TcpStream) -> PlainSocket {
        PlainSocket {
            tcp,
            blocking: false,
            read_timeout: None,
        }
    }

    pub(crate) fn tcp(&self) -> &TcpStream {
        &self.tcp
    }

    /// The tokio socket, in the non-blocking mode tokio needs (for TLS over it).
    #[cfg(feature = "tls")]
    pub(crate) fn into_tcp(mut self) -> io::Result<TcpStream> {
        self.nonblocking()?;
        Ok(self.tcp)
    }

    /// Puts the socket back in non-blocking mode before tokio uses it.
    fn nonblocking(&mut self) -> io::Result<()> {
        if self.blocking {
            socket2::SockRef::from(&self.tcp).set_nonblocking(true)?;
            self.blocking = false;
        }
        Ok(())
    }

    /// Whether an idle connection is still open: only "would block" is alive (see
    /// `Connection::is_open`). In blocking mode tokio's `try_read` would wait, and its idea of
    /// readiness is stale, so the socket is asked directly.
    pub(crate) fn is_quiet(&self) -> bool {
        if self.blocking {
            matches!(peek_nowait(&self.tcp), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
        } else {
            is_quiet(&self.tcp)
        }
    }

    /// Reads into `buf`, blocking this thread until `deadline` at most: `Ok(None)` when the
    /// deadline came first. Bytes already there win over a deadline that has passed.
    pub(crate) fn read_blocking(
        &mut self,
        buf: &mut BytesMut,
        deadline: Instant,
    ) -> io::Result<Option<usize>> {
        if !self.blocking {
            socket2::SockRef::from(&self.tcp).set_nonblocking(false)?;
            self.blocking = true;
        }
        if buf.capacity() == buf.len() {
            buf.reserve(MIN_ROOM);
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            // Rare: a read that ran out of time. It takes what is there without waiting.
            let flags = if left.is_zero() { DONT_WAIT } else { 0 };
            // Set again only when it would wait past the deadline, or wake up before half the
            // time is used (a read that stops early goes round again). Zero would mean no
            // limit: at least the slack.
            let off = |set: Duration| set > left + SLACK || set < left / 2;
            if !left.is_zero() && self.read_timeout.is_none_or(off) {
                let timeout = left.max(SLACK);
                socket2::SockRef::from(&self.tcp).set_read_timeout(Some(timeout))?;
                self.read_timeout = Some(timeout);
            }
            match recv_into(&self.tcp, buf, flags) {
                Ok(n) => return Ok(Some(n)),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && left.is_zero() => {
                    return Ok(None);
                }
                // The socket's timeout, or a signal: see what time is left.
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// Receives into `buf`'s spare room and adds what came to its length.
///
/// The one `unsafe` block of the pool: the room is not initialised, and a safe `recv` needs
/// initialised memory. Zeroing the room before each read (at most 64 KiB of it, to bound
/// that cost) made the blocking session 18% slower with 64 KiB bodies and 15% slower with
/// 1 MiB bodies read in chunks on the peers benchmark; tokio reads into the same room
/// without zeroing it.
#[allow(unsafe_code)]
fn recv_into(tcp: &TcpStream, buf: &mut BytesMut, flags: Flags) -> io::Result<usize> {
    let n = socket2::SockRef::from(tcp).recv_with_flags(buf.spare_capacity_mut(), flags)?;
    // SAFETY: `recv` initialised the first `n` bytes of the spare room, and `n` is at most its
    // length.
    unsafe { buf.set_len(buf.len() + n) };
    Ok(n)
}

/// Whether a non-blocking socket has nothing to say: only "would block" is alive. Free when
/// tokio already knows it has nothing (its readiness is clear).
pub(crate) fn is_quiet(tcp: &TcpStream) -> bool {
    matches!(tcp.try_read(&mut [0u8; 1]), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
}

/// Whether anything waits on the socket, without taking it or waiting.
#[cfg(unix)]
fn peek_nowait(tcp: &TcpStream) -> io::Result<usize> {
    let mut probe = [std::mem::MaybeUninit::<u8>::uninit(); 1];
    socket2::SockRef::from(tcp).recv_with_flags(&mut probe, DONT_WAIT | libc::MSG_PEEK)
}

/// `send` that does not wait, whatever the socket's mode.
#[cfg(unix)]
fn send_nowait(tcp: &TcpStream, data: &[u8]) -> io::Result<usize> {
    socket2::SockRef::from(tcp).send_with_flags(data, DONT_WAIT | NO_SIGNAL)
}

// Elsewhere no socket is put in blocking mode (see `crate::blocking::direct`), and these are
// never called.
#[cfg(not(unix))]
fn peek_nowait(_: &TcpStream) -> io::Result<usize> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn send_nowait(_: &TcpStream, _: &[u8]) -> io::Result<usize> {
    Err(io::ErrorKind::Unsupported.into())
}

/// The flags argument of `send` and `recv`.
#[cfg(unix)]
type Flags = libc::c_int;
#[cfg(not(unix))]
type Flags = i32;

/// Return at once rather than wait.
#[cfg(unix)]
const DONT_WAIT: Flags = libc::MSG_DONTWAIT;
// Never used: no socket is put in blocking mode here (see `crate::blocking::direct`).
#[cfg(not(unix))]
const DONT_WAIT: Flags = 0;

/// A write to a connection the server closed is an error, not a `SIGPIPE`.
#[cfg(any(target_os = "linux", target_os = "android"))]
const NO_SIGNAL: libc::c_int = libc::MSG_NOSIGNAL;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
const NO_SIGNAL: libc::c_int = 0;

// Reads outside a blocking read (the wait for `100 Continue`, a body drained in the
// background) are tokio's; a blocking caller's `Pending` there hands the call to the runtime.
impl AsyncRead for PlainSocket {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.nonblocking()?;
        Pin::new(&mut this.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for PlainSocket {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.blocking && crate::blocking::direct() {
            // A full socket buffer is the runtime's to wait on.
            return match send_nowait(&this.tcp, data) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => Poll::Pending,
                other => Poll::Ready(other),
            };
        }
        this.nonblocking()?;
        Pin::new(&mut this.tcp).poll_write(cx, data)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}
