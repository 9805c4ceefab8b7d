//! A TLS client stream on rustls' unbuffered API: the socket is read into a buffer of our own,
//! and the plaintext goes straight from rustls to the reader's buffer.
//!
//! rustls' buffered connection reads the socket 4 KiB at a time, so a 16 KiB record costs at
//! least four `recv` calls; here one call takes whatever the socket holds, up to the buffer's
//! size (32 KiB, grown up to 256 KiB while a body past its first 256 KiB keeps filling it),
//! and the records in it are decrypted where they lie. The buffers are lent to the connection
//! for an exchange and given back when it goes idle (see `spare.rs`), so an idle TLS connection
//! keeps only rustls' own state.
//!
//! The one copy we cannot avoid — rustls moves each record's plaintext into a fresh
//! allocation — runs into a cliff in glibc's `memmove` on some x86 CPUs: `rep movsb` is 25 to
//! 40 times slower when the destination lies 1 to 63 bytes after the source modulo 4096. Which
//! case a connection falls into depends only on where the two buffers lie, so it would stay
//! there for every record; we see where rustls put the plaintext, and when that copy was on the
//! cliff, move where records start in our buffer so that the next ones are not. Our own copy
//! (plaintext to the reader) is done in pieces below the `rep movsb` threshold when it would be
//! on the cliff.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use rustls::client::UnbufferedClientConnection;
use rustls::unbuffered::{ConnectionState, EncodeError, EncryptError, UnbufferedStatus};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Room for records from the socket: enough for a full record (16 KiB of plaintext and at most
/// 2 KiB of expansion) and most of the next.
const INCOMING: usize = 32 * 1024;
/// The most the incoming buffer grows to: while reads keep finding more than it has room for
/// (a large body: a 16 MiB body then takes about 140 `recv` calls instead of 345 at 64 KiB),
/// or for a handshake message that spans records (rustls needs all of one in the buffer, and
/// refuses those over 64 KiB).
const MAX_INCOMING: usize = 256 * 1024;
/// The least room worth a `recv`: below this, unprocessed bytes move to the buffer's start.
const MIN_READ: usize = 18 * 1024;
/// Bytes an exchange reads before reads that fill the buffer grow it. Growing costs a
/// reallocation, and shrinking back at the end another; a body of a few records (64 KiB) does
/// not need the room, and glibc serves a buffer once grown past 128 KiB from `mmap`, so that
/// growing and shrinking it on every exchange costs three `mremap` calls and page faults
/// each time (a 64 KiB body then read at half the speed).
const GROW_AFTER: usize = 256 * 1024;
/// The most plaintext encrypted by one write.
const MAX_WRITE: usize = 64 * 1024;
/// Unsent bytes a write may add to rather than send first: a handshake's last flight.
const COALESCE: usize = 1024;
/// The distances (modulo a page) at which glibc's `rep movsb` is slow.
const CLIFF: std::ops::Range<usize> = 1..80;
/// Copies in pieces of this size stay below glibc's `rep movsb` threshold.
const PIECE: usize = 2 * 1024;

/// Buffers lent to a TLS stream for an exchange.
#[derive(Debug, Default)]
pub(crate) struct TlsBuffers {
    incoming: Vec<u8>,
    outgoing: Vec<u8>,
}

impl TlsBuffers {
    /// Whether there is an allocation worth passing on.
    pub(crate) fn has_capacity(&self) -> bool {
        !self.incoming.is_empty() || !self.outgoing.is_empty()
    }

    /// Frees what holds more than `limit` bytes.
    pub(crate) fn trim(&mut self, limit: usize) {
        if self.incoming.len() > limit {
            self.incoming = Vec::new();
        }
        if self.outgoing.len() > limit {
            self.outgoing = Vec::new();
        }
    }
}

/// A TLS client connection over `S` (a TCP stream, or a tunnel inside TLS to a proxy).
pub(crate) struct TlsStream<S> {
    io: S,
    conn: UnbufferedClientConnection,
    /// Bytes from the socket, zero-filled to its length; `incoming[start..end]` are not yet
    /// processed by rustls.
    incoming: Vec<u8>,
    start: usize,
    end: usize,
    /// Where unprocessed bytes are moved to when the buffer is compacted: changed to step
    /// off the `memmove` cliff.
    base: usize,
    /// Plaintext the reader had no room for yet: `plain[taken..]`.
    plain: Vec<u8>,
    taken: usize,
    /// Encrypted bytes, zero-filled to its length; `outgoing[sent..filled]` are to be written.
    outgoing: Vec<u8>,
    sent: usize,
    filled: usize,
    /// The peer sent `close_notify`: no more plaintext will come.
    read_closed: bool,
    /// The socket reached its end.
    eof: bool,
    /// Bytes read from the socket in this exchange (reset when the buffers go back).
    received: usize,
    /// Our `close_notify` is queued.
    write_closed: bool,
    /// An error met after some plaintext was handed out, for the next read.
    error: Option<io::Error>,
    /// rustls reported an error: the connection carries nothing more.
    failed: bool,
}

impl<S> std::fmt::Debug for TlsStream<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsStream")
            .field("unprocessed", &(self.end - self.start))
            .field("plaintext", &(self.plain.len() - self.taken))
            .field("unsent", &(self.filled - self.sent))
            .field("read_closed", &self.read_closed)
            .finish_non_exhaustive()
    }
}

/// What one call into rustls came to.
enum Outcome {
    /// Plaintext was handed to the reader or kept for it.
    Data,
    /// Something changed inside rustls: ask again.
    Again,
    /// Handshake or alert records are waiting in `outgoing`.
    Flush,
    /// Nothing to do until the peer sends more.
    NeedInput,
    /// The handshake is done and nothing else is pending.
    Writable,
    /// `n` bytes of the caller's plaintext (or a `close_notify`) were encrypted.
    Wrote(usize),
    /// Both sides sent `close_notify`.
    Closed,
}

/// What the caller of [`TlsStream::process`] wants from rustls.
enum Action<'a, 'b> {
    Handshake,
    Read(&'a mut ReadBuf<'b>),
    Write(&'a [u8]),
    Close,
}

fn invalid(e: rustls::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

/// Whether a `memmove` from `src` to `dst` would fall on glibc's `rep movsb` cliff.
fn on_cliff(dst: *const u8, src: *const u8) -> bool {
    CLIFF.contains(&((dst as usize).wrapping_sub(src as usize) % 4096))
}

/// Appends to `buf[*filled..]` what `encode` writes, growing `buf` (zero-filled) to the size
/// `encode` asks for when it does not fit.
fn append(
    buf: &mut Vec<u8>,
    sent: &mut usize,
    filled: &mut usize,
    first_guess: usize,
    mut encode: impl FnMut(&mut [u8]) -> Result<usize, Option<usize>>,
) -> io::Result<()> {
    if *sent == *filled {
        (*sent, *filled) = (0, 0);
    }
    let mut want = first_guess;
    loop {
        if buf.len() - *filled < want {
            buf.resize(*filled + want, 0);
        }
        match encode(&mut buf[*filled..]) {
            Ok(n) => {
                *filled += n;
                return Ok(());
            }
            Err(Some(required)) if required > want => want = required,
            Err(_) => return Err(io::Error::other("rustls could not encode a TLS record")),
        }
    }
}

impl<S> TlsStream<S> {
    /// The stream underneath.
    pub(crate) fn get_ref(&self) -> &S {
        &self.io
    }

    /// The stream underneath, to take back its buffers too.
    pub(crate) fn get_mut(&mut self) -> &mut S {
        &mut self.io
    }

    /// Whether the connection may carry another exchange as far as TLS knows: the peer has
    /// not closed, no error waits, and nothing arrived that nobody asked for (an idle
    /// connection's socket is checked apart).
    pub(crate) fn is_reusable(&self) -> bool {
        !self.read_closed
            && !self.eof
            && !self.failed
            && self.error.is_none()
            && self.taken == self.plain.len()
            && self.start == self.end
    }

    /// The rustls connection, for what the handshake agreed.
    pub(crate) fn connection(&self) -> &UnbufferedClientConnection {
        &self.conn
    }

    /// Gives the stream buffers for an exchange, unless it holds some already.
    pub(crate) fn lend(&mut self, buffers: TlsBuffers) {
        if self.incoming.is_empty() && buffers.incoming.len() > self.base {
            self.incoming = buffers.incoming;
            (self.start, self.end) = (self.base, self.base);
        }
        if self.outgoing.is_empty() {
            self.outgoing = buffers.outgoing;
            (self.sent, self.filled) = (0, 0);
        }
    }

    /// Takes the buffers back as the connection goes idle: whichever holds nothing pending.
    pub(crate) fn take_back(&mut self) -> TlsBuffers {
        self.received = 0;
        let mut back = TlsBuffers::default();
        if self.start == self.end {
            back.incoming = std::mem::take(&mut self.incoming);
            (self.start, self.end) = (0, 0);
            // Grown for a large body: back to the size every exchange starts with, in place.
            back.incoming.truncate(INCOMING);
            back.incoming.shrink_to_fit();
        }
        if self.sent == self.filled {
            back.outgoing = std::mem::take(&mut self.outgoing);
            (self.sent, self.filled) = (0, 0);
        }
        if self.taken == self.plain.len() {
            self.plain = Vec::new();
            self.taken = 0;
        }
        back
    }

    /// Where the unprocessed bytes start when there are none.
    fn home(&self) -> usize {
        if self.incoming.is_empty() {
            0
        } else {
            self.base
        }
    }
}

impl<S> TlsStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    /// Runs the handshake for `conn` over `io`.
    pub(crate) async fn connect(conn: UnbufferedClientConnection, io: S) -> io::Result<Self> {
        let mut stream = TlsStream {
            io,
            conn,
            incoming: Vec::new(),
            start: 0,
            end: 0,
            base: 0,
            plain: Vec::new(),
            taken: 0,
            outgoing: Vec::new(),
            sent: 0,
            filled: 0,
            read_closed: false,
            eof: false,
            received: 0,
            write_closed: false,
            error: None,
            failed: false,
        };
        std::future::poll_fn(|cx| stream.poll_handshake(cx)).await?;
        Ok(stream)
    }

    fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            let outcome = match self.process(&mut Action::Handshake) {
                Ok(outcome) => outcome,
                Err(e) => return Poll::Ready(Err(self.after_alert(cx, e))),
            };
            match outcome {
                // The client's last flight (its Finished) stays in `outgoing`: the first
                // write sends it together with the request, in one segment, so that the
                // server wakes once for both. A read or a flush sends it too.
                Outcome::Writable => return Poll::Ready(Ok(())),
                Outcome::NeedInput => {
                    // Before waiting for the server, what is ours goes out; inside TLS to a
                    // proxy, the stream underneath buffers too.
                    ready!(self.poll_send(cx))?;
                    ready!(Pin::new(&mut self.io).poll_flush(cx))?;
                    if ready!(self.poll_fill(cx))? == 0 {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the server closed the connection during the TLS handshake",
                        )));
                    }
                }
                Outcome::Closed => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the server closed TLS during the handshake",
                    )));
                }
                Outcome::Data | Outcome::Again | Outcome::Flush | Outcome::Wrote(_) => {}
            }
        }
    }

    /// One call into rustls with the unprocessed input, doing what the state it reaches asks
    /// for as far as that needs no I/O. What rustls consumed is discarded on every path, an
    /// error's included.
    fn process(&mut self, action: &mut Action<'_, '_>) -> io::Result<Outcome> {
        let input = &mut self.incoming[self.start..self.end];
        let input_at = input.as_ptr();
        let UnbufferedStatus { mut discard, state } = self.conn.process_tls_records(input);
        let outcome = 'outcome: {
            let state = match state {
                Ok(state) => state,
                Err(e) => break 'outcome Err(invalid(e)),
            };
            match state {
                ConnectionState::ReadTraffic(mut traffic) => {
                    while let Some(record) = traffic.next_record() {
                        let record = match record {
                            Ok(record) => record,
                            Err(e) => break 'outcome Err(invalid(e)),
                        };
                        discard += record.discard;
                        let payload = record.payload;
                        // Where rustls copied this plaintext from: the record just processed
                        // ends `discard` bytes in, and its tag (and TLS 1.3's content type)
                        // follow the plaintext. Near enough for the cliff's 80-byte window.
                        let source =
                            input_at.wrapping_add(discard.saturating_sub(payload.len() + 17));
                        if on_cliff(payload.as_ptr(), source) {
                            self.base = (self.base + 128) % 512;
                        }
                        match action {
                            Action::Read(buf) if self.taken == self.plain.len() => {
                                let n = buf.remaining().min(payload.len());
                                put(buf, &payload[..n]);
                                if n < payload.len() {
                                    self.plain.clear();
                                    self.plain.extend_from_slice(&payload[n..]);
                                    self.taken = 0;
                                }
                            }
                            _ => self.plain.extend_from_slice(payload),
                        }
                    }
                    Ok(Outcome::Data)
                }
                ConnectionState::EncodeTlsData(mut encode) => append(
                    &mut self.outgoing,
                    &mut self.sent,
                    &mut self.filled,
                    4096,
                    |out| encoded(encode.encode(out)),
                )
                .map(|()| Outcome::Again),
                ConnectionState::TransmitTlsData(transmit) => {
                    // The records are in `outgoing`, which the caller sends before it waits
                    // for the peer; rustls needs no word of when.
                    transmit.done();
                    Ok(Outcome::Flush)
                }
                ConnectionState::BlockedHandshake => Ok(Outcome::NeedInput),
                ConnectionState::PeerClosed => {
                    self.read_closed = true;
                    Ok(Outcome::Again)
                }
                ConnectionState::Closed => {
                    self.read_closed = true;
                    Ok(Outcome::Closed)
                }
                ConnectionState::WriteTraffic(mut traffic) => match action {
                    Action::Write(data) => {
                        let data = &data[..data.len().min(MAX_WRITE)];
                        let guess = data.len() + (data.len() / 16384 + 1) * 64;
                        append(
                            &mut self.outgoing,
                            &mut self.sent,
                            &mut self.filled,
                            guess,
                            |out| encrypted(traffic.encrypt(data, out)),
                        )
                        .map(|()| Outcome::Wrote(data.len()))
                    }
                    Action::Close => {
                        self.write_closed = true;
                        append(
                            &mut self.outgoing,
                            &mut self.sent,
                            &mut self.filled,
                            64,
                            |out| encrypted(traffic.queue_close_notify(out)),
                        )
                        .map(|()| Outcome::Wrote(0))
                    }
                    Action::Handshake => Ok(Outcome::Writable),
                    Action::Read(_) => Ok(Outcome::NeedInput),
                },
                _ => Err(io::Error::other(
                    "rustls reached a state a client never sees",
                )),
            }
        };
        self.start += discard;
        if self.start == self.end {
            let home = self.home();
            (self.start, self.end) = (home, home);
        }
        if let Err(e) = &outcome {
            self.failed = true;
            if e.get_ref().is_some_and(|inner| inner.is::<rustls::Error>()) {
                self.queue_alert();
            }
        }
        outcome
    }

    /// Moves the fatal alert rustls queued with its error (a record that fails to decrypt, a
    /// certificate refused) into `outgoing`, so that the server learns why the connection
    /// ends, as RFC 8446 (section 6.2) asks, rather than seeing it dropped.
    ///
    /// rustls hands queued records out before it looks at input, so one more call yields the
    /// alert. It is given the unprocessed input all the same: rustls keeps positions in it
    /// (a handshake message split over records) and an empty slice would not match them.
    fn queue_alert(&mut self) {
        let input = &mut self.incoming[self.start..self.end];
        let UnbufferedStatus { state, .. } = self.conn.process_tls_records(input);
        if let Ok(ConnectionState::EncodeTlsData(mut encode)) = state {
            let _ = append(
                &mut self.outgoing,
                &mut self.sent,
                &mut self.filled,
                64,
                |out| encoded(encode.encode(out)),
            );
        }
    }

    /// `e`, once what is queued (the alert of a TLS error) has been offered to the socket; a
    /// socket that takes none of it now does not hold up the error.
    fn after_alert(&mut self, cx: &mut Context<'_>, e: io::Error) -> io::Error {
        if self.sent < self.filled {
            let _ = self.poll_send(cx);
            let _ = Pin::new(&mut self.io).poll_flush(cx);
        }
        e
    }

    /// The error of a read or write after the connection failed.
    fn failed_before() -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "the TLS connection already failed",
        )
    }

    /// Reads from the socket into the incoming buffer: `Ok(0)` at its end.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        if self.incoming.len() < INCOMING {
            // First use, or the buffers went back to the pool: unprocessed bytes are none.
            self.incoming = vec![0; INCOMING];
            (self.start, self.end) = (self.base, self.base);
        }
        if self.incoming.len() - self.end < MIN_READ {
            // A large body keeps a partial record here after every record: the buffer grows
            // rather than take reads smaller than `MIN_READ`, which measured about 5% slower
            // on 1 MiB bodies. A handshake message that spans records grows it up to
            // `MAX_INCOMING`.
            let pending = self.end - self.start;
            if self.base + pending + MIN_READ > self.incoming.len() {
                if self.incoming.len() >= MAX_INCOMING {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "a TLS handshake message larger than 256 KiB",
                    )));
                }
                self.incoming.resize(self.incoming.len() * 2, 0);
            }
            if self.start != self.base {
                self.incoming.copy_within(self.start..self.end, self.base);
                (self.start, self.end) = (self.base, self.base + pending);
            }
        }
        let mut room = ReadBuf::new(&mut self.incoming[self.end..]);
        ready!(Pin::new(&mut self.io).poll_read(cx, &mut room))?;
        let n = room.filled().len();
        self.received = self.received.saturating_add(n);
        if n == room.capacity() && self.received >= GROW_AFTER && self.incoming.len() < MAX_INCOMING
        {
            // More was waiting than this read had room for, in a large body: the next read
            // gets more room.
            let len = (self.incoming.len() * 2).min(MAX_INCOMING);
            self.incoming.resize(len, 0);
        }
        self.end += n;
        if n == 0 {
            self.eof = true;
        }
        Poll::Ready(Ok(n))
    }

    /// Writes what is in `outgoing` to the socket.
    fn poll_send(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.filled {
            let n = ready!(
                Pin::new(&mut self.io).poll_write(cx, &self.outgoing[self.sent..self.filled])
            )?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        (self.sent, self.filled) = (0, 0);
        Poll::Ready(Ok(()))
    }

    /// Hands out kept plaintext; whether the reader's buffer is full.
    fn give_kept(&mut self, buf: &mut ReadBuf<'_>) -> bool {
        if self.taken < self.plain.len() {
            let n = buf.remaining().min(self.plain.len() - self.taken);
            put(buf, &self.plain[self.taken..self.taken + n]);
            self.taken += n;
            if self.taken == self.plain.len() {
                self.plain.clear();
                self.taken = 0;
            }
        }
        buf.remaining() == 0
    }
}

/// An encoding's result as [`append`] takes it: the size it needs when the room was short.
fn encoded(result: Result<usize, EncodeError>) -> Result<usize, Option<usize>> {
    match result {
        Ok(n) => Ok(n),
        Err(EncodeError::InsufficientSize(e)) => Err(Some(e.required_size)),
        Err(_) => Err(None),
    }
}

/// The same for an encryption.
fn encrypted(result: Result<usize, EncryptError>) -> Result<usize, Option<usize>> {
    match result {
        Ok(n) => Ok(n),
        Err(EncryptError::InsufficientSize(e)) => Err(Some(e.required_size)),
        Err(_) => Err(None),
    }
}

/// Copies `src` to the end of `buf`, in pieces when one `memmove` would be on the cliff.
fn put(buf: &mut ReadBuf<'_>, src: &[u8]) {
    let dst = buf.filled().as_ptr_range().end;
    if src.len() > PIECE && on_cliff(dst, src.as_ptr()) {
        for piece in src.chunks(PIECE) {
            buf.put_slice(piece);
        }
    } else {
        buf.put_slice(src);
    }
}

impl<S> AsyncRead for TlsStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    /// Hands out plaintext until the reader's buffer is full or the socket has nothing more
    /// for now: a large body comes in few reads.
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(e) = this.error.take() {
            return Poll::Ready(Err(e));
        }
        if this.failed {
            return Poll::Ready(Err(Self::failed_before()));
        }
        let before = buf.remaining();
        // An error after some plaintext is kept for the next read, so that the plaintext
        // is not lost with it.
        let fail = |this: &mut Self, buf: &ReadBuf<'_>, e: io::Error| {
            if buf.remaining() < before {
                this.error = Some(e);
                Poll::Ready(Ok(()))
            } else {
                Poll::Ready(Err(e))
            }
        };
        loop {
            if this.give_kept(buf) || this.read_closed {
                return Poll::Ready(Ok(()));
            }
            match this.process(&mut Action::Read(&mut *buf)) {
                Err(e) => {
                    let e = this.after_alert(cx, e);
                    return fail(this, buf, e);
                }
                Ok(Outcome::Data | Outcome::Again | Outcome::Wrote(_)) => {}
                Ok(Outcome::Flush) => {
                    // Handshake records (a key update's answer): sent when the socket takes
                    // them; reading does not wait for that.
                    if let Poll::Ready(Err(e)) = this.poll_send(cx) {
                        return fail(this, buf, e);
                    }
                }
                Ok(Outcome::Closed) => return Poll::Ready(Ok(())),
                Ok(Outcome::NeedInput | Outcome::Writable) => {
                    if buf.remaining() == 0 {
                        return Poll::Ready(Ok(()));
                    }
                    if this.eof {
                        let e = io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "peer closed connection without sending TLS close_notify",
                        );
                        return fail(this, buf, e);
                    }
                    // Before waiting for the peer, what is ours to send goes out (a tunnel's
                    // request written without a flush, records the stream underneath holds);
                    // a socket that takes none of it now does not hold up the read.
                    let _ = this.poll_send(cx);
                    let _ = Pin::new(&mut this.io).poll_flush(cx);
                    match this.poll_fill(cx) {
                        Poll::Pending if buf.remaining() < before => return Poll::Ready(Ok(())),
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Err(e)) => return fail(this, buf, e),
                        Poll::Ready(Ok(_)) => {}
                    }
                }
            }
        }
    }
}

impl<S> AsyncWrite for TlsStream<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if data.is_empty() {
            return Poll::Ready(Ok(0));
        }
        if this.failed {
            return Poll::Ready(Err(Self::failed_before()));
        }
        // What earlier writes left unsent goes first, so that `outgoing` stays bounded; a
        // little (the handshake's last flight) goes out with this write instead.
        if this.filled - this.sent > COALESCE {
            ready!(this.poll_send(cx))?;
        }
        loop {
            let outcome = match this.process(&mut Action::Write(data)) {
                Ok(outcome) => outcome,
                Err(e) => return Poll::Ready(Err(this.after_alert(cx, e))),
            };
            match outcome {
                Outcome::Wrote(n) => {
                    // Sent now if the socket takes it; else by the next write or flush.
                    if let Poll::Ready(Err(e)) = this.poll_send(cx) {
                        return Poll::Ready(Err(e));
                    }
                    return Poll::Ready(Ok(n));
                }
                Outcome::Flush => ready!(this.poll_send(cx))?,
                Outcome::Data | Outcome::Again => {}
                Outcome::NeedInput | Outcome::Writable => {
                    // Only before the handshake ends, which `connect` waits for.
                    if ready!(this.poll_fill(cx))? == 0 {
                        return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into()));
                    }
                }
                Outcome::Closed => return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into())),
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_send(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    /// Sends `close_notify`, then closes the stream underneath.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        // After a fatal alert, no `close_notify`: the alert already ended the session.
        while !this.write_closed && !this.failed {
            match this.process(&mut Action::Close) {
                Ok(Outcome::Wrote(_) | Outcome::Closed) | Err(_) => break,
                Ok(Outcome::NeedInput | Outcome::Writable) => break,
                Ok(Outcome::Data | Outcome::Again | Outcome::Flush) => {}
            }
        }
        ready!(this.poll_send(cx))?;
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cliff_is_a_destination_just_after_the_source_modulo_a_page() {
        let buf = vec![0u8; 3 * 4096];
        let src = buf.as_ptr();
        let at = |offset: usize| src.wrapping_add(offset);
        assert!(!on_cliff(at(0), src), "the same address");
        assert!(on_cliff(at(1), src));
        assert!(on_cliff(at(63), src));
        assert!(on_cliff(at(4096 + 40), src), "a page later");
        assert!(!on_cliff(at(200), src));
        assert!(!on_cliff(src, at(10)), "destination before the source");
    }

    #[test]
    fn append_grows_to_the_size_the_encoder_asks_for() {
        let (mut buf, mut sent, mut filled) = (Vec::new(), 0, 0);
        let mut calls = 0;
        append(&mut buf, &mut sent, &mut filled, 8, |out| {
            calls += 1;
            if out.len() < 100 {
                return Err(Some(100));
            }
            out[..100].fill(7);
            Ok(100)
        })
        .unwrap();
        assert_eq!((calls, filled, buf.len()), (2, 100, 100));
        let refused = append(&mut buf, &mut sent, &mut filled, 8, |_| Err(None));
        assert!(
            refused.is_err(),
            "an encoder that cannot encode is an error, not a loop"
        );
    }
}
