//! Faults over TLS, one test (or a few) per row of `bad-inputs.md`: hostname checks for IP
//! URLs and wildcards (TLS-02), certificate validity and path building (TLS-05), a port that
//! speaks plain HTTP (TLS-06), and handshakes and bodies that misbehave (TLS-07).
//!
//! Certificates are made at test time with rcgen, each with its own subject name, and served by
//! an in-process tokio-rustls server on 127.0.0.1; names are routed there with `resolve`. Every
//! certificate that must be refused has a control next to it that must be accepted with the
//! same machinery, so a broken helper cannot pass for a refusal. Every await on the client is
//! bounded.
#![cfg(feature = "tls")]

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Request;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, SanType, date_time_ymd,
};
use rustls::CertificateError;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tarry_pool::{Error, Phase, Pool, PoolBuilder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// Longest any single client step may take before the test calls it a hang. Generous: the VM
/// is shared with other builds.
const HANG: Duration = Duration::from_secs(10);

/// `fut`, or a panic naming `what` if it takes longer than [`HANG`].
async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    match tokio::time::timeout(HANG, fut).await {
        Ok(out) => out,
        Err(_) => panic!("{what}: still waiting after {HANG:?}"),
    }
}

// --------------------------------------------------------------------------- certificates

/// A certificate that signs others, with its key.
struct Issuer {
    cert: rcgen::Certificate,
    key: KeyPair,
}

/// A served certificate chain (leaf first) and the leaf's key.
struct Served {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

/// Parameters with the common name `cn` (distinct names keep path building unambiguous) and
/// the given SANs; validity is rcgen's default (1975 to 4096).
fn params(cn: &str, sans: Vec<SanType>) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, cn);
    params.distinguished_name = name;
    params.subject_alt_names = sans;
    params
}

fn dns(name: &str) -> SanType {
    SanType::DnsName(name.try_into().unwrap())
}

fn ip(addr: [u8; 4]) -> SanType {
    SanType::IpAddress(IpAddr::V4(Ipv4Addr::from(addr)))
}

fn root(cn: &str) -> Issuer {
    let mut p = params(cn, Vec::new());
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    let cert = p.self_signed(&key).unwrap();
    Issuer { cert, key }
}

/// A certificate for `cn` signed by `parent`, marked as `is_ca` says.
fn intermediate(parent: &Issuer, cn: &str, is_ca: IsCa) -> Issuer {
    let mut p = params(cn, Vec::new());
    p.is_ca = is_ca;
    let key = KeyPair::generate().unwrap();
    let cert = p.signed_by(&key, &parent.cert, &parent.key).unwrap();
    Issuer { cert, key }
}

/// A leaf made from `p`, signed by `parent`, served with the `intermediates` after it.
fn leaf(parent: &Issuer, p: CertificateParams, intermediates: &[&Issuer]) -> Served {
    let key = KeyPair::generate().unwrap();
    let cert = p.signed_by(&key, &parent.cert, &parent.key).unwrap();
    let mut chain = vec![cert.der().clone()];
    chain.extend(intermediates.iter().map(|i| i.cert.der().clone()));
    Served {
        chain,
        key: PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
    }
}

/// A plain leaf for `a.test` straight from `root`: the control every refusal is compared with.
fn good_leaf(root: &Issuer) -> Served {
    leaf(root, params("a.test", vec![dns("a.test")]), &[])
}

/// The rustls certificate error inside a TLS-phase error, if that is what it is.
fn certificate_error(err: &Error) -> Option<CertificateError> {
    let Error::Io(Phase::Tls, io) = err else {
        return None;
    };
    match io.get_ref()?.downcast_ref::<rustls::Error>()? {
        rustls::Error::InvalidCertificate(e) => Some(e.clone()),
        _ => None,
    }
}

// --------------------------------------------------------------------------------- server

/// Bytes in the body of `/big`.
const BIG: usize = 8 << 20;

struct TlsServer {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    /// The index of each connection whose server task ended (the client closed it, reset it, or
    /// failed its handshake).
    ended: mpsc::UnboundedReceiver<usize>,
}

/// A keep-alive TLS server on 127.0.0.1 serving `served`. `GET /big` gets a body of [`BIG`]
/// bytes written as fast as the client takes them; anything else gets `ok`.
async fn tls_server(served: Served) -> TlsServer {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(served.chain, served.key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let (ended_tx, ended) = mpsc::unbounded_channel();
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let index = count.fetch_add(1, Ordering::SeqCst);
            let (acceptor, ended) = (acceptor.clone(), ended_tx.clone());
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    let _ = answer(&mut tls).await;
                }
                let _ = ended.send(index);
            });
        }
    });
    TlsServer {
        addr,
        accepted,
        ended,
    }
}

/// Answers requests on one connection until the client goes or an I/O error.
async fn answer<S: AsyncReadExt + AsyncWriteExt + Unpin>(tls: &mut S) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        let mut chunk = [0u8; 4096];
        let n = tls.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let big = buf.starts_with(b"GET /big ");
            buf.drain(..end + 4);
            if big {
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {BIG}\r\n\r\n");
                tls.write_all(head.as_bytes()).await?;
                let piece = vec![b'x'; 64 * 1024];
                for _ in 0..BIG / piece.len() {
                    tls.write_all(&piece).await?;
                }
            } else {
                tls.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                    .await?;
            }
            tls.flush().await?;
        }
    }
}

/// A pool that trusts only `root`.
fn trusting(root: &Issuer) -> PoolBuilder {
    Pool::builder()
        .add_root_certificates_pem(root.cert.pem().as_bytes())
        .unwrap()
        .without_builtin_roots()
}

fn https(host: &str, port: u16, path: &str) -> Request<()> {
    Request::get(format!("https://{host}:{port}{path}"))
        .body(())
        .unwrap()
}

/// One GET to `host` through `pool`: the body (which must be `ok`) or the error.
async fn fetch(pool: &Pool, host: &str, port: u16) -> Result<(), Error> {
    let response = within(host, pool.send(https(host, port, "/"), Bytes::new())).await?;
    assert_eq!(within("body", response.bytes()).await?, "ok");
    Ok(())
}

/// Serves `served` for `a.test` and makes one request to it through a pool trusting `root`.
async fn outcome(root: &Issuer, served: Served) -> Result<(), Error> {
    let s = tls_server(served).await;
    let pool = trusting(root)
        .resolve("a.test", s.addr.port(), s.addr)
        .build();
    fetch(&pool, "a.test", s.addr.port()).await
}

// --------------------------------------------------------------------------------- TLS-02

fn not_valid_for_name(err: &Error) -> bool {
    matches!(
        certificate_error(err),
        Some(CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. })
    )
}

#[tokio::test]
async fn tls_02_an_ip_url_needs_an_ip_san() {
    let root = root("TLS-02 root");
    let s = tls_server(leaf(
        &root,
        params("localhost", vec![dns("localhost")]),
        &[],
    ))
    .await;
    let port = s.addr.port();
    let pool = trusting(&root).resolve("localhost", port, s.addr).build();
    // The same server by name: the certificate is good for `localhost`...
    fetch(&pool, "localhost", port).await.unwrap();
    // ...and not for 127.0.0.1, which it does not name.
    let err = fetch(&pool, "127.0.0.1", port).await.unwrap_err();
    assert!(not_valid_for_name(&err), "{err:?}");

    // With an IP SAN, the IP URL is fine.
    let with_ip = tls_server(leaf(
        &root,
        params("loopback", vec![ip([127, 0, 0, 1])]),
        &[],
    ))
    .await;
    fetch(&trusting(&root).build(), "127.0.0.1", with_ip.addr.port())
        .await
        .unwrap();
}

#[tokio::test]
async fn tls_02_a_wildcard_covers_exactly_one_label() {
    let root = root("TLS-02 root");
    let s = tls_server(leaf(&root, params("*.a.test", vec![dns("*.a.test")]), &[])).await;
    let port = s.addr.port();
    let mut builder = trusting(&root);
    for host in ["z.a.test", "x.y.a.test", "a.test"] {
        builder = builder.resolve(host, port, s.addr);
    }
    let pool = builder.build();
    fetch(&pool, "z.a.test", port).await.unwrap();
    for host in ["x.y.a.test", "a.test"] {
        let err = fetch(&pool, host, port).await.unwrap_err();
        assert!(not_valid_for_name(&err), "{host}: {err:?}");
    }
}

// --------------------------------------------------------------------------------- TLS-05

#[tokio::test]
async fn tls_05_an_expired_leaf_is_refused() {
    let root = root("TLS-05 root");
    outcome(&root, good_leaf(&root)).await.unwrap();
    let mut p = params("a.test", vec![dns("a.test")]);
    p.not_before = date_time_ymd(2000, 1, 1);
    p.not_after = date_time_ymd(2001, 1, 1);
    let err = outcome(&root, leaf(&root, p, &[])).await.unwrap_err();
    assert!(
        matches!(
            certificate_error(&err),
            Some(CertificateError::Expired | CertificateError::ExpiredContext { .. })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn tls_05_a_leaf_not_yet_valid_is_refused() {
    let root = root("TLS-05 root");
    outcome(&root, good_leaf(&root)).await.unwrap();
    let mut p = params("a.test", vec![dns("a.test")]);
    p.not_before = date_time_ymd(2090, 1, 1);
    p.not_after = date_time_ymd(2091, 1, 1);
    let err = outcome(&root, leaf(&root, p, &[])).await.unwrap_err();
    assert!(
        matches!(
            certificate_error(&err),
            Some(CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn tls_05_a_leaf_only_for_client_auth_is_refused() {
    let root = root("TLS-05 root");
    let mut server_auth = params("a.test", vec![dns("a.test")]);
    server_auth.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    outcome(&root, leaf(&root, server_auth, &[])).await.unwrap();
    let mut client_auth = params("a.test", vec![dns("a.test")]);
    client_auth.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let err = outcome(&root, leaf(&root, client_auth, &[]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            certificate_error(&err),
            Some(CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn tls_05_a_chain_through_an_intermediate_that_is_no_ca_is_refused() {
    let root = root("TLS-05 root");
    let ca = intermediate(
        &root,
        "TLS-05 CA:true",
        IsCa::Ca(BasicConstraints::Unconstrained),
    );
    let through_ca = leaf(&ca, params("a.test", vec![dns("a.test")]), &[&ca]);
    outcome(&root, through_ca).await.unwrap();

    let not_ca = intermediate(&root, "TLS-05 CA:false", IsCa::ExplicitNoCa);
    let through_not_ca = leaf(&not_ca, params("a.test", vec![dns("a.test")]), &[&not_ca]);
    let err = outcome(&root, through_not_ca).await.unwrap_err();
    println!("leaf under a CA:false intermediate: {err}");
    assert!(certificate_error(&err).is_some(), "{err:?}");
}

/// Serves a leaf under `depth` intermediates and returns how the request ended and how long it
/// took. `same_name` gives every intermediate one subject name, so that each is a candidate
/// issuer of every other (the path-building blow-up of RUSTSEC-2023-0052/0053); the chain is
/// then sent root-side first, the worst order for a builder that tries candidates in order.
async fn deep_chain(depth: usize, same_name: bool) -> (Result<(), Error>, Duration) {
    let root = root("TLS-05 deep root");
    let mut chain: Vec<Issuer> = Vec::with_capacity(depth);
    for level in 0..depth {
        let cn = if same_name {
            "TLS-05 intermediate".to_owned()
        } else {
            format!("TLS-05 intermediate {level}")
        };
        let parent = chain.last().unwrap_or(&root);
        let next = intermediate(parent, &cn, IsCa::Ca(BasicConstraints::Unconstrained));
        chain.push(next);
    }
    let mut sent: Vec<&Issuer> = chain.iter().collect();
    if !same_name {
        sent.reverse(); // issuer order: leaf, its issuer, that one's issuer, ...
    }
    let served = leaf(
        chain.last().unwrap(),
        params("a.test", vec![dns("a.test")]),
        &sent,
    );
    let s = tls_server(served).await;
    let pool = trusting(&root)
        .resolve("a.test", s.addr.port(), s.addr)
        .build();
    let started = Instant::now();
    let result = fetch(&pool, "a.test", s.addr.port()).await;
    (result, started.elapsed())
}

#[tokio::test]
async fn tls_05_a_50_deep_chain_is_decided_quickly() {
    let (result, took) = deep_chain(50, false).await;
    println!("50 intermediates: {result:?} after {took:?}");
    // The row asks for 1 s; the bound is looser for a shared VM, but a blow-up is far slower.
    assert!(took < Duration::from_secs(5), "{took:?}");
    if let Err(err) = result {
        assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err:?}");
    }
}

#[tokio::test]
async fn tls_05_50_intermediates_with_one_name_do_not_blow_up_path_building() {
    let (result, took) = deep_chain(50, true).await;
    println!("50 same-named intermediates: {result:?} after {took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    if let Err(err) = result {
        assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err:?}");
    }
}

// --------------------------------------------------------------------------------- TLS-06

#[tokio::test]
async fn tls_06_a_port_that_speaks_plain_http_is_never_used_for_https() {
    // Plain HTTP that answers 200 to any bytes at all, a ClientHello included.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while let Ok(n) = tcp.read(&mut buf).await {
                    let reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
                    if n == 0 || tcp.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let port = addr.port();
    let pool = Pool::builder().resolve("localhost", port, addr).build();
    let tls_refused = |pool: Pool| async move {
        let started = Instant::now();
        let result = within(
            "https",
            pool.send(https("localhost", port, "/"), Bytes::new()),
        )
        .await;
        let took = started.elapsed();
        let err = result.expect_err("https to a plain-HTTP port gave a response");
        println!("https to plain HTTP: {err} after {took:?}");
        assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    };

    tls_refused(pool.clone()).await;
    // Cleartext on purpose works, and its connection is pooled...
    let http = Request::get(format!("http://localhost:{port}/"))
        .body(())
        .unwrap();
    let response = within("http", pool.send(http, Bytes::new())).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(within("body", response.bytes()).await.unwrap(), "ok");
    assert_eq!(pool.stats().idle, 1);
    // ...but never used for https: that is a new connection, and it fails again.
    tls_refused(pool.clone()).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
    let stats = pool.stats();
    assert_eq!((stats.reused, stats.idle), (0, 1), "{stats:?}");
}

// --------------------------------------------------------------------------------- TLS-07

/// What a [`close_notify_server`] does after its alerts.
#[derive(Clone, Copy)]
enum Then {
    /// Keep the socket open without another byte.
    Hold,
    /// Close TCP (FIN).
    Close,
}

/// A server that reads the ClientHello, answers with `alerts` bare close_notify alert records
/// instead of a ServerHello, and then does what `then` says.
async fn close_notify_server(alerts: usize, then: Then) -> SocketAddr {
    const CLOSE_NOTIFY: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00];
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut hello = [0u8; 4096];
                if !matches!(tcp.read(&mut hello).await, Ok(n) if n > 0) {
                    return;
                }
                let _ = tcp.write_all(&CLOSE_NOTIFY.repeat(alerts)).await;
                if let Then::Close = then {
                    return;
                }
                // Hold the socket until the client closes it.
                while let Ok(n) = tcp.read(&mut hello).await {
                    if n == 0 {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// One request to a [`close_notify_server`] with the given handshake (connect) timeout: the
/// error and how long it took.
async fn against_close_notify(alerts: usize, then: Then, timeout: Duration) -> (Error, Duration) {
    let addr = close_notify_server(alerts, then).await;
    let root = root("TLS-07 root");
    let pool = trusting(&root)
        .resolve("a.test", addr.port(), addr)
        .connect_timeout(timeout)
        .build();
    let started = Instant::now();
    let err = fetch(&pool, "a.test", addr.port()).await.unwrap_err();
    let took = started.elapsed();
    println!(
        "{alerts} close_notify, then {}: {err} after {took:?}",
        match then {
            Then::Hold => "hold",
            Then::Close => "close",
        }
    );
    (err, took)
}

#[tokio::test]
async fn tls_07_close_notify_in_the_middle_of_the_handshake_ends_within_the_handshake_timeout() {
    // rustls ignores a close_notify that is not authenticated yet (before the handshake it is
    // a warning alert, RUSTSEC-2024-0336's fix) and keeps waiting for a ServerHello. So with
    // the socket held open the handshake cannot fail by itself; what matters is that it is
    // bounded: by the pool's handshake timeout (the connect timeout), set to 1 s here.
    let (err, took) = against_close_notify(1, Then::Hold, Duration::from_secs(1)).await;
    assert!(
        matches!(err, Error::Timeout(Phase::Tls) | Error::Io(Phase::Tls, _)),
        "{err:?}"
    );
    assert!(took < Duration::from_secs(4), "{took:?}");
}

#[tokio::test]
async fn tls_07_close_notify_then_close_before_the_server_hello_is_a_prompt_error() {
    let (err, took) = against_close_notify(1, Then::Close, Duration::from_secs(5)).await;
    // An error of its own, well before the 5 s handshake timeout would have produced one.
    assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn tls_07_a_stream_of_close_notify_alerts_is_a_prompt_error_not_a_loop() {
    // The shape of RUSTSEC-2024-0336 (rustls looping on close_notify in the handshake): many
    // alerts and an open socket. rustls allows a few warning alerts, then fails.
    let (err, took) = against_close_notify(64, Then::Hold, Duration::from_secs(5)).await;
    assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn tls_07_a_flooding_server_and_a_slow_reader_end_cleanly() {
    let root = root("TLS-07 root");
    let mut s = tls_server(good_leaf(&root)).await;
    let port = s.addr.port();
    let pool = trusting(&root).resolve("a.test", port, s.addr).build();

    // A slow reader still gets every byte: a pause after the first piece, and more pauses on
    // the way, while the server writes as fast as it may.
    let mut response = within(
        "send",
        pool.send(https("a.test", port, "/big"), Bytes::new()),
    )
    .await
    .unwrap();
    let mut total = 0;
    let mut pauses = 0;
    while let Some(piece) = within("body", response.chunk()).await.unwrap() {
        assert!(piece.iter().all(|&b| b == b'x'));
        if total == 0 || total / (1 << 20) != (total + piece.len()) / (1 << 20) {
            let pause = if total == 0 { 200 } else { 10 };
            tokio::time::sleep(Duration::from_millis(pause)).await;
            pauses += 1;
        }
        total += piece.len();
    }
    assert_eq!(total, BIG);
    assert!(pauses >= 8, "{pauses}");
    assert_eq!(
        pool.stats().idle,
        1,
        "a body read to its end returns its connection"
    );

    // A reader that takes one piece, waits while the server floods, and drops the response:
    // no hang, the connection is closed (the server sees it go), and nothing is pooled.
    let mut response = within(
        "send",
        pool.send(https("a.test", port, "/big"), Bytes::new()),
    )
    .await
    .unwrap();
    assert!(response.reused());
    let first = within("body", response.chunk()).await.unwrap().unwrap();
    assert!(!first.is_empty() && first.len() < BIG);
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(response);
    assert_eq!(pool.stats().idle, 0);
    assert_eq!(
        within("the server seeing the close", s.ended.recv()).await,
        Some(0)
    );

    // The pool carries on with a fresh connection.
    fetch(&pool, "a.test", port).await.unwrap();
    assert_eq!(s.accepted.load(Ordering::SeqCst), 2);
}
