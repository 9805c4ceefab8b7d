//! Per-request TLS settings and the pool key: connections made under one setting are never
//! used for a request with another (POOL-05, TLS-04, TLS-08), and equal settings share.
#![cfg(feature = "tls")]

use std::net::SocketAddr;

use bytes::Bytes;
use http::Request;
use tarry_pool::{Error, Phase, Pool, SendOptions, TlsSettings, TlsVersion};
use tarry_testkit::rcgen::{CertificateParams, ExtendedKeyUsagePurpose};
use tarry_testkit::{Script, Step, TestCa, TestCert, TlsScriptedServer};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/// A leaf for `names`, signed by `ca`, for `usage` only.
fn leaf_for(ca: &TestCa, names: &[&str], usage: ExtendedKeyUsagePurpose) -> TestCert {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).unwrap();
    params.extended_key_usages = vec![usage];
    ca.sign(params)
}

/// A keep-alive TLS server for `a.test` serving `leaf`, answering `ok` to every request.
fn server(leaf: &TestCert) -> TlsScriptedServer {
    TlsScriptedServer::serving(leaf.clone())
        .repeating(Script::answer_all(OK))
        .unwrap()
}

/// A client identity for `name`, signed by `ca`.
fn leaf_for_client(ca: &TestCa, name: &str) -> TestCert {
    leaf_for(ca, &[name], ExtendedKeyUsagePurpose::ClientAuth)
}

/// The client certificates a test knows by name.
type Known<'a> = &'a [(&'a TestCert, &'static str)];

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
fn trusting(ca: &TestCa) -> TlsSettings {
    TlsSettings::new()
        .add_root_certificates_pem(ca.pem().as_bytes())
        .unwrap()
        .without_builtin_roots()
}

/// Sends a GET with `settings` and returns the name of the client certificate (`a`, `b`, or
/// `none`) that `server` saw on the connection the request came over.
async fn identity_seen(
    pool: &Pool,
    server: &TlsScriptedServer,
    known: Known<'_>,
    settings: TlsSettings,
) -> Result<&'static str, Error> {
    let before: Vec<usize> = server
        .connections()
        .iter()
        .map(|c| c.requests.len())
        .collect();
    let options = SendOptions::new().tls(settings);
    let response = pool
        .send_with(get(server.addr()), Bytes::new(), &options)
        .await?;
    assert_eq!(response.bytes().await?, "ok");
    // The server records a request before it answers it.
    let after = server.connections();
    let carrier = after
        .iter()
        .enumerate()
        .find(|(i, c)| c.requests.len() > before.get(*i).copied().unwrap_or(0))
        .map(|(_, c)| c)
        .expect("the server recorded the request");
    let seen = known
        .iter()
        .find(|(cert, _)| carrier.client_certificate.as_ref() == Some(cert.der()))
        .map(|(_, name)| *name);
    Ok(seen.unwrap_or("none"))
}

#[tokio::test]
async fn tls_08_each_client_certificate_gets_its_own_connections() {
    let ca = TestCa::new("server ca");
    let client_ca = TestCa::new("client ca");
    let leaf = leaf_for(&ca, &["a.test"], ExtendedKeyUsagePurpose::ServerAuth);
    let a = leaf_for_client(&client_ca, "client-a");
    let b = leaf_for_client(&client_ca, "client-b");
    let known: Known = &[(&a, "a"), (&b, "b")];
    let s = TlsScriptedServer::serving(leaf)
        .accept_client_certificates(&client_ca)
        .repeating(Script::answer_all(OK))
        .unwrap();
    let addr = s.addr();
    let pool = Pool::builder().resolve("a.test", addr.port(), addr).build();
    let with = |leaf: &TestCert| {
        trusting(&ca)
            .client_identity_pem(leaf.cert_pem().as_bytes(), leaf.key_pem().as_bytes())
            .unwrap()
    };
    let seen = |settings| identity_seen(&pool, &s, known, settings);

    assert_eq!(seen(with(&a)).await.unwrap(), "a");
    assert_eq!(seen(with(&b)).await.unwrap(), "b");
    assert_eq!(s.accepts(), 2, "B never rides A's connection");
    assert_eq!(seen(trusting(&ca)).await.unwrap(), "none");
    assert_eq!(s.accepts(), 3, "nor does no certificate");
    // Each identity's connection is still there for it.
    assert_eq!(seen(with(&a)).await.unwrap(), "a");
    assert_eq!(seen(with(&b)).await.unwrap(), "b");
    assert_eq!(s.accepts(), 3);
}

#[tokio::test]
async fn tls_08_a_server_requiring_a_client_certificate_refuses_a_request_without_one() {
    let ca = TestCa::new("server ca");
    let client_ca = TestCa::new("client ca");
    let leaf = leaf_for(&ca, &["a.test"], ExtendedKeyUsagePurpose::ServerAuth);
    let a = leaf_for_client(&client_ca, "client-a");
    let s = TlsScriptedServer::serving(leaf)
        .require_client_certificates(&client_ca)
        .repeating(Script::answer_all(OK))
        .unwrap();
    let addr = s.addr();
    let pool = Pool::builder().resolve("a.test", addr.port(), addr).build();
    let with_a = trusting(&ca)
        .client_identity_pem(a.cert_pem().as_bytes(), a.key_pem().as_bytes())
        .unwrap();
    let known: Known = &[(&a, "a")];
    assert_eq!(identity_seen(&pool, &s, known, with_a).await.unwrap(), "a");
    // Under TLS 1.3 the refusal arrives after the client's side of the handshake, as an
    // alert read with the response head; either way it is an error, never a response.
    let err = identity_seen(&pool, &s, known, trusting(&ca))
        .await
        .unwrap_err();
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
    let a = leaf_for_client(&TestCa::new("client ca"), "client-a");
    let err = TlsSettings::new()
        .client_identity_pem(a.cert_pem().as_bytes(), a.cert_pem().as_bytes())
        .unwrap_err();
    assert!(matches!(err, Error::InvalidCertificate(_)), "{err}");
}

#[tokio::test]
async fn pool_05_a_verified_request_never_reuses_an_unverified_connection() {
    // The server's CA is trusted by nobody.
    let ca = TestCa::new("unknown ca");
    let s = server(&leaf_for(
        &ca,
        &["a.test"],
        ExtendedKeyUsagePurpose::ServerAuth,
    ));
    let addr = s.addr();
    let pool = Pool::builder().resolve("a.test", addr.port(), addr).build();
    let insecure = TlsSettings::new().danger_accept_invalid_certificates();
    assert_eq!(
        identity_seen(&pool, &s, &[], insecure).await.unwrap(),
        "none"
    );
    assert_eq!(pool.stats().idle, 1);

    let err = pool.send(get(addr), Bytes::new()).await.unwrap_err();
    assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err:?}");
    assert_eq!(s.accepts(), 2, "a second handshake was made");
}

#[tokio::test]
async fn tls_04_a_session_from_an_unverified_handshake_is_never_resumed_by_a_verifying_one() {
    let ca = TestCa::new("unknown ca");
    // Every request here says `Connection: close`, and the server closes after its answer.
    let s = TlsScriptedServer::serving(leaf_for(
        &ca,
        &["a.test"],
        ExtendedKeyUsagePurpose::ServerAuth,
    ))
    .repeating(Script::new([
        Step::ExpectRequest,
        Step::write(OK),
        Step::Close,
    ]))
    .unwrap();
    let addr = s.addr();
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
    let ca = TestCa::new("server ca");
    let s = server(&leaf_for(
        &ca,
        &["a.test"],
        ExtendedKeyUsagePurpose::ServerAuth,
    ));
    let addr = s.addr();
    let pool = Pool::builder().resolve("a.test", addr.port(), addr).build();
    identity_seen(&pool, &s, &[], trusting(&ca)).await.unwrap();
    identity_seen(&pool, &s, &[], trusting(&ca)).await.unwrap();
    assert_eq!(s.accepts(), 1);
    let tls13 = trusting(&ca).min_version(TlsVersion::Tls13);
    identity_seen(&pool, &s, &[], tls13.clone()).await.unwrap();
    identity_seen(&pool, &s, &[], tls13).await.unwrap();
    assert_eq!(s.accepts(), 2);
    assert_eq!(pool.stats().reused, 2);
}

#[tokio::test]
async fn the_pool_settings_and_a_request_override_do_not_mix() {
    let ca = TestCa::new("server ca");
    let s = server(&leaf_for(
        &ca,
        &["a.test"],
        ExtendedKeyUsagePurpose::ServerAuth,
    ));
    let addr = s.addr();
    let pool = Pool::builder()
        .tls(trusting(&ca))
        .resolve("a.test", addr.port(), addr)
        .build();
    // The pool's own settings, spelled out per request, are the pool's: one connection.
    pool.send(get(addr), Bytes::new()).await.unwrap();
    identity_seen(&pool, &s, &[], trusting(&ca)).await.unwrap();
    assert_eq!(s.accepts(), 1);
    // The default trust store alone does not know this CA: refused, on a connection of its own.
    let err = identity_seen(&pool, &s, &[], TlsSettings::new())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err:?}");
    assert_eq!(s.accepts(), 2);
}
