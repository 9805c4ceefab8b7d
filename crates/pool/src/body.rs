//! The response and its streaming body. The body owns the connection while it streams and
//! gives it back to the pool only when `tarry-wire` says the exchange ended cleanly.

use std::fmt;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tarry_wire::ResponseHead;
use tarry_wire::client::Call;
use tarry_wire::client::state::RecvBody;

use crate::Error;
use crate::connection::Connection;
use crate::error::Phase;
use crate::key::PoolKey;
use crate::lifecycle::CheckIn;
use crate::metrics::Close;

/// A response whose head has arrived. Read the body with [`chunk`](Self::chunk) or
/// [`bytes`](Self::bytes). Dropping it before the end never returns a connection with unread
/// bytes to the pool: the rest of a small body is drained (within the pool's drain limit and
/// timeout) and the connection kept, anything else is closed.
pub struct Response {
    pub(crate) head: ResponseHead,
    pub(crate) reused: bool,
    pub(crate) retried: bool,
    pub(crate) timings: Timings,
    pub(crate) body: Body,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("head", &self.head)
            .field("reused", &self.reused)
            .field("retried", &self.retried)
            .field("timings", &self.timings)
            .finish_non_exhaustive()
    }
}

/// Where the time of one request went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// Resolving the host name, for a fresh connection; `None` when reused (and near zero
    /// with a resolve override).
    pub dns: Option<Duration>,
    /// Connecting TCP, for a fresh connection; `None` when reused.
    pub connect: Option<Duration>,
    /// Setting up the tunnel through a proxy (`CONNECT` or SOCKS5), for a fresh connection
    /// that has one; connecting to the proxy itself is in `connect`.
    pub tunnel: Option<Duration>,
    /// The TLS handshake with the origin, for a fresh https connection.
    pub tls: Option<Duration>,
    /// From writing the request to having the whole response head (time to first byte plus
    /// the head).
    pub wait: Duration,
}

impl Response {
    /// Where the time of this request went (the last attempt, when it was retried).
    #[inline]
    pub fn timings(&self) -> Timings {
        self.timings
    }

    /// The response head.
    #[inline]
    pub fn head(&self) -> &ResponseHead {
        &self.head
    }

    /// The status code.
    #[inline]
    pub fn status(&self) -> http::StatusCode {
        self.head.status()
    }

    /// Whether the request went out on a connection reused from the pool.
    #[inline]
    pub fn reused(&self) -> bool {
        self.reused
    }

    /// Whether the request was re-sent once on a fresh connection after a reused one failed.
    #[inline]
    pub fn retried(&self) -> bool {
        self.retried
    }

    /// The next piece of the body, or `None` at its end (the connection is back in the pool
    /// by then, if it may be reused).
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        self.body.chunk().await
    }

    /// Asks the next [`chunk`](Self::chunk) to gather up to `limit` bytes of a body whose
    /// length was announced (and at most 16 MiB) in the read buffer before returning, so that
    /// a caller who wants the whole body gets it in one piece instead of copying pieces
    /// together. A caller that streams should not: it would wait for the whole body.
    #[inline]
    pub fn gather_up_to(&mut self, limit: usize) {
        self.body.gather = usize::try_from(self.body.expected)
            .unwrap_or(usize::MAX)
            .min(16 * 1024 * 1024)
            .min(limit);
    }

    /// The whole body.
    pub async fn bytes(mut self) -> Result<Bytes, Error> {
        // A body that arrives in one piece (the common small response) is returned as it is,
        // a slice of the read buffer; only a body in several pieces is copied together. An
        // announced body is gathered in the read buffer first, so that it too comes out as
        // one piece, without that copy.
        self.gather_up_to(usize::MAX);
        let Some(first) = self.body.chunk().await? else {
            return Ok(Bytes::new());
        };
        let Some(second) = self.body.chunk().await? else {
            return Ok(first);
        };
        // Room for the rest as announced, within reason (a lying header costs at most this).
        let announced = usize::try_from(self.body.expected).unwrap_or(usize::MAX);
        let mut all =
            BytesMut::with_capacity(first.len() + second.len() + announced.min(16 * 1024 * 1024));
        all.extend_from_slice(&first);
        all.extend_from_slice(&second);
        while let Some(chunk) = self.body.chunk().await? {
            all.extend_from_slice(&chunk);
        }
        Ok(all.freeze())
    }
}

// The state lives inline in each `Response`; boxing the big variant would cost an allocation
// per request to save bytes on the caller's stack.
#[allow(clippy::large_enum_variant)]
pub(crate) enum BodyState {
    Reading {
        call: Call<RecvBody>,
        conn: Connection,
        buf: BytesMut,
    },
    Done,
}

pub(crate) struct Body {
    state: BodyState,
    key: PoolKey,
    back: CheckIn,
    read_timeout: Duration,
    /// The exchange's total deadline, if one was set.
    deadline: Option<tokio::time::Instant>,
    /// Body bytes still expected by `Content-Length` (0 when unknown): only a hint for how
    /// much room to give the next read, never trusted for framing (wire frames).
    expected: u64,
    /// Bytes to have buffered before handing out the next piece (0: hand out what is there).
    gather: usize,
}

impl Body {
    pub(crate) fn new(
        state: BodyState,
        key: PoolKey,
        back: CheckIn,
        read_timeout: Duration,
        deadline: Option<tokio::time::Instant>,
        expected: u64,
    ) -> Body {
        Body {
            state,
            key,
            back,
            read_timeout,
            deadline,
            expected,
            gather: 0,
        }
    }

    async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        let (read_timeout, deadline) = (self.read_timeout, self.deadline);
        loop {
            let BodyState::Reading { call, conn, buf } = &mut self.state else {
                return Ok(None);
            };
            let room = read_room(self.expected, buf.len());
            match step(call, conn, buf, read_timeout, deadline, room, self.gather).await {
                Ok(Step::Data(piece)) => {
                    self.expected = self.expected.saturating_sub(piece.len() as u64);
                    self.gather = 0;
                    return Ok(Some(piece));
                }
                Ok(Step::Again) => {}
                Ok(Step::End) => {
                    self.finish();
                    return Ok(None);
                }
                Err(e) => {
                    // The connection drops with the state: closed, never pooled.
                    let state = std::mem::replace(&mut self.state, BodyState::Done);
                    if let BodyState::Reading { conn, .. } = state {
                        self.back.close(&conn, Close::Error);
                    }
                    return Err(e);
                }
            }
        }
    }

    /// The body ended: ask wire whether the connection may carry another request.
    fn finish(&mut self) {
        if let BodyState::Reading { call, conn, buf } =
            std::mem::replace(&mut self.state, BodyState::Done)
        {
            self.back
                .finish(self.key.clone(), conn, buf, call.proceed());
        }
    }
}

/// Steps through body bytes already buffered, keeping none. Errors (a malformed rest of the
/// body) count as "not done", which closes the connection.
fn skip_buffered(call: &mut Call<RecvBody>, buf: &mut BytesMut) -> bool {
    while !call.is_done() && !buf.is_empty() {
        match call.read(buf) {
            Ok(step) if step.consumed > 0 => {
                let _ = buf.split_to(step.consumed);
            }
            _ => break,
        }
    }
    call.is_done()
}

impl Drop for Body {
    /// A body dropped before its end: if the rest is already buffered, the connection goes
    /// back now; if a little more is due, a short task drains it (at most the drain limit,
    /// within the drain timeout); otherwise the connection closes with this state.
    fn drop(&mut self) {
        let BodyState::Reading {
            mut call,
            mut conn,
            mut buf,
        } = std::mem::replace(&mut self.state, BodyState::Done)
        else {
            return;
        };
        if skip_buffered(&mut call, &mut buf) {
            self.back
                .finish(self.key.clone(), conn, buf, call.proceed());
            return;
        }
        let (limit, timeout) = self.back.drain_settings();
        let runtime = tokio::runtime::Handle::try_current();
        let (Ok(runtime), true) = (runtime, limit > 0 && !self.back.is_closed()) else {
            self.back.close(&conn, Close::NotReusable);
            return;
        };
        let (back, key) = (self.back.clone(), self.key.clone());
        runtime.spawn(async move {
            let drained = tokio::time::timeout(timeout, async {
                let mut read = 0usize;
                loop {
                    if buf.capacity() - buf.len() < 1024 {
                        buf.reserve(8 * 1024);
                    }
                    match conn.read_buf(&mut buf).await {
                        Ok(0) | Err(_) => return false,
                        Ok(n) => read += n,
                    }
                    if read > limit {
                        return false;
                    }
                    if skip_buffered(&mut call, &mut buf) {
                        return true;
                    }
                }
            })
            .await;
            if drained == Ok(true) {
                back.finish(key, conn, buf, call.proceed());
            } else {
                back.close(&conn, Close::NotReusable);
            }
        });
    }
}

/// Room for the next read: what is still expected of the body (so that a large body comes in
/// a few reads, not dozens), between 16 KiB and 1 MiB; 16 KiB when the length is unknown.
///
/// A little more than expected, so that the read that ends the body is short: tokio takes a
/// short read to mean the socket is drained and clears its readiness, whereas a read that
/// fills its buffer exactly leaves it set, and the liveness check at checkin then costs a
/// `recv` that finds nothing (one wasted syscall per response).
fn read_room(expected: u64, buffered: usize) -> usize {
    let still = usize::try_from(expected).unwrap_or(usize::MAX);
    still
        .saturating_sub(buffered)
        .saturating_add(1024)
        .clamp(16 * 1024, 1024 * 1024)
}

enum Step {
    Data(Bytes),
    Again,
    End,
}

/// One move of the body: hand out buffered data, or read more from the socket.
async fn step(
    call: &mut Call<RecvBody>,
    conn: &mut Connection,
    buf: &mut BytesMut,
    read_timeout: Duration,
    deadline: Option<tokio::time::Instant>,
    room: usize,
    gather: usize,
) -> Result<Step, Error> {
    if call.is_done() {
        return Ok(Step::End);
    }
    if !buf.is_empty() && buf.len() >= gather {
        let step = call
            .read(buf)
            .map_err(|e| Error::Protocol(Phase::Body, e))?;
        let piece = buf.split_to(step.consumed).freeze().slice(step.data);
        if !piece.is_empty() {
            return Ok(Step::Data(piece));
        }
        if step.consumed > 0 || call.is_done() {
            return Ok(Step::Again);
        }
    }
    if buf.capacity() - buf.len() < room {
        buf.reserve(room);
    }
    // Each read waits at most the read timeout, and never past the total deadline.
    let gap_end = tokio::time::Instant::now() + read_timeout;
    let until = deadline.map_or(gap_end, |d| d.min(gap_end));
    let open = &mut **conn;
    let n = match open.clock.read_by(&mut open.io, buf, until).await {
        Ok(None) => return Err(Error::Timeout(Phase::Body)),
        Err(e) => return Err(Error::Io(Phase::Body, e)),
        Ok(Some(n)) => n,
    };
    if n == 0 {
        // EOF: the end of a close-delimited body, or a truncated one (an error).
        call.end_of_input()
            .map_err(|e| Error::Protocol(Phase::Body, e))?;
    }
    Ok(Step::Again)
}
