//! The per-host connection cap: a count of open connections and a FIFO queue of waiters.
//!
//! Every open connection holds a [`Slot`]; dropping the connection (closed for any reason,
//! evicted, or never returned) frees the slot and hands it to the oldest waiter still waiting.
//! A connection returned to the pool goes straight to the oldest waiter, if there is one,
//! instead of to the idle store, so no waiter sleeps while a connection idles. A waiter whose
//! future is dropped (cancelled, or timed out) gives up its place: its channel is closed and
//! the hand-off skips it.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use tokio::sync::oneshot;

use crate::key::KeyHash;
use crate::key::PoolKey;

/// What a waiter is handed. Generic over the connection type `C`, which holds its own
/// [`Slot`]: so that this module knows nothing of connections.
#[derive(Debug)]
pub(crate) enum Handoff<C> {
    /// A live connection, returned by its previous user.
    Connection(C),
    /// Permission to open a new connection (the slot is already counted).
    Open(Slot<C>),
}

#[derive(Debug)]
struct Host<C> {
    open: usize,
    waiters: VecDeque<oneshot::Sender<Handoff<C>>>,
}

impl<C> Default for Host<C> {
    fn default() -> Self {
        Host {
            open: 0,
            waiters: VecDeque::new(),
        }
    }
}

/// Per-host counts and waiters. Its lock is never held while awaiting, nor while a connection
/// is dropped (a drop takes the lock itself).
#[derive(Debug)]
pub(crate) struct Slots<C> {
    hosts: Mutex<HashMap<PoolKey, Host<C>, KeyHash>>,
    max_per_host: usize,
    /// Open connections over all hosts: read without the lock, by a returning connection
    /// that wants to know how many exchanges are still in flight.
    open: AtomicUsize,
}

/// A counted place for one open connection of one host; freed on drop.
#[derive(Debug)]
pub(crate) struct Slot<C> {
    slots: Weak<Slots<C>>,
    key: PoolKey,
    /// False once the slot's count has moved elsewhere; then dropping it does nothing.
    armed: bool,
}

/// The outcome of asking for a connection slot.
pub(crate) enum Acquire<C> {
    /// A slot is free now.
    Open(Slot<C>),
    /// The host is at its cap: wait on this for a hand-off.
    Wait(oneshot::Receiver<Handoff<C>>),
}

impl<C> Slots<C> {
    pub(crate) fn new(max_per_host: usize) -> Arc<Slots<C>> {
        Arc::new(Slots {
            hosts: Mutex::new(HashMap::default()),
            max_per_host,
            open: AtomicUsize::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<PoolKey, Host<C>, KeyHash>> {
        // Every critical section leaves the map consistent, so a poisoned lock is still sound.
        self.hosts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Open connections right now, and tasks waiting for one, summed over the keys `wanted`
    /// accepts.
    pub(crate) fn counts_where(&self, wanted: impl Fn(&PoolKey) -> bool) -> (usize, usize) {
        let hosts = self.lock();
        hosts
            .iter()
            .filter(|(key, _)| wanted(key))
            .fold((0, 0), |(open, waiting), (_, h)| {
                (open + h.open, waiting + h.waiters.len())
            })
    }

    /// Open connections over all hosts, idle ones included. Changed under the lock, read
    /// without it: a moment's staleness only moves a bound on spare buffers by one.
    pub(crate) fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// A slot for a new connection to `key`, or a place in its queue.
    pub(crate) fn acquire(self: &Arc<Self>, key: &PoolKey) -> Acquire<C> {
        let mut hosts = self.lock();
        let host = hosts.entry(key.clone()).or_default();
        if host.open < self.max_per_host {
            host.open += 1;
            self.open.fetch_add(1, Ordering::Relaxed);
            return Acquire::Open(self.slot(key));
        }
        let (tx, rx) = oneshot::channel();
        host.waiters.push_back(tx);
        Acquire::Wait(rx)
    }

    /// Offers a connection that finished cleanly to the oldest live waiter of its host;
    /// gives it back when nobody waits.
    pub(crate) fn hand_over(&self, key: &PoolKey, conn: C) -> Option<C> {
        // Without a cap (the default) `acquire` never queues anyone: skip the lock, which
        // every returned connection would otherwise take.
        if self.max_per_host == usize::MAX {
            return Some(conn);
        }
        let mut offered = Handoff::Connection(conn);
        loop {
            let waiter = self.lock().get_mut(key).and_then(|h| h.waiters.pop_front());
            let Some(waiter) = waiter else {
                return match offered {
                    Handoff::Connection(conn) => Some(conn),
                    Handoff::Open(_) => None,
                };
            };
            // A closed channel (the waiter gave up) returns the offer: try the next one.
            match waiter.send(offered) {
                Ok(()) => return None,
                Err(back) => offered = back,
            }
        }
    }

    fn slot(self: &Arc<Self>, key: &PoolKey) -> Slot<C> {
        Slot {
            slots: Arc::downgrade(self),
            key: key.clone(),
            armed: true,
        }
    }

    /// A connection of `key` closed: its slot goes to the oldest live waiter, or is freed.
    fn release(self: &Arc<Self>, key: &PoolKey) {
        loop {
            let waiter = {
                let mut hosts = self.lock();
                let Some(host) = hosts.get_mut(key) else {
                    return;
                };
                match host.waiters.pop_front() {
                    Some(w) => w,
                    None => {
                        host.open -= 1;
                        self.open.fetch_sub(1, Ordering::Relaxed);
                        if host.open == 0 {
                            hosts.remove(key);
                        }
                        return;
                    }
                }
            };
            // The slot stays counted and moves to the waiter. If the waiter is gone, the slot
            // comes back inside the error and is disarmed (dropping it armed would release the
            // count a second time), and the loop offers the count to the next one.
            match waiter.send(Handoff::Open(self.slot(key))) {
                Ok(()) => return,
                Err(Handoff::Open(mut slot)) => slot.armed = false,
                Err(Handoff::Connection(_)) => return,
            }
        }
    }
}

impl<C> Drop for Slot<C> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        if let Some(slots) = self.slots.upgrade() {
            slots.release(&self.key);
        }
    }
}
