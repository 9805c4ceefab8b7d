//! The pool's memory: idle connections per host, with caps and deadlines. No I/O.
//!
//! Each host keeps a stack: the most recently returned connection is reused first, so a burst
//! keeps a few warm connections busy and lets the rest age out instead of rotating through all
//! of them. Every way a connection leaves the store other than checkout is an [`Evicted`] with
//! a reason, handed back for the caller to close and count, so nothing is dropped silently.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};
use std::time::Instant;

/// A connection the store can hold. `is_open` is asked at checkin and checkout; for a socket it
/// is a non-blocking readiness check (EOF, reset, or unsolicited bytes mean "not open").
pub(crate) trait Poolable {
    /// Whether the connection can still carry a request.
    fn is_open(&self) -> bool;
}

/// Why a connection left the store without being checked out.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum EvictReason {
    /// Its idle deadline passed.
    IdleTimeout,
    /// It was no longer open (the server closed it, or it had unread bytes).
    Dead,
    /// Its host already held `max_per_host` idle connections; the oldest went.
    HostCap,
    /// The store held `max_total` idle connections; the least recently used went.
    GlobalCap,
}

/// A connection leaving the store, for the caller to close.
#[derive(Debug)]
pub(crate) struct Evicted<T> {
    /// The connection.
    pub(crate) conn: T,
    /// Why it left.
    pub(crate) reason: EvictReason,
}

#[derive(Debug)]
struct Entry<T> {
    conn: T,
    since: Instant,
    deadline: Instant,
}

/// Idle connections by key (host, port, and every setting that affects trust or routing),
/// hashed with `S`.
#[derive(Debug)]
pub(crate) struct IdleStore<K, T, S = RandomState> {
    /// Per key, a stack: the last element is the most recently returned.
    hosts: HashMap<K, Vec<Entry<T>>, S>,
    len: usize,
    max_per_host: usize,
    max_total: usize,
}

#[cfg(test)]
impl<K: Hash + Eq + Clone, T: Poolable> IdleStore<K, T> {
    /// An empty store keeping at most `max_per_host` idle connections per key and `max_total`
    /// in all.
    pub(crate) fn new(max_per_host: usize, max_total: usize) -> Self {
        IdleStore::with_hasher(max_per_host, max_total, RandomState::new())
    }
}

impl<K: Hash + Eq + Clone, T: Poolable, S: BuildHasher> IdleStore<K, T, S> {
    /// [`new`](Self::new), with keys hashed by `hasher` (the pool's keys carry a hash of
    /// their own, computed once).
    pub(crate) fn with_hasher(max_per_host: usize, max_total: usize, hasher: S) -> Self {
        IdleStore {
            hosts: HashMap::with_hasher(hasher),
            len: 0,
            max_per_host,
            max_total,
        }
    }

    /// Idle connections in the store.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[cfg(test)]
    /// Whether the store holds no idle connection.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[cfg(test)]
    /// Idle connections for `key`.
    pub(crate) fn idle_for(&self, key: &K) -> usize {
        self.hosts.get(key).map_or(0, Vec::len)
    }

    /// Idle connections summed over the keys `wanted` accepts.
    pub(crate) fn idle_where(&self, wanted: impl Fn(&K) -> bool) -> usize {
        self.hosts
            .iter()
            .filter(|(key, _)| wanted(key))
            .map(|(_, stack)| stack.len())
            .sum()
    }

    /// Returns a connection that went idle at `now` and may be reused until `deadline`.
    ///
    /// Returns what had to leave to make room (possibly `conn` itself: when its deadline has
    /// passed, it is not open, or a cap is zero).
    pub(crate) fn checkin(
        &mut self,
        key: K,
        conn: T,
        now: Instant,
        deadline: Instant,
    ) -> Vec<Evicted<T>> {
        let refusal = if deadline <= now {
            Some(EvictReason::IdleTimeout)
        } else if !conn.is_open() {
            Some(EvictReason::Dead)
        } else if self.max_per_host == 0 {
            Some(EvictReason::HostCap)
        } else if self.max_total == 0 {
            Some(EvictReason::GlobalCap)
        } else {
            None
        };
        if let Some(reason) = refusal {
            return vec![Evicted { conn, reason }];
        }
        let mut evicted = Vec::new();
        let stack = self.hosts.entry(key.clone()).or_default();
        stack.push(Entry {
            conn,
            since: now,
            deadline,
        });
        self.len += 1;
        if stack.len() > self.max_per_host {
            let oldest = stack.remove(0);
            self.len -= 1;
            evicted.push(Evicted {
                conn: oldest.conn,
                reason: EvictReason::HostCap,
            });
        }
        while self.len > self.max_total {
            match self.evict_least_recently_used() {
                Some(e) => evicted.push(e),
                None => break,
            }
        }
        evicted
    }

    /// Takes the most recently returned live connection for `key`, if any. Connections found
    /// expired or dead on the way are returned for closing.
    pub(crate) fn checkout(&mut self, key: &K, now: Instant) -> (Option<T>, Vec<Evicted<T>>) {
        let mut evicted = Vec::new();
        let Some(stack) = self.hosts.get_mut(key) else {
            return (None, evicted);
        };
        let mut found = None;
        while let Some(entry) = stack.pop() {
            self.len -= 1;
            let reason = if entry.deadline <= now {
                EvictReason::IdleTimeout
            } else if !entry.conn.is_open() {
                EvictReason::Dead
            } else {
                found = Some(entry.conn);
                break;
            };
            evicted.push(Evicted {
                conn: entry.conn,
                reason,
            });
        }
        // An emptied stack stays, with its allocation, for the connection that is about to
        // come back; `purge` drops the empty ones.
        (found, evicted)
    }

    /// Removes every connection whose deadline has passed or that is no longer open.
    pub(crate) fn purge(&mut self, now: Instant) -> Vec<Evicted<T>> {
        let mut evicted = Vec::new();
        for stack in self.hosts.values_mut() {
            let mut kept = Vec::with_capacity(stack.len());
            for entry in stack.drain(..) {
                let reason = if entry.deadline <= now {
                    EvictReason::IdleTimeout
                } else if !entry.conn.is_open() {
                    EvictReason::Dead
                } else {
                    kept.push(entry);
                    continue;
                };
                evicted.push(Evicted {
                    conn: entry.conn,
                    reason,
                });
            }
            *stack = kept;
        }
        self.hosts.retain(|_, stack| !stack.is_empty());
        self.len -= evicted.len();
        evicted
    }

    /// The earliest idle deadline in the store: when the next purge has work to do.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.hosts.values().flatten().map(|e| e.deadline).min()
    }

    /// Empties the store, handing every connection back (to close when the pool closes).
    pub(crate) fn drain(&mut self) -> Vec<(K, T)> {
        self.len = 0;
        self.hosts
            .drain()
            .flat_map(|(key, stack)| stack.into_iter().map(move |e| (key.clone(), e.conn)))
            .collect()
    }

    /// Removes the connection idle the longest across all keys.
    fn evict_least_recently_used(&mut self) -> Option<Evicted<T>> {
        // Each stack's bottom is its oldest entry, so only bottoms are compared.
        let key = self
            .hosts
            .iter()
            .filter_map(|(key, stack)| stack.first().map(|e| (key, e.since)))
            .min_by_key(|(_, since)| *since)
            .map(|(key, _)| key.clone())?;
        let stack = self.hosts.get_mut(&key)?;
        let entry = stack.remove(0);
        if stack.is_empty() {
            self.hosts.remove(&key);
        }
        self.len -= 1;
        Some(Evicted {
            conn: entry.conn,
            reason: EvictReason::GlobalCap,
        })
    }
}

#[cfg(test)]
mod tests;
