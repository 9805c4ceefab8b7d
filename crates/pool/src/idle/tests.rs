use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::*;

/// A fake connection: an id, and a switch the test flips to make it "closed by the server".
#[derive(Debug)]
struct Fake {
    id: u32,
    open: Rc<Cell<bool>>,
}

impl Poolable for Fake {
    fn is_open(&self) -> bool {
        self.open.get()
    }
}

fn conn(id: u32) -> Fake {
    Fake {
        id,
        open: Rc::new(Cell::new(true)),
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn ids(evicted: &[Evicted<Fake>]) -> Vec<(u32, EvictReason)> {
    evicted.iter().map(|e| (e.conn.id, e.reason)).collect()
}

#[test]
fn checkout_is_most_recently_used_first_and_per_key() {
    let t0 = Instant::now();
    let mut store = IdleStore::new(10, 100);
    for (i, key) in [(1, "a"), (2, "b"), (3, "a")] {
        assert!(store.checkin(key, conn(i), t0, t0 + secs(60)).is_empty());
    }
    assert_eq!((store.len(), store.idle_for(&"a")), (3, 2));
    assert_eq!(store.checkout(&"a", t0).0.map(|c| c.id), Some(3));
    assert_eq!(store.checkout(&"a", t0).0.map(|c| c.id), Some(1));
    assert!(store.checkout(&"a", t0).0.is_none());
    assert_eq!(store.checkout(&"b", t0).0.map(|c| c.id), Some(2));
    assert!(store.is_empty());
}

#[test]
fn expired_and_dead_connections_are_skipped_at_checkout() {
    let t0 = Instant::now();
    let mut store = IdleStore::new(10, 100);
    store.checkin("a", conn(1), t0, t0 + secs(100));
    let dead = conn(2);
    let switch = dead.open.clone();
    store.checkin("a", dead, t0, t0 + secs(100));
    store.checkin("a", conn(3), t0, t0 + secs(5));
    switch.set(false); // the server closed the second one while it idled
    let (got, evicted) = store.checkout(&"a", t0 + secs(10));
    assert_eq!(got.map(|c| c.id), Some(1));
    assert_eq!(
        ids(&evicted),
        [(3, EvictReason::IdleTimeout), (2, EvictReason::Dead)]
    );
    assert!(store.is_empty());
}

#[test]
fn the_per_host_cap_drops_the_oldest_of_that_host() {
    let t0 = Instant::now();
    let mut store = IdleStore::new(2, 100);
    store.checkin("a", conn(1), t0, t0 + secs(60));
    store.checkin("b", conn(9), t0, t0 + secs(60));
    store.checkin("a", conn(2), t0 + secs(1), t0 + secs(60));
    let evicted = store.checkin("a", conn(3), t0 + secs(2), t0 + secs(60));
    assert_eq!(ids(&evicted), [(1, EvictReason::HostCap)]);
    assert_eq!((store.idle_for(&"a"), store.idle_for(&"b")), (2, 1));
}

#[test]
fn the_global_cap_drops_the_least_recently_used_across_hosts() {
    let t0 = Instant::now();
    let mut store = IdleStore::new(10, 3);
    store.checkin("a", conn(1), t0 + secs(2), t0 + secs(60));
    store.checkin("b", conn(2), t0 + secs(1), t0 + secs(60)); // idle the longest
    store.checkin("c", conn(3), t0 + secs(3), t0 + secs(60));
    let evicted = store.checkin("a", conn(4), t0 + secs(4), t0 + secs(60));
    assert_eq!(ids(&evicted), [(2, EvictReason::GlobalCap)]);
    assert_eq!(store.len(), 3);
    assert_eq!(store.idle_for(&"b"), 0);
}

#[test]
fn checkin_refuses_what_cannot_be_kept() {
    let t0 = Instant::now();
    let mut store = IdleStore::new(1, 1);
    let expired = store.checkin("a", conn(1), t0, t0);
    assert_eq!(ids(&expired), [(1, EvictReason::IdleTimeout)]);
    let dead = conn(2);
    dead.open.set(false);
    assert_eq!(
        ids(&store.checkin("a", dead, t0, t0 + secs(1))),
        [(2, EvictReason::Dead)]
    );
    let mut none = IdleStore::new(0, 10);
    assert_eq!(
        ids(&none.checkin("a", conn(3), t0, t0 + secs(1))),
        [(3, EvictReason::HostCap)]
    );
    assert!(store.is_empty() && none.is_empty());
}

#[test]
fn purge_removes_expired_and_dead_and_reports_the_next_deadline() {
    let t0 = Instant::now();
    let mut store = IdleStore::new(10, 100);
    store.checkin("a", conn(1), t0, t0 + secs(5));
    store.checkin("a", conn(2), t0, t0 + secs(50));
    let dead = conn(3);
    let switch = dead.open.clone();
    store.checkin("b", dead, t0, t0 + secs(50));
    assert_eq!(store.next_deadline(), Some(t0 + secs(5)));
    switch.set(false);
    let mut evicted = ids(&store.purge(t0 + secs(10)));
    evicted.sort_by_key(|(id, _)| *id);
    assert_eq!(
        evicted,
        [(1, EvictReason::IdleTimeout), (3, EvictReason::Dead)]
    );
    assert_eq!(
        (store.len(), store.next_deadline()),
        (1, Some(t0 + secs(50)))
    );
    let drained: Vec<u32> = store.drain().into_iter().map(|(_, c)| c.id).collect();
    assert_eq!(drained, [2]);
    assert!(store.is_empty());
}
