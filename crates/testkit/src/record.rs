//! What a server saw, shared between its thread and the test: one entry per accepted
//! connection, in accept order, and how many were open at once.

use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use rustls::pki_types::CertificateDer;

/// One accepted connection's record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Connection {
    /// Every whole request read by [`Step::ExpectRequest`](crate::Step::ExpectRequest) and
    /// the steps like it, raw.
    pub requests: Vec<Bytes>,
    /// The server name the client sent in its TLS ClientHello; `None` on plain connections,
    /// before the ClientHello arrived, or when the client sent none (as for IP literals).
    pub sni: Option<String>,
    /// Whether a TLS ClientHello was read on this connection.
    pub client_hello: bool,
    /// The certificate the client presented in the TLS handshake (servers that ask for one:
    /// [`TlsServerBuilder::accept_client_certificates`](crate::TlsServerBuilder::accept_client_certificates)).
    pub client_certificate: Option<CertificateDer<'static>>,
    /// How the connection ended; `None` while the server still holds it (a script that holds
    /// a connection open or waits keeps it `None` until the server is dropped).
    pub ended: Option<Ended>,
}

/// Who ended a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ended {
    /// The server: its script ran out or said [`Close`](crate::Step::Close) or
    /// [`Reset`](crate::Step::Reset), no request came in the time a step allowed, or the
    /// client sent bytes the kit cannot frame as a request.
    ByServer,
    /// The client: a read found the connection closed or reset, a write to it failed, or
    /// the TLS handshake failed.
    ByClient,
}

#[derive(Debug, Default)]
struct Log {
    connections: Vec<Connection>,
    open: usize,
    max_open: usize,
}

/// The shared log; cheap to clone.
#[derive(Debug, Clone, Default)]
pub(crate) struct Record(Arc<Mutex<Log>>);

impl Record {
    /// Counts a new connection and returns its index.
    pub(crate) fn accepted(&self) -> usize {
        let mut log = self.lock();
        log.connections.push(Connection::default());
        log.open += 1;
        log.max_open = log.max_open.max(log.open);
        log.connections.len() - 1
    }

    pub(crate) fn request(&self, conn: usize, raw: Bytes) {
        if let Some(c) = self.lock().connections.get_mut(conn) {
            c.requests.push(raw);
        }
    }

    pub(crate) fn client_hello(&self, conn: usize, sni: Option<String>) {
        if let Some(c) = self.lock().connections.get_mut(conn) {
            c.client_hello = true;
            c.sni = sni;
        }
    }

    pub(crate) fn client_certificate(&self, conn: usize, cert: Option<CertificateDer<'static>>) {
        if let Some(c) = self.lock().connections.get_mut(conn) {
            c.client_certificate = cert;
        }
    }

    /// Marks connection `conn` as over (once; a second call changes nothing).
    pub(crate) fn ended(&self, conn: usize, how: Ended) {
        let mut log = self.lock();
        let Some(c) = log.connections.get_mut(conn) else {
            return;
        };
        if c.ended.is_none() {
            c.ended = Some(how);
            log.open -= 1;
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<Connection> {
        self.lock().connections.clone()
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().connections.len()
    }

    pub(crate) fn max_open(&self) -> usize {
        self.lock().max_open
    }

    fn lock(&self) -> MutexGuard<'_, Log> {
        // A panic elsewhere while holding the lock leaves a log that is still whole (every
        // change is a push or a few assignments that cannot panic), so the test may go on
        // reading it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
