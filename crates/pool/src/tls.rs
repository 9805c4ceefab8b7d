//! TLS through rustls: one shared `ClientConfig` per pool, so that session resumption works
//! across fresh connections, and the handshake kind is counted.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::Error;
use crate::error::Phase;

/// Which certificates a pool trusts.
#[derive(Debug, Clone, Default)]
pub(crate) struct TlsSettings {
    /// Extra roots, DER.
    pub(crate) extra_roots: Vec<CertificateDer<'static>>,
    /// Whether the webpki-roots (Mozilla) store is trusted too.
    pub(crate) without_builtin_roots: bool,
}

impl TlsSettings {
    /// Adds the certificates of a PEM document as trusted roots.
    pub(crate) fn add_pem(&mut self, pem: &[u8]) -> Result<usize, Error> {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|_| Error::InvalidCertificate("malformed PEM"))?;
            self.extra_roots.push(cert);
            added += 1;
        }
        if added == 0 {
            return Err(Error::InvalidCertificate(
                "no certificate in the PEM document",
            ));
        }
        Ok(added)
    }

    /// The rustls configuration for these settings: verification always on.
    pub(crate) fn client_config(&self) -> Result<Arc<ClientConfig>, Error> {
        let mut roots = RootCertStore::empty();
        if !self.without_builtin_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        for cert in &self.extra_roots {
            roots
                .add(cert.clone())
                .map_err(|_| Error::InvalidCertificate("not a usable root certificate"))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|_| Error::InvalidCertificate("no TLS protocol version available"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// Runs the TLS handshake over `tcp` for `host`. SNI carries the host name; rustls sends none
/// for an IP address.
pub(crate) async fn handshake(
    config: Arc<ClientConfig>,
    host: &str,
    tcp: TcpStream,
) -> Result<TlsStream<TcpStream>, Error> {
    let name = ServerName::try_from(host.to_owned())
        .map_err(|_| Error::InvalidUri("host is not a valid TLS server name"))?;
    TlsConnector::from(config)
        .connect(name, tcp)
        .await
        .map_err(|e| Error::Io(Phase::Tls, e))
}

/// Whether the handshake of `stream` resumed an earlier session.
pub(crate) fn resumed(stream: &TlsStream<TcpStream>) -> bool {
    matches!(
        stream.get_ref().1.handshake_kind(),
        Some(rustls::HandshakeKind::Resumed)
    )
}
