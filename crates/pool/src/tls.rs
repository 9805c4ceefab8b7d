//! TLS through rustls (ring provider): the settings a caller chooses, and the handshake.
//!
//! Settings are values compared by content. The pool turns each distinct value into one shared
//! `ClientConfig` (see `tls_registry.rs`), so two requests with equal settings share
//! connections and resume each other's sessions, and two with different settings share
//! neither (POOL-05, TLS-04, TLS-08).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::tls_stream::TlsStream;

use crate::Error;
use crate::error::Phase;

/// The oldest TLS version a connection may use. TLS 1.2 is the floor either way.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TlsVersion {
    /// TLS 1.2 or 1.3 (the default).
    #[default]
    Tls12,
    /// TLS 1.3 only.
    Tls13,
}

/// Which servers a connection trusts and who it says it is.
///
/// A value, compared by content: equal settings share connections and TLS sessions in a pool;
/// different ones never do. Verification is on unless
/// [`danger_accept_invalid_certificates`](Self::danger_accept_invalid_certificates) says
/// otherwise, and connections made that way are kept apart from verified ones.
///
/// ```
/// use tarry_pool::TlsSettings;
///
/// let settings = TlsSettings::new().min_version(tarry_pool::TlsVersion::Tls13);
/// assert_eq!(settings, TlsSettings::new().min_version(tarry_pool::TlsVersion::Tls13));
/// assert_ne!(settings, TlsSettings::new());
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct TlsSettings {
    extra_roots: Vec<CertificateDer<'static>>,
    without_builtin_roots: bool,
    identity: Option<Identity>,
    min_version: TlsVersion,
    accept_invalid: bool,
    no_resumption: bool,
}

/// A client certificate chain and its key.
#[derive(Clone)]
struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: Arc<PrivateKeyDer<'static>>,
}

impl PartialEq for Identity {
    fn eq(&self, other: &Self) -> bool {
        self.chain == other.chain && self.key.secret_der() == other.key.secret_der()
    }
}

impl Eq for Identity {}

impl Hash for Identity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The chain tells identities apart; the key only has to agree with equality.
        self.chain.hash(state);
    }
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key, and not kilobytes of certificates: counts say enough.
        f.debug_struct("TlsSettings")
            .field("extra_roots", &self.extra_roots.len())
            .field("builtin_roots", &!self.without_builtin_roots)
            .field(
                "client_certificates",
                &self.identity.as_ref().map(|i| i.chain.len()),
            )
            .field("min_version", &self.min_version)
            .field("accept_invalid_certificates", &self.accept_invalid)
            .field("resumption", &!self.no_resumption)
            .finish()
    }
}

impl TlsSettings {
    /// Webpki-roots (Mozilla's list) trusted, no client certificate, TLS 1.2 or later,
    /// verification on.
    pub fn new() -> TlsSettings {
        TlsSettings::default()
    }

    /// Also trusts the certificates of a PEM document as roots. Each is checked now, so a bad
    /// one is refused here rather than on the first request.
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        let certs = certificates(pem)?;
        let mut probe = RootCertStore::empty();
        for cert in &certs {
            probe
                .add(cert.clone())
                .map_err(|_| Error::InvalidCertificate("not a usable root certificate"))?;
        }
        self.extra_roots.extend(certs);
        Ok(self)
    }

    /// Trusts only the roots added with
    /// [`add_root_certificates_pem`](Self::add_root_certificates_pem).
    pub fn without_builtin_roots(mut self) -> Self {
        self.without_builtin_roots = true;
        self
    }

    /// Presents a client certificate (mutual TLS): `chain_pem` holds the certificate first,
    /// then any intermediates; `key_pem` its private key (PKCS8, PKCS1 or SEC1).
    pub fn client_identity_pem(mut self, chain_pem: &[u8], key_pem: &[u8]) -> Result<Self, Error> {
        let chain = certificates(chain_pem)?;
        let key = PrivateKeyDer::from_pem_slice(key_pem)
            .map_err(|_| Error::InvalidCertificate("no private key in the PEM document"))?;
        rustls::crypto::ring::sign::any_supported_type(&key)
            .map_err(|_| Error::InvalidCertificate("unsupported private key type"))?;
        self.identity = Some(Identity {
            chain,
            key: Arc::new(key),
        });
        Ok(self)
    }

    /// The oldest TLS version allowed (default TLS 1.2).
    pub fn min_version(mut self, version: TlsVersion) -> Self {
        self.min_version = version;
        self
    }

    /// Accepts any server certificate: expired, self-signed, for another name. Only for
    /// talking to a test server you control. Handshake signatures are still checked, and
    /// connections made this way are never reused for requests with verification on.
    pub fn danger_accept_invalid_certificates(mut self) -> Self {
        self.accept_invalid = true;
        self
    }

    /// Whether fresh connections may resume an earlier TLS session (default: yes). Turning it
    /// off makes every handshake a full one: for measuring what resumption saves.
    pub fn resumption(mut self, on: bool) -> Self {
        self.no_resumption = !on;
        self
    }

    /// The rustls configuration for these settings.
    pub(crate) fn client_config(&self) -> Result<Arc<ClientConfig>, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let versions: &[&rustls::SupportedProtocolVersion] = match self.min_version {
            TlsVersion::Tls12 => rustls::DEFAULT_VERSIONS,
            TlsVersion::Tls13 => &[&rustls::version::TLS13],
        };
        let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_protocol_versions(versions)
            .map_err(|_| Error::InvalidCertificate("no TLS protocol version available"))?;
        let builder = if self.accept_invalid {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider)))
        } else {
            builder.with_root_certificates(self.roots()?)
        };
        let mut config = match &self.identity {
            Some(identity) => builder
                .with_client_auth_cert(identity.chain.clone(), identity.key.clone_key())
                .map_err(|_| {
                    Error::InvalidCertificate("the client certificate does not match its key")
                })?,
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        if self.no_resumption {
            config.resumption = rustls::client::Resumption::disabled();
        }
        Ok(Arc::new(config))
    }

    fn roots(&self) -> Result<RootCertStore, Error> {
        let mut roots = RootCertStore::empty();
        if !self.without_builtin_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        for cert in &self.extra_roots {
            roots
                .add(cert.clone())
                .map_err(|_| Error::InvalidCertificate("not a usable root certificate"))?;
        }
        Ok(roots)
    }
}

/// Every certificate of a PEM document; at least one.
fn certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| Error::InvalidCertificate("malformed PEM"))?;
    if certs.is_empty() {
        return Err(Error::InvalidCertificate(
            "no certificate in the PEM document",
        ));
    }
    Ok(certs)
}

/// The verifier behind `danger_accept_invalid_certificates`: any certificate chain passes, but
/// the server must still prove it holds the key of the certificate it sent.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Runs the TLS handshake over `io` (a TCP stream, or a tunnel) for `host`. SNI carries the
/// host name; rustls sends none for an IP address.
pub(crate) async fn handshake<S>(
    config: Arc<ClientConfig>,
    host: &str,
    io: S,
) -> Result<TlsStream<S>, Error>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let name = ServerName::try_from(host.to_owned())
        .map_err(|_| Error::InvalidUri("host is not a valid TLS server name"))?;
    let conn = rustls::client::UnbufferedClientConnection::new(config, name).map_err(|e| {
        Error::Io(
            Phase::Tls,
            std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        )
    })?;
    TlsStream::connect(conn, io)
        .await
        .map_err(|e| Error::Io(Phase::Tls, e))
}

/// Whether the handshake of `stream` resumed an earlier session.
pub(crate) fn resumed<S>(stream: &TlsStream<S>) -> bool {
    matches!(
        stream.connection().handshake_kind(),
        Some(rustls::HandshakeKind::Resumed)
    )
}
