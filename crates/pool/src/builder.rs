//! [`PoolBuilder`]: every limit and timeout of a pool, each with a default and a setter.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "tls")]
use crate::Error;

/// Settings of a [`Pool`](crate::Pool). Every limit and timeout has a default and a setter.
#[derive(Debug, Clone)]
pub struct PoolBuilder {
    pub(crate) max_idle_per_host: usize,
    pub(crate) max_idle_total: usize,
    pub(crate) idle_timeout: Duration,
    pub(crate) keep_alive_margin: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) head_timeout: Option<Duration>,
    pub(crate) read_timeout: Duration,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) max_connections_per_host: usize,
    pub(crate) acquire_timeout: Duration,
    pub(crate) expect_timeout: Duration,
    pub(crate) max_lifetime: Option<Duration>,
    pub(crate) drain_limit: usize,
    pub(crate) drain_timeout: Duration,
    pub(crate) happy_eyeballs_delay: Duration,
    pub(crate) idle_buffer_limit: usize,
    pub(crate) limits: tarry_wire::Limits,
    /// Resolve overrides: host (as the key spells it), port, addresses. Few, so a list.
    pub(crate) resolve: Vec<(String, u16, Arc<[SocketAddr]>)>,
    #[cfg(feature = "tls")]
    pub(crate) tls: crate::TlsSettings,
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
    /// The largest read or write buffer kept for a later exchange (default 32 KiB). An
    /// exchange gives its buffers back to the pool's spare sets when its connection goes idle,
    /// and the next exchange takes a set from there, so a kept-alive request allocates none.
    /// The spare sets number at most one more than the exchanges in flight: an idle
    /// connection holds no buffers whatever this is. 0 frees both after every exchange.
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
    /// interim responses, chunk extensions and trailers; and whether a head line may end in a
    /// bare LF (refused by default). A response past one is a typed
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
    /// set before. A request can bring others with [`SendOptions::tls`](crate::SendOptions::tls).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, settings: crate::TlsSettings) -> Self {
        self.tls = settings;
        self
    }
}
