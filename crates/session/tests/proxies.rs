//! Proxies as a session uses them: through real proxies that `./test.sh` starts (tinyproxy for
//! HTTP forwarding and `CONNECT`, microsocks for SOCKS5, with and without credentials, in
//! front of httpbin and of a TLS test server), and against scripted proxies that record every
//! byte, for the credential rules: proxy credentials reach the proxy only, origin credentials
//! never reach a proxy that tunnels, and a redirect chooses its proxy again.
//!
//! Without the proxies' variables (`TARRY_TINYPROXY_URL`, …) the real-proxy tests print
//! `skipped:` and pass, except under `CI=true`, where they fail.

use tarry_session::{Error, Session};
use tarry_testkit::{Script, ScriptedServer, Step};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

fn var(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Some(value.trim_end_matches('/').to_owned()),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{name} is not set and CI=true: run the tests through ./test.sh")
        }
        _ => {
            println!("skipped: {name} unset; run ./test.sh");
            None
        }
    }
}

/// Inserts `user:password@` after the scheme of a proxy URL.
fn with_credentials(url: &str, credentials: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    format!("{scheme}://{credentials}@{rest}")
}

/// How many lines of tinyproxy's log hold `text` (its requests and tunnels are logged one a
/// line, with their target).
fn logged(log: &str, text: &str) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.contains(text))
        .count()
}

async fn json(r: tarry_session::Response) -> serde_json::Value {
    r.json().await.unwrap()
}

// ---------------------------------------------------------------- real proxies

/// tinyproxy forwards one request per client connection and then closes it: each request
/// shows in its log, and the session opens a fresh connection for the next without an error
/// (the close may reach it only as it reuses the connection: then the request is sent again
/// on a fresh one, once, which is the pool's safe retry).
#[tokio::test]
async fn http_requests_are_forwarded_by_tinyproxy() {
    let (Some(proxy), Some(log), Some(httpbin)) = (
        var("TARRY_TINYPROXY_URL"),
        var("TARRY_TINYPROXY_LOG"),
        var("TARRY_HTTPBIN_URL"),
    ) else {
        return;
    };
    let s = Session::builder().proxy("http", &proxy).build().unwrap();
    let tag = format!("forward-{}", std::process::id());
    for i in 0..5 {
        let r = s
            .get(format!("{httpbin}/get?{tag}={i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(json(r).await["args"][&tag], i.to_string());
    }
    let logged = logged(&log, &format!("GET {httpbin}/get?{tag}="));
    assert_eq!(logged, 5, "every request went through the proxy");
    let stats = s.stats();
    assert!(stats.opened >= 5 && stats.retried <= 5, "{stats:?}");
}

#[tokio::test]
async fn tinyproxy_with_basic_auth_wants_the_credentials_of_the_proxy_url() {
    let (Some(proxy), Some(httpbin)) = (var("TARRY_TINYPROXY_AUTH_URL"), var("TARRY_HTTPBIN_URL"))
    else {
        return;
    };
    let url = format!("{httpbin}/headers");
    let r = Session::new().get(&url).proxy(&proxy).send().await.unwrap();
    assert_eq!(r.status(), 407, "forwarded: the proxy's own answer");

    let with = with_credentials(&proxy, "tarry:s3cret");
    let r = Session::new().get(&url).proxy(&with).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let seen = json(r).await;
    // tinyproxy takes its credentials off; nothing of them reaches httpbin.
    assert!(
        seen["headers"].get("Proxy-Authorization").is_none(),
        "{seen}"
    );

    // Through a tunnel, the 407 is the tunnel's refusal: a typed error.
    let tunnel = tarry_session::Proxy::parse(&proxy)
        .unwrap()
        .tunnel_http(true);
    let err = Session::new()
        .get(&url)
        .proxy_with(tunnel)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Proxy { .. }) && err.is_proxy(),
        "{err:?}"
    );
    assert!(err.to_string().contains("407"), "{err}");
}

#[cfg(feature = "tls")]
#[tokio::test]
async fn https_goes_through_a_connect_tunnel_with_the_origin_verified_inside() {
    use tarry_testkit::TlsScriptedServer;

    let (Some(proxy), Some(log)) = (var("TARRY_TINYPROXY_URL"), var("TARRY_TINYPROXY_LOG")) else {
        return;
    };
    let origin = TlsScriptedServer::builder(&["127.0.0.1"])
        .repeating(Script::answer_all(OK))
        .unwrap();
    let s = Session::builder()
        .proxy("https", &proxy)
        .add_root_certificates_pem(origin.ca_pem().as_bytes())
        .without_builtin_roots()
        .build()
        .unwrap();
    let url = format!("https://127.0.0.1:{}/secret", origin.port());
    for _ in 0..3 {
        let r = s.get(&url).send().await.unwrap();
        assert_eq!(r.text().await.unwrap(), "ok");
    }
    assert_eq!(origin.accepts(), 1, "one tunnel, kept alive");
    let through = s.proxy_stats(&tarry_session::Proxy::parse(&proxy).unwrap());
    assert_eq!((through.opened, through.reused), (1, 2), "{through:?}");
    let tunnels = logged(&log, &format!("CONNECT 127.0.0.1:{}", origin.port()));
    assert_eq!(
        tunnels, 1,
        "the proxy's log shows one tunnel for three requests"
    );
    let stats = s.stats();
    assert_eq!((stats.opened, stats.tls_full), (1, 1), "{stats:?}");
    // The first request's timings show the tunnel being set up.
    let first = Session::builder()
        .proxy("https", &proxy)
        .add_root_certificates_pem(origin.ca_pem().as_bytes())
        .without_builtin_roots()
        .build()
        .unwrap()
        .get(&url)
        .send()
        .await
        .unwrap();
    assert!(first.timings().tunnel.is_some() && first.timings().tls.is_some());

    // A certificate for another name is refused inside the tunnel too.
    let wrong = TlsScriptedServer::builder(&["other.test"])
        .repeating(Script::answer_all(OK))
        .unwrap();
    let s = Session::builder()
        .proxy("https", &proxy)
        .add_root_certificates_pem(wrong.ca_pem().as_bytes())
        .without_builtin_roots()
        .build()
        .unwrap();
    let err = s
        .get(format!("https://127.0.0.1:{}/", wrong.port()))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_tls(), "{err:?}");
}

#[tokio::test]
async fn socks5_through_microsocks_with_and_without_a_password() {
    let (Some(open), Some(auth), Some(httpbin)) = (
        var("TARRY_SOCKS_URL"),
        var("TARRY_SOCKS_AUTH_URL"),
        var("TARRY_HTTPBIN_URL"),
    ) else {
        return;
    };
    for proxy in [
        open.clone(),
        open.replace("socks5://", "socks5h://"),
        with_credentials(&auth, "tarry:s3cret"),
    ] {
        let s = Session::builder().proxy("all", &proxy).build().unwrap();
        for i in 0..3 {
            let r = s.get(format!("{httpbin}/get?i={i}")).send().await.unwrap();
            assert_eq!(json(r).await["args"]["i"], i.to_string(), "{proxy}");
        }
        assert_eq!(s.stats().opened, 1, "{proxy}: {:?}", s.stats());
    }
    let wrong = with_credentials(&auth, "tarry:wrong");
    let err = Session::new()
        .get(format!("{httpbin}/get"))
        .proxy(&wrong)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_proxy(), "{err:?}");
}

// ---------------------------------------------------------------- credentials and choice

/// PROXY-01 (and SES-03): a caller's `Proxy-Authorization` goes to the proxy (here one that forwards) and to
/// no origin; without a proxy it is sent nowhere.
#[tokio::test]
async fn proxy_01_proxy_credentials_reach_the_proxy_and_no_origin() {
    let proxy = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let origin = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let credentials = "Basic cHJveHk6c2VjcmV0";
    let s = Session::builder()
        .header("Proxy-Authorization", credentials)
        .proxy(
            "http://a.test",
            &format!("http://127.0.0.1:{}", proxy.port()),
        )
        .build()
        .unwrap();
    let r = s.get("http://a.test/via-proxy").send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "ok");
    let r = s.get(origin.url("/direct")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "ok");

    let at_proxy = String::from_utf8_lossy(&proxy.requests()[0][0]).into_owned();
    assert!(
        at_proxy.starts_with("GET http://a.test/via-proxy HTTP/1.1\r\n"),
        "{at_proxy}"
    );
    assert!(
        at_proxy.contains(&format!("proxy-authorization: {credentials}\r\n")),
        "{at_proxy}"
    );
    let at_origin = String::from_utf8_lossy(&origin.requests()[0][0]).into_owned();
    assert!(!at_origin.contains("proxy-authorization"), "{at_origin}");
}

/// PROXY-02: over a tunnel, the proxy sees the credentials on `CONNECT`, the origin never; and the
/// origin's own `Authorization` never goes to the proxy.
#[tokio::test]
async fn proxy_02_over_a_tunnel_each_side_sees_only_its_own_credentials() {
    let proxy = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::write("HTTP/1.1 200 Connection established\r\n\r\n"),
        Step::ExpectRequest,
        Step::write(OK),
    ]))
    .unwrap();
    let p = tarry_session::Proxy::parse(&format!("http://pu:pp@127.0.0.1:{}", proxy.port()))
        .unwrap()
        .tunnel_http(true);
    let r = Session::new()
        .get("http://origin.test/")
        .basic_auth("origin-user", "origin-pass")
        .proxy_with(p)
        .send()
        .await
        .unwrap();
    assert_eq!(r.text().await.unwrap(), "ok");
    let seen = proxy.requests();
    let connect = String::from_utf8_lossy(&seen[0][0]).to_ascii_lowercase();
    let inside = String::from_utf8_lossy(&seen[0][1]).to_ascii_lowercase();
    assert!(connect.starts_with("connect origin.test:80 "), "{connect}");
    assert!(
        connect.contains("proxy-authorization: basic chu6cha="),
        "{connect}"
    );
    assert!(!connect.contains("\r\nauthorization"), "{connect}");
    assert!(inside.contains("\r\nauthorization: basic"), "{inside}");
    assert!(!inside.contains("proxy-authorization"), "{inside}");
}

/// A redirect chooses its proxy again: from a proxied origin to one that is not, the next hop
/// goes straight there, with no proxy credentials.
#[tokio::test]
async fn a_redirect_chooses_its_proxy_again() {
    let direct = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let to_direct = format!(
        "HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\n\r\n",
        direct.url("/landed")
    );
    let proxy = ScriptedServer::repeating(Script::answer_all(to_direct)).unwrap();
    let s = Session::builder()
        .proxy(
            "http://a.test",
            &format!("http://u:p@127.0.0.1:{}", proxy.port()),
        )
        .header("Proxy-Authorization", "Basic b3duOmNyZWRz")
        .build()
        .unwrap();
    let r = s.get("http://a.test/start").send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.history().len()), (200, 1));
    assert_eq!(proxy.requests()[0].len(), 1);
    let landed = String::from_utf8_lossy(&direct.requests()[0][0]).into_owned();
    assert!(landed.starts_with("GET /landed HTTP/1.1\r\n"), "{landed}");
    assert!(!landed.contains("proxy-authorization"), "{landed}");
}

#[tokio::test]
async fn the_environment_is_read_once_and_request_and_session_choices_win_over_it() {
    let from_env = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let session_proxy = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let env_url = format!("http://127.0.0.1:{}", from_env.port());
    let vars = move |name: &str| match name {
        "http_proxy" => Some(env_url.clone()),
        "NO_PROXY" => Some("skip.test".to_owned()),
        _ => None,
    };
    // Names that go straight to the origin land on a closed loopback port: refused at once,
    // never resolved or sent anywhere else.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let s = Session::builder()
        .proxy_environment(vars)
        .resolve("api.skip.test", 80, closed)
        .resolve("a.test", 80, closed)
        .build()
        .unwrap();
    for url in ["http://a.test/1", "http://a.test/2"] {
        s.get(url).send().await.unwrap().text().await.unwrap();
    }
    assert_eq!(from_env.requests()[0].len(), 2, "the environment's proxy");

    // NO_PROXY from the environment: straight to the origin.
    let err = s.get("http://api.skip.test/").send().await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");

    // The session's own proxy wins; a request's `no_proxy` wins over both.
    s.set_proxy(
        "http",
        &format!("http://127.0.0.1:{}", session_proxy.port()),
    )
    .unwrap();
    s.get("http://a.test/3")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(session_proxy.requests()[0].len(), 1);
    let err = s
        .get("http://a.test/4")
        .no_proxy()
        .send()
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");

    // Not trusting the environment leaves only the session's proxies.
    s.remove_proxy("http");
    s.set_trust_env(false);
    let err = s.get("http://a.test/5").send().await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(from_env.requests()[0].len(), 2);

    // A variable that is no proxy URL is reported by `build`, naming it.
    let err = Session::builder()
        .proxy_environment(|name| (name == "HTTPS_PROXY").then(|| "gopher://u:pw@x".to_owned()))
        .build()
        .unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("HTTPS_PROXY") && !shown.contains("pw@"),
        "{shown}"
    );
}
