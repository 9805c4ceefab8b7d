//! The pool: checkout, connect, one exchange through `tarry-wire`, and the single safe retry.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, Request};

use crate::connection::{Buffers, Clock, Connection, Io, Open, Setup};
use crate::exchange::Timeouts;
use crate::idle_deadline;
use crate::key::KeyHash;
use crate::metrics::{Close, Counters, Event, Metrics};
use crate::slots::{Acquire, Handoff, Slot, Slots};
use crate::{
    Error, Evicted, HostStats, IdleStore, PoolKey, RequestParts, Response, SendOptions, Stats,
};

/// The longest the sweep task sleeps.
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// Settings of a [`Pool`]. Every limit and timeout has a default and a setter.
#[derive(Debug, Clone)]
pub struct PoolBuilder {
    max_idle_per_host: usize,
    max_idle_total: usize,
    idle_timeout: Duration,
    keep_alive_margin: Duration,
    connect_timeout: Duration,
    head_timeout: Option<Duration>,
    read_timeout: Duration,
    total_timeout: Option<Duration>,
    max_connections_per_host: usize,
    acquire_timeout: Duration,
    expect_timeout: Duration,
    max_lifetime: Option<Duration>,
    drain_limit: usize,
    drain_timeout: Duration,
    happy_eyeballs_delay: Duration,
    pub(crate) idle_buffer_limit: usize,
    pub(crate) limits: tarry_wire::Limits,
    /// Resolve overrides: host (as the key spells it), port, addresses. Few, so a list.
    resolve: Vec<(String, u16, Arc<[SocketAddr]>)>,
    #[cfg(feature = "tls")]
    tls: crate::TlsSettings,
}

impl Default for PoolBuilder {
    fn default() -> Self {
        PoolBuilder {
            max_idle_per_host: 32,
            max_idle_total: 256,
            // Servers close idle connections after 5 to 75 s; 30 s keeps most of the gain
            // without outliving the common server timeouts (hyper's 90 s does).
            idle_timeout: Duration::from_secs(30),
            keep_alive_margin: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(10),
            head_timeout: None,
            read_timeout: Duration::from_secs(30),
            total_timeout: None,
            max_connections_per_host: usize::MAX,
            acquire_timeout: Duration::from_secs(30),
            // curl waits 1 s for a `100 Continue`; long enough for a server that answers,
            // short enough for one that never heard of it.
            expect_timeout: Duration::from_secs(1),
            max_lifetime: None,
            // Draining more than a small body costs more than a new connection saves.
            drain_limit: 64 * 1024,
            drain_timeout: Duration::from_millis(100),
            // RFC 8305 recommends 250 ms before trying the next address.
            happy_eyeballs_delay: Duration::from_millis(250),
            // An 8 KiB read buffer and a small write buffer stay with a connection between
            // exchanges, so a kept-alive request allocates none; a buffer grown past this for a
            // large body is freed.
            idle_buffer_limit: 32 * 1024,
            limits: tarry_wire::Limits::new(),
            resolve: Vec::new(),
            #[cfg(feature = "tls")]
            tls: crate::TlsSettings::default(),
        }
    }
}

impl PoolBuilder {
    /// Idle connections kept per host (default 32).
    pub fn max_idle_per_host(mut self, n: usize) -> Self {
        self.max_idle_per_host = n;
        self
    }
    /// Idle connections kept in all (default 256); the least recently used go first.
    pub fn max_idle_total(mut self, n: usize) -> Self {
        self.max_idle_total = n;
        self
    }
    /// How long a connection may idle (default 30 s), shortened by a server's
    /// `Keep-Alive: timeout` less the margin.
    pub fn idle_timeout(mut self, d: Duration) -> Self {
        self.idle_timeout = crate::deadline::capped(d);
        self
    }
    /// Safety margin taken off a server's `Keep-Alive: timeout` (default 1 s; never more
    /// than half the server's timeout).
    pub fn keep_alive_margin(mut self, d: Duration) -> Self {
        self.keep_alive_margin = crate::deadline::capped(d);
        self
    }
    /// Timeout for each TCP connect attempt (default 10 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = crate::deadline::capped(d);
        self
    }
    /// A deadline for the whole response head, from the end of the request (default: none).
    /// The read timeout already bounds each silence while the head arrives; this also bounds
    /// a head that trickles in a byte at a time.
    pub fn head_timeout(mut self, d: Duration) -> Self {
        self.head_timeout = Some(crate::deadline::capped(d));
        self
    }
    /// The longest silence from the server, from the end of the request to the last body
    /// byte (waiting for the response head included), or without progress writing a request
    /// body (default 30 s).
    pub fn read_timeout(mut self, d: Duration) -> Self {
        self.read_timeout = crate::deadline::capped(d);
        self
    }
    /// A deadline for the whole exchange, from sending to the last body byte (default: none).
    /// It fires even while bytes keep trickling in, which per-read timeouts cannot (POOL-13).
    pub fn total_timeout(mut self, d: Duration) -> Self {
        self.total_timeout = Some(crate::deadline::capped(d));
        self
    }
    /// Open connections allowed per host, idle and in use (default: unlimited). Requests past
    /// it wait in a first-come, first-served queue.
    pub fn max_connections_per_host(mut self, n: usize) -> Self {
        self.max_connections_per_host = n.max(1);
        self
    }
    /// How long a request may wait in its host's queue (default 30 s), then
    /// [`Error::AcquireTimeout`].
    pub fn acquire_timeout(mut self, d: Duration) -> Self {
        self.acquire_timeout = crate::deadline::capped(d);
        self
    }
    /// How long a request with `Expect: 100-continue` waits for the server's `100` before it
    /// sends the body anyway (default 1 s, as curl).
    pub fn expect_continue_timeout(mut self, d: Duration) -> Self {
        self.expect_timeout = crate::deadline::capped(d);
        self
    }
    /// The largest read or write buffer a connection keeps for its next exchange (default
    /// 32 KiB). Kept buffers spare a kept-alive request its allocations (an 8 KiB read buffer
    /// and the request head's) at the cost of that memory per idle connection; 0 frees both
    /// after every exchange, for the smallest idle connections.
    pub fn idle_buffer_limit(mut self, bytes: usize) -> Self {
        self.idle_buffer_limit = bytes;
        self
    }
    /// The longest a connection is used, idle or not, counted from when it was opened
    /// (default: no limit). Past it, a connection is closed when it next comes back.
    pub fn max_lifetime(mut self, d: Duration) -> Self {
        self.max_lifetime = Some(crate::deadline::capped(d));
        self
    }
    /// A response dropped before its body ended keeps its connection only if the rest of the
    /// body, at most `limit` bytes, arrives within `timeout` (defaults 64 KiB and 100 ms);
    /// otherwise the connection is closed. A limit of 0 always closes.
    pub fn drain(mut self, limit: usize, timeout: Duration) -> Self {
        self.drain_limit = limit;
        self.drain_timeout = crate::deadline::capped(timeout);
        self
    }
    /// How long a connect attempt to one address may go unanswered before the next address
    /// (of the other family first) is tried alongside it (default 250 ms, RFC 8305).
    pub fn happy_eyeballs_delay(mut self, d: Duration) -> Self {
        self.happy_eyeballs_delay = crate::deadline::capped(d);
        self
    }
    /// The codec's limits on a response: head size (default 64 KiB), header count (100),
    /// interim responses, chunk extensions and trailers. A response past one is a typed
    /// [`Error::Protocol`] and its connection is closed.
    pub fn response_limits(mut self, limits: tarry_wire::Limits) -> Self {
        self.limits = limits;
        self
    }
    /// Connects to `addr` for `host:port` instead of resolving it (curl's `--resolve`).
    /// Called again for the same host and port, it adds another address; they are tried in
    /// order, raced as happy eyeballs. The host is matched as the pool key spells it:
    /// lowercase, without a trailing dot.
    pub fn resolve(mut self, host: &str, port: u16, addr: SocketAddr) -> Self {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        match self
            .resolve
            .iter_mut()
            .find(|(h, p, _)| *h == host && *p == port)
        {
            Some((_, _, addrs)) => {
                let mut more = addrs.to_vec();
                more.push(addr);
                *addrs = more.into();
            }
            None => self.resolve.push((host, port, Arc::from([addr]))),
        }
        self
    }
    /// Trusts the certificates of a PEM document as roots, besides (or, with
    /// [`without_builtin_roots`](Self::without_builtin_roots), instead of) webpki-roots.
    /// Verification is never switched off.
    #[cfg(feature = "tls")]
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        self.tls = self.tls.add_root_certificates_pem(pem)?;
        Ok(self)
    }
    /// Trusts only the roots added with
    /// [`add_root_certificates_pem`](Self::add_root_certificates_pem).
    #[cfg(feature = "tls")]
    pub fn without_builtin_roots(mut self) -> Self {
        self.tls = self.tls.without_builtin_roots();
        self
    }
    /// The pool's TLS settings (roots, client certificate, minimum version), replacing any
    /// set before. A request can bring others with [`SendOptions::tls`].
    #[cfg(feature = "tls")]
    pub fn tls(mut self, settings: crate::TlsSettings) -> Self {
        self.tls = settings;
        self
    }
    /// The pool.
    pub fn build(self) -> Pool {
        #[cfg(feature = "tls")]
        let tls = crate::tls_registry::TlsRegistry::new(self.tls.clone());
        Pool {
            inner: Arc::new(Inner {
                idle: Mutex::new(IdleStore::with_hasher(
                    self.max_idle_per_host,
                    self.max_idle_total,
                    KeyHash::default(),
                )),
                slots: Slots::new(self.max_connections_per_host),
                config: self,
                #[cfg(feature = "tls")]
                tls,
                metrics: Metrics::default(),
                closed: AtomicBool::new(false),
                sweeping: AtomicBool::new(false),
                id: crate::route_memo::pool_id(),
            }),
        }
    }
}

/// A keep-alive pool of HTTP/1.1 connections. Cheap to clone; clones share the connections.
#[derive(Debug, Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    idle: Mutex<IdleStore<PoolKey, Connection, KeyHash>>,
    slots: Arc<Slots>,
    pub(crate) config: PoolBuilder,
    /// One shared configuration per TLS setting, so that sessions resume across fresh
    /// connections.
    #[cfg(feature = "tls")]
    tls: crate::tls_registry::TlsRegistry,
    pub(crate) metrics: Metrics,
    /// Set by `close()`: no new requests; returned connections are closed, not kept.
    closed: AtomicBool,
    /// Whether the background sweep task has been started (on the first request, since a pool
    /// may be built outside a runtime).
    sweeping: AtomicBool,
    /// This pool's name in the per-thread route memory.
    id: u64,
}

impl Default for Pool {
    fn default() -> Self {
        Pool::new()
    }
}

impl Pool {
    /// A pool with default settings.
    pub fn new() -> Pool {
        PoolBuilder::default().build()
    }

    /// A builder for other settings.
    pub fn builder() -> PoolBuilder {
        PoolBuilder::default()
    }

    /// Counters and the idle count.
    pub fn stats(&self) -> Stats {
        let (open, waiting) = self.inner.slots.counts_where(|_| true);
        let idle = self.inner.idle().len();
        Stats {
            open,
            idle,
            in_use: open.saturating_sub(idle),
            waiting,
            ..self.inner.metrics.total()
        }
    }

    /// Closes the pool: idle connections are shut down (TLS ones with `close_notify`), later
    /// requests fail with [`Error::PoolClosed`], and connections still in use are closed when
    /// their responses end instead of going back. Dropping the last clone of a pool closes its
    /// idle connections as well, without the TLS goodbye.
    pub async fn close(&self) {
        self.inner.closed.store(true, Ordering::Release);
        let idle = self.inner.idle().drain();
        for (_, conn) in idle {
            self.inner.count_close(&conn, Close::Shutdown);
            conn.shutdown(Duration::from_millis(200)).await;
        }
    }

    /// Starts the task that closes idle connections at their deadlines, once per pool. It holds
    /// only a weak reference, so it ends when the pool is dropped, and it ends on `close()`.
    fn start_sweep(&self) {
        if self.inner.sweeping.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.inner.sweeping.store(false, Ordering::Release);
            return;
        };
        let weak = Arc::downgrade(&self.inner);
        runtime.spawn(async move {
            loop {
                let next = match weak.upgrade() {
                    Some(inner) if !inner.closed.load(Ordering::Acquire) => {
                        let now = Instant::now();
                        // Evicted connections close as this statement's temporaries drop.
                        let evicted = inner.idle().purge(now);
                        inner.count_evicted(&evicted);
                        inner.idle().next_deadline()
                    }
                    _ => return,
                };
                // Wake at the next deadline, but at least once a second so that a pool that
                // was dropped lets this task end soon.
                let wait = next
                    .map_or(SWEEP_INTERVAL, |at| {
                        at.saturating_duration_since(Instant::now())
                    })
                    .clamp(Duration::from_millis(10), SWEEP_INTERVAL);
                tokio::time::sleep(wait).await;
            }
        });
    }

    /// The connections of the host `uri` names.
    ///
    /// Counted by origin (scheme, host, port): connections to it under any TLS settings or
    /// resolve override add up here.
    pub fn host_stats(&self, uri: &http::Uri) -> Result<HostStats, Error> {
        let origin = PoolKey::origin(uri)?;
        let same = |k: &PoolKey| {
            (k.scheme(), k.port(), k.host()) == (origin.scheme(), origin.port(), origin.host())
        };
        let (open, waiting) = self.inner.slots.counts_where(same);
        let idle = self.inner.idle().idle_where(same);
        let counters = self
            .inner
            .metrics
            .of(origin.scheme(), origin.host(), origin.port());
        Ok(HostStats {
            open,
            idle,
            in_use: open.saturating_sub(idle),
            waiting,
            ..counters
        })
    }

    /// Sends `request` with `body` and returns the response once its head has arrived; the
    /// body streams from [`Response`], and the connection returns to the pool when it ends.
    ///
    /// A request that fails on a reused connection before any byte of the response arrived
    /// (the server closed it while it idled) is sent once more on a fresh connection if its
    /// method is idempotent, or if the socket took no byte of it. Never otherwise.
    pub async fn send(&self, request: Request<()>, body: Bytes) -> Result<Response, Error> {
        self.send_with(request, body, &SendOptions::default()).await
    }

    /// [`send`](Self::send) with per-request settings: TLS, a resolve override, timeouts.
    pub async fn send_with(
        &self,
        request: Request<()>,
        body: Bytes,
        options: &SendOptions,
    ) -> Result<Response, Error> {
        self.send_parts(RequestParts::from(&request), body, options)
            .await
    }

    /// [`send_with`](Self::send_with), borrowing the request head instead of taking a
    /// [`Request`]: the head is written straight from the caller's fields, so a client that
    /// keeps shared default headers sends them without copying its map, its per-request
    /// fields (credentials, cookies) going in [`RequestParts::with_extra`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), tarry_pool::Error> {
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    /// # let port = listener.local_addr().unwrap().port();
    /// # tokio::spawn(async move {
    /// #     use tokio::io::{AsyncReadExt, AsyncWriteExt};
    /// #     let (mut socket, _) = listener.accept().await.unwrap();
    /// #     let mut buf = [0u8; 1024];
    /// #     let _ = socket.read(&mut buf).await;
    /// #     let _ = socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").await;
    /// # });
    /// use http::{HeaderMap, HeaderValue, Method, Version, header};
    /// use tarry_pool::{Pool, RequestParts, SendOptions};
    ///
    /// let pool = Pool::new();
    /// // Kept for the client's life, shared by every request.
    /// let mut defaults = HeaderMap::new();
    /// defaults.insert(header::USER_AGENT, HeaderValue::from_static("example/1"));
    /// // This request's own field.
    /// let token = [(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc"))];
    /// let uri: http::Uri = format!("http://127.0.0.1:{port}/").parse().unwrap();
    /// let parts = RequestParts::new(&Method::GET, &uri, Version::HTTP_11, &defaults)
    ///     .with_extra(&token);
    /// let response = pool.send_parts(parts, bytes::Bytes::new(), &SendOptions::new()).await?;
    /// assert_eq!(response.bytes().await?, "ok");
    /// # Ok(()) }
    /// ```
    pub async fn send_parts(
        &self,
        request: RequestParts<'_>,
        body: Bytes,
        options: &SendOptions,
    ) -> Result<Response, Error> {
        if self.inner.closed.load(Ordering::Acquire) {
            return Err(Error::PoolClosed);
        }
        self.start_sweep();
        let (key, tls) = self.inner.route(request.uri(), options)?;
        let timeouts = self.inner.timeouts(options);
        let idempotent = matches!(
            *request.method(),
            Method::GET
                | Method::HEAD
                | Method::PUT
                | Method::DELETE
                | Method::OPTIONS
                | Method::TRACE
        );
        // The place of a connection that went stale under a request: its retry opens a
        // fresh connection there.
        let mut retry_in: Option<Slot> = None;
        loop {
            let retried = retry_in.is_some();
            let (conn, reused) = match retry_in.take() {
                // Closed meanwhile: no new connection (the slot passes on as it drops).
                Some(_) if self.inner.closed.load(Ordering::Acquire) => {
                    return Err(Error::PoolClosed);
                }
                Some(slot) => (self.inner.open(&key, &tls, slot, &timeouts).await?, false),
                None => self.inner.connection_for(&key, &tls, &timeouts).await?,
            };
            if reused {
                self.inner.count(&conn.host, Event::Reused);
            }
            let attempt = self
                .inner
                .attempt(conn, request, &body, key.clone(), timeouts);
            match attempt.await {
                Ok(mut response) => {
                    response.reused = reused;
                    response.retried = retried;
                    return Ok(response);
                }
                Err((f, slot)) if f.before_response && reused && (idempotent || f.unsent) => {
                    let host = self.inner.metrics.origin(&key);
                    self.inner.count(&host, Event::Closed(Close::Stale));
                    self.inner.count(&host, Event::Retried);
                    retry_in = Some(slot);
                }
                Err((f, _)) => {
                    let close = if f.before_response && reused {
                        Close::Stale
                    } else {
                        Close::Error
                    };
                    self.inner.metrics.count_for(&key, Event::Closed(close));
                    return Err(match f.error {
                        Error::ClosedBeforeResponse { .. } => {
                            Error::ClosedBeforeResponse { retried }
                        }
                        error => error,
                    });
                }
            }
        }
    }
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

/// What a fresh connection for a key needs besides the address: the TLS configuration.
#[cfg(feature = "tls")]
pub(crate) type Route = Option<crate::tls_registry::TlsConfig>;
#[cfg(not(feature = "tls"))]
pub(crate) type Route = ();

impl Inner {
    fn idle(&self) -> MutexGuard<'_, IdleStore<PoolKey, Connection, KeyHash>> {
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
        #[cfg(feature = "tls")]
        let own_settings = options.tls.is_none();
        #[cfg(not(feature = "tls"))]
        let own_settings = true;
        let memorable = own_settings && options.resolve_to.is_empty();
        if memorable && let Some(found) = crate::route_memo::recall(self.id, uri) {
            return Ok(found);
        }
        let (key, route) = self.work_out_route(uri, options)?;
        if memorable {
            crate::route_memo::remember(self.id, uri, &key, &route);
        }
        Ok((key, route))
    }

    fn work_out_route(
        &self,
        uri: &http::Uri,
        options: &SendOptions,
    ) -> Result<(PoolKey, Route), Error> {
        let origin = PoolKey::origin(uri)?;
        let addrs = if options.resolve_to.is_empty() {
            let (host, port) = (origin.host(), origin.port());
            self.config
                .resolve
                .iter()
                .find(|(h, p, _)| h == host && *p == port)
                .map(|(_, _, addrs)| Arc::clone(addrs))
        } else {
            Some(options.resolve_to.as_slice().into())
        };
        #[cfg(feature = "tls")]
        if origin.scheme() == "https" {
            let tls = self.tls.config(options.tls.as_ref())?;
            return Ok((origin.with_route(tls.id, addrs), Some(tls)));
        }
        #[cfg(feature = "tls")]
        return Ok((origin.with_route(0, addrs), None));
        #[cfg(not(feature = "tls"))]
        Ok((origin.with_route(0, addrs), ()))
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
        let (conn, evicted) = self.idle().checkout(key, Instant::now());
        self.count_evicted(&evicted);
        // Evicted connections close as they drop here, outside no lock but this one's scope.
        conn
    }

    /// A connection for `key`: an idle one, a new one within the host's cap, or the first one
    /// handed over while waiting in the host's queue. The flag says whether it was used before.
    async fn connection_for(
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
            Acquire::Wait(rx) => Waiting {
                rx,
                inner: self,
                key,
            },
        };
        // A connection may have gone idle between the checkout above and joining the queue;
        // then it was not handed over. Look once more now that the place is taken.
        if let Some(conn) = self.checkout(key) {
            return Ok((conn, true)); // dropping `waiting` gives up the place
        }
        let wait = t.within_deadline(self.config.acquire_timeout);
        match tokio::time::timeout(wait, &mut waiting.rx).await {
            Ok(Ok(Handoff::Connection(conn))) => Ok((conn, true)),
            Ok(Ok(Handoff::Open(slot))) => Ok((self.open(key, route, slot, t).await?, false)),
            // Timed out, or the pool went away while we waited.
            Ok(Err(_)) | Err(_) => Err(Error::AcquireTimeout),
        }
    }

    /// Opens a connection for `key` in `slot`.
    // Boxed: opening is rare next to reuse, and its future (resolve, happy eyeballs, the
    // handshake) is large; inline, it would make every request's future that much larger,
    // and a future is copied whole each time it moves.
    fn open<'a>(
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
        let addrs = match key.addrs() {
            Some(addrs) => addrs.to_vec(),
            None => {
                let resolving = crate::connect::resolve(key);
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
        let host = self.metrics.origin(key);
        self.count(&host, Event::Opened);
        let setup = Setup {
            dns,
            connect,
            tls: None,
        };
        #[cfg(feature = "tls")]
        if let Some(tls) = route {
            // A server that accepts TCP and never answers the ClientHello must not hang us
            // (TLS-07): the handshake has the connect timeout too.
            let handshake = crate::tls::handshake(Arc::clone(&tls.config), key.host(), stream);
            let mut closing = crate::metrics::CloseGuard::new(&self.metrics, &host);
            let tls = match tokio::time::timeout(t.within_deadline(t.connect), handshake).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => {
                    closing.reason = Close::Error;
                    return Err(e);
                }
                Err(_) => {
                    closing.reason = Close::Error;
                    return Err(Error::Timeout(crate::Phase::Tls));
                }
            };
            closing.disarm();
            let kind = if crate::tls::resumed(&tls) {
                Event::TlsResumed
            } else {
                Event::TlsFull
            };
            self.count(&host, kind);
            let handshake = started.elapsed() - dns - connect;
            return Ok(Connection::new(Open {
                io: Io::Tls(Box::new(tls)),
                _slot: slot,
                setup: Some(Box::new(Setup {
                    tls: Some(handshake),
                    ..setup
                })),
                opened_at: started,
                host,
                buffers: Buffers::default(),
                clock: Clock::default(),
            }));
        }
        #[cfg(not(feature = "tls"))]
        let () = route;
        Ok(Connection::new(Open {
            io: Io::Plain(stream),
            _slot: slot,
            setup: Some(Box::new(setup)),
            opened_at: started,
            host,
            buffers: Buffers::default(),
            clock: Clock::default(),
        }))
    }

    /// How much of a dropped body may be drained to keep its connection, and for how long.
    pub(crate) fn drain_settings(&self) -> (usize, Duration) {
        (self.config.drain_limit, self.config.drain_timeout)
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Counts an event of the origin whose counters are `host`, and of the pool.
    pub(crate) fn count(&self, host: &Counters, event: Event) {
        self.metrics.count(host, event);
    }

    /// Counts a connection closing for `why`.
    pub(crate) fn count_close(&self, conn: &Connection, why: Close) {
        self.metrics.count(&conn.host, Event::Closed(why));
    }

    fn count_evicted(&self, evicted: &[Evicted<PoolKey, Connection>]) {
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
        let Some(conn) = self.slots.hand_over(&key, conn) else {
            return;
        };
        let evicted = self.idle().checkin(key, conn, now, deadline);
        self.count_evicted(&evicted);
    }
}
