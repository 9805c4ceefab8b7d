//! Settings of one request that differ from the pool's.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::time::Instant;

/// Per-request settings for [`Pool::send_with`](crate::Pool::send_with); each one left unset
/// takes the pool's. Settings that affect trust or routing (TLS, a resolve override) become
/// part of the pool key, so the request only reuses connections made the same way.
///
/// ```
/// use std::time::Duration;
/// use tarry_pool::SendOptions;
///
/// let options = SendOptions::new()
///     .connect_timeout(Duration::from_secs(2))
///     .total_timeout(Duration::from_secs(10));
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default)]
pub struct SendOptions {
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<crate::TlsSettings>,
    pub(crate) resolve_to: Vec<SocketAddr>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) head_timeout: Option<Duration>,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) expect_timeout: Option<Duration>,
    pub(crate) deadline: Option<tokio::time::Instant>,
    pub(crate) proxy: Option<crate::Proxy>,
}

impl SendOptions {
    /// The pool's settings for everything.
    #[inline]
    pub fn new() -> SendOptions {
        SendOptions::default()
    }

    /// TLS settings for this request instead of the pool's.
    #[cfg(feature = "tls")]
    #[inline]
    pub fn tls(mut self, settings: crate::TlsSettings) -> Self {
        self.tls = Some(settings);
        self
    }

    /// Connects to `addr` instead of resolving the request's host (curl's `--resolve` for one
    /// request); called again, it adds another address to try. TLS still checks the
    /// certificate against the host in the URI.
    pub fn resolve_to(mut self, addr: SocketAddr) -> Self {
        self.resolve_to.push(addr);
        self
    }

    /// Timeout for each TCP connect attempt, and for the TLS handshake.
    #[inline]
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(crate::deadline::capped(d));
        self
    }

    /// A deadline for the whole response head, from the end of the request.
    #[inline]
    pub fn head_timeout(mut self, d: Duration) -> Self {
        self.head_timeout = Some(crate::deadline::capped(d));
        self
    }

    /// The longest silence from the server, from the end of the request to the last body
    /// byte, waiting for the head included.
    #[inline]
    pub fn read_timeout(mut self, d: Duration) -> Self {
        self.read_timeout = Some(crate::deadline::capped(d));
        self
    }

    /// A deadline for the whole exchange, from sending to the last body byte.
    #[inline]
    pub fn total_timeout(mut self, d: Duration) -> Self {
        self.total_timeout = Some(crate::deadline::capped(d));
        self
    }

    /// Sends the request through `proxy`: forwarded, for an `http://` request to an HTTP
    /// proxy, else through a tunnel. Connections through a proxy are pooled apart from
    /// direct ones and from those through another proxy or with other credentials.
    pub fn proxy(mut self, proxy: crate::Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// A moment by which everything must be done: waiting for a connection, resolving,
    /// connecting, the handshake, the exchange and the last body byte. A client that sends
    /// several requests for one call (redirects) gives each the same deadline. Past it, the
    /// phase under way fails with [`Error::Timeout`](crate::Error::Timeout).
    #[inline]
    pub fn deadline(mut self, at: std::time::Instant) -> Self {
        self.deadline = Some(tokio::time::Instant::from_std(at));
        self
    }

    /// How long a request with `Expect: 100-continue` waits for the server's `100` before it
    /// sends the body anyway.
    pub fn expect_continue_timeout(mut self, d: Duration) -> Self {
        self.expect_timeout = Some(crate::deadline::capped(d));
        self
    }
}

/// The clocks of one exchange, settled from the pool's settings and the request's options.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub(crate) connect: Duration,
    /// A deadline for the whole head, if one was asked for; the read gap bounds it anyway.
    pub(crate) head: Option<Duration>,
    /// The longest silence, head and body alike.
    pub(crate) read: Duration,
    pub(crate) total: Option<Duration>,
    pub(crate) expect: Duration,
    /// The caller's deadline for everything, connecting included.
    pub(crate) deadline: Option<Instant>,
}

impl Timeouts {
    /// `wait`, cut short by the caller's deadline: what a step that starts now may take.
    pub(crate) fn within_deadline(&self, wait: Duration) -> Duration {
        match self.deadline {
            Some(deadline) => wait.min(deadline.saturating_duration_since(Instant::now())),
            None => wait,
        }
    }
}
