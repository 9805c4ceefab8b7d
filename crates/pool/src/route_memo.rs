//! The route of the last origin each thread sent to, per pool.
//!
//! Working out a request's key (scheme, lowercased host, port, the resolve override's
//! addresses, the TLS settings' number, and a hash over all of them) cost about a tenth of a
//! kept-alive exchange, yet clients send to the same origin again and again. Nothing a route
//! depends on changes during a pool's life except the request's own options, so a request with
//! the pool's settings (no per-request TLS settings or resolve override), the same proxy (or
//! none), and the very same scheme and authority text as the last one has the very same route.
//!
//! Per thread rather than per pool, for the reason the session's URL memory is: tasks on many
//! threads never take turns at a lock for it, nor write to memory another thread reads. A pool
//! is named by a number no other pool gets, not by its address, which a later pool may reuse.
//! The memory holds one route per thread, and with it that route's TLS configuration, which
//! a dropped pool's last route keeps alive until the thread next sends through a pool.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::key::PoolKey;
use crate::secure::Route;

/// Numbers for pools, never reused within a process.
static NEXT_POOL: AtomicU64 = AtomicU64::new(1);

/// A number for a new pool.
pub(crate) fn pool_id() -> u64 {
    NEXT_POOL.fetch_add(1, Ordering::Relaxed)
}

struct Memo {
    pool: u64,
    https: bool,
    proxy: Option<crate::Proxy>,
    authority: Box<str>,
    key: PoolKey,
    route: Route,
}

thread_local! {
    static LAST: RefCell<Option<Memo>> = const { RefCell::new(None) };
}

/// The remembered route of pool `pool` for `uri`, if this thread's last one was for it.
pub(crate) fn recall(
    pool: u64,
    uri: &http::Uri,
    proxy: Option<&crate::Proxy>,
) -> Option<(PoolKey, Route)> {
    let https = match uri.scheme_str() {
        Some("http") => false,
        Some("https") => true,
        _ => return None,
    };
    let authority = uri.authority()?.as_str();
    LAST.with(|last| {
        let last = last.borrow();
        let memo = last.as_ref()?;
        let same = memo.pool == pool
            && memo.https == https
            && *memo.authority == *authority
            && memo.proxy.as_ref() == proxy;
        same.then(|| (memo.key.clone(), memo.route.clone()))
    })
}

/// Remembers that `uri` routes to `key` and `route` in pool `pool`.
pub(crate) fn remember(
    pool: u64,
    uri: &http::Uri,
    proxy: Option<&crate::Proxy>,
    key: &PoolKey,
    route: &Route,
) {
    let Some(authority) = uri.authority() else {
        return;
    };
    let https = uri.scheme_str() == Some("https");
    LAST.with(|last| {
        *last.borrow_mut() = Some(Memo {
            pool,
            https,
            proxy: proxy.cloned(),
            authority: authority.as_str().into(),
            key: key.clone(),
            route: route.clone(),
        });
    });
}
