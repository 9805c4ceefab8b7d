//! The TLS variant: a certificate made at start (a CA and one leaf for every name given) or
//! given by the test, the ClientHello read before the handshake goes on so its SNI can be
//! recorded, client certificates asked for and recorded, and two ways to misbehave: no
//! `close_notify`, and a handshake that never gets an answer.

use std::future::pending;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use tokio::net::TcpStream;
use tokio_rustls::LazyConfigAcceptor;

use crate::Script;
use crate::certs::{TestCa, TestCert, client_verifier};
use crate::record::{Connection, Ended, Record};
use crate::server::{Running, Scripts};

/// How a [`TlsScriptedServer`] is set up, before it starts.
#[derive(Debug, Clone)]
pub struct TlsServerBuilder {
    cert: TestCert,
    /// Client certificates asked for: chaining to these roots; required or not.
    clients: Option<(rustls::RootCertStore, bool)>,
    skip_close_notify: bool,
    stall_handshake: bool,
    tls12_only: bool,
}

impl TlsServerBuilder {
    /// Ends connections (and half-closes them) with a bare TCP FIN, never sending
    /// `close_notify`: what a truncation attack or a careless server looks like.
    pub fn skip_close_notify(mut self) -> Self {
        self.skip_close_notify = true;
        self
    }

    /// Reads each ClientHello (recording its SNI) and then never answers: the client's
    /// handshake stalls until it gives up or the server is dropped. Scripts never run.
    pub fn stall_handshake(mut self) -> Self {
        self.stall_handshake = true;
        self
    }

    /// Speaks TLS 1.2 alone: its full handshake ends with the server's flight and a resumed
    /// one with the client's (with TLS 1.3, the client's flight is always the last).
    pub fn tls12_only(mut self) -> Self {
        self.tls12_only = true;
        self
    }

    /// Asks every client for a certificate signed by `ca` (the root it chains to), and takes
    /// a client that sends none too. What each connection presented is in
    /// [`Connection::client_certificate`].
    pub fn accept_client_certificates(mut self, ca: &TestCa) -> Self {
        self.clients = Some((ca.roots(), false));
        self
    }

    /// As [`accept_client_certificates`](Self::accept_client_certificates), but a client
    /// without a certificate fails the handshake.
    pub fn require_client_certificates(mut self, ca: &TestCa) -> Self {
        self.clients = Some((ca.roots(), true));
        self
    }

    /// Serves connection *n* with `scripts[n]`; later connections are closed at once.
    pub fn start(self, scripts: impl IntoIterator<Item = Script>) -> io::Result<TlsScriptedServer> {
        self.with(Scripts::new(scripts, None))
    }

    /// Serves every connection with the same script.
    pub fn repeating(self, script: Script) -> io::Result<TlsScriptedServer> {
        self.with(Scripts::new([], Some(script)))
    }

    /// Serves the first connections with `first`, then every later one with `then`.
    pub fn start_then(
        self,
        first: impl IntoIterator<Item = Script>,
        then: Script,
    ) -> io::Result<TlsScriptedServer> {
        self.with(Scripts::new(first, Some(then)))
    }

    fn with(self, scripts: Scripts) -> io::Result<TlsScriptedServer> {
        let verifier = self
            .clients
            .as_ref()
            .map(|(roots, required)| client_verifier(roots.clone(), *required));
        let config = Arc::new(self.cert.server_config_with(verifier, self.tls12_only));
        let (polite, stall) = (!self.skip_close_notify, self.stall_handshake);
        let running = Running::spawn(scripts, move |tcp, script, record, index| {
            handshake(tcp, config.clone(), stall, polite, script, record, index)
        })?;
        Ok(TlsScriptedServer {
            running,
            cert: self.cert,
        })
    }
}

/// Reads the ClientHello, records its SNI, then finishes the handshake, records the client's
/// certificate and runs the script (or, stalling, holds the socket without a word).
async fn handshake(
    tcp: TcpStream,
    config: Arc<rustls::ServerConfig>,
    stall: bool,
    polite: bool,
    script: Script,
    record: Record,
    index: usize,
) {
    let acceptor = LazyConfigAcceptor::new(rustls::server::Acceptor::default(), tcp);
    let Ok(start) = acceptor.await else {
        record.ended(index, Ended::ByClient);
        return;
    };
    let sni = start.client_hello().server_name().map(str::to_owned);
    record.client_hello(index, sni);
    if stall {
        // `start` (and with it the socket) lives until the runtime is dropped.
        pending::<()>().await;
    }
    let Ok(tls) = start.into_stream(config).await else {
        record.ended(index, Ended::ByClient);
        return;
    };
    let presented = tls.get_ref().1.peer_certificates().and_then(|c| c.first());
    record.client_certificate(index, presented.cloned());
    crate::run::run(tls, script, record, index, polite).await;
}

/// A TLS server on `127.0.0.1:0` that runs a [`Script`] on each connection after the
/// handshake, and records each connection's SNI and requests.
#[derive(Debug)]
pub struct TlsScriptedServer {
    running: Running,
    cert: TestCert,
}

impl TlsScriptedServer {
    /// A server whose certificate is valid for every one of `names` (DNS names or IP
    /// addresses), signed by a CA made for it alone ([`TestCa::leaf`]).
    ///
    /// # Panics
    ///
    /// If a name is neither a DNS name nor an IP address.
    pub fn builder<S: AsRef<str>>(names: &[S]) -> TlsServerBuilder {
        TlsScriptedServer::serving(TestCa::new("tarry-testkit CA").leaf(names))
    }

    /// A server that serves `cert` (its [`chain`](TestCert::chain) and key): a certificate
    /// made for the test, expired, for other names, under intermediates...
    pub fn serving(cert: TestCert) -> TlsServerBuilder {
        TlsServerBuilder {
            cert,
            clients: None,
            skip_close_notify: false,
            stall_handshake: false,
            tls12_only: false,
        }
    }

    /// The PEM of the root CA the served certificate chains to: what a client must trust to
    /// talk to this server.
    pub fn ca_pem(&self) -> &str {
        self.cert.ca_pem()
    }

    /// The listening address (always on 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.running.addr
    }

    /// The listening port.
    pub fn port(&self) -> u16 {
        self.running.addr.port()
    }

    /// Connections accepted so far.
    pub fn accepts(&self) -> usize {
        self.running.record.len()
    }

    /// The most connections that were open at once so far (accepted and not yet ended).
    pub fn max_open(&self) -> usize {
        self.running.record.max_open()
    }

    /// Waits (at most `within`) until `n` connections have been accepted, and returns the
    /// count then.
    pub fn wait_accepts(&self, n: usize, within: std::time::Duration) -> usize {
        self.running.wait_accepts(n, within)
    }

    /// The SNI each connection sent, in accept order (`None`: none sent, or no ClientHello
    /// yet; [`connections`](Self::connections) tells the two apart).
    pub fn sni(&self) -> Vec<Option<String>> {
        self.connections().into_iter().map(|c| c.sni).collect()
    }

    /// Every request read so far, raw, per connection in accept order.
    pub fn requests(&self) -> Vec<Vec<Bytes>> {
        self.connections().into_iter().map(|c| c.requests).collect()
    }

    /// The full record of every connection so far.
    pub fn connections(&self) -> Vec<Connection> {
        self.running.record.snapshot()
    }
}
