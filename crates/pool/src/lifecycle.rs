//! The pool's shared state and a connection's life in it: checkout of an idle connection,
//! opening a new one within the host's cap (or waiting for one), and check-in once an
//! exchange ends cleanly. [`CheckIn`] is the narrow way back in that an exchange and a
//! response body get.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::builder::PoolBuilder;
use crate::connection::{Clock, Connection, Open, Setup};
use crate::connection::{Handoff, Slot, Slots};
use crate::deadline::idle_deadline;
use crate::idle::{Evicted, IdleStore};
use crate::key::{KeyHash, PoolKey};
use crate::metrics::{Close, CloseGuard, Counters, Event, Metrics};
use crate::options::Timeouts;
use crate::secure::{Route, Trust, Via};
use crate::slots::Acquire;
use crate::spare::Spare;
use crate::{Error, SendOptions};

/// What the pool keeps between exchanges, under one lock: idle connections and the spare
/// buffers they gave up (a connection takes a set as it leaves the store, so the two move
/// together).
#[derive(Debug)]
pub(crate) struct Kept {
    pub(crate) conns: IdleStore<PoolKey, Connection, KeyHash>,
    pub(crate) spare: Spare,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) idle: Mutex<Kept>,
    pub(crate) slots: Arc<Slots>,
    pub(crate) config: PoolBuilder,
    /// One shared TLS configuration per distinct settings, so that sessions resume across
    /// fresh connections.
    trust: Trust,
    pub(crate) metrics: Metrics,
    /// Set by `close()`: no new requests; returned connections are closed, not kept.
    pub(crate) closed: AtomicBool,
    /// Whether the background sweep task has been started (on the first request, since a pool
    /// may be built outside a runtime).
    pub(crate) sweeping: AtomicBool,
    /// This pool's name in the per-thread route memory.
    id: u64,
}

/// A place in a host's queue. Dropped before it is served (the request cancelled, timed out,
/// or served by an idle connection after all), it gives the place up; a connection already
/// handed to it goes back to the pool rather than closing unseen with the channel.
struct Waiting<'a> {
    rx: tokio::sync::oneshot::Receiver<Handoff>,
    inner: &'a Inner,
    key: &'a PoolKey,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.rx.close();
        if let Ok(Handoff::Connection(conn)) = self.rx.try_recv() {
            // The server's keep-alive hint was spent on the hand-over; the pool's own idle
            // timeout applies, and the liveness check at checkout covers the rest.
            self.inner.checkin(self.key.clone(), conn, None);
        }
        // A handed-over `Open(slot)` drops here, which passes the slot on.
    }
}

impl Inner {
    pub(crate) fn new(config: PoolBuilder) -> Inner {
        Inner {
            idle: Mutex::new(Kept {
                conns: IdleStore::with_hasher(
                    config.max_idle_per_host,
                    config.max_idle_total,
                    KeyHash::default(),
                ),
                spare: Spare::default(),
            }),
            slots: Slots::new(config.max_connections_per_host),
            trust: Trust::new(&config),
            config,
            metrics: Metrics::default(),
            closed: AtomicBool::new(false),
            sweeping: AtomicBool::new(false),
            id: crate::route_memo::pool_id(),
        }
    }

    pub(crate) fn idle(&self) -> MutexGuard<'_, Kept> {
        // The store is consistent after every call (each is a single push or pop), so a panic
        // elsewhere while it was locked leaves nothing half-done.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The key of a request, and what opening a connection for it takes.
    pub(crate) fn route(
        &self,
        uri: &http::Uri,
        options: &SendOptions,
    ) -> Result<(PoolKey, Route), Error> {
        let memorable = Trust::own_settings(options) && options.resolve_to.is_empty();
        let proxy = options.proxy.as_ref();
        if memorable && let Some(found) = crate::route_memo::recall(self.id, uri, proxy) {
            return Ok(found);
        }
        let (key, route) = self.work_out_route(uri, options)?;
        if memorable {
            crate::route_memo::remember(self.id, uri, proxy, &key, &route);
        }
        Ok((key, route))
    }

    fn work_out_route(
        &self,
        uri: &http::Uri,
        options: &SendOptions,
    ) -> Result<(PoolKey, Route), Error> {
        let origin = PoolKey::origin(uri)?;
        let https = origin.scheme() == "https";
        let (tls_id, route) = self.trust.route(https, options, options.proxy.as_ref())?;
        let key = match &route.via {
            Via::Direct => origin,
            Via::Forward(proxy) => PoolKey::forwarding(proxy),
            Via::Tunnel { proxy, .. } => origin.through(proxy),
        };
        // The override of the host the connection opens to: the origin's, or the proxy's.
        let addrs = match (&route.via, options.resolve_to.is_empty()) {
            (Via::Direct, false) => Some(options.resolve_to.as_slice().into()),
            _ => {
                let (host, port) = route.connects_to((key.host(), key.port()));
                self.config
                    .resolve
                    .iter()
                    .find(|(h, p, _)| h == host && *p == port)
                    .map(|(_, _, addrs)| Arc::clone(addrs))
            }
        };
        Ok((key.with_route(tls_id, addrs), route))
    }

    pub(crate) fn timeouts(&self, options: &SendOptions) -> Timeouts {
        let c = &self.config;
        Timeouts {
            connect: options.connect_timeout.unwrap_or(c.connect_timeout),
            head: options.head_timeout.or(c.head_timeout),
            read: options.read_timeout.unwrap_or(c.read_timeout),
            total: options.total_timeout.or(c.total_timeout),
            expect: options.expect_timeout.unwrap_or(c.expect_timeout),
            deadline: options.deadline,
        }
    }

    fn checkout(&self, key: &PoolKey) -> Option<Connection> {
        let (conn, evicted) = {
            let mut kept = self.idle();
            let (mut conn, evicted) = kept.conns.checkout(key, Instant::now());
            if let Some(conn) = &mut conn {
                conn.buffers = kept.spare.take();
            }
            (conn, evicted)
        };
        self.count_evicted(&evicted);
        // Evicted connections close as they drop here, outside no lock but this one's scope.
        conn
    }

    /// A connection for `key`: an idle one, a new one within the host's cap, or the first one
    /// handed over while waiting in the host's queue. The flag says whether it was used before.
    pub(crate) async fn connection_for(
        &self,
        key: &PoolKey,
        route: &Route,
        t: &Timeouts,
    ) -> Result<(Connection, bool), Error> {
        if let Some(conn) = self.checkout(key) {
            return Ok((conn, true));
        }
        let mut waiting = match self.slots.acquire(key) {
            Acquire::Open(slot) => return Ok((self.open(key, route, slot, t).await?, false)),
            Acquire::Wait(rx) => {
                crate::log::debug!(
                    origin = %crate::log::Origin(key),
                    "waiting for a connection: the host is at its limit"
                );
                Waiting {
                    rx,
                    inner: self,
                    key,
                }
            }
        };
        // A connection may have gone idle between the checkout above and joining the queue;
        // then it was not handed over. Look once more now that the place is taken.
        if let Some(conn) = self.checkout(key) {
            return Ok((conn, true)); // dropping `waiting` gives up the place
        }
        let wait = t.within_deadline(self.config.acquire_timeout);
        match tokio::time::timeout(wait, &mut waiting.rx).await {
            Ok(Ok(Handoff::Connection(conn))) => {
                crate::log::debug!(
                    origin = %crate::log::Origin(key),
                    "waiter served: a connection came back"
                );
                Ok((conn, true))
            }
            Ok(Ok(Handoff::Open(slot))) => {
                crate::log::debug!(
                    origin = %crate::log::Origin(key),
                    "waiter served: a connection closed, so one may open"
                );
                Ok((self.open(key, route, slot, t).await?, false))
            }
            // Timed out, or the pool went away while we waited.
            Ok(Err(_)) | Err(_) => {
                crate::log::debug!(
                    origin = %crate::log::Origin(key),
                    waited_ms = crate::log::millis(wait),
                    "gave up waiting for a connection"
                );
                Err(Error::AcquireTimeout)
            }
        }
    }

    /// Opens a connection for `key` in `slot`.
    // Boxed: opening is rare next to reuse, and its future (resolve, happy eyeballs, the
    // handshake) is large; inline, it would make every request's future that much larger,
    // and a future is copied whole each time it moves.
    pub(crate) fn open<'a>(
        &'a self,
        key: &'a PoolKey,
        route: &'a Route,
        slot: Slot,
        t: &'a Timeouts,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<Connection, Error>> + Send + 'a>> {
        Box::pin(self.open_now(key, route, slot, t))
    }

    async fn open_now(
        &self,
        key: &PoolKey,
        route: &Route,
        slot: Slot,
        t: &Timeouts,
    ) -> Result<Connection, Error> {
        let started = Instant::now();
        let (host, port) = route.connects_to((key.host(), key.port()));
        let addrs = match key.addrs() {
            Some(addrs) => addrs.to_vec(),
            None => {
                let resolving = crate::connect::resolve(host, port);
                match tokio::time::timeout(t.within_deadline(t.connect), resolving).await {
                    Ok(found) => found?,
                    Err(_) => return Err(Error::Timeout(crate::Phase::Resolve)),
                }
            }
        };
        let dns = started.elapsed();
        let delay = self.config.happy_eyeballs_delay;
        let stream = crate::connect::connect(addrs, t.within_deadline(t.connect), delay).await?;
        let connect = started.elapsed() - dns;
        let counters = self.metrics.origin(key);
        self.count(&counters, Event::Opened);
        // Counts the connection closed if the handshake fails or the request is dropped.
        let mut closing = CloseGuard::new(&self.metrics, &counters);
        let handshake = t.within_deadline(t.connect);
        let clocks = (handshake, tokio::time::Instant::now() + handshake);
        let origin = (key.host(), key.port());
        let secured = match route
            .establish(origin, stream, clocks, self.config.limits)
            .await
        {
            Ok(secured) => secured,
            Err(e) => {
                closing.reason = Close::Error;
                return Err(e);
            }
        };
        closing.disarm();
        let tls = secured.resumed.map(|resumed| {
            let kind = if resumed {
                Event::TlsResumed
            } else {
                Event::TlsFull
            };
            self.count(&counters, kind);
            secured.handshake
        });
        crate::log::debug!(
            origin = %crate::log::Origin(key),
            addr = ?secured.io.tcp().peer_addr().ok(),
            dns_us = crate::log::micros(dns),
            connect_us = crate::log::micros(connect),
            tunnel_us = secured.tunnel.map(crate::log::micros),
            tls_us = tls.map(crate::log::micros),
            tls_resumed = secured.resumed,
            "connection opened"
        );
        Ok(Connection::new(Open {
            io: secured.io,
            _slot: slot,
            setup: Some(Box::new(Setup {
                dns,
                connect,
                tunnel: secured.tunnel,
                tls,
            })),
            opened_at: started,
            exchanges: 0,
            host: counters,
            buffers: self.idle().spare.take(),
            clock: Clock::default(),
        }))
    }

    /// Counts an event of the origin whose counters are `host`, and of the pool.
    pub(crate) fn count(&self, host: &Counters, event: Event) {
        self.metrics.count(host, event);
    }

    /// Counts a connection closing for `why`.
    pub(crate) fn count_close(&self, conn: &Connection, why: Close) {
        self.metrics.count(&conn.host, Event::Closed(why));
    }

    pub(crate) fn count_evicted(&self, evicted: &[Evicted<Connection>]) {
        for e in evicted {
            self.count_close(&e.conn, e.reason.into());
        }
    }

    /// Returns a connection whose exchange ended cleanly, with the server's keep-alive hint.
    pub(crate) fn checkin(
        &self,
        key: PoolKey,
        conn: Connection,
        hint: Option<tarry_wire::KeepAlive>,
    ) {
        if self.closed.load(Ordering::Acquire) {
            self.count_close(&conn, Close::Shutdown);
            return; // dropped, so closed
        }
        let now = Instant::now();
        let end_of_life = self.config.max_lifetime.map(|life| conn.opened_at + life);
        if end_of_life.is_some_and(|end| end <= now) {
            self.count_close(&conn, Close::Lifetime);
            return; // dropped, so closed
        }
        let Some(deadline) = idle_deadline(
            now,
            self.config.idle_timeout,
            hint,
            self.config.keep_alive_margin,
        ) else {
            self.count_close(&conn, Close::NotReusable);
            return; // not worth keeping: dropped, so closed
        };
        // One nearing the end of its life idles only until then.
        let deadline = end_of_life.map_or(deadline, |end| deadline.min(end));
        // A waiter of this host gets the connection straight away; only without one does it
        // go idle.
        let Some(mut conn) = self.slots.hand_over(&key, conn) else {
            crate::log::debug!(
                origin = %crate::log::Origin(&key),
                "connection handed to a request waiting for it"
            );
            return;
        };
        // Only a connection that goes idle lets go of its last caller; one handed over or
        // closed above is the next caller's, or gone.
        conn.forget_caller();
        #[cfg(feature = "tls")]
        {
            let mut tls = conn.io.take_back();
            tls.trim(self.config.idle_buffer_limit);
            conn.buffers.tls = tls;
        }
        let buffers = std::mem::take(&mut conn.buffers);
        crate::log::debug!(
            origin = %crate::log::Origin(&key),
            exchanges = conn.exchanges,
            "connection returned to the pool"
        );
        let evicted = {
            let mut kept = self.idle();
            // Connections in use besides this one, which is not in the store yet.
            let in_use = self.slots.open().saturating_sub(kept.conns.len() + 1);
            kept.spare.put(buffers, in_use);
            kept.conns.checkin(key, conn, now, deadline)
        };
        self.count_evicted(&evicted);
    }
}

/// The way back into the pool for an exchange and its response body: return a connection
/// whose exchange ended, count one that closes, and the few settings they need. Narrower
/// than the pool itself: a body cannot reach the idle store, the routes or the queues.
#[derive(Debug, Clone)]
pub(crate) struct CheckIn(Arc<Inner>);

impl CheckIn {
    pub(crate) fn new(inner: &Arc<Inner>) -> CheckIn {
        CheckIn(Arc::clone(inner))
    }

    /// Returns `conn` after an exchange ended, with `buf` (its read buffer) kept if it is
    /// small, unless the codec's `cleanup` says the connection may not carry another request.
    pub(crate) fn finish(
        &self,
        key: PoolKey,
        mut conn: Connection,
        buf: bytes::BytesMut,
        cleanup: tarry_wire::client::Call<tarry_wire::client::state::Cleanup>,
    ) {
        if cleanup.close_reason(buf.len()).is_none() {
            conn.buffers.keep_read(buf, self.0.config.idle_buffer_limit);
            self.0.checkin(key, conn, cleanup.keep_alive());
        } else {
            self.0.count_close(&conn, Close::NotReusable);
        }
    }

    /// Counts `conn` closed for `why` (it closes as it drops).
    pub(crate) fn close(&self, conn: &Connection, why: Close) {
        self.0.count_close(conn, why);
    }

    /// The pool's counters, for a closing counted on drop.
    pub(crate) fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// The codec's limits on a response.
    pub(crate) fn limits(&self) -> tarry_wire::Limits {
        self.0.config.limits
    }

    /// The largest buffer a connection keeps between exchanges.
    pub(crate) fn idle_buffer_limit(&self) -> usize {
        self.0.config.idle_buffer_limit
    }

    /// How much of a dropped body may be drained to keep its connection, and for how long.
    pub(crate) fn drain_settings(&self) -> (usize, Duration) {
        (self.0.config.drain_limit, self.0.config.drain_timeout)
    }

    /// Whether the pool was closed: a connection is then not worth draining.
    pub(crate) fn is_closed(&self) -> bool {
        self.0.closed.load(Ordering::Acquire)
    }
}
