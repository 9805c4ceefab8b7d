//! Faults over TLS, one test (or a few) per row of the security catalogue (`docs/security.md`): hostname checks for IP
//! URLs and wildcards (TLS-02), certificate validity and path building (TLS-05), a port that
//! speaks plain HTTP (TLS-06), handshakes and bodies that misbehave (TLS-07), and a record
//! that fails to decrypt.
//!
//! Certificates are made at test time (`tarry_testkit::TestCa`), each with its own subject
//! name, and served by scripted TLS servers on 127.0.0.1; names are routed there with
//! `resolve`. Every certificate that must be refused has a control next to it that must be
//! accepted with the same machinery, so a broken helper cannot pass for a refusal. Every await
//! on the client is bounded.
#![cfg(feature = "tls")]

use std::future::Future;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::sync::{Arc, OnceLock, mpsc};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Request;
use rustls::CertificateError;
use tarry_pool::{Error, Phase, Pool, PoolBuilder};
use tarry_testkit::rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    SanType, date_time_ymd,
};
use tarry_testkit::{Ended, Script, ScriptedServer, Step, TestCa, TestCert, TlsScriptedServer};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

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

/// A CA for `cn` signed by `parent`, marked as `is_ca` says.
fn intermediate(parent: &TestCa, cn: &str, is_ca: IsCa) -> TestCa {
    let mut p = params(cn, Vec::new());
    p.is_ca = is_ca;
    parent.intermediate(p)
}

/// A leaf made from `p`, signed by `parent`, served with the `intermediates` after it.
fn leaf(parent: &TestCa, p: CertificateParams, intermediates: &[&TestCa]) -> TestCert {
    intermediates
        .iter()
        .fold(parent.sign(p), |chain, next| chain.followed_by(next))
}

/// A plain leaf for `a.test` straight from `root`: the control every refusal is compared with.
fn good_leaf(root: &TestCa) -> TestCert {
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

/// A keep-alive TLS server on 127.0.0.1 serving `served`. `GET /big` gets a body of [`BIG`]
/// bytes written as fast as the client takes them; anything else gets `ok`.
fn tls_server(served: TestCert) -> TlsScriptedServer {
    static BIG_RESPONSE: OnceLock<Bytes> = OnceLock::new();
    let big = BIG_RESPONSE.get_or_init(|| {
        let mut big = format!("HTTP/1.1 200 OK\r\nContent-Length: {BIG}\r\n\r\n").into_bytes();
        big.resize(big.len() + BIG, b'x');
        big.into()
    });
    let answer = Script::answer_with(|request: &[u8]| {
        if request.starts_with(b"GET /big ") {
            big.clone()
        } else {
            Bytes::from_static(OK)
        }
    });
    TlsScriptedServer::serving(served)
        .repeating(answer)
        .unwrap()
}

/// A pool that trusts only `root`.
fn trusting(root: &TestCa) -> PoolBuilder {
    Pool::builder()
        .add_root_certificates_pem(root.pem().as_bytes())
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
async fn outcome(root: &TestCa, served: TestCert) -> Result<(), Error> {
    let s = tls_server(served);
    let pool = trusting(root).resolve("a.test", s.port(), s.addr()).build();
    fetch(&pool, "a.test", s.port()).await
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
    let root = TestCa::new("TLS-02 root");
    let s = tls_server(leaf(
        &root,
        params("localhost", vec![dns("localhost")]),
        &[],
    ));
    let port = s.port();
    let pool = trusting(&root).resolve("localhost", port, s.addr()).build();
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
    ));
    fetch(&trusting(&root).build(), "127.0.0.1", with_ip.port())
        .await
        .unwrap();
}

#[tokio::test]
async fn tls_02_a_wildcard_covers_exactly_one_label() {
    let root = TestCa::new("TLS-02 root");
    let s = tls_server(leaf(&root, params("*.a.test", vec![dns("*.a.test")]), &[]));
    let port = s.port();
    let mut builder = trusting(&root);
    for host in ["z.a.test", "x.y.a.test", "a.test"] {
        builder = builder.resolve(host, port, s.addr());
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
    let root = TestCa::new("TLS-05 root");
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
    let root = TestCa::new("TLS-05 root");
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
    let root = TestCa::new("TLS-05 root");
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
    let root = TestCa::new("TLS-05 root");
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
    let root = TestCa::new("TLS-05 deep root");
    let mut chain: Vec<TestCa> = Vec::with_capacity(depth);
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
    let mut sent: Vec<&TestCa> = chain.iter().collect();
    if !same_name {
        sent.reverse(); // issuer order: leaf, its issuer, that one's issuer, ...
    }
    let served = leaf(
        chain.last().unwrap(),
        params("a.test", vec![dns("a.test")]),
        &sent,
    );
    let s = tls_server(served);
    let pool = trusting(&root)
        .resolve("a.test", s.port(), s.addr())
        .build();
    let started = Instant::now();
    let result = fetch(&pool, "a.test", s.port()).await;
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
    let plain =
        ScriptedServer::repeating(Script::looped([Step::ReadAny, Step::write(OK)])).unwrap();
    let addr = plain.addr();
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
    assert_eq!(plain.accepts(), 3);
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
fn close_notify_server(alerts: usize, then: Then) -> ScriptedServer {
    const CLOSE_NOTIFY: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00];
    let then = match then {
        Then::Hold => Step::HoldOpen,
        Then::Close => Step::Close,
    };
    ScriptedServer::repeating(Script::new([
        Step::ReadAny,
        Step::write(CLOSE_NOTIFY.repeat(alerts)),
        then,
    ]))
    .unwrap()
}

/// One request to a [`close_notify_server`] with the given handshake (connect) timeout: the
/// error and how long it took.
async fn against_close_notify(alerts: usize, then: Then, timeout: Duration) -> (Error, Duration) {
    let server = close_notify_server(alerts, then);
    let addr = server.addr();
    let root = TestCa::new("TLS-07 root");
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
    let root = TestCa::new("TLS-07 root");
    let s = tls_server(good_leaf(&root));
    let port = s.port();
    let pool = trusting(&root).resolve("a.test", port, s.addr()).build();

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
    let seen_close = async {
        while s.connections()[0].ended.is_none() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        s.connections()[0].ended
    };
    assert_eq!(
        within("the server seeing the close", seen_close).await,
        Some(Ended::ByClient)
    );

    // The pool carries on with a fresh connection.
    fetch(&pool, "a.test", port).await.unwrap();
    assert_eq!(s.accepts(), 2);
}

// ------------------------------------------------------------ a record that fails to decrypt

/// A TLS server on its own thread that answers the first request with a response whose record
/// has one bit flipped in its authentication tag, then reports what the client sent back: the
/// error its rustls met on reading it (an alert received, if the client sent one), or how the
/// connection ended without one.
fn corrupting_server(
    served: &TestCert,
) -> (SocketAddr, mpsc::Receiver<Result<rustls::Error, String>>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let addr = listener.local_addr().unwrap();
    let config = Arc::new(served.server_config());
    let (report, heard) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        socket.set_read_timeout(Some(HANG)).unwrap();
        let mut tls = rustls::ServerConnection::new(config).unwrap();
        let mut request = Vec::new();
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            if let Err(e) = tls.complete_io(&mut socket) {
                let _ = report.send(Err(format!("before the request: {e}")));
                return;
            }
            let mut piece = [0; 4096];
            match tls.reader().read(&mut piece) {
                Ok(0) => {
                    let _ = report.send(Err("the client closed before its request".into()));
                    return;
                }
                Ok(n) => request.extend_from_slice(&piece[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => {
                    let _ = report.send(Err(format!("reading the request: {e}")));
                    return;
                }
            }
        }
        // Session tickets first, so that the response is the last record written.
        while tls.wants_write() {
            tls.write_tls(&mut socket).unwrap();
        }
        tls.writer().write_all(OK).unwrap();
        let mut records = Vec::new();
        while tls.wants_write() {
            tls.write_tls(&mut records).unwrap();
        }
        *records.last_mut().unwrap() ^= 1;
        socket.write_all(&records).unwrap();

        let outcome = loop {
            match tls.read_tls(&mut socket) {
                Ok(0) => break Err("the client closed without an alert".to_string()),
                Ok(_) => {
                    if let Err(e) = tls.process_new_packets() {
                        break Ok(e);
                    }
                }
                Err(e) => break Err(format!("reading after the bad record: {e}")),
            }
        };
        let _ = report.send(outcome);
    });
    (addr, heard)
}

#[tokio::test]
async fn a_record_that_fails_to_decrypt_is_an_error_and_the_server_gets_a_bad_record_mac_alert() {
    let root = TestCa::new("bad record root");
    let (addr, heard) = corrupting_server(&good_leaf(&root));
    let pool = trusting(&root).resolve("a.test", addr.port(), addr).build();

    let err = fetch(&pool, "a.test", addr.port()).await.unwrap_err();
    println!("client: {err}");
    assert!(err.to_string().contains("decrypt"), "{err}");
    assert_eq!(pool.stats().idle, 0, "a failed connection is not kept");

    let heard = tokio::task::spawn_blocking(move || heard.recv_timeout(HANG))
        .await
        .unwrap()
        .expect("the server reports what it heard");
    println!("server: {heard:?}");
    assert!(
        matches!(
            heard,
            Ok(rustls::Error::AlertReceived(
                rustls::AlertDescription::BadRecordMac
            ))
        ),
        "{heard:?}"
    );
}
