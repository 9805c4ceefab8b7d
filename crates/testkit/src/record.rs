//! What a server saw, shared between its thread and the test: one entry per accepted
//! connection, in accept order.

use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;

/// One accepted connection's record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Connection {
    /// Every whole request read by [`Step::ExpectRequest`](crate::Step::ExpectRequest), raw.
    pub requests: Vec<Bytes>,
    /// The server name the client sent in its TLS ClientHello; `None` on plain connections,
    /// before the ClientHello arrived, or when the client sent none (as for IP literals).
    pub sni: Option<String>,
    /// Whether a TLS ClientHello was read on this connection.
    pub client_hello: bool,
}

/// The shared log; cheap to clone.
#[derive(Debug, Clone, Default)]
pub(crate) struct Record(Arc<Mutex<Vec<Connection>>>);

impl Record {
    /// Counts a new connection and returns its index.
    pub(crate) fn accepted(&self) -> usize {
        let mut all = self.lock();
        all.push(Connection::default());
        all.len() - 1
    }

    pub(crate) fn request(&self, conn: usize, raw: Bytes) {
        if let Some(c) = self.lock().get_mut(conn) {
            c.requests.push(raw);
        }
    }

    pub(crate) fn client_hello(&self, conn: usize, sni: Option<String>) {
        if let Some(c) = self.lock().get_mut(conn) {
            c.client_hello = true;
            c.sni = sni;
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<Connection> {
        self.lock().clone()
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Connection>> {
        // A panic elsewhere while holding the lock leaves a log that is still whole (every
        // change is one push or one assignment), so the test may go on reading it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
