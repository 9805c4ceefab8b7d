//! The session over TLS, against in-process servers with certificates made at test time: the
//! rows httpbin over plain HTTP cannot show (Secure cookies, https → http redirects, trust).
#![cfg(feature = "tls")]

use std::net::SocketAddr;

use bytes::Bytes;
use tarry_session::{Auth, Error, Session, TlsSettings};
use tarry_testkit::{Script, ScriptedServer, TlsScriptedServer};

/// Answers a request:
/// - `/set-secure`: sets `s=1; Secure`;
/// - `/to-http/PORT`: a 302 to `http://a.test:PORT/echo`;
/// - anything else: the Cookie and Authorization headers it got, as `cookie=…;auth=…`.
fn answer(request: &[u8]) -> Bytes {
    let request = String::from_utf8_lossy(request);
    let head = request.split("\r\n\r\n").next().unwrap_or_default();
    let path = head.split(' ').nth(1).unwrap_or("/");
    let field = |name: &str| {
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(String::new(), |(_, v)| v.trim().to_owned())
    };
    let response = if path == "/set-secure" {
        "HTTP/1.1 200 OK\r\nSet-Cookie: s=1; Secure; Path=/\r\nContent-Length: 0\r\n\r\n".to_owned()
    } else if let Some(port) = path.strip_prefix("/to-http/") {
        format!(
            "HTTP/1.1 302 Found\r\nLocation: http://a.test:{port}/echo\r\nContent-Length: 0\r\n\r\n"
        )
    } else {
        let body = format!("cookie={};auth={}", field("cookie"), field("authorization"));
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    response.into()
}

/// An https server for `a.test` (with a CA of its own) and a plain one, both answering as
/// [`answer`] on kept-alive connections.
fn servers() -> (TlsScriptedServer, ScriptedServer) {
    let tls = TlsScriptedServer::builder(&["a.test"])
        .repeating(Script::answer_with(answer))
        .unwrap();
    let plain = ScriptedServer::repeating(Script::answer_with(answer)).unwrap();
    (tls, plain)
}

/// A session trusting the test CA, with `a.test` routed to both servers.
fn session(ca: &str, tls: SocketAddr, plain: SocketAddr) -> tarry_session::SessionBuilder {
    Session::builder()
        .add_root_certificates_pem(ca.as_bytes())
        .without_builtin_roots()
        .resolve("a.test", tls.port(), tls)
        .resolve("a.test", plain.port(), plain)
}

#[tokio::test]
async fn b13_a_secure_cookie_goes_over_https_only() {
    let (tls_server, plain_server) = servers();
    let (ca, tls, plain) = (tls_server.ca_pem(), tls_server.addr(), plain_server.addr());
    let s = session(ca, tls, plain).build().unwrap();
    let https = |path: &str| format!("https://a.test:{}{path}", tls.port());
    s.get(https("/set-secure")).send().await.unwrap();
    let over_https = s.get(https("/echo")).send().await.unwrap();
    assert_eq!(over_https.text().await.unwrap(), "cookie=s=1;auth=");
    let http = format!("http://a.test:{}/echo", plain.port());
    let over_http = s.get(&http).send().await.unwrap();
    assert_eq!(over_http.text().await.unwrap(), "cookie=;auth=");
}

#[tokio::test]
async fn ses_02_credentials_do_not_follow_https_to_http_on_the_same_host() {
    let (tls_server, plain_server) = servers();
    let (ca, tls, plain) = (tls_server.ca_pem(), tls_server.addr(), plain_server.addr());
    let s = session(ca, tls, plain)
        .auth(Auth::basic("u", "p"))
        .build()
        .unwrap();
    let url = format!("https://a.test:{}/to-http/{}", tls.port(), plain.port());
    let r = s.get(&url).send().await.unwrap();
    assert_eq!(r.url().scheme(), "http");
    assert_eq!(r.history().len(), 1);
    assert_eq!(r.text().await.unwrap(), "cookie=;auth=");
}

#[tokio::test]
async fn ses_08_an_https_only_session_refuses_to_go_down_to_http() {
    let (tls_server, plain_server) = servers();
    let (ca, tls, plain) = (tls_server.ca_pem(), tls_server.addr(), plain_server.addr());
    let s = session(ca, tls, plain)
        .https_only_redirects(true)
        .build()
        .unwrap();
    let url = format!("https://a.test:{}/to-http/{}", tls.port(), plain.port());
    let err = s.get(&url).send().await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err}");
    assert!(err.to_string().contains("https-only"), "{err}");
}

#[tokio::test]
async fn trust_is_checked_and_a_request_can_bring_its_own_settings() {
    let (tls_server, plain_server) = servers();
    let (ca, tls, plain) = (tls_server.ca_pem(), tls_server.addr(), plain_server.addr());
    let url = format!("https://a.test:{}/echo", tls.port());
    // The default roots do not know the test CA.
    let stranger = Session::builder()
        .resolve("a.test", tls.port(), tls)
        .build()
        .unwrap();
    let err = stranger.get(&url).send().await.unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err}");
    assert!(err.to_string().contains("a.test"), "{err}");
    // The same session, with settings for one request.
    let trusting = TlsSettings::new()
        .add_root_certificates_pem(ca.as_bytes())
        .unwrap();
    let r = stranger.get(&url).tls(trusting).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // And a session built to trust it.
    let s = session(ca, tls, plain).build().unwrap();
    assert_eq!(s.get(&url).send().await.unwrap().status(), 200);
}
