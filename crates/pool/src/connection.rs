//! One pooled connection, plain or TLS, and the liveness check that decides whether it may be
//! reused.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::idle::Poolable;
pub(crate) use crate::secure::Io;

/// The per-host cap's types, for connections.
pub(crate) type Slot = crate::slots::Slot<Connection>;
pub(crate) type Slots = crate::slots::Slots<Connection>;
pub(crate) type Handoff = crate::slots::Handoff<Connection>;

/// An open connection, and its place in its host's connection count.
///
/// Boxed: a connection moves from the idle store through the exchange into the response
/// body and back on every request, and a pointer moves in one word where its fields would
/// take a few hundred bytes each time.
#[derive(Debug)]
pub(crate) struct Connection(Box<Open>);

/// The parts of a [`Connection`].
#[derive(Debug)]
pub(crate) struct Open {
    pub(crate) io: Io,
    pub(crate) _slot: Slot,
    /// How long opening it took; taken by the first exchange, so reused ones report none.
    // Boxed: only a new connection's first exchange has one, and a connection moves with
    // every response.
    pub(crate) setup: Option<Box<Setup>>,
    /// When it was opened, for `max_lifetime`.
    pub(crate) opened_at: std::time::Instant,
    /// Exchanges it has carried, the one under way included.
    pub(crate) exchanges: u64,
    /// The counters of its origin.
    pub(crate) host: std::sync::Arc<crate::metrics::Counters>,
    /// The buffers of the exchange it carries: given back to the pool's spare sets when it
    /// goes idle, so that an idle connection holds none (see [`crate::spare`]).
    pub(crate) buffers: Buffers,
    /// The timer of its read deadlines (see [`Clock`]).
    pub(crate) clock: Clock,
}

/// A connection's timer for read deadlines, made once and moved to each new deadline.
///
/// A timer made per read is entered into the runtime's timer wheel when the read has to wait
/// and taken out again when it ends, under the wheel's lock both times, for every exchange.
/// Moving a timer that is already in the wheel to a later deadline only updates it: the
/// wheel finds the new deadline when the old one comes. Deadlines mostly move later from one
/// exchange to the next, so a kept-alive exchange touches the wheel rarely.
///
/// The timer stays in the wheel while its connection idles. It is polled with a waker of the
/// connection's own (a [`Relay`]) that passes a wake-up on to the task reading now, and
/// [`idle`](Clock::idle) forgets that task: an idle connection must not keep a caller's
/// finished task (and all the memory of its future) alive until its old deadline comes.
///
/// A timer belongs to the runtime it was made in, and a pool may serve several runtimes: a
/// read from another runtime gets a timer of its own, so that its deadline still comes even
/// if the connection's first runtime is no longer driven.
#[derive(Debug, Default)]
pub(crate) struct Clock(Option<Timer>);

/// A timer, the runtime it belongs to, and the waker it is polled with.
#[derive(Debug)]
struct Timer {
    made_in: tokio::runtime::Id,
    sleep: Pin<Box<tokio::time::Sleep>>,
    relay: Arc<Relay>,
    /// `relay` as a waker, made once.
    waker: Waker,
}

/// Passes a timer's wake-up on to the task that reads now, if any.
#[derive(Debug, Default)]
struct Relay(Mutex<Option<Waker>>);

impl Relay {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Waker>> {
        // Holds only a waker, consistent after every call: a poisoned lock is still sound.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The task to wake from now on.
    fn set(&self, waker: &Waker) {
        let mut slot = self.lock();
        match &mut *slot {
            Some(current) => current.clone_from(waker),
            None => *slot = Some(waker.clone()),
        }
    }

    fn forget(&self) {
        let task = self.lock().take();
        drop(task); // outside the lock: dropping a waker may free a whole task
    }
}

impl Wake for Relay {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let task = self.lock().take();
        if let Some(task) = task {
            task.wake();
        }
    }
}

impl Clock {
    /// Reads from `io` into `buf`, waiting until `deadline` at most: `Ok(None)` when the
    /// deadline came first. A read that is ready wins over a deadline that has passed, as with
    /// `tokio::time::timeout_at`.
    pub(crate) async fn read_by(
        &mut self,
        io: &mut Io,
        buf: &mut BytesMut,
        deadline: tokio::time::Instant,
    ) -> io::Result<Option<usize>> {
        // A blocking caller's plain socket: read on its thread (see `crate::blocking`).
        if crate::blocking::direct()
            && let Some(plain) = io.plain_mut()
        {
            return plain.read_blocking(buf, deadline.into_std());
        }
        let runtime = tokio::runtime::Handle::current().id();
        let timer = match &mut self.0 {
            Some(timer) if timer.made_in == runtime => {
                timer.sleep.as_mut().reset(deadline);
                timer
            }
            slot => {
                let relay = Arc::new(Relay::default());
                slot.insert(Timer {
                    made_in: runtime,
                    sleep: Box::pin(tokio::time::sleep_until(deadline)),
                    waker: Waker::from(Arc::clone(&relay)),
                    relay,
                })
            }
        };
        let mut read = std::pin::pin!(io.read_buf(buf));
        std::future::poll_fn(|cx| {
            if let Poll::Ready(result) = read.as_mut().poll(cx) {
                return Poll::Ready(result.map(Some));
            }
            // Set before the poll: a deadline that comes in between still reaches this task.
            timer.relay.set(cx.waker());
            let mut own = Context::from_waker(&timer.waker);
            timer.sleep.as_mut().poll(&mut own).map(|()| Ok(None))
        })
        .await
    }

    /// The connection goes idle: its timer no longer wakes the task that read last.
    fn idle(&self) {
        if let Some(timer) = &self.0 {
            timer.relay.forget();
        }
    }
}

/// An exchange's read and write buffers, kept for the next exchange.
///
/// The read buffer comes back empty when the exchange ended cleanly; the body handed to the
/// caller may still share its allocation, which the next exchange takes back once the
/// caller has dropped that body. A buffer larger than the pool's
/// [`idle_buffer_limit`](crate::PoolBuilder::idle_buffer_limit) (after a large body, say) is
/// freed instead of kept.
#[derive(Debug, Default)]
pub(crate) struct Buffers {
    pub(crate) read: BytesMut,
    pub(crate) write: Vec<u8>,
    /// A TLS stream's record buffers.
    #[cfg(feature = "tls")]
    pub(crate) tls: crate::tls_stream::TlsBuffers,
}

impl Buffers {
    /// Whether either buffer holds an allocation worth passing on.
    pub(crate) fn has_capacity(&self) -> bool {
        #[cfg(feature = "tls")]
        let tls = self.tls.has_capacity();
        #[cfg(not(feature = "tls"))]
        let tls = false;
        self.read.capacity() > 0 || self.write.capacity() > 0 || tls
    }

    /// Keeps `read` (empty) for the next exchange if it holds at most `limit` bytes.
    pub(crate) fn keep_read(&mut self, mut read: BytesMut, limit: usize) {
        if read.capacity() <= limit {
            read.clear();
            self.read = read;
        }
    }

    /// Keeps the write buffer for the next exchange if it holds at most `limit` bytes; else
    /// frees it.
    pub(crate) fn trim_write(&mut self, limit: usize) {
        self.write.clear();
        if self.write.capacity() > limit {
            self.write = Vec::new();
        }
    }
}

/// Time spent opening a connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Setup {
    pub(crate) dns: std::time::Duration,
    pub(crate) connect: std::time::Duration,
    pub(crate) tunnel: Option<std::time::Duration>,
    pub(crate) tls: Option<std::time::Duration>,
}

impl std::ops::Deref for Connection {
    type Target = Open;

    fn deref(&self) -> &Open {
        &self.0
    }
}

impl std::ops::DerefMut for Connection {
    fn deref_mut(&mut self) -> &mut Open {
        &mut self.0
    }
}

impl Connection {
    pub(crate) fn new(open: Open) -> Connection {
        Connection(Box::new(open))
    }

    /// Lets go of the last caller's task as the connection goes idle: its timer's waker, and
    /// the socket's. A TLS stream reads ahead until the socket would block, so the socket
    /// keeps the waker of the task that read last; a check for readability with a waker that
    /// does nothing replaces it. Without this, each idle connection would keep a finished
    /// task's memory alive until its next read.
    pub(crate) fn forget_caller(&self) {
        self.clock.idle();
        let tcp = self.io.tcp();
        // Unconstrained: a task out of its cooperative budget would be told "not yet" without
        // the waker being replaced.
        let check = tokio::task::unconstrained(std::future::poll_fn(|cx| tcp.poll_read_ready(cx)));
        let _ = std::pin::pin!(check).poll(&mut Context::from_waker(Waker::noop()));
    }

    /// Closes the connection and keeps its place under the host's cap.
    pub(crate) fn into_slot(self) -> Slot {
        self.0._slot
    }

    pub(crate) async fn read_buf(&mut self, buf: &mut BytesMut) -> io::Result<usize> {
        self.io.read_buf(buf).await
    }

    /// Closes politely: TLS sends `close_notify`, TCP a FIN. Bounded by `limit`, since a peer
    /// that stopped reading must not hold up a pool that is closing.
    pub(crate) async fn shutdown(mut self, limit: std::time::Duration) {
        let _ = tokio::time::timeout(limit, self.io.shutdown()).await;
    }
}

impl Io {
    pub(crate) async fn read_buf(&mut self, buf: &mut BytesMut) -> io::Result<usize> {
        AsyncReadExt::read_buf(self, buf).await
    }
}

impl Poolable for Connection {
    /// An idle HTTP/1.1 connection has nothing to say: EOF means the server closed it, an error
    /// means it was reset, and any byte is one nobody asked for (the framing of the last
    /// response was wrong, or the server is sending its close, a TLS alert included). Only
    /// "would block" is alive.
    fn is_open(&self) -> bool {
        self.io.is_reusable() && self.io.is_quiet()
    }
}
