//! Buffers belong to exchanges, not to connections.
//!
//! An exchange needs a read buffer (8 KiB to start) and a write buffer for the request head.
//! An idle connection needs neither, and a service that keeps hundreds of warm connections
//! would otherwise pay for both on every one of them. So a connection gives its buffers up
//! when it goes idle and gets a set back when its next exchange starts, from a small stash
//! kept beside the idle connections (under the same lock, which both moves take anyway).
//!
//! The stash is bounded by the exchanges in flight: it keeps at most one set more than there
//! are connections in use. A steady stream of requests then finds a set waiting and allocates
//! nothing, while a pool that falls quiet keeps one set, not one per idle connection.

use crate::connection::Buffers;

/// Spare buffer sets, for exchanges about to start.
#[derive(Debug, Default)]
pub(crate) struct Spare {
    sets: Vec<Buffers>,
}

impl Spare {
    /// A set for an exchange that starts: one an ended exchange gave back, or an empty one
    /// (which allocates as it is first used).
    pub(crate) fn take(&mut self) -> Buffers {
        self.sets.pop().unwrap_or_default()
    }

    /// Keeps `buffers`, given back by a connection going idle while `in_use` other connections
    /// carry exchanges, unless the stash already holds `in_use + 1` sets; sets beyond that
    /// bound (left from a busier moment) are freed. Empty buffers are not worth keeping.
    pub(crate) fn put(&mut self, buffers: Buffers, in_use: usize) {
        let bound = in_use.saturating_add(1);
        self.sets.truncate(bound);
        if self.sets.len() < bound && buffers.has_capacity() {
            self.sets.push(buffers);
        }
    }

    /// Sets held now.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.sets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used() -> Buffers {
        let mut b = Buffers::default();
        b.read.reserve(8 * 1024);
        b.write.reserve(512);
        b
    }

    #[test]
    fn a_quiet_pool_keeps_one_set() {
        let mut spare = Spare::default();
        for _ in 0..20 {
            spare.put(used(), 0);
        }
        assert_eq!(spare.len(), 1);
        assert!(spare.take().read.capacity() >= 8 * 1024);
        assert_eq!(spare.take().read.capacity(), 0, "then empty sets");
    }

    #[test]
    fn a_busy_pool_keeps_one_more_than_in_flight_and_sheds_the_rest_when_it_calms() {
        let mut spare = Spare::default();
        for in_use in (0..16).rev() {
            spare.put(used(), in_use + 8);
        }
        assert_eq!(
            spare.len(),
            9,
            "truncated to 1 + the 8 still in use at the end"
        );
        spare.put(used(), 2);
        assert_eq!(spare.len(), 3);
        spare.put(used(), 0);
        assert_eq!(spare.len(), 1);
    }

    #[test]
    fn empty_buffers_are_not_kept() {
        let mut spare = Spare::default();
        spare.put(Buffers::default(), 10);
        assert_eq!(spare.len(), 0);
    }
}
