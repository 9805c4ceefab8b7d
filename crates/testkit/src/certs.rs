//! Test certificates made at run time with rcgen: a CA, the leaves and intermediates it signs,
//! and the rustls configurations that serve and trust them (ring provider, rustls' safe
//! defaults). Nothing here is meant to be secure; every key lives in memory for one test.
//!
//! Making a certificate only fails on parameters rcgen refuses (a name that is no DNS name or
//! IP address, a malformed custom extension), which is a bug in the test, so these functions
//! panic with rcgen's reason instead of returning it.

use std::fmt;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The crypto provider every configuration here is built with.
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn made<T>(what: &str, result: Result<T, rcgen::Error>) -> T {
    result.unwrap_or_else(|e| panic!("making the test {what}: {e}"))
}

/// A certificate authority made at run time: a root (from [`TestCa::new`]) or an
/// intermediate signed by another one (from [`TestCa::intermediate`]). It signs leaves
/// ([`TestCa::leaf`], or [`TestCa::sign`] for any parameters), and gives its certificate as
/// PEM and DER, and a rustls client configuration that trusts its root alone.
///
/// ```
/// use std::io::{Read, Write};
/// use std::sync::Arc;
/// use tarry_testkit::{Script, Step, TestCa, TlsScriptedServer};
///
/// let ca = TestCa::new("example root");
/// let leaf = ca.leaf(&["a.test", "127.0.0.1"]);
/// assert_eq!(leaf.ca_pem(), ca.pem());
/// assert!(leaf.key_pem().starts_with("-----BEGIN PRIVATE KEY-----"));
///
/// let server = TlsScriptedServer::serving(leaf).start([Script::new([
///     Step::ExpectRequest,
///     Step::write("HTTP/1.1 204 No Content\r\n\r\n"),
///     Step::Close,
/// ])])?;
///
/// // A blocking rustls client that trusts the CA and nothing else.
/// let name = rustls::pki_types::ServerName::try_from("a.test").unwrap();
/// let mut tls = rustls::ClientConnection::new(Arc::new(ca.client_config()), name).unwrap();
/// let mut tcp = std::net::TcpStream::connect(server.addr())?;
/// let mut stream = rustls::Stream::new(&mut tls, &mut tcp);
/// stream.write_all(b"GET / HTTP/1.1\r\nHost: a.test\r\n\r\n")?;
/// let mut answer = String::new();
/// stream.read_to_string(&mut answer)?; // the script closes, with close_notify
///
/// assert_eq!(answer, "HTTP/1.1 204 No Content\r\n\r\n");
/// assert_eq!(server.sni(), [Some("a.test".to_owned())]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct TestCa {
    cert: rcgen::Certificate,
    key: KeyPair,
    /// This CA's certificate, PEM.
    pem: String,
    /// The PEM of the root at the top of this CA's chain (its own, for a root).
    root_pem: String,
}

impl fmt::Debug for TestCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let subject = &self.cert.params().distinguished_name;
        f.debug_struct("TestCa")
            .field("common_name", &subject.get(&DnType::CommonName))
            .field("is_ca", &self.cert.params().is_ca)
            .finish_non_exhaustive()
    }
}

impl TestCa {
    /// A self-signed root CA (`CA:true`, no path length limit) with this common name. Give
    /// CAs that meet in one test distinct names, so that path building can tell them apart.
    pub fn new(common_name: &str) -> TestCa {
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = made("CA key", KeyPair::generate());
        let cert = made("CA certificate", params.self_signed(&key));
        let pem = cert.pem();
        TestCa {
            cert,
            key,
            root_pem: pem.clone(),
            pem,
        }
    }

    /// A certificate made from `params` exactly as given and signed by this CA, to sign others
    /// with: an intermediate when `params.is_ca` says `CA:true`, an issuer a client must
    /// refuse when it says [`IsCa::ExplicitNoCa`] or [`IsCa::NoCa`]. A chain through it is
    /// served only as far as the server is told: see [`TestCert::followed_by`].
    pub fn intermediate(&self, params: CertificateParams) -> TestCa {
        let key = made("intermediate key", KeyPair::generate());
        let cert = made(
            "intermediate certificate",
            params.signed_by(&key, &self.cert, &self.key),
        );
        TestCa {
            pem: cert.pem(),
            cert,
            key,
            root_pem: self.root_pem.clone(),
        }
    }

    /// A leaf for every one of `names` (those that parse as IP addresses become IP SANs, the
    /// rest DNS names), with rcgen's defaults for everything else: valid from 1975 to 4096,
    /// no extended key usage (so good for servers and clients alike).
    pub fn leaf<S: AsRef<str>>(&self, names: &[S]) -> TestCert {
        let names: Vec<String> = names.iter().map(|n| n.as_ref().to_owned()).collect();
        self.sign(made("leaf names", CertificateParams::new(names)))
    }

    /// A leaf made from `params` exactly as given (validity, key usages, names...), signed by
    /// this CA.
    pub fn sign(&self, params: CertificateParams) -> TestCert {
        let key = made("leaf key", KeyPair::generate());
        let cert = made(
            "leaf certificate",
            params.signed_by(&key, &self.cert, &self.key),
        );
        TestCert {
            cert_pem: cert.pem(),
            chain: vec![cert.der().clone()],
            key_der: key.serialize_der(),
            key_pem: key.serialize_pem(),
            ca_pem: self.root_pem.clone(),
        }
    }

    /// This CA's certificate, PEM.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// This CA's certificate, DER.
    pub fn der(&self) -> &CertificateDer<'static> {
        self.cert.der()
    }

    /// A rustls client configuration (ring, safe default versions, no client certificate)
    /// that trusts this CA's root and nothing else.
    pub fn client_config(&self) -> rustls::ClientConfig {
        rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("ring supports the default versions")
            .with_root_certificates(self.roots())
            .with_no_client_auth()
    }

    /// A root store holding this CA's root.
    pub fn roots(&self) -> rustls::RootCertStore {
        use rustls::pki_types::pem::PemObject;
        let root = CertificateDer::from_pem_slice(self.root_pem.as_bytes())
            .expect("rcgen writes a well-formed PEM");
        let mut roots = rustls::RootCertStore::empty();
        roots.add(root).expect("rcgen writes a parsable root");
        roots
    }
}

/// A certificate with its key, signed by a [`TestCa`]: what a server (or a client presenting
/// an identity) needs, in DER and PEM, and the chain a server sends.
#[derive(Clone)]
pub struct TestCert {
    chain: Vec<CertificateDer<'static>>,
    key_der: Vec<u8>,
    cert_pem: String,
    key_pem: String,
    ca_pem: String,
}

impl fmt::Debug for TestCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestCert")
            .field("chain_len", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl TestCert {
    /// This certificate, DER.
    pub fn der(&self) -> &CertificateDer<'static> {
        &self.chain[0]
    }

    /// What a server sends: this certificate, then every intermediate added with
    /// [`followed_by`](Self::followed_by), in that order.
    pub fn chain(&self) -> &[CertificateDer<'static>] {
        &self.chain
    }

    /// The private key (PKCS8), DER.
    pub fn key(&self) -> PrivateKeyDer<'static> {
        PrivatePkcs8KeyDer::from(self.key_der.clone()).into()
    }

    /// This certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The private key (PKCS8), PEM.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The PEM of the root CA this certificate chains to: what a client must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The same certificate, served with `intermediate` after what the chain already holds.
    /// Add them issuer by issuer for a well-ordered chain, or in any order to test a client's
    /// path building.
    pub fn followed_by(mut self, intermediate: &TestCa) -> TestCert {
        self.chain.push(intermediate.der().clone());
        self
    }

    /// A rustls server configuration (ring, safe default versions, no client authentication)
    /// that serves [`chain`](Self::chain) with this key.
    pub fn server_config(&self) -> rustls::ServerConfig {
        self.server_config_with(None, false)
    }

    /// As [`server_config`](Self::server_config), with a client certificate verifier, and
    /// speaking TLS 1.2 alone if asked.
    pub(crate) fn server_config_with(
        &self,
        verifier: Option<Arc<dyn rustls::server::danger::ClientCertVerifier>>,
        tls12_only: bool,
    ) -> rustls::ServerConfig {
        let builder = rustls::ServerConfig::builder_with_provider(provider());
        let builder = if tls12_only {
            builder.with_protocol_versions(&[&rustls::version::TLS12])
        } else {
            builder.with_safe_default_protocol_versions()
        }
        .expect("ring supports TLS 1.2 and 1.3");
        let builder = match verifier {
            None => builder.with_no_client_auth(),
            Some(verifier) => builder.with_client_cert_verifier(verifier),
        };
        builder
            .with_single_cert(self.chain.clone(), self.key())
            .expect("rustls takes the key rcgen made for this certificate")
    }
}

/// A verifier of client certificates that chain to `roots`; `required` refuses a client that
/// presents none.
pub(crate) fn client_verifier(
    roots: rustls::RootCertStore,
    required: bool,
) -> Arc<dyn rustls::server::danger::ClientCertVerifier> {
    let builder =
        rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider());
    let builder = if required {
        builder
    } else {
        builder.allow_unauthenticated()
    };
    builder.build().expect("a verifier for one root")
}
