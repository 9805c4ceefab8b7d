//! Per-request TLS settings and the pool key: connections made under one setting are never
//! used for a request with another (POOL-05, TLS-04, TLS-08), and equal settings share.
#![cfg(feature = "tls")]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::Request;
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use tarry_pool::{Error, Phase, Pool, SendOptions, TlsSettings, TlsVersion};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A CA, and certificates it signed.
struct Ca {
    pem: String,
    cert: Certificate,
    key: KeyPair,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Ca {
            pem: cert.pem(),
            cert,
            key,
        }
    }

    /// A leaf for `names` with `usage`, as DER plus its key in DER and in PEM.
    fn leaf(&self, names: &[&str], usage: ExtendedKeyUsagePurpose) -> Leaf {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.extended_key_usages = vec![usage];
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        Leaf {
            der: cert.der().clone(),
            pem: cert.pem(),
            key_der: PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
            key_pem: key.serialize_pem(),
        }
    }
}

struct Leaf {
    der: CertificateDer<'static>,
    pem: String,
    key_der: PrivateKeyDer<'static>,
    key_pem: String,
}

/// A keep-alive TLS server for `a.test` answering each request with the name of the client
/// certificate it saw (`a`, `b`, or `none`). With `clients`, it asks for client certificates
/// signed by that CA (and requires one when `required`).
async fn server(
    leaf: &Leaf,
    clients: Option<(&Ca, bool)>,
    known: Vec<(CertificateDer<'static>, &'static str)>,
) -> (SocketAddr, Arc<AtomicUsize>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match clients {
        None => builder.with_no_client_auth(),
        Some((ca, required)) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(ca.cert.der().clone()).unwrap();
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            let verifier = if required {
                verifier.build().unwrap()
            } else {
                verifier.allow_unauthenticated().build().unwrap()
            };
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder
        .with_single_cert(vec![leaf.der.clone()], leaf.key_der.clone_key())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    let known = Arc::new(known);
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            let (acceptor, known) = (acceptor.clone(), known.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let seen = tls.get_ref().1.peer_certificates().and_then(|certs| {
                    known
                        .iter()
                        .find(|(der, _)| Some(der) == certs.first())
                        .map(|(_, name)| *name)
                });
                let name = seen.unwrap_or("none");
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{name}",
                    name.len()
                );
                let mut buf = Vec::new();
                loop {
                    let mut chunk = [0u8; 4096];
                    match tls.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let close = String::from_utf8_lossy(&buf[..end])
                            .to_ascii_lowercase()
                            .contains("connection: close");
                        buf.drain(..end + 4);
                        if tls.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                        if close {
                            let _ = tls.shutdown().await;
                            return;
                        }
                    }
                }
            });
        }
    });
    (addr, accepted)
}

fn get(addr: SocketAddr) -> Request<()> {
    Request::get(format!("https://a.test:{}/", addr.port()))
        .body(())
        .unwrap()
}

fn get_and_close(addr: SocketAddr) -> Request<()> {
    Request::get(format!("https://a.test:{}/", addr.port()))
        .header("connection", "close")
        .body(())
        .unwrap()
}

/// Trusting only `ca`.
fn trusting(ca: &Ca) -> TlsSettings {
    TlsSettings::new()
        .add_root_certificates_pem(ca.pem.as_bytes())
        .unwrap()
        .without_builtin_roots()
}

async fn body_of(pool: &Pool, addr: SocketAddr, settings: TlsSettings) -> Result<String, Error> {
    let options = SendOptions::new().tls(settings);
    let response = pool.send_with(get(addr), Bytes::new(), &options).await?;
    let body = response.bytes().await?;
    Ok(String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn tls_08_each_client_certificate_gets_its_own_connections() {
    let ca = Ca::new("server ca");
    let client_ca = Ca::new("client ca");
    let leaf = ca.leaf(&["a.test"], ExtendedKeyUsagePurpose::ServerAuth);
    let a = client_ca.leaf(&["client-a"], ExtendedKeyUsagePurpose::ClientAuth);
    let b = client_ca.leaf(&["client-b"], ExtendedKeyUsagePurpose::ClientAuth);
    let known = vec![(a.der.clone(), "a"), (b.der.clone(), "b")];
    let (addr, accepted) = server(&leaf, Some((&client_ca, false)), known).await;
    let pool = Pool::builder().resolve("a.test", addr.port(), addr).build();
    let with = |leaf: &Leaf| {
        trusting(&ca)
            .client_identity_pem(leaf.pem.as_bytes(), leaf.key_pem.as_bytes())
            .unwrap()
    };

    assert_eq!(body_of(&pool, addr, with(&a)).await.unwrap(), "a");
    assert_eq!(body_of(&pool, addr, with(&b)).await.unwrap(), "b");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        2,
        "B never rides A's connection"
    );
    assert_eq!(body_of(&pool, addr, trusting(&ca)).await.unwrap(), "none");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        3,
        "nor does no certificate"
    );
    // Each identity's connection is still there for it.
    assert_eq!(body_of(&pool, addr, with(&a)).await.unwrap(), "a");
    assert_eq!(body_of(&pool, addr, with(&b)).await.unwrap(), "b");
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn tls_08_a_server_requiring_a_client_certificate_refuses_a_request_without_one() {
    let ca = Ca::new("server ca");
    let client_ca = Ca::new("client ca");
    let leaf = ca.leaf(&["a.test"], ExtendedKeyUsagePurpose::ServerAuth);
    let a = client_ca.leaf(&["client-a"], ExtendedKeyUsagePurpose::ClientAuth);
    let (addr, _) = server(&leaf, Some((&client_ca, true)), vec![(a.der.clone(), "a")]).await;
    let pool = Pool::builder().resolve("a.test", addr.port(), addr).build();
    let with_a = trusting(&ca)
        .client_identity_pem(a.pem.as_bytes(), a.key_pem.as_bytes())
        .unwrap();
    assert_eq!(body_of(&pool, addr, with_a).await.unwrap(), "a");
    // Under TLS 1.3 the refusal arrives after the client's side of the handshake, as an
    // alert read with the response head; either way it is an error, never a response.
    let err = body_of(&pool, addr, trusting(&ca)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Io(Phase::Tls | Phase::Head, _) | Error::ClosedBeforeResponse { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn a_client_key_that_is_not_a_key_is_refused_when_it_is_given() {
    let ca = Ca::new("client ca");
    let a = ca.leaf(&["client-a"], ExtendedKeyUsagePurpose::ClientAuth);
    let err = TlsSettings::new()
        .client_identity_pem(a.pem.as_bytes(), a.pem.as_bytes())
        .unwrap_err();
    assert!(matches!(err, Error::InvalidCertificate(_)), "{err}");
}

#[tokio::test]
async fn pool_05_a_verified_request_never_reuses_an_unverified_connection() {
    // The server's CA is trusted by nobody.
    let ca = Ca::new("unknown ca");
    let leaf = ca.leaf(&["a.test"], ExtendedKeyUsagePurpose::ServerAuth);
    let (addr, accepted) = server(&leaf, None, Vec::new()).await;
    let pool = Pool::builder().resolve("a.test", addr.port(), addr).build();
    let insecure = TlsSettings::new().danger_accept_invalid_certificates();
    assert_eq!(body_of(&pool, addr, insecure).await.unwrap(), "none");
    assert_eq!(pool.stats().idle, 1);

    let err = pool.send(get(addr), Bytes::new()).await.unwrap_err();
    assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err:?}");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        2,
        "a second handshake was made"
    );
}

#[tokio::test]
async fn tls_04_a_session_from_an_unverified_handshake_is_never_resumed_by_a_verifying_one() {
    let ca = Ca::new("unknown ca");
    let leaf = ca.leaf(&["a.test"], ExtendedKeyUsagePurpose::ServerAuth);
    let (addr, _) = server(&leaf, None, Vec::new()).await;
    let pool = Pool::builder().resolve("a.test", addr.port(), addr).build();
    let insecure = SendOptions::new().tls(TlsSettings::new().danger_accept_invalid_certificates());
    for _ in 0..2 {
        let response = pool
            .send_with(get_and_close(addr), Bytes::new(), &insecure)
            .await
            .unwrap();
        response.bytes().await.unwrap();
    }
    // The server does issue tickets and resumption does work, within one setting...
    assert_eq!((pool.stats().tls_full, pool.stats().tls_resumed), (1, 1));
    // ...but a verifying request does not take that session (resuming would skip the check).
    let err = pool.send(get(addr), Bytes::new()).await.unwrap_err();
    assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err:?}");
    assert_eq!(pool.stats().tls_resumed, 1);
}

#[tokio::test]
async fn equal_settings_made_separately_share_connections_and_other_versions_do_not() {
    let ca = Ca::new("server ca");
    let leaf = ca.leaf(&["a.test"], ExtendedKeyUsagePurpose::ServerAuth);
    let (addr, accepted) = server(&leaf, None, Vec::new()).await;
    let pool = Pool::builder().resolve("a.test", addr.port(), addr).build();
    body_of(&pool, addr, trusting(&ca)).await.unwrap();
    body_of(&pool, addr, trusting(&ca)).await.unwrap();
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    let tls13 = trusting(&ca).min_version(TlsVersion::Tls13);
    body_of(&pool, addr, tls13.clone()).await.unwrap();
    body_of(&pool, addr, tls13).await.unwrap();
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
    assert_eq!(pool.stats().reused, 2);
}

#[tokio::test]
async fn the_pool_settings_and_a_request_override_do_not_mix() {
    let ca = Ca::new("server ca");
    let leaf = ca.leaf(&["a.test"], ExtendedKeyUsagePurpose::ServerAuth);
    let (addr, accepted) = server(&leaf, None, Vec::new()).await;
    let pool = Pool::builder()
        .tls(trusting(&ca))
        .resolve("a.test", addr.port(), addr)
        .build();
    // The pool's own settings, spelled out per request, are the pool's: one connection.
    pool.send(get(addr), Bytes::new()).await.unwrap();
    body_of(&pool, addr, trusting(&ca)).await.unwrap();
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    // The default trust store alone does not know this CA: refused, on a connection of its own.
    let err = body_of(&pool, addr, TlsSettings::new()).await.unwrap_err();
    assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}
