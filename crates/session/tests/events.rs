//! The session's `tracing` events and request span, captured by the test kit's subscriber:
//! what a user sees with `RUST_LOG=tarry_session=debug,tarry_pool=debug`, and the secrets
//! that must never be in it.

use std::time::Duration;

use tarry_session::{NewCookie, Session};
use tarry_testkit::{Answer, Capture, Script, ScriptedServer, Step};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/// Runs `work` on a current-thread runtime with every event of this thread captured.
fn captured<F: std::future::Future<Output = ()>>(work: F) -> Capture {
    let capture = Capture::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(capture.clone(), || runtime.block_on(work));
    capture
}

/// Every secret of the redaction run, as sent, and as it would look in a header.
const SECRETS: &[&str] = &[
    "urlsecret",
    "querysecret",
    "authsecret",
    "proxysecret",
    "jarsecret",
    "owncookiesecret",
    "setcookiesecret",
    "refusedsecret",
    // base64 of "ann:authsecret" and "pu:proxysecret", as Authorization headers carry them.
    "YW5uOmF1dGhzZWNyZXQ",
    "cHU6cHJveHlzZWNyZXQ",
];

#[test]
fn a_run_with_every_kind_of_secret_logs_none_of_them() {
    // A forwarding proxy that answers for both origins: the first hop is sent on to
    // b.test with a cookie stored and one refused, the second answers 200.
    let proxy = ScriptedServer::repeating(Script::new([Step::Answer(Answer::new(|request| {
        let line = String::from_utf8_lossy(request);
        if line.starts_with("GET http://a.test") {
            bytes::Bytes::from_static(
                b"HTTP/1.1 302 Found\r\nLocation: http://b.test/next?k=querysecret\r\n\
                  Set-Cookie: sess=setcookiesecret; Path=/\r\n\
                  Set-Cookie: evil=refusedsecret; Domain=elsewhere.test\r\n\
                  Content-Length: 0\r\n\r\n",
            )
        } else {
            bytes::Bytes::from_static(OK)
        }
    }))]))
    .unwrap();
    let proxy_url = format!("http://pu:proxysecret@127.0.0.1:{}", proxy.port());
    let events = captured(async move {
        let session = Session::builder()
            .proxy("http", &proxy_url)
            .trust_env(false)
            .build()
            .unwrap();
        session
            .jar()
            .add(
                NewCookie::new("jarred", "jarsecret")
                    .domain("a.test")
                    .path("/"),
            )
            .unwrap();
        let response = session
            .get("http://ann:urlsecret@a.test/start?token=querysecret")
            .basic_auth("ann", "authsecret")
            .cookie("own", "owncookiesecret")
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.history().len(), 1);
        assert_eq!(response.text().await.unwrap(), "ok");
    });
    let lines = events.lines();
    for secret in SECRETS {
        let leaks: Vec<&String> = lines.iter().filter(|l| l.contains(secret)).collect();
        assert!(leaks.is_empty(), "{secret} leaked: {leaks:#?}");
    }
    // What the run did is there, named.
    let span = lines
        .iter()
        .find(|l| l.starts_with("span request"))
        .expect("a request span");
    assert!(
        span.contains("url=http://ann@a.test/start?token=…") && span.contains("method=GET"),
        "{span}"
    );
    let redirect = events.named("redirect");
    assert_eq!(redirect.len(), 1, "{lines:#?}");
    assert!(
        redirect[0].contains("to=http://b.test/next?k=…")
            && redirect[0].contains("authorization: the redirect leaves the origin")
            && redirect[0].contains("the request's own cookies: the redirect leaves the origin")
            && redirect[0].contains("status=302"),
        "{redirect:?}"
    );
    let stored = events.named("cookie stored");
    assert!(
        stored.len() == 1 && stored[0].contains("cookie=sess"),
        "{stored:?}"
    );
    let refused = events.named("cookie refused");
    assert!(
        refused.len() == 1 && refused[0].contains("cookie=evil") && refused[0].contains("rule="),
        "{refused:?}"
    );
    assert_eq!(events.named("through a proxy").len(), 2, "{lines:#?}");
    let answered = events.named("request answered");
    assert!(
        answered.len() == 1
            && answered[0].contains("status=200")
            && answered[0].contains("redirects=1"),
        "{answered:?}"
    );
    // The span's fields are recorded one by one as the request ends.
    for field in ["status=200", "elapsed_us=", "wait_us=", "body_us="] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("span #") && l.contains(field)),
            "the span gets {field}: {lines:#?}"
        );
    }
    assert!(
        lines.iter().any(|l| l.contains("origin=proxy 127.0.0.1:")),
        "a forwarding proxy's connections are named as its: {lines:#?}"
    );
}

#[test]
fn the_pools_events_show_reuse_under_a_session() {
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let url = server.url("/");
    let events = captured(async move {
        let session = Session::new();
        for _ in 0..2 {
            let r = session.get(&url).send().await.unwrap();
            assert_eq!(r.bytes().await.unwrap(), "ok");
        }
    });
    assert_eq!(events.named("connection opened").len(), 1);
    let reused = events.named("connection reused");
    assert!(
        reused.len() == 1 && reused[0].contains("exchanges=1"),
        "{:#?}",
        events.lines()
    );
    assert_eq!(events.named("request started").len(), 2);
    assert_eq!(events.named("request answered").len(), 2);
}

#[test]
fn a_failed_request_names_its_kind_not_its_url() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let events = captured(async move {
        let e = Session::new()
            .get(format!("http://127.0.0.1:{port}/?token=querysecret"))
            .send()
            .await
            .unwrap_err();
        assert!(e.is_connect());
    });
    let failed = events.named("request failed");
    assert!(
        failed.len() == 1 && failed[0].contains("error=connect"),
        "{:#?}",
        events.lines()
    );
    assert!(events.lines().iter().all(|l| !l.contains("querysecret")));
}
