//! The one way every peer trusts the server: rustls 0.23 on ring, the run's CA as the only root,
//! certificates verified against [`HOST`](tarry_cli::server::HOST). Peers that take a
//! `ClientConfig` (the raw floor, reqwest, hyper-rustls) each get one from [`client_config`];
//! tarry and ureq build theirs from the same PEM and the same provider.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::error::Error;

/// The crypto provider of every peer.
pub(crate) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The CA certificates in `ca_pem`; an error if there are none.
pub(crate) fn ca_certificates(ca_pem: &str) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certs = CertificateDer::pem_slice_iter(ca_pem.as_bytes()).collect::<Result<Vec<_>, _>>()?;
    if certs.is_empty() {
        return Err(Error::new("the CA PEM holds no certificate"));
    }
    Ok(certs)
}

/// A new client configuration (with its own session cache, as a separate client would have)
/// trusting only the run's CA. No ALPN: every peer speaks HTTP/1.1.
pub(crate) fn client_config(ca_pem: &str) -> Result<rustls::ClientConfig, Error> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in ca_certificates(ca_pem)? {
        roots.add(cert)?;
    }
    Ok(rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
