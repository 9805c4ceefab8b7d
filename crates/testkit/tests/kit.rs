//! The kit's own promises, checked with plain std sockets and a bare rustls client: what each
//! step looks like from the client's side, and that the record matches what was sent.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tarry_testkit::{
    Connection, Ended, Gate, Script, ScriptedServer, Step, TestCa, TlsScriptedServer, rcgen,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

fn connect(server: &ScriptedServer) -> TcpStream {
    let tcp = TcpStream::connect(server.addr()).unwrap();
    // Bounds every read below: a kit bug shows up as a failed read, never a hung test.
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    tcp
}

fn read_exact(tcp: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    tcp.read_exact(&mut buf).unwrap();
    buf
}

#[test]
fn a_looped_script_answers_each_request_and_records_it_raw() {
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let mut tcp = connect(&server);
    let post = b"POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    let get = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
    // The chunked body arrives in two writes: the kit must wait for its last chunk.
    tcp.write_all(&post[..50]).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    tcp.write_all(&post[50..]).unwrap();
    assert_eq!(read_exact(&mut tcp, OK.len()), OK);
    tcp.write_all(get).unwrap();
    assert_eq!(read_exact(&mut tcp, OK.len()), OK);
    drop(connect(&server));
    drop(tcp);
    assert_eq!(server.wait_accepts(2, Duration::from_secs(10)), 2);
    assert_eq!(server.requests()[0], [&post[..], &get[..]]);
}

#[test]
fn connections_past_the_list_are_closed_at_once() {
    let server = ScriptedServer::start([Script::answer_all(OK)]).unwrap();
    let _first = connect(&server);
    let mut second = connect(&server);
    assert_eq!(second.read(&mut [0; 16]).unwrap(), 0);
    assert_eq!(server.wait_accepts(2, Duration::from_secs(10)), 2);
}

#[test]
fn a_reset_arrives_as_a_reset_not_an_eof() {
    let server = ScriptedServer::start([Script::new([Step::ExpectRequest, Step::Reset])]).unwrap();
    let mut tcp = connect(&server);
    tcp.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    let err = tcp.read(&mut [0; 16]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
}

#[test]
fn after_a_half_close_the_server_still_reads() {
    let server = ScriptedServer::start([Script::new([
        Step::HalfClose,
        Step::ExpectRequest,
        Step::HoldOpen,
    ])])
    .unwrap();
    let mut tcp = connect(&server);
    assert_eq!(tcp.read(&mut [0; 16]).unwrap(), 0);
    tcp.write_all(b"GET /late HTTP/1.1\r\n\r\n").unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.requests()[0].is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(server.requests()[0], [&b"GET /late HTTP/1.1\r\n\r\n"[..]]);
}

#[test]
fn slow_writes_take_at_least_their_pauses_and_arrive_whole() {
    let pause = Duration::from_millis(30);
    let server = ScriptedServer::start([Script::new([Step::write_slowly(OK, 10, pause)])]).unwrap();
    let mut tcp = connect(&server);
    let started = Instant::now();
    let mut all = Vec::new();
    tcp.read_to_end(&mut all).unwrap();
    assert_eq!(all, OK);
    // 40 bytes in pieces of 10: three pauses at the least (a lower bound, never a speed test).
    assert!(started.elapsed() >= pause * 3, "{:?}", started.elapsed());
}

#[test]
fn a_held_socket_stays_silent_until_the_server_is_dropped() {
    let server = ScriptedServer::start([Script::new([Step::HoldOpen])]).unwrap();
    let mut tcp = connect(&server);
    tcp.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let err = tcp.read(&mut [0; 16]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );
    drop(server);
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(tcp.read(&mut [0; 16]).unwrap(), 0);
}

#[test]
fn garbage_ends_the_script_without_recording_anything() {
    let server =
        ScriptedServer::start([Script::new([Step::ExpectRequest, Step::write(OK)])]).unwrap();
    let mut tcp = connect(&server);
    tcp.write_all(b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n")
        .unwrap();
    assert_eq!(tcp.read(&mut [0; 16]).unwrap(), 0);
    assert_eq!(server.requests(), [Vec::<bytes::Bytes>::new()]);
    assert_eq!(ended(|| server.connections(), 0), Some(Ended::ByServer));
}

/// A rustls client for `name` trusting `ca_pem`, on a fresh connection to `server`.
async fn tls_client(
    server: &TlsScriptedServer,
    name: &str,
) -> std::io::Result<tokio_rustls::client::TlsStream<tokio::net::TcpStream>> {
    let mut roots = rustls::RootCertStore::empty();
    let mut pem = server.ca_pem().as_bytes();
    for cert in ca_certificates(&mut pem) {
        roots.add(cert).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(server.addr()).await?;
    let name = rustls::pki_types::ServerName::try_from(name.to_owned()).unwrap();
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
}

/// The CA certificate out of its PEM, with rustls-pki-types' own PEM reader.
fn ca_certificates(pem: &mut &[u8]) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    rustls::pki_types::CertificateDer::pem_slice_iter(pem)
        .map(Result::unwrap)
        .collect()
}

async fn exchange(server: &TlsScriptedServer, name: &str) -> (Vec<u8>, std::io::Result<usize>) {
    let mut tls = tls_client(server, name).await.unwrap();
    tls.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
    let mut got = vec![0; OK.len()];
    tls.read_exact(&mut got).await.unwrap();
    let end = tls.read(&mut [0; 16]).await;
    (got, end)
}

#[tokio::test]
async fn tls_records_sni_and_ends_with_or_without_close_notify() {
    let script = Script::new([Step::ExpectRequest, Step::write(OK), Step::Close]);
    let polite = TlsScriptedServer::builder(&["a.test", "127.0.0.1"])
        .repeating(script.clone())
        .unwrap();
    let (got, end) = exchange(&polite, "a.test").await;
    assert_eq!((got.as_slice(), end.unwrap()), (OK, 0));
    let (_, end) = exchange(&polite, "127.0.0.1").await;
    assert_eq!(end.unwrap(), 0);
    assert_eq!(polite.sni(), [Some("a.test".to_owned()), None]);
    assert!(polite.connections().iter().all(|c| c.client_hello));

    let rude = TlsScriptedServer::builder(&["a.test"])
        .skip_close_notify()
        .repeating(script)
        .unwrap();
    let (got, end) = exchange(&rude, "a.test").await;
    assert_eq!(got, OK);
    assert_eq!(end.unwrap_err().kind(), ErrorKind::UnexpectedEof);
}

#[tokio::test]
async fn a_stalled_handshake_records_sni_and_never_answers() {
    let server = TlsScriptedServer::builder(&["a.test"])
        .stall_handshake()
        .repeating(Script::answer_all(OK))
        .unwrap();
    let attempt = tokio::time::timeout(Duration::from_millis(300), tls_client(&server, "a.test"));
    assert!(attempt.await.is_err(), "the handshake finished");
    assert_eq!(server.sni(), [Some("a.test".to_owned())]);
}

#[test]
fn an_idle_connection_is_closed_by_the_server_after_its_keep_alive_timeout() {
    let server = ScriptedServer::repeating(Script::looped([
        Step::ExpectRequestWithin(Duration::from_millis(100)),
        Step::write(OK),
    ]))
    .unwrap();
    let mut tcp = connect(&server);
    tcp.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(read_exact(&mut tcp, OK.len()), OK);
    let started = Instant::now();
    assert_eq!(tcp.read(&mut [0; 16]).unwrap(), 0);
    assert!(
        started.elapsed() >= Duration::from_millis(90),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(ended(|| server.connections(), 0), Some(Ended::ByServer));
    assert_eq!(server.requests()[0].len(), 1);
}

#[test]
fn an_answer_is_made_from_the_request_it_answers_and_the_request_is_recorded() {
    let server = ScriptedServer::repeating(Script::answer_with(|request: &[u8]| {
        let line = String::from_utf8_lossy(request);
        let path = line.split(' ').nth(1).unwrap_or_default().to_owned();
        let body = format!("{path}:{}", request.len());
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into()
    }))
    .unwrap();
    let mut tcp = connect(&server);
    let first = b"GET /a HTTP/1.1\r\n\r\n";
    let second = b"POST /bc HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz";
    tcp.write_all(first).unwrap();
    let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n/a:19";
    assert_eq!(read_exact(&mut tcp, answer.len()), answer);
    tcp.write_all(second).unwrap();
    let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n/bc:43";
    assert_eq!(read_exact(&mut tcp, answer.len()), answer);
    assert_eq!(server.requests(), [[&first[..], &second[..]]]);
}

#[test]
fn read_any_takes_bytes_that_are_no_request() {
    let server =
        ScriptedServer::repeating(Script::looped([Step::ReadAny, Step::write(OK)])).unwrap();
    let mut tcp = connect(&server);
    // Not HTTP at all, and no blank line: `ExpectRequest` would wait for more.
    tcp.write_all(&[0x16, 0x03, 0x01, 0x00, 0x05]).unwrap();
    assert_eq!(read_exact(&mut tcp, OK.len()), OK);
    tcp.write_all(b"x").unwrap();
    assert_eq!(read_exact(&mut tcp, OK.len()), OK);
    assert_eq!(server.requests(), [Vec::<bytes::Bytes>::new()]);
}

#[test]
fn a_script_waits_at_a_gate_until_the_test_opens_it() {
    let gate = Gate::new();
    let server = ScriptedServer::start([Script::new([
        Step::ExpectRequest,
        Step::Wait(gate.clone()),
        Step::write(OK),
        Step::Close,
    ])])
    .unwrap();
    let mut tcp = connect(&server);
    tcp.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    tcp.set_read_timeout(Some(Duration::from_millis(150)))
        .unwrap();
    let err = tcp.read(&mut [0; 16]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );
    assert_eq!(server.connections()[0].ended, None);
    gate.open();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut all = Vec::new();
    tcp.read_to_end(&mut all).unwrap();
    assert_eq!(all, OK);
    // An open gate stays open: a later script goes straight through.
    assert!(gate.is_open());
}

/// Polls (at most 10 s) until connection `index` in `connections` (a server's record) has
/// ended, and says how.
fn ended(connections: impl Fn() -> Vec<Connection>, index: usize) -> Option<Ended> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let ended = connections().get(index).and_then(|c| c.ended);
        if ended.is_some() || Instant::now() >= deadline {
            return ended;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn the_record_says_who_ended_each_connection_and_how_many_were_open_at_once() {
    let server = ScriptedServer::start_then(
        [Script::new([
            Step::ExpectRequest,
            Step::write(OK),
            Step::Close,
        ])],
        Script::answer_all(OK),
    )
    .unwrap();
    let mut first = connect(&server);
    first.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    let mut all = Vec::new();
    first.read_to_end(&mut all).unwrap();
    assert_eq!(ended(|| server.connections(), 0), Some(Ended::ByServer));

    let (second, third) = (connect(&server), connect(&server));
    assert_eq!(server.wait_accepts(3, Duration::from_secs(10)), 3);
    assert_eq!(server.max_open(), 2);
    drop(second);
    assert_eq!(ended(|| server.connections(), 1), Some(Ended::ByClient));
    assert_eq!(server.connections()[2].ended, None);
    drop(third);
    assert_eq!(ended(|| server.connections(), 2), Some(Ended::ByClient));
    assert_eq!(server.max_open(), 2);
}

#[tokio::test]
async fn a_test_ca_signs_what_a_server_serves_and_its_client_config_trusts_it() {
    let root = TestCa::new("kit root");
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "kit intermediate");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let intermediate = root.intermediate(params);
    let leaf = intermediate.leaf(&["a.test"]);
    assert_eq!(leaf.ca_pem(), root.pem());
    let script = Script::new([Step::ExpectRequest, Step::write(OK), Step::Close]);

    // Served with its intermediate, the leaf is trusted through the root alone.
    let whole = TlsScriptedServer::serving(leaf.clone().followed_by(&intermediate))
        .repeating(script.clone())
        .unwrap();
    assert_eq!(whole.ca_pem(), root.pem());
    let (got, end) = exchange_with(root.client_config(), &whole, "a.test")
        .await
        .unwrap();
    assert_eq!((got.as_slice(), end.unwrap()), (OK, 0));

    // The control: without the intermediate there is no path to the root.
    let bare = TlsScriptedServer::serving(leaf).repeating(script).unwrap();
    let err = exchange_with(root.client_config(), &bare, "a.test")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("UnknownIssuer"), "{err}");
}

#[tokio::test]
async fn a_server_that_requires_client_certificates_records_the_one_it_got() {
    let clients = TestCa::new("kit clients");
    let identity = clients.leaf(&["client.test"]);
    let server = TlsScriptedServer::builder(&["a.test"])
        .require_client_certificates(&clients)
        .repeating(Script::new([
            Step::ExpectRequest,
            Step::write(OK),
            Step::Close,
        ]))
        .unwrap();
    let trusting = |ca_pem: &str| {
        let mut roots = rustls::RootCertStore::empty();
        for cert in ca_certificates(&mut ca_pem.as_bytes()) {
            roots.add(cert).unwrap();
        }
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
    };
    let with_identity = trusting(server.ca_pem())
        .with_client_auth_cert(identity.chain().to_vec(), identity.key())
        .unwrap();
    let (got, _) = exchange_with(with_identity, &server, "a.test")
        .await
        .unwrap();
    assert_eq!(got, OK);
    assert_eq!(
        server.connections()[0].client_certificate.as_ref(),
        Some(identity.der())
    );

    // Without one, the handshake (under TLS 1.3, the first read after it) fails.
    let anonymous = trusting(server.ca_pem()).with_no_client_auth();
    assert!(exchange_with(anonymous, &server, "a.test").await.is_err());
    assert_eq!(ended(|| server.connections(), 1), Some(Ended::ByClient));
    assert_eq!(server.connections()[1].client_certificate, None);
}

/// A request and its answer over TLS with `config`: the answer and how the next read ended.
async fn exchange_with(
    config: rustls::ClientConfig,
    server: &TlsScriptedServer,
    name: &str,
) -> std::io::Result<(Vec<u8>, std::io::Result<usize>)> {
    let tcp = tokio::net::TcpStream::connect(server.addr()).await?;
    let name = rustls::pki_types::ServerName::try_from(name.to_owned()).unwrap();
    let mut tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await?;
    tls.write_all(b"GET / HTTP/1.1\r\n\r\n").await?;
    let mut got = vec![0; OK.len()];
    tls.read_exact(&mut got).await?;
    let end = tls.read(&mut [0; 16]).await;
    Ok((got, end))
}
