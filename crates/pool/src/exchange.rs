//! One request and its response head over one connection: the part of `send` that talks to
//! the server. `tarry-wire` decides every byte; this file moves them and keeps the clocks.
//!
//! The request goes out in one write when it is small. A larger body goes out in pieces while
//! the socket is watched, so a server that answers early (a `413` to an upload that is too
//! big, a `401`) stops the upload and its answer is returned (POOL-11). `Expect:
//! 100-continue` waits for the server's go-ahead, at most the expect timeout (RFC 9110
//! §10.1.1 lets the client send the body after that).

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use http::Method;
use tarry_wire::client::state::{Await100, RecvResponse, SendBody};
use tarry_wire::client::{
    AfterHead, AfterResponse, Await100Event, Await100Next, Call, EarlyEvent, ResponseEvent,
};
use tarry_wire::{RequestBody, RequestParts, ResponseHead, TargetForm};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, timeout_at};

use crate::body::{Body, BodyState};
use crate::connection::Slot;
use crate::connection::{Clock, Connection, Io};
use crate::error::Phase;
use crate::key::PoolKey;
use crate::lifecycle::CheckIn;
use crate::metrics::CloseGuard;
use crate::options::Timeouts;
use crate::request_body::Body as Payload;
use crate::{Error, Response};

/// Bodies up to this size go out with the head in one write; larger ones in pieces this big.
const PIECE: usize = 64 * 1024;

/// Room for a request head in the first write's buffer; a larger head grows it.
const HEAD_ROOM: usize = 1024;

/// Why an attempt failed, and what the server may have seen of the request.
pub(crate) struct Failure {
    pub(crate) error: Error,
    /// No byte of a response had arrived.
    pub(crate) before_response: bool,
    /// No byte of the request was accepted by the socket: the server cannot have seen it.
    pub(crate) unsent: bool,
}

fn fail(error: Error, before_response: bool) -> Failure {
    Failure {
        error,
        before_response,
        unsent: false,
    }
}

fn wire(phase: Phase) -> impl Fn(tarry_wire::Error) -> Failure {
    move |e| fail(Error::Protocol(phase, e), false)
}

/// Sends `request` on `conn` and reads the response head; the body is left to stream.
///
/// On failure the connection is gone, but its place under the host's cap comes back with
/// the error: a retry opens its fresh connection there instead of queueing again (or,
/// worse, taking another idle connection that may be just as stale).
pub(crate) async fn attempt(
    back: CheckIn,
    mut conn: Connection,
    request: RequestParts<'_>,
    body: &mut Payload,
    key: PoolKey,
    t: Timeouts,
) -> Result<Response, (Failure, Slot)> {
    let started = Instant::now();
    let total_deadline = match (t.total.map(|d| started + d), t.deadline) {
        (Some(total), Some(deadline)) => Some(total.min(deadline)),
        (total, deadline) => total.or(deadline),
    };
    let setup = conn.setup.take().map(|s| *s);
    let limits = back.limits();
    let open = &mut *conn;
    open.exchanges += 1;
    // Borrows the connection's counters beside its stream: no reference count to touch.
    let closing = CloseGuard::new(back.metrics(), &open.host);
    let buf = std::mem::take(&mut open.buffers.read);
    #[cfg(feature = "tls")]
    open.io.lend(std::mem::take(&mut open.buffers.tls));
    // A proxy that forwards the request wants its target in absolute form, and its own
    // credentials with it (never sent to an origin: only keys that name the proxy have them).
    let proxy_fields;
    let (request, form) = match key.forwarded_by().map(|proxy| proxy.authorization()) {
        None => (request, TargetForm::Origin),
        Some(None) => (request, TargetForm::Absolute),
        Some(Some(value)) => {
            proxy_fields = request
                .extra()
                .iter()
                .cloned()
                .chain([(http::header::PROXY_AUTHORIZATION, value.clone())])
                .collect::<Vec<_>>();
            (request.with_extra(&proxy_fields), TargetForm::Absolute)
        }
    };
    let exchanged = exchange_head(
        (&mut open.io, &mut open.clock),
        (buf, &mut open.buffers.write),
        (request, form),
        body,
        (t, limits),
        total_deadline,
    )
    .await;
    // The caller counts a failed connection's closing, knowing whether it retries.
    closing.disarm();
    open.buffers.trim_write(back.idle_buffer_limit());
    let (head, next, buf) = match exchanged {
        Ok(parts) => parts,
        Err(failure) => return Err((failure, conn.into_slot())),
    };
    if conn.exchanges > 1 {
        conn.host.reuse_worked();
    }
    let wait = started.elapsed();
    // How much body `Content-Length` announces, as the codec counted it: a hint for
    // buffer sizes only.
    let mut expected = 0;
    let state = match next {
        AfterResponse::Body(call) => {
            expected = call.remaining().unwrap_or(0);
            BodyState::Reading { call, conn, buf }
        }
        AfterResponse::NoBody(cleanup) | AfterResponse::Upgrade(cleanup) => {
            back.finish(key.clone(), conn, buf, cleanup);
            BodyState::Done
        }
    };
    Ok(Response {
        head,
        reused: false,
        retried: false,
        timings: crate::Timings {
            dns: setup.map(|s| s.dns),
            connect: setup.map(|s| s.connect),
            tunnel: setup.and_then(|s| s.tunnel),
            tls: setup.and_then(|s| s.tls),
            wait,
        },
        body: Body::new(state, key, back, t.read, total_deadline, expected),
    })
}

/// The request out and the response head in, on `conn`: everything of an exchange that can
/// fail before the response is handed over.
// The uncommon paths (a large body sent in pieces, waiting for `100 Continue`) are boxed:
// their futures would otherwise make every request's future larger, and a future is copied
// whole each time it moves.
async fn exchange_head(
    (io, clock): (&mut Io, &mut Clock),
    (mut buf, out): (BytesMut, &mut Vec<u8>),
    (request, form): (RequestParts<'_>, TargetForm),
    body: &mut Payload,
    (t, limits): (Timeouts, tarry_wire::Limits),
    total_deadline: Option<Instant>,
) -> Result<(ResponseHead, AfterResponse, BytesMut), Failure> {
    let with_content = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH
    );
    let framing = match (body.in_memory(), body.length()) {
        (Some(bytes), _) if bytes.is_empty() && !with_content => RequestBody::None,
        (_, Some(length)) => RequestBody::Sized(length),
        (_, None) => RequestBody::Chunked,
    };
    let inline = body.in_memory().filter(|b| b.len() <= PIECE);
    let within_total = |at: Instant| total_deadline.map_or(at, |total| total.min(at));
    // The connection's buffers from its last exchange, when it had one: on a kept-alive
    // connection, no allocation. The read buffer takes back the allocation the last body
    // shared with the caller if the caller has dropped it.
    buf.reserve(8 * 1024);
    // Written from the caller's fields, which are not copied; room for a typical head and a
    // body that goes out with it.
    out.reserve(HEAD_ROOM + inline.map_or(0, Bytes::len));
    let head = Call::write_request(request, framing, form, out);
    let call = match head.map_err(wire(Phase::Write))?.with_limits(limits) {
        AfterHead::RecvResponse(call) => {
            first_write(io, out).await?;
            call
        }
        AfterHead::SendBody(mut call) if inline.is_some() => {
            let bytes = body.in_memory().map_or(&[][..], |b| &b[..]);
            call.write(bytes, out).map_err(wire(Phase::Write))?;
            let call = call.finish(out).map_err(wire(Phase::Write))?;
            first_write(io, out).await?;
            call
        }
        AfterHead::SendBody(call) => {
            first_write(io, out).await?;
            let gap = t.read;
            Box::pin(upload(io, call, body, &mut buf, gap, total_deadline)).await?
        }
        AfterHead::Await100(call) => {
            first_write(io, out).await?;
            let expect_end = within_total(Instant::now() + t.expect);
            match Box::pin(await_100(io, call, &mut buf, expect_end)).await? {
                Await100Next::RecvResponse(call) => call,
                Await100Next::SendBody(call) => {
                    let gap = t.read;
                    Box::pin(upload(io, call, body, &mut buf, gap, total_deadline)).await?
                }
            }
        }
    };

    // The head must come within the read gap of the request's end (and of every byte since),
    // and within the head and total deadlines when there are any.
    let head_deadline = t.head.map(|head| within_total(Instant::now() + head));
    let head_deadline = head_deadline.or(total_deadline);
    let mut received = buf.len();
    let mut call = call;
    loop {
        match call.read(&buf).map_err(wire(Phase::Head))? {
            ResponseEvent::Final { consumed } => {
                buf.advance(consumed);
                break;
            }
            ResponseEvent::Interim { consumed, .. } => buf.advance(consumed),
            // Partial: read more.
            _ => {
                if buf.capacity() - buf.len() < 1024 {
                    buf.reserve(8 * 1024);
                }
                let gap_end = Instant::now() + t.read;
                let until = head_deadline.map_or(gap_end, |d| d.min(gap_end));
                let n = match clock.read_by(io, &mut buf, until).await {
                    Ok(None) => return Err(fail(Error::Timeout(Phase::Head), false)),
                    Err(e) => return Err(fail(Error::Io(Phase::Head, e), received == 0)),
                    Ok(Some(n)) => n,
                };
                if n == 0 {
                    if received == 0 {
                        let closed = Error::ClosedBeforeResponse { retried: false };
                        return Err(fail(closed, true));
                    }
                    let cut = call.end_of_input(&buf);
                    return Err(fail(Error::Protocol(Phase::Head, cut), false));
                }
                received += n;
            }
        }
    }
    match call.proceed() {
        Ok(Some((head, next))) => Ok((head, next, buf)),
        Ok(None) => {
            let cut = tarry_wire::Error::IncompleteHead;
            Err(fail(Error::Protocol(Phase::Head, cut), false))
        }
        Err(e) => Err(fail(Error::Protocol(Phase::Head, e), false)),
    }
}

/// The first write of an exchange. A failure here on a reused connection means the server
/// had closed it; if the socket took no byte at all, the server cannot have seen the request.
async fn first_write(io: &mut Io, bytes: &[u8]) -> Result<(), Failure> {
    let mut rest = bytes;
    let result = poll_fn(|cx| {
        while !rest.is_empty() {
            match Pin::new(&mut *io).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => rest = &rest[n..],
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Pin::new(&mut *io).poll_flush(cx)
    })
    .await;
    result.map_err(|e| Failure {
        error: Error::Io(Phase::Write, e),
        before_response: true,
        unsent: rest.len() == bytes.len(),
    })
}

/// Waits for `100 Continue` until `until`; interim responses are skipped, a final response
/// means the body is not sent at all.
async fn await_100(
    io: &mut Io,
    mut call: Call<Await100>,
    buf: &mut BytesMut,
    until: Instant,
) -> Result<Await100Next, Failure> {
    let mut received = 0;
    loop {
        match call.read(buf).map_err(wire(Phase::Head))? {
            Await100Event::Continue { consumed } => {
                buf.advance(consumed);
                return Ok(call.proceed());
            }
            Await100Event::Interim { consumed, .. } => {
                buf.advance(consumed);
                continue;
            }
            Await100Event::Final => return Ok(call.proceed()),
            _ => {}
        }
        if buf.capacity() - buf.len() < 1024 {
            buf.reserve(8 * 1024);
        }
        match timeout_at(until, io.read_buf(buf)).await {
            // The server said nothing in time: send the body anyway.
            Err(_) => return Ok(call.proceed()),
            Ok(Err(e)) => return Err(fail(Error::Io(Phase::Head, e), received == 0)),
            Ok(Ok(0)) if received == 0 => {
                return Err(fail(Error::ClosedBeforeResponse { retried: false }, true));
            }
            Ok(Ok(0)) => {
                let cut = tarry_wire::Error::IncompleteHead;
                return Err(fail(Error::Protocol(Phase::Head, cut), false));
            }
            Ok(Ok(n)) => received += n,
        }
    }
}

/// Sends a body too large to go with the head, or one read as it goes (a stream, a reader, a
/// file), in pieces, each write bounded by `gap` and the total deadline, while watching the
/// socket: a final response before the end stops the upload. A piece is written before the
/// next is read, so memory stays bounded by a piece.
async fn upload(
    io: &mut Io,
    mut call: Call<SendBody>,
    body: &mut Payload,
    buf: &mut BytesMut,
    gap: Duration,
    total: Option<Instant>,
) -> Result<Call<RecvResponse>, Failure> {
    let mut out = Vec::with_capacity(PIECE + 32);
    let mut scratch = BytesMut::new();
    // The server stopped talking (half-closed): keep sending, and let the head read find out.
    let mut peer_done = false;
    let mut memory = body.in_memory().cloned();
    loop {
        let piece = match &mut memory {
            // In memory: in pieces, so that an early answer is heard between them.
            Some(rest) if rest.is_empty() => break,
            Some(rest) => rest.split_to(rest.len().min(PIECE)),
            // Read from the caller's source at its own pace, within the total deadline only.
            None => {
                let next = body.next_piece(&mut scratch);
                let next = match total {
                    Some(at) => timeout_at(at, next)
                        .await
                        .map_err(|_| fail(Error::Timeout(Phase::Write), buf.is_empty()))?,
                    None => next.await,
                };
                match next {
                    Ok(Some(piece)) => piece,
                    Ok(None) => break,
                    Err(e) => return Err(fail(Error::RequestBody(e), buf.is_empty())),
                }
            }
        };
        out.clear();
        call.write(&piece, &mut out).map_err(wire(Phase::Write))?;
        if push(io, &mut call, &out, buf, (gap, total), &mut peer_done).await? {
            return Ok(call.abandon());
        }
    }
    out.clear();
    let call = call.finish(&mut out).map_err(wire(Phase::Write))?;
    // The end of a chunked body (the last chunk); nothing for a sized one.
    let mut end = &out[..];
    while !end.is_empty() {
        let until = Instant::now() + gap;
        let until = total.map_or(until, |t| t.min(until));
        match timeout_at(until, send_watching(io, &mut end, buf, &mut peer_done)).await {
            Err(_) => return Err(fail(Error::Timeout(Phase::Write), buf.is_empty())),
            Ok(Err(e)) => return Err(fail(Error::Io(Phase::Write, e), buf.is_empty())),
            Ok(Ok(_)) => {}
        }
    }
    Ok(call)
}

/// Writes `piece` while watching for an early answer; `true` when a final response came
/// before the body was done (the rest is then not sent).
async fn push(
    io: &mut Io,
    call: &mut Call<SendBody>,
    mut piece: &[u8],
    buf: &mut BytesMut,
    (gap, total): (Duration, Option<Instant>),
    peer_done: &mut bool,
) -> Result<bool, Failure> {
    while !piece.is_empty() {
        let until = Instant::now() + gap;
        let until = total.map_or(until, |t| t.min(until));
        let watched = timeout_at(until, send_watching(io, &mut piece, buf, peer_done));
        match watched.await {
            Err(_) => return Err(fail(Error::Timeout(Phase::Write), buf.is_empty())),
            Ok(Err(e)) => return Err(fail(Error::Io(Phase::Write, e), buf.is_empty())),
            Ok(Ok(Watched::Sent)) => {}
            Ok(Ok(Watched::Heard)) => loop {
                match call.read_early(buf).map_err(wire(Phase::Head))? {
                    EarlyEvent::Interim { consumed, .. } => buf.advance(consumed),
                    EarlyEvent::Final => return Ok(true),
                    // Partial (a head still arriving): keep sending meanwhile.
                    _ => break,
                }
            },
        }
    }
    Ok(false)
}

enum Watched {
    /// All of the piece went out.
    Sent,
    /// The server sent something first; the piece is partly sent.
    Heard,
}

/// Writes `piece` (advancing it) until it is all sent or the server says something.
async fn send_watching(
    io: &mut Io,
    piece: &mut &[u8],
    buf: &mut BytesMut,
    peer_done: &mut bool,
) -> io::Result<Watched> {
    poll_fn(|cx| {
        while !*peer_done {
            let mut scratch = [0u8; 2048];
            let mut read = ReadBuf::new(&mut scratch);
            match Pin::new(&mut *io).poll_read(cx, &mut read) {
                Poll::Ready(Ok(())) if read.filled().is_empty() => *peer_done = true,
                Poll::Ready(Ok(())) => {
                    buf.extend_from_slice(read.filled());
                    return Poll::Ready(Ok(Watched::Heard));
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => break,
            }
        }
        while !piece.is_empty() {
            match Pin::new(&mut *io).poll_write(cx, piece) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *piece = &piece[n..],
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        match Pin::new(&mut *io).poll_flush(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(Watched::Sent)),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}
