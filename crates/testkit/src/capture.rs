//! A `tracing` subscriber that keeps every event, and every span's fields, as a line of text.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Every event as a line (`LEVEL message=… name=value …`), and every span as `span NAME`
/// with its fields, those recorded later included. Clones share the lines. Install it with
/// `tracing::subscriber::with_default` around the code under test.
#[derive(Debug, Clone, Default)]
pub struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_span: Arc<AtomicU64>,
}

impl Capture {
    /// A subscriber with nothing captured yet.
    pub fn new() -> Capture {
        Capture::default()
    }

    /// Everything captured so far, in order.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The event lines whose message is exactly `message` (followed by the end of the line
    /// or by another field).
    pub fn named(&self, message: &str) -> Vec<String> {
        self.lines()
            .into_iter()
            .filter(|line| {
                let Some(at) = line.find(" message=") else {
                    return false;
                };
                let Some(rest) = line[at + " message=".len()..].strip_prefix(message) else {
                    return false;
                };
                let next = rest.split(' ').nth(1).unwrap_or("");
                rest.is_empty() || (rest.starts_with(' ') && next.contains('='))
            })
            .collect()
    }

    fn push(&self, line: String) {
        self.lines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(line);
    }
}

/// Appends ` name=value` for each field it visits.
struct Line<'a>(&'a mut String);

impl Visit for Line<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = format!("span {}", span.metadata().name());
        span.record(&mut Line(&mut line));
        self.push(line);
        Id::from_u64(self.next_span.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut line = format!("span #{} recorded", span.into_u64());
        values.record(&mut Line(&mut line));
        self.push(line);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = event.metadata().level().to_string();
        event.record(&mut Line(&mut line));
        self.push(line);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
