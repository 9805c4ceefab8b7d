//! `--listen LEVEL`: a subscriber that takes events at a level and counts them, so that a run
//! measures what a listening subscriber costs the clients that emit events.

use std::sync::atomic::{AtomicU64, Ordering};

use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

static EVENTS: AtomicU64 = AtomicU64::new(0);

/// Installs the counter for the whole run.
pub(crate) fn count_events(level: Level) {
    let _ = tracing::subscriber::set_global_default(Counter {
        level,
        spans: AtomicU64::new(0),
    });
}

/// Events taken so far.
pub(crate) fn counted() -> u64 {
    EVENTS.load(Ordering::Relaxed)
}

struct Counter {
    level: Level,
    spans: AtomicU64,
}

impl Subscriber for Counter {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= self.level
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(self.spans.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {
        EVENTS.fetch_add(1, Ordering::Relaxed);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
