//! Requests through proxies, against scripted proxies that record every byte: forwarding with
//! the proxy's credentials, `CONNECT` tunnels, SOCKS5, and every way a proxy can refuse or
//! break a tunnel. Real proxies (tinyproxy, microsocks) are driven from the session's tests.

use std::time::Duration;

use bytes::Bytes;
use http::Request;
use tarry_pool::{Error, Phase, Pool, Proxy, ProxyError, SendOptions};
use tarry_testkit::{Script, ScriptedServer, Step};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
const ESTABLISHED: &[u8] = b"HTTP/1.1 200 Connection established\r\n\r\n";

fn text(raw: &Bytes) -> String {
    String::from_utf8_lossy(raw).into_owned()
}

fn through(server: &ScriptedServer, credentials: &str) -> SendOptions {
    let url = format!("http://{credentials}127.0.0.1:{}", server.port());
    SendOptions::new().proxy(Proxy::parse(&url).unwrap())
}

/// Through `server` as an HTTP proxy, asking it for a `CONNECT` tunnel even for `http://`.
fn tunnelling(server: &ScriptedServer) -> SendOptions {
    let url = format!("http://127.0.0.1:{}", server.port());
    SendOptions::new().proxy(Proxy::parse(&url).unwrap().tunnel_http(true))
}

async fn get(pool: &Pool, url: &str, options: &SendOptions) -> Result<Bytes, Error> {
    let request = Request::get(url).body(()).unwrap();
    let response = pool.send_with(request, Bytes::new(), options).await?;
    response.bytes().await
}

#[tokio::test]
async fn http_requests_are_forwarded_in_absolute_form_over_one_connection_for_every_origin() {
    let proxy = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let pool = Pool::new();
    let options = through(&proxy, "alice:s%40cret@");
    for url in [
        "http://a.test/x?q=1",
        "http://b.test:8080/y",
        "http://a.test/z",
    ] {
        assert_eq!(get(&pool, url, &options).await.unwrap(), "ok");
    }
    assert_eq!(
        proxy.accepts(),
        1,
        "one connection to the proxy serves every origin"
    );
    let requests: Vec<String> = proxy.requests()[0].iter().map(text).collect();
    let lines: Vec<&str> = requests.iter().map(|r| r.lines().next().unwrap()).collect();
    assert_eq!(
        lines,
        [
            "GET http://a.test/x?q=1 HTTP/1.1",
            "GET http://b.test:8080/y HTTP/1.1",
            "GET http://a.test/z HTTP/1.1"
        ]
    );
    for request in &requests {
        // alice:s@cret
        assert!(
            request.contains("proxy-authorization: Basic YWxpY2U6c0BjcmV0\r\n"),
            "{request}"
        );
    }
    // The pool counts the connection under the proxy.
    let stats = pool.host_stats(
        &format!("http://127.0.0.1:{}/", proxy.port())
            .parse()
            .unwrap(),
    );
    assert_eq!(stats.unwrap().opened, 1);
}

#[tokio::test]
async fn other_credentials_or_no_proxy_never_share_a_connection() {
    let proxy = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let pool = Pool::new();
    get(&pool, "http://a.test/", &through(&proxy, "u:one@"))
        .await
        .unwrap();
    get(&pool, "http://a.test/", &through(&proxy, "u:two@"))
        .await
        .unwrap();
    get(&pool, "http://a.test/", &through(&proxy, ""))
        .await
        .unwrap();
    assert_eq!(proxy.accepts(), 3);
}

#[tokio::test]
async fn a_tunnel_is_asked_for_with_connect_and_the_origin_never_sees_the_proxy_credentials() {
    let proxy = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::write(ESTABLISHED),
        Step::ExpectRequest,
        Step::write(OK),
        Step::ExpectRequest,
        Step::write(OK),
    ]))
    .unwrap();
    let pool = Pool::new();
    let p = Proxy::parse(&format!("http://u:p@127.0.0.1:{}", proxy.port()))
        .unwrap()
        .tunnel_http(true);
    let options = SendOptions::new().proxy(p);
    for _ in 0..2 {
        let body = get(&pool, "http://origin.test:8080/page", &options)
            .await
            .unwrap();
        assert_eq!(body, "ok");
    }
    assert_eq!(proxy.accepts(), 1, "the tunnel is kept alive and reused");
    let through =
        pool.proxy_stats(&Proxy::parse(&format!("http://127.0.0.1:{}", proxy.port())).unwrap());
    assert_eq!((through.opened, through.reused), (1, 1), "{through:?}");
    // The origin's own counters include the tunnelled connection.
    let origin = pool
        .host_stats(&"http://origin.test:8080/".parse().unwrap())
        .unwrap();
    assert_eq!(origin.opened, 1);
    let requests: Vec<String> = proxy.requests()[0].iter().map(text).collect();
    assert!(
        requests[0].starts_with("CONNECT origin.test:8080 HTTP/1.1\r\nHost: origin.test:8080\r\n"),
        "{}",
        requests[0]
    );
    assert!(requests[0].contains("proxy-authorization: Basic dTpw\r\n"));
    for origin in &requests[1..] {
        assert!(origin.starts_with("GET /page HTTP/1.1\r\n"), "{origin}");
        assert!(
            !origin.to_ascii_lowercase().contains("proxy-authorization"),
            "{origin}"
        );
    }
}

#[tokio::test]
async fn a_refused_connect_is_a_typed_error_with_407_apart() {
    for (answer, want) in [
        (
            &b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"[..],
            ProxyError::AuthenticationRequired,
        ),
        (
            b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 5\r\n\r\nlogin",
            ProxyError::AuthenticationRequired,
        ),
        (
            b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
            ProxyError::Refused { status: 403 },
        ),
        (
            b"HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n",
            ProxyError::Refused { status: 502 },
        ),
    ] {
        let proxy = ScriptedServer::repeating(Script::new([
            Step::ExpectRequest,
            Step::write(answer),
            Step::Close,
        ]))
        .unwrap();
        let options = tunnelling(&proxy);
        let err = get(&Pool::new(), "http://origin.test/", &options)
            .await
            .unwrap_err();
        assert!(matches!(&err, Error::Proxy(e) if *e == want), "{err:?}");
    }
}

#[tokio::test]
async fn proxy_03_bytes_after_the_tunnel_is_granted_are_a_desync_never_taken_for_the_origin() {
    let mut smuggled = ESTABLISHED.to_vec();
    smuggled.extend_from_slice(OK);
    let proxy = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::write(smuggled),
        Step::HoldOpen,
    ]))
    .unwrap();
    let options = tunnelling(&proxy);
    let err = get(&Pool::new(), "http://origin.test/", &options)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Proxy(ProxyError::TunnelDesync)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_proxy_that_closes_mid_tunnel_or_never_answers_fails_in_time() {
    // Closes after granting the tunnel: the request meets a closed connection.
    let proxy = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::write(ESTABLISHED),
        Step::ExpectRequest,
        Step::Close,
    ]))
    .unwrap();
    let options = tunnelling(&proxy);
    let err = get(&Pool::new(), "http://origin.test/", &options)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ClosedBeforeResponse { .. }), "{err:?}");

    // Never answers CONNECT: the connect timeout bounds the tunnel's setup.
    let silent =
        ScriptedServer::repeating(Script::new([Step::ExpectRequest, Step::HoldOpen])).unwrap();
    let options = tunnelling(&silent).connect_timeout(Duration::from_millis(300));
    let started = std::time::Instant::now();
    let err = get(&Pool::new(), "http://origin.test/", &options)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(Phase::Proxy)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// A SOCKS5 server's script: the method it picks, then its reply code to the request.
fn socks(method: u8, auth_status: Option<u8>, reply: u8) -> ScriptedServer {
    let mut steps = vec![Step::ReadAny, Step::write(vec![5, method])];
    if let Some(status) = auth_status {
        steps.extend([Step::ReadAny, Step::write(vec![1, status])]);
    }
    steps.extend([
        Step::ReadAny,
        Step::write(vec![5, reply, 0, 1, 127, 0, 0, 1, 0x1f, 0x90]),
    ]);
    if reply == 0 {
        steps.extend([Step::ExpectRequest, Step::write(OK)]);
    }
    ScriptedServer::repeating(Script::new(steps)).unwrap()
}

/// One GET of `url` on a fresh pool through the proxy on `127.0.0.1:port`, whose URL starts
/// with `start` (a scheme and perhaps credentials: `socks5://user:pw@`).
async fn get_through(start: &str, port: u16, url: &str) -> Result<Bytes, Error> {
    let proxy = Proxy::parse(&format!("{start}127.0.0.1:{port}")).unwrap();
    get(&Pool::new(), url, &SendOptions::new().proxy(proxy)).await
}

#[tokio::test]
async fn socks5_with_and_without_credentials() {
    let server = socks(0, None, 0);
    let body = get_through("socks5h://", server.port(), "http://origin.test/")
        .await
        .unwrap();
    assert_eq!(body, "ok");
    let request = text(&server.requests()[0][0]);
    assert!(
        request.starts_with("GET / HTTP/1.1\r\nHost: origin.test\r\n"),
        "{request}"
    );

    let server = socks(2, Some(0), 0);
    let body = get_through("socks5://user:pw@", server.port(), "http://127.0.0.1:9/")
        .await
        .unwrap();
    assert_eq!(body, "ok");

    let server = socks(2, Some(1), 0);
    let err = get_through("socks5://user:bad@", server.port(), "http://origin.test/")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Proxy(ProxyError::SocksAuthenticationFailed)),
        "{err:?}"
    );

    let server = socks(0xff, None, 0);
    let err = get_through("socks5h://", server.port(), "http://origin.test/")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Proxy(ProxyError::SocksNoAcceptableMethod)),
        "{err:?}"
    );
}

#[tokio::test]
async fn every_socks5_reply_code_is_a_typed_error() {
    for code in 1..=8u8 {
        let server = socks(0, None, code);
        let err = get_through("socks5h://", server.port(), "http://origin.test/")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Proxy(ProxyError::Socks { code: c }) if *c == code),
            "{code}: {err:?}"
        );
        assert!(
            err.to_string().contains(&format!("answered {code}")),
            "{err}"
        );
    }
}

/// An `https://` proxy: TLS to the proxy, its certificate verified with the pool's own
/// settings, then the request forwarded in absolute form with the proxy's credentials.
#[cfg(feature = "tls")]
#[tokio::test]
async fn an_https_proxy_is_spoken_to_over_verified_tls() {
    let proxy = tarry_testkit::TlsScriptedServer::builder(&["127.0.0.1"])
        .repeating(Script::answer_all(OK))
        .unwrap();
    let pool = Pool::builder()
        .add_root_certificates_pem(proxy.ca_pem().as_bytes())
        .unwrap()
        .without_builtin_roots()
        .build();
    let p = Proxy::parse(&format!("https://u:p@127.0.0.1:{}", proxy.port())).unwrap();
    let options = SendOptions::new().proxy(p);
    for _ in 0..2 {
        assert_eq!(
            get(&pool, "http://a.test/tls", &options).await.unwrap(),
            "ok"
        );
    }
    assert_eq!(proxy.accepts(), 1);
    let request = text(&proxy.requests()[0][0]);
    assert!(
        request.starts_with("GET http://a.test/tls HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(
        request.contains("proxy-authorization: Basic dTpw\r\n"),
        "{request}"
    );
    assert_eq!(pool.stats().tls_full, 1);

    // A pool that does not trust the proxy's certificate refuses it.
    let err = get(&Pool::new(), "http://a.test/tls", &options)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Io(Phase::Tls, _)), "{err:?}");
}

/// TLS to the origin inside TLS to an `https://` proxy: a proxy that terminates TLS, answers
/// `CONNECT` and relays bytes to a TLS origin; both certificates are verified, each for its own
/// name.
#[cfg(feature = "tls")]
#[tokio::test]
async fn tls_to_the_origin_runs_inside_tls_to_an_https_proxy() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let ca = tarry_testkit::TestCa::new("nested test CA");
    let origin = tarry_testkit::TlsScriptedServer::serving(ca.leaf(&["origin.test"]))
        .repeating(Script::answer_all(OK))
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(
        ca.leaf(&["127.0.0.1"]).server_config(),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_port = listener.local_addr().unwrap().port();
    let origin_addr = origin.addr();
    // A one-connection TLS proxy: it reads a CONNECT head, grants it, and relays.
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut tls = acceptor.accept(tcp).await.unwrap();
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8; 1];
            if tls.read(&mut byte).await.unwrap() == 0 {
                return;
            }
            head.push(byte[0]);
        }
        assert!(head.starts_with(b"CONNECT origin.test:443 HTTP/1.1\r\n"));
        tls.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .unwrap();
        let mut to_origin = tokio::net::TcpStream::connect(origin_addr).await.unwrap();
        let _ = tokio::io::copy_bidirectional(&mut tls, &mut to_origin).await;
    });
    let pool = Pool::builder()
        .add_root_certificates_pem(ca.pem().as_bytes())
        .unwrap()
        .without_builtin_roots()
        .build();
    let p = Proxy::parse(&format!("https://127.0.0.1:{proxy_port}")).unwrap();
    let options = SendOptions::new().proxy(p);
    for _ in 0..2 {
        let body = get(&pool, "https://origin.test/inner", &options)
            .await
            .unwrap();
        assert_eq!(body, "ok");
    }
    assert_eq!(origin.sni(), [Some("origin.test".to_owned())]);
    let stats = pool.stats();
    assert_eq!((stats.opened, stats.reused), (1, 1), "{stats:?}");
}
