//! The TLS variant: certificates made at start (a CA and one leaf for every name given),
//! the ClientHello read before the handshake goes on so its SNI can be recorded, and two
//! ways to misbehave: no `close_notify`, and a handshake that never gets an answer.

use std::future::pending;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpStream;
use tokio_rustls::LazyConfigAcceptor;

use crate::Script;
use crate::record::{Connection, Record};
use crate::server::{Running, Scripts};

/// How a [`TlsScriptedServer`] is set up, before it starts.
#[derive(Debug, Clone)]
pub struct TlsServerBuilder {
    names: Vec<String>,
    skip_close_notify: bool,
    stall_handshake: bool,
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

    /// Serves connection *n* with `scripts[n]`; later connections are closed at once.
    pub fn start(self, scripts: impl IntoIterator<Item = Script>) -> io::Result<TlsScriptedServer> {
        self.with(Scripts::new(scripts, None))
    }

    /// Serves every connection with the same script.
    pub fn repeating(self, script: Script) -> io::Result<TlsScriptedServer> {
        self.with(Scripts::new([], Some(script)))
    }

    fn with(self, scripts: Scripts) -> io::Result<TlsScriptedServer> {
        let (ca_pem, config) = certificates(&self.names)?;
        let config = Arc::new(config);
        let (polite, stall) = (!self.skip_close_notify, self.stall_handshake);
        let running = Running::spawn(scripts, move |tcp, script, record, index| {
            handshake(tcp, config.clone(), stall, polite, script, record, index)
        })?;
        Ok(TlsScriptedServer { running, ca_pem })
    }
}

/// Reads the ClientHello, records its SNI, then finishes the handshake and runs the script
/// (or, stalling, holds the socket without a word).
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
        return;
    };
    let sni = start.client_hello().server_name().map(str::to_owned);
    record.client_hello(index, sni);
    if stall {
        // `start` (and with it the socket) lives until the runtime is dropped.
        pending::<()>().await;
    }
    let Ok(tls) = start.into_stream(config).await else {
        return;
    };
    crate::run::run(tls, script, record, index, polite).await;
}

/// A CA (as PEM) and a server configuration with one leaf for all `names` (names that parse
/// as IP addresses become IP SANs).
fn certificates(names: &[String]) -> io::Result<(String, rustls::ServerConfig)> {
    let fail = |e: rcgen::Error| io::Error::other(format!("making test certificates: {e}"));
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(fail)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().map_err(fail)?;
    let ca_cert = ca.self_signed(&ca_key).map_err(fail)?;
    let leaf_key = KeyPair::generate().map_err(fail)?;
    let leaf = CertificateParams::new(names.to_vec())
        .map_err(fail)?
        .signed_by(&leaf_key, &ca_cert, &ca_key)
        .map_err(fail)?;
    let key: PrivateKeyDer<'static> = PrivatePkcs8KeyDer::from(leaf_key.serialize_der()).into();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| {
            b.with_no_client_auth()
                .with_single_cert(vec![leaf.der().clone()], key)
        })
        .map_err(io::Error::other)?;
    Ok((ca_cert.pem(), config))
}

/// A TLS server on `127.0.0.1:0` that runs a [`Script`] on each connection after the
/// handshake, and records each connection's SNI and requests.
#[derive(Debug)]
pub struct TlsScriptedServer {
    running: Running,
    ca_pem: String,
}

impl TlsScriptedServer {
    /// A server whose certificate is valid for every one of `names` (DNS names or IP
    /// addresses), signed by a CA made for it alone.
    pub fn builder<S: AsRef<str>>(names: &[S]) -> TlsServerBuilder {
        TlsServerBuilder {
            names: names.iter().map(|n| n.as_ref().to_owned()).collect(),
            skip_close_notify: false,
            stall_handshake: false,
        }
    }

    /// The CA certificate, PEM: what a client must trust to talk to this server.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
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
