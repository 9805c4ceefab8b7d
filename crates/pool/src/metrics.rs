//! What the pool counts, for the whole pool and per origin (scheme, host, port).
//!
//! Every event is counted twice: in the pool's totals and in its origin's counters. A
//! connection carries a handle to its origin's counters, so counting on the request path is
//! two atomic adds and no lookup; only events without a connection at hand (a failed attempt)
//! look the origin up.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::idle::EvictReason;
use crate::key::PoolKey;

/// Origins remembered at once; counters of further origins still add to the totals.
const MAX_ORIGINS: usize = 4096;

/// Counters since the pool was built, and connections right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Stats {
    /// Connections opened.
    pub opened: u64,
    /// Requests sent on a reused connection.
    pub reused: u64,
    /// Requests re-sent once on a fresh connection after a reused one failed.
    pub retried: u64,
    /// TLS handshakes that were full.
    pub tls_full: u64,
    /// TLS handshakes that resumed an earlier session.
    pub tls_resumed: u64,
    /// Connections closed, by reason.
    pub closed: ClosedStats,
    /// Connections open right now, idle or in use (what `max_connections_per_host` caps).
    pub open: usize,
    /// Connections idle right now.
    pub idle: usize,
    /// Connections carrying a request right now (`open - idle`).
    pub in_use: usize,
    /// Requests waiting for a connection right now (their host at its cap).
    pub waiting: usize,
}

/// The same counters and gauges for one origin, from [`Pool::host_stats`](crate::Pool).
pub type HostStats = Stats;

/// Connections closed since the pool was built, by reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ClosedStats {
    /// Idle past their deadline (ours, the server's `Keep-Alive: timeout`, or the end of
    /// their `max_lifetime`).
    pub idle_timeout: u64,
    /// Found closed by the server: at a liveness check, or by a failed reuse.
    pub stale: u64,
    /// Over `max_idle_per_host` or `max_idle_total`.
    pub limit: u64,
    /// Not reusable by wire's verdict (`Connection: close`, read-to-close body, leftover
    /// bytes, a body not read to its end) or by the server's `Keep-Alive` hint.
    pub not_reusable: u64,
    /// Closed after an error in the exchange.
    pub error: u64,
    /// Past `max_lifetime` when they came back from a request.
    pub lifetime: u64,
    /// Dropped with a request that was cancelled (its future dropped) while it was
    /// connecting, writing or waiting for the response head: what the server has or will send
    /// can no longer be told apart from the next response, so the connection cannot be reused.
    pub cancelled: u64,
    /// Closed by [`Pool::close`](crate::Pool::close): idle ones at once, the others as their
    /// responses end.
    pub shutdown: u64,
}

impl ClosedStats {
    /// Connections closed for any reason: with [`Stats::open`], this accounts for every
    /// connection in [`Stats::opened`].
    pub fn total(&self) -> u64 {
        let ClosedStats {
            idle_timeout,
            stale,
            limit,
            not_reusable,
            error,
            lifetime,
            cancelled,
            shutdown,
        } = *self;
        idle_timeout + stale + limit + not_reusable + error + lifetime + cancelled + shutdown
    }
}

/// Something the pool counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    Opened,
    Reused,
    Retried,
    #[cfg_attr(not(feature = "tls"), allow(dead_code))]
    TlsFull,
    #[cfg_attr(not(feature = "tls"), allow(dead_code))]
    TlsResumed,
    Closed(Close),
}

/// Why a connection closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Close {
    IdleTimeout,
    Stale,
    Limit,
    NotReusable,
    Error,
    Lifetime,
    Cancelled,
    Shutdown,
}

impl Close {
    /// The reason's name in events, as in [`ClosedStats`].
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn name(self) -> &'static str {
        match self {
            Close::IdleTimeout => "idle_timeout",
            Close::Stale => "stale",
            Close::Limit => "limit",
            Close::NotReusable => "not_reusable",
            Close::Error => "error",
            Close::Lifetime => "lifetime",
            Close::Cancelled => "cancelled",
            Close::Shutdown => "shutdown",
        }
    }
}

impl From<EvictReason> for Close {
    fn from(reason: EvictReason) -> Close {
        match reason {
            EvictReason::IdleTimeout => Close::IdleTimeout,
            EvictReason::Dead => Close::Stale,
            _ => Close::Limit,
        }
    }
}

/// The counters of one scope.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    opened: AtomicU64,
    reused: AtomicU64,
    retried: AtomicU64,
    tls_full: AtomicU64,
    tls_resumed: AtomicU64,
    idle_timeout: AtomicU64,
    stale: AtomicU64,
    limit: AtomicU64,
    not_reusable: AtomicU64,
    error: AtomicU64,
    lifetime: AtomicU64,
    cancelled: AtomicU64,
    shutdown: AtomicU64,
    /// The counters of the proxy this scope's connections go through: each event counts
    /// there too.
    via: Option<Arc<Counters>>,
    /// How events name this scope: `scheme://host:port`, and `via host:port` of a proxy.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    label: Box<str>,
    /// Reused connections found closed in a row, with no reuse that worked between them.
    #[cfg(feature = "tracing")]
    stale_streak: std::sync::atomic::AtomicU32,
}

/// Reused connections found closed in a row after which the pool warns: the server's idle
/// timeout is then likely shorter than the pool's.
#[cfg(feature = "tracing")]
const STALE_STREAK_WARNING: u32 = 3;

impl Counters {
    /// A reused connection carried its exchange: the streak of stale ones ends. Called for
    /// every reused exchange, so it writes the shared counter only when there is a streak.
    pub(crate) fn reuse_worked(&self) {
        #[cfg(feature = "tracing")]
        if self.stale_streak.load(Ordering::Relaxed) != 0 {
            self.stale_streak.store(0, Ordering::Relaxed);
        }
    }

    /// A reused connection was found closed; the third in a row is worth a warning.
    #[cfg(feature = "tracing")]
    fn reuse_failed(&self) {
        if self.stale_streak.fetch_add(1, Ordering::Relaxed) + 1 == STALE_STREAK_WARNING {
            tracing::warn!(
                origin = %self.label,
                in_a_row = STALE_STREAK_WARNING,
                "the server keeps closing connections before the pool reuses them: its \
                 keep-alive timeout is likely shorter than the pool's idle timeout (lower \
                 `idle_timeout`)"
            );
        }
    }
}

impl Counters {
    fn add(&self, event: Event) {
        let counter = match event {
            Event::Opened => &self.opened,
            Event::Reused => &self.reused,
            Event::Retried => &self.retried,
            Event::TlsFull => &self.tls_full,
            Event::TlsResumed => &self.tls_resumed,
            Event::Closed(Close::IdleTimeout) => &self.idle_timeout,
            Event::Closed(Close::Stale) => &self.stale,
            Event::Closed(Close::Limit) => &self.limit,
            Event::Closed(Close::NotReusable) => &self.not_reusable,
            Event::Closed(Close::Error) => &self.error,
            Event::Closed(Close::Lifetime) => &self.lifetime,
            Event::Closed(Close::Cancelled) => &self.cancelled,
            Event::Closed(Close::Shutdown) => &self.shutdown,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        if let Some(via) = &self.via {
            via.add(event);
        }
    }

    /// The counters, with the gauges left at zero for the caller to fill in.
    pub(crate) fn snapshot(&self) -> Stats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            opened: get(&self.opened),
            reused: get(&self.reused),
            retried: get(&self.retried),
            tls_full: get(&self.tls_full),
            tls_resumed: get(&self.tls_resumed),
            closed: ClosedStats {
                idle_timeout: get(&self.idle_timeout),
                stale: get(&self.stale),
                limit: get(&self.limit),
                not_reusable: get(&self.not_reusable),
                error: get(&self.error),
                lifetime: get(&self.lifetime),
                cancelled: get(&self.cancelled),
                shutdown: get(&self.shutdown),
            },
            ..Stats::default()
        }
    }
}

/// An origin: what per-host counters are kept by (connections with other TLS settings or
/// resolve overrides to the same origin count together), and the proxy they go through, if
/// any. A proxy's own counters are kept under the scheme `proxy`.
type Origin = (&'static str, String, u16, Option<(String, u16)>);

/// The scheme a proxy's own counters are kept under.
const PROXY: &str = "proxy";

/// The pool's totals and its origins' counters.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    total: Counters,
    origins: Mutex<HashMap<Origin, Arc<Counters>>>,
}

impl Metrics {
    /// The counters of `key`'s origin, to be carried by its connections.
    pub(crate) fn origin(&self, key: &PoolKey) -> Arc<Counters> {
        let mut origins = self.origins.lock().unwrap_or_else(|p| p.into_inner());
        let proxy = key.proxy().map(|p| (p.host().to_owned(), p.port()));
        let origin = (
            key.scheme(),
            key.host().to_owned(),
            key.port(),
            proxy.clone(),
        );
        if let Some(found) = origins.get(&origin) {
            return Arc::clone(found);
        }
        let via = proxy.map(|(host, port)| {
            let entry = origins
                .entry((PROXY, host, port, None))
                .or_insert_with(|| Arc::new(Counters::default()));
            Arc::clone(entry)
        });
        let counters = Arc::new(Counters {
            via,
            label: key.label().into(),
            ..Counters::default()
        });
        if origins.len() < MAX_ORIGINS {
            origins.insert(origin, Arc::clone(&counters));
        }
        counters
    }

    /// Counts `event` for the pool and for the origin whose counters are `host`. Every
    /// closing and every retry passes here, so here is where they become events.
    pub(crate) fn count(&self, host: &Counters, event: Event) {
        host.add(event);
        self.total.add(event);
        #[cfg(feature = "tracing")]
        match event {
            Event::Closed(why) => {
                tracing::debug!(
                    origin = %host.label,
                    reason = why.name(),
                    "connection closed"
                );
                if why == Close::Stale {
                    host.reuse_failed();
                }
            }
            Event::Retried => tracing::debug!(
                origin = %host.label,
                "request sent again on a fresh connection: the reused one had been closed"
            ),
            _ => {}
        }
    }

    /// Counts `event` for `key`'s origin, looking it up.
    pub(crate) fn count_for(&self, key: &PoolKey, event: Event) {
        self.count(&self.origin(key), event);
    }

    pub(crate) fn total(&self) -> Stats {
        self.total.snapshot()
    }

    /// The counters of `(scheme, host, port)`, directly and through every proxy; zero for an
    /// origin never seen.
    pub(crate) fn of(&self, scheme: &'static str, host: &str, port: u16) -> Stats {
        let origins = self.origins.lock().unwrap_or_else(|p| p.into_inner());
        origins
            .iter()
            .filter(|((s, h, p, _), _)| (*s, h.as_str(), *p) == (scheme, host, port))
            .fold(Stats::default(), |sum, (_, c)| add(sum, c.snapshot()))
    }

    /// The counters of every connection through the proxy at `host:port`.
    pub(crate) fn of_proxy(&self, host: &str, port: u16) -> Stats {
        let origins = self.origins.lock().unwrap_or_else(|p| p.into_inner());
        origins
            .get(&(PROXY, host.to_owned(), port, None))
            .map_or_else(Stats::default, |c| c.snapshot())
    }
}

/// Counts a connection as closed if it is dropped before [`disarm`](Self::disarm): a request
/// future dropped at an await point takes its connection with it, and without this the
/// connection would count as opened forever.
pub(crate) struct CloseGuard<'a> {
    metrics: &'a Metrics,
    host: &'a Counters,
    /// Why, if dropped now: `Cancelled` until an error says otherwise.
    pub(crate) reason: Close,
    armed: bool,
}

impl<'a> CloseGuard<'a> {
    pub(crate) fn new(metrics: &'a Metrics, host: &'a Counters) -> CloseGuard<'a> {
        CloseGuard {
            metrics,
            host,
            reason: Close::Cancelled,
            armed: true,
        }
    }

    /// The connection lives on (or its closing is counted elsewhere).
    pub(crate) fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for CloseGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.metrics.count(self.host, Event::Closed(self.reason));
        }
    }
}

/// The counters of `a` and `b` together (the gauges are the caller's).
fn add(a: Stats, b: Stats) -> Stats {
    let (x, y) = (a.closed, b.closed);
    Stats {
        opened: a.opened + b.opened,
        reused: a.reused + b.reused,
        retried: a.retried + b.retried,
        tls_full: a.tls_full + b.tls_full,
        tls_resumed: a.tls_resumed + b.tls_resumed,
        closed: ClosedStats {
            idle_timeout: x.idle_timeout + y.idle_timeout,
            stale: x.stale + y.stale,
            limit: x.limit + y.limit,
            not_reusable: x.not_reusable + y.not_reusable,
            error: x.error + y.error,
            lifetime: x.lifetime + y.lifetime,
            cancelled: x.cancelled + y.cancelled,
            shutdown: x.shutdown + y.shutdown,
        },
        ..Stats::default()
    }
}
