//! Host-based rules tested with real names: `a.test`, `b.test`, `x.co.uk` and friends are
//! routed to testkit servers on 127.0.0.1 by the session's resolve override, so the client
//! believes it talks to those hosts, and the servers record exactly what arrived.
//!
//! - SNI carries the host name, and none is sent for an IP literal (RFC 6066 §3).
//! - A redirect to another origin loses `Authorization` and the caller's `Cookie`; one to the
//!   same origin keeps them (SES-01, JAR-12).
//! - A cookie scoped to a public suffix (`Domain=co.uk`) is refused, one scoped to its own
//!   registrable domain reaches its subdomains and no sibling (JAR-03 style, on real names).

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use tarry_session::{Session, SessionBuilder};
use tarry_testkit::{Script, ScriptedServer, Step, TlsScriptedServer};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

fn routed(names: &[&str], port: u16, addr: SocketAddr) -> SessionBuilder {
    names
        .iter()
        .fold(Session::builder(), |b, name| b.resolve(name, port, addr))
}

/// The header lines of a raw request, lower-cased names, for looking one up.
fn header(raw: &Bytes, name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
    })
}

#[tokio::test]
async fn sni_is_the_host_name_and_absent_for_an_ip_literal() {
    let server = TlsScriptedServer::builder(&["a.test", "b.test", "127.0.0.1"])
        .repeating(Script::answer_all(OK))
        .unwrap();
    let port = server.port();
    let session = routed(&["a.test", "b.test"], port, server.addr())
        .add_root_certificates_pem(server.ca_pem().as_bytes())
        .without_builtin_roots()
        .build()
        .unwrap();
    for host in ["a.test", "b.test", "127.0.0.1", "a.test"] {
        let url = format!("https://{host}:{port}/");
        let response = session.get(&url).send().await.unwrap();
        assert_eq!(response.text().await.unwrap(), "ok", "{url}");
    }
    // One connection per host; the second a.test request reused the first.
    assert_eq!(
        server.sni(),
        [Some("a.test".to_owned()), Some("b.test".to_owned()), None]
    );
    assert!(server.connections().iter().all(|c| c.client_hello));
    assert_eq!(server.requests()[0].len(), 2);
}

#[tokio::test]
async fn a_cross_origin_redirect_drops_credentials_and_a_same_origin_one_keeps_them() {
    let b = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let redirect =
        |to: String| format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\n\r\n");
    let to_b = ScriptedServer::repeating(Script::answer_all(redirect(format!(
        "http://b.test:{}/landed",
        b.port()
    ))))
    .unwrap();
    // The redirect, then the page it points to, on one kept-alive connection.
    let same = ScriptedServer::start([Script::new([
        Step::ExpectRequest,
        Step::write(redirect("/landed".to_owned())),
        Step::ExpectRequest,
        Step::write(OK),
        Step::HoldOpen,
    ])])
    .unwrap();
    let session = Session::builder()
        .resolve("a.test", to_b.port(), to_b.addr())
        .resolve("a.test", same.port(), same.addr())
        .resolve("b.test", b.port(), b.addr())
        .build()
        .unwrap();

    for server in [&to_b, &same] {
        let url = format!("http://a.test:{}/start", server.port());
        let response = session
            .get(&url)
            .bearer_auth("xyz")
            .header("Cookie", "k=v")
            .send()
            .await
            .unwrap();
        assert_eq!(response.text().await.unwrap(), "ok");
    }

    let first = &to_b.requests()[0][0];
    assert_eq!(
        header(first, "authorization").as_deref(),
        Some("Bearer xyz")
    );
    let landed = &b.requests()[0][0];
    assert!(landed.starts_with(b"GET /landed "), "{landed:?}");
    assert_eq!(header(landed, "host"), Some(format!("b.test:{}", b.port())));
    assert_eq!(header(landed, "authorization"), None, "{landed:?}");
    assert_eq!(header(landed, "cookie"), None, "{landed:?}");

    // Same origin: the redirect and its target share the connection and the credentials.
    let hops = &same.requests()[0];
    assert_eq!(hops.len(), 2);
    assert!(hops[1].starts_with(b"GET /landed "));
    assert_eq!(
        header(&hops[1], "authorization").as_deref(),
        Some("Bearer xyz")
    );
    assert_eq!(header(&hops[1], "cookie").as_deref(), Some("k=v"));
}

#[tokio::test]
async fn cookie_domains_follow_the_public_suffix_list_on_real_names() {
    let set = "HTTP/1.1 200 OK\r\nSet-Cookie: sid=1; Domain=co.uk\r\n\
               Set-Cookie: ok=1; Domain=x.co.uk\r\nContent-Length: 2\r\n\r\nok";
    let server = ScriptedServer::start_then(
        [Script::new([
            Step::ExpectRequest,
            Step::write(set),
            Step::HoldOpen,
        ])],
        Script::answer_all(OK),
    )
    .unwrap();
    let port = server.port();
    let session = routed(&["x.co.uk", "a.x.co.uk", "y.co.uk"], port, server.addr())
        .build()
        .unwrap();
    for host in ["x.co.uk", "a.x.co.uk", "y.co.uk"] {
        let url = format!("http://{host}:{port}/");
        let response = session.get(&url).send().await.unwrap();
        assert_eq!(response.text().await.unwrap(), "ok");
    }
    assert_eq!(server.wait_accepts(3, Duration::from_secs(10)), 3);
    let requests = server.requests();
    assert_eq!(header(&requests[0][0], "cookie"), None);
    assert_eq!(header(&requests[1][0], "cookie").as_deref(), Some("ok=1"));
    assert_eq!(header(&requests[2][0], "cookie"), None);
}
