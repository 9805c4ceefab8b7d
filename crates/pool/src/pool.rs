//! The [`Pool`] handle: what callers hold, its counters, and the one retry policy of a send.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use http::{Method, Request};

use crate::builder::PoolBuilder;
use crate::connection::Slot;
use crate::key::PoolKey;
use crate::lifecycle::{CheckIn, Inner};
use crate::metrics::{Close, Event};
use crate::{Body, Error, HostStats, RequestParts, Response, SendOptions, Stats};

/// The longest the sweep task sleeps.
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// A keep-alive pool of HTTP/1.1 connections. Cheap to clone; clones share the connections.
#[derive(Debug, Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

impl Default for Pool {
    fn default() -> Self {
        Pool::new()
    }
}

impl PoolBuilder {
    /// The pool.
    pub fn build(self) -> Pool {
        Pool {
            inner: Arc::new(Inner::new(self)),
        }
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
        let idle = self.inner.idle().conns.len();
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
        let idle = self.inner.idle().conns.drain();
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
                        let evicted = inner.idle().conns.purge(now);
                        inner.count_evicted(&evicted);
                        inner.idle().conns.next_deadline()
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
        let idle = self.inner.idle().conns.idle_where(same);
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

    /// The connections through `proxy` (any credentials), forwarding or tunnelling: opened,
    /// reused and closed through it, and open, idle and waiting now.
    pub fn proxy_stats(&self, proxy: &crate::Proxy) -> Stats {
        let same = |k: &PoolKey| {
            k.proxy()
                .is_some_and(|p| (p.host(), p.port()) == (proxy.host(), proxy.port()))
        };
        let (open, waiting) = self.inner.slots.counts_where(same);
        let idle = self.inner.idle().conns.idle_where(same);
        Stats {
            open,
            idle,
            in_use: open.saturating_sub(idle),
            waiting,
            ..self.inner.metrics.of_proxy(proxy.host(), proxy.port())
        }
    }

    /// Sends `request` with `body` and returns the response once its head has arrived; the
    /// body streams from [`Response`], and the connection returns to the pool when it ends.
    ///
    /// A request that fails on a reused connection before any byte of the response arrived
    /// (the server closed it while it idled) is sent once more on a fresh connection if its
    /// method is idempotent, or if the socket took no byte of it. Never otherwise.
    pub async fn send(
        &self,
        request: Request<()>,
        body: impl Into<Body>,
    ) -> Result<Response, Error> {
        self.send_with(request, body, &SendOptions::default()).await
    }

    /// [`send`](Self::send) with per-request settings: TLS, a resolve override, timeouts.
    pub async fn send_with(
        &self,
        request: Request<()>,
        body: impl Into<Body>,
        options: &SendOptions,
    ) -> Result<Response, Error> {
        self.send_parts(RequestParts::from(&request), body.into(), options)
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
        body: impl Into<Body>,
        options: &SendOptions,
    ) -> Result<Response, Error> {
        let mut body = body.into();
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
                crate::log::debug!(
                    origin = %crate::log::Origin(&key),
                    age_ms = crate::log::millis(conn.opened_at.elapsed()),
                    exchanges = conn.exchanges,
                    "connection reused"
                );
            }
            let back = CheckIn::new(&self.inner);
            let attempt =
                crate::exchange::attempt(back, conn, request, &mut body, key.clone(), timeouts);
            match attempt.await {
                Ok(mut response) => {
                    response.reused = reused;
                    response.retried = retried;
                    return Ok(response);
                }
                // A body read from a one-time source goes again only if none of it was read,
                // or if it can be made again.
                Err((f, slot))
                    if f.before_response
                        && reused
                        && (idempotent || f.unsent)
                        && (body.can_resend() || body.is_replayable()) =>
                {
                    if !body.can_resend() {
                        match body.replay() {
                            Some(Ok(again)) => body = again,
                            Some(Err(e)) => return Err(Error::RequestBody(e)),
                            None => return Err(f.error),
                        }
                    }
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
