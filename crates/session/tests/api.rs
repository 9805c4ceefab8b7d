//! The public API as a caller meets it: every setter of the session and of its builder, the
//! request-level edit rules, URLs as values, the three timeouts, the redirect switches, typed
//! errors, and cookies added by hand. Servers are scripted ones on 127.0.0.1, so every byte a
//! request carried can be checked.

use std::error::Error as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tarry_session::{
    Auth, BuildError, Error, Method, NewCookie, Phase, Session, StatusCode, TimeoutKind, Url,
};
use tarry_testkit::{Script, ScriptedServer, Step};

mod support;
use support::chain;

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
const SECOND: Duration = Duration::from_secs(1);

/// A server that answers every request with `200 ok` on kept-alive connections.
fn echo() -> ScriptedServer {
    ScriptedServer::repeating(Script::answer_all(OK)).unwrap()
}

/// Every request the server has read, as text, oldest first.
fn heads(server: &ScriptedServer) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .flatten()
        .map(|raw| String::from_utf8_lossy(&raw).into_owned())
        .collect()
}

/// The request line and header lines of the last request, without the blank line.
fn last(server: &ScriptedServer) -> Vec<String> {
    let all = heads(server);
    let head = all.last().expect("a request arrived");
    let head = head.split("\r\n\r\n").next().unwrap_or_default();
    head.split("\r\n").map(str::to_owned).collect()
}

/// The values of header `name` (any case) in the last request, in order.
fn sent(server: &ScriptedServer, name: &str) -> Vec<String> {
    last(server)
        .iter()
        .skip(1)
        .filter_map(|line| line.split_once(": "))
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.to_owned())
        .collect()
}

async fn get_ok(s: &Session, url: &str) {
    let r = s.get(url).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "ok");
}

// ---------------------------------------------------------------- URLs and methods

#[tokio::test]
async fn urls_are_values_of_any_usual_type_and_methods_are_typed_or_text() {
    let server = echo();
    let s = Session::new();
    let text = server.url("/a");
    let url = Url::parse(&server.url("/b")).unwrap();
    for r in [
        s.get(text.as_str()),
        s.get(&text),
        s.get(text.clone()),
        s.get(&url),
        s.get(url.clone()),
        s.request(Method::PUT, &url),
        s.request(&Method::DELETE, &url),
        s.request("patch", &url),
        s.request(String::from("Options"), &url),
    ] {
        assert_eq!(r.send().await.unwrap().status(), StatusCode::OK);
    }
    let lines: Vec<String> = heads(&server)
        .iter()
        .map(|h| h.lines().next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        lines,
        [
            "GET /a HTTP/1.1",
            "GET /a HTTP/1.1",
            "GET /a HTTP/1.1",
            "GET /b HTTP/1.1",
            "GET /b HTTP/1.1",
            "PUT /b HTTP/1.1",
            "DELETE /b HTTP/1.1",
            "PATCH /b HTTP/1.1",
            "OPTIONS /b HTTP/1.1",
        ]
    );

    let err = s.request("BAD METHOD", &url).send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Builder { reason: BuildError::Method { method }, .. } if method == "BAD METHOD"),
        "{err:?}"
    );
    let err = s.get(Url::parse("ftp://a.test/").unwrap()).send().await;
    assert!(matches!(err, Err(Error::InvalidUrl { .. })), "{err:?}");
}

// ---------------------------------------------------------------- session setters

#[tokio::test]
async fn every_session_setter_changes_what_later_requests_send() {
    let server = echo();
    let s = Session::new();
    let clone = s.clone();
    let url = server.url("/p?own=1");

    s.set_header("X-One", "1").unwrap();
    s.append_header("x-many", "a").unwrap();
    s.append_header("x-many", "b").unwrap();
    s.set_header("x-gone", "soon").unwrap();
    s.remove_header("X-GONE");
    s.set_query("q", "1");
    s.append_query("q", "2");
    s.set_query("q", "3"); // in the place of the first pair; the second goes
    s.append_query("r", "x");
    s.append_query("drop", "me");
    s.remove_query("drop");
    s.set_auth(Auth::bearer("t0k"));
    get_ok(&clone, &url).await; // a clone sees every change

    assert_eq!(last(&server)[0], "GET /p?own=1&q=3&r=x HTTP/1.1");
    assert_eq!(sent(&server, "x-one"), ["1"]);
    assert_eq!(sent(&server, "x-many"), ["a", "b"]);
    assert!(sent(&server, "x-gone").is_empty());
    assert_eq!(sent(&server, "authorization"), ["Bearer t0k"]);

    s.set_auth(None);
    get_ok(&s, &url).await;
    assert!(sent(&server, "authorization").is_empty());

    // A bad header is refused by the setter that was given it, and nothing changes.
    let before = s.defaults();
    let err = s.set_header("x-bad", "a\r\nb").unwrap_err();
    assert!(
        matches!(&err, Error::Builder { url: None, reason: BuildError::HeaderValue { name } } if name == "x-bad"),
        "{err:?}"
    );
    let err = s.set_header("bad name", "v").unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Builder {
                reason: BuildError::HeaderName { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert!(s.append_header("x", "\0").is_err());
    assert_eq!(s.defaults().headers, before.headers);

    // Hooks: added, run on every response, cleared.
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    s.add_hook(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    get_ok(&s, &url).await;
    s.clear_hooks();
    get_ok(&s, &url).await;
    assert_eq!(seen.load(Ordering::Relaxed), 1);

    // The body size limit holds a body, not a stream.
    s.set_max_body_size(1);
    let err = s.get(&url).send().await.unwrap().bytes().await.unwrap_err();
    assert!(err.is_decode(), "{err}");
    s.set_max_body_size(1024);

    // The clocks and the redirect switches land in the defaults.
    s.set_timeout(5 * SECOND);
    s.set_connect_timeout(None);
    s.set_read_timeout(2 * SECOND);
    s.set_max_redirects(4);
    s.set_allow_redirects(false);
    s.set_https_only_redirects(true);
    let d = s.defaults();
    assert_eq!(
        (d.timeouts.total, d.timeouts.connect, d.timeouts.read),
        (Some(5 * SECOND), None, Some(2 * SECOND))
    );
    assert_eq!(
        (d.redirects.max, d.redirects.follow, d.redirects.https_only),
        (4, false, true)
    );
    #[cfg(feature = "tls")]
    {
        let tls = tarry_session::TlsSettings::new().min_version(tarry_session::TlsVersion::Tls13);
        s.set_tls(tls.clone());
        assert_eq!(s.defaults().tls, tls);
        get_ok(&s, &url).await; // plain http is not affected
    }
    // Several at once.
    s.configure(|d| {
        d.max_body_size = 7;
        d.set_query("z", "9");
    });
    assert_eq!(s.defaults().max_body_size, 7);
}

#[tokio::test]
async fn every_builder_setter_is_taken_and_a_bad_one_is_reported_by_build() {
    let server = echo();
    let hooked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hooked);
    let jar = Arc::new(tarry_session::Jar::new());
    let addr = server.addr();
    let s = Session::builder()
        .header("x-b", "1")
        .user_agent("api-test/1")
        .query(&[("k", "v")])
        .auth(Auth::basic("u", "p"))
        .connect_timeout(3 * SECOND)
        .read_timeout(4 * SECOND)
        .timeout(20 * SECOND)
        .allow_redirects(true)
        .max_redirects(9)
        .https_only_redirects(false)
        .max_body_size(1 << 20)
        .hook(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        })
        .jar(Arc::clone(&jar))
        .max_idle_per_host(4)
        .max_idle_total(8)
        .idle_timeout(10 * SECOND)
        .keep_alive_margin(SECOND)
        .max_connections_per_host(2)
        .acquire_timeout(5 * SECOND)
        .expect_continue_timeout(SECOND)
        .max_lifetime(60 * SECOND)
        .drain(1024, Duration::from_millis(50))
        .happy_eyeballs_delay(Duration::from_millis(100))
        .idle_buffer_limit(0)
        .response_limits(tarry_session::ResponseLimits::new().max_headers(50))
        .resolve("api.test", addr.port(), addr)
        .build()
        .unwrap();
    let r = s
        .get(format!("http://api.test:{}/x", addr.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(last(&server)[0], "GET /x?k=v HTTP/1.1");
    assert_eq!(sent(&server, "x-b"), ["1"]);
    assert_eq!(sent(&server, "user-agent"), ["api-test/1"]);
    assert_eq!(sent(&server, "authorization"), ["Basic dTpw"]);
    assert_eq!(hooked.load(Ordering::Relaxed), 1);
    assert!(Arc::ptr_eq(&s.shared_jar(), &jar));
    let d = s.defaults();
    assert_eq!(
        (d.timeouts.connect, d.timeouts.read, d.timeouts.total),
        (Some(3 * SECOND), Some(4 * SECOND), Some(20 * SECOND))
    );
    assert_eq!((d.redirects.max, d.max_body_size), (9, 1 << 20));

    let built = Session::builder().header("x", "a\nb").build();
    assert!(
        matches!(
            built,
            Err(Error::Builder {
                url: None,
                reason: BuildError::HeaderValue { .. }
            })
        ),
        "{built:?}"
    );
    #[cfg(feature = "tls")]
    {
        let built = Session::builder()
            .add_root_certificates_pem(b"not a certificate")
            .build();
        assert!(
            matches!(
                built,
                Err(Error::Builder {
                    reason: BuildError::Pool(_),
                    ..
                })
            ),
            "{built:?}"
        );
    }
}

// ---------------------------------------------------------------- request edits

#[tokio::test]
async fn header_replaces_append_adds_and_a_removal_removes_whatever_set_it() {
    let server = echo();
    let s = Session::builder()
        .header("x-s", "session")
        .header("authorization", "Token from-session")
        .build()
        .unwrap();
    let url = server.url("/");

    get_ok_with(&s, s.get(&url).header("x-s", "1").header("X-S", "2")).await;
    assert_eq!(sent(&server, "x-s"), ["2"], "a second header() replaces");

    get_ok_with(&s, s.get(&url).append_header("x-s", "more")).await;
    assert_eq!(sent(&server, "x-s"), ["session", "more"]);

    get_ok_with(&s, s.get(&url).header("x-r", "1").remove_header("x-r")).await;
    assert!(sent(&server, "x-r").is_empty(), "removes the builder's own");

    get_ok_with(&s, s.get(&url).remove_header("x-s").header("x-s", "back")).await;
    assert_eq!(
        sent(&server, "x-s"),
        ["back"],
        "set after a removal is sent"
    );

    get_ok_with(&s, s.get(&url).query(&[("a", "1")]).remove_query("a")).await;
    assert_eq!(last(&server)[0], "GET / HTTP/1.1");

    get_ok_with(&s, s.get(&url).basic_auth("u", "p").no_auth()).await;
    assert!(
        sent(&server, "authorization").is_empty(),
        "{:?}",
        last(&server)
    );

    get_ok_with(&s, s.get(&url).no_auth().bearer_auth("after")).await;
    assert_eq!(sent(&server, "authorization"), ["Bearer after"]);

    get_ok_with(&s, s.get(&url)).await;
    assert_eq!(sent(&server, "authorization"), ["Token from-session"]);

    // Bad parts are reported by send, naming the URL; nothing goes out.
    let before = heads(&server).len();
    for request in [
        s.get(&url).header("x", "a\r\nInjected: 1"),
        s.get(&url).append_header("bad name", "v"),
        s.get(&url).cookie("bad name", "v"),
        s.get(&url).cookie("k", "line\nbreak"),
        s.get(&url).bearer_auth("a\r\nb"),
    ] {
        let err = request.send().await.unwrap_err();
        assert!(err.is_builder(), "{err}");
        assert_eq!(err.url().map(Url::as_str), Some(url.as_str()), "{err}");
    }
    assert_eq!(heads(&server).len(), before);
}

async fn get_ok_with(_: &Session, request: tarry_session::RequestBuilder) {
    let r = request.send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "ok");
}

// ---------------------------------------------------------------- timeouts

/// The body comes one byte every 300 ms, 3 s in all: no silence reaches the 1 s read
/// timeout, so the call succeeds however long it takes.
#[tokio::test]
async fn a_body_that_drips_slowly_succeeds_under_the_read_timeout() {
    let head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
    let server = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::write(head),
        Step::write_slowly("0123456789", 1, Duration::from_millis(300)),
    ]))
    .unwrap();
    let s = Session::builder().read_timeout(SECOND).build().unwrap();
    let started = Instant::now();
    let r = s.get(server.url("/drip")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "0123456789");
    assert!(started.elapsed() > 2 * SECOND, "{:?}", started.elapsed());
}

/// The head comes after 1.5 s of silence: past a 1 s read timeout, whose clock includes the
/// wait for the head.
#[tokio::test]
async fn the_wait_for_the_head_is_a_silence_under_the_read_timeout() {
    let server = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::Sleep(Duration::from_millis(1500)),
        Step::write(OK),
    ]))
    .unwrap();
    let url = server.url("/slow");
    let err = Session::new()
        .get(&url)
        .read_timeout(SECOND)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(err.timeout(), Some(TimeoutKind::Read));
    assert_eq!(err.phase(), Some(Phase::Head));
    assert_eq!(err.url().map(Url::as_str), Some(url.as_str()));
}

/// Three redirects, each answered after 700 ms: every wait is short, the call is not. Under a
/// 1.5 s `timeout` the call fails with the total-timeout error; under a 1 s read timeout
/// alone it succeeds.
#[tokio::test]
async fn the_timeout_covers_the_whole_call_across_redirects() {
    let pause = Duration::from_millis(700);
    let hop = |to: &str| {
        format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\n\r\n").into_bytes()
    };
    let script = Script::new([
        Step::ExpectRequest,
        Step::Sleep(pause),
        Step::write(hop("/2")),
        Step::ExpectRequest,
        Step::Sleep(pause),
        Step::write(hop("/3")),
        Step::ExpectRequest,
        Step::Sleep(pause),
        Step::write(hop("/end")),
        Step::ExpectRequest,
        Step::Sleep(pause),
        Step::write(OK),
    ]);
    let server = ScriptedServer::repeating(script).unwrap();

    let started = Instant::now();
    let err = Session::new()
        .get(server.url("/1"))
        .timeout(Duration::from_millis(1500))
        .send()
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(
            err,
            Error::Timeout {
                timeout: TimeoutKind::Total,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        took >= Duration::from_millis(1500) && took < Duration::from_millis(2500),
        "{took:?}"
    );
    assert!(
        err.to_string().contains("the call's timeout expired"),
        "{err}"
    );

    let r = Session::builder()
        .read_timeout(SECOND)
        .build()
        .unwrap()
        .get(server.url("/1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.history().len(), 3);
    assert_eq!(r.text().await.unwrap(), "ok");
}

// ---------------------------------------------------------------- redirects

#[tokio::test]
async fn max_redirects_zero_refuses_the_first_redirect_and_allow_redirects_false_returns_it() {
    let redirect = "HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n";
    let server = ScriptedServer::repeating(Script::looped([
        Step::ExpectRequest,
        Step::write(redirect),
        Step::ExpectRequest,
        Step::write(OK),
    ]))
    .unwrap();
    let s = Session::new();
    let url = server.url("/start");

    let err = s.get(&url).max_redirects(0).send().await.unwrap_err();
    assert!(err.is_redirect());
    match err {
        Error::TooManyRedirects { url: at, response } => {
            assert_eq!(at.path(), "/start");
            assert_eq!(response.status(), 302);
            assert!(response.history().is_empty());
        }
        other => panic!("{other:?}"),
    }

    // Each session below opens its own connection, where the script starts with the redirect.
    let s = Session::new();
    let r = s.get(&url).allow_redirects(false).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.history().len()), (302, 0));
    let s = Session::new();
    let r = s.get(&url).max_redirects(1).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.history().len()), (200, 1));

    // Session::head does not follow, as requests' Session.head; request("HEAD") does.
    let s = Session::new();
    let r = s.head(&url).send().await.unwrap();
    assert_eq!(r.status(), 302);
    let s = Session::new();
    let r = s.request("HEAD", &url).send().await.unwrap();
    assert_eq!(r.status(), 200);

    // The session-wide switches do the same.
    let s = Session::new();
    s.set_max_redirects(0);
    assert!(matches!(
        s.get(&url).send().await,
        Err(Error::TooManyRedirects { .. })
    ));
    let s = Session::new();
    s.set_allow_redirects(false);
    assert_eq!(s.get(&url).send().await.unwrap().status(), 302);
}

// ---------------------------------------------------------------- errors

#[tokio::test]
async fn errors_carry_typed_causes_and_a_source_chain_to_the_root() {
    // A port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/");
    let err = Session::new().get(&url).send().await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(
        err.io_error_kind(),
        Some(std::io::ErrorKind::ConnectionRefused)
    );
    assert_eq!(err.phase(), Some(Phase::Connect));
    let pool = err.source().expect("the pool's error");
    let io = pool.source().expect("the io::Error");
    assert!(io.downcast_ref::<std::io::Error>().is_some(), "{io:?}");
    assert!(!err.to_string().contains('\n'));

    // A server that breaks HTTP/1.1: the codec's error, typed.
    let server = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::write("HTTP/9 200\r\n\r\n"),
    ]))
    .unwrap();
    let err = Session::new()
        .get(server.url("/"))
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Protocol { phase, source, .. } => {
            assert_eq!(*phase, Phase::Head);
            assert_eq!(*source, tarry_session::ProtocolError::InvalidVersion);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_transport());

    let server = echo();
    let r = Session::new().get(server.url("/")).send().await.unwrap();
    let err = r.json::<serde_json::Value>().await.unwrap_err();
    match &err {
        Error::Decode {
            reason: tarry_session::DecodeError::Json(_),
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    assert!(
        err.source().and_then(|r| r.source()).is_some(),
        "reaches serde_json's error"
    );
}

// ---------------------------------------------------------------- cookies by hand

/// A value holding `;` and `,` is kept exactly by the jar and goes out as one quoted cookie,
/// so it cannot add a cookie or an attribute.
#[tokio::test]
async fn a_structured_cookie_with_separators_in_its_value_round_trips() {
    let server = echo();
    let s = Session::new();
    s.jar()
        .add(NewCookie::new("pref", "a;b, c; Path=/admin").host("127.0.0.1"))
        .unwrap();
    let stored = s.jar().get("127.0.0.1", "/", "pref").unwrap();
    assert_eq!(stored.value(), "a;b, c; Path=/admin");
    assert_eq!(stored.path(), "/");

    get_ok(&s, &server.url("/")).await;
    assert_eq!(
        sent(&server, "cookie"),
        [r#"pref="a\073b\054 c\073 Path=/admin""#]
    );

    // A cookie for one request follows the same rule.
    get_ok_with(&s, s.get(server.url("/")).cookie("once", "x;y")).await;
    assert_eq!(
        sent(&server, "cookie"),
        [r#"once="x\073y"; pref="a\073b\054 c\073 Path=/admin""#]
    );
    let cookies = s.jar().cookies();
    assert_eq!(cookies.len(), 1, "the request's cookie was not stored");

    // One jar, two sessions.
    let other = Session::builder().jar(s.shared_jar()).build().unwrap();
    assert_eq!(other.jar().cookies().len(), 1);
}

#[tokio::test]
async fn stats_count_connections_per_session_and_per_origin() {
    let server = echo();
    let s = Session::new();
    for _ in 0..3 {
        get_ok(&s, &server.url("/")).await;
    }
    let stats = s.stats();
    assert_eq!((stats.opened, stats.reused), (1, 2), "{stats:?}");
    let host = s.host_stats(server.url("/anything")).unwrap();
    assert_eq!(host.opened, 1);
    assert!(s.host_stats("not a url").is_err());
}

/// With the `cookie` feature, a `cookie::Cookie` goes into the jar as if the URL had set it,
/// and the jar's cookies come out as `cookie::Cookie`s.
#[cfg(feature = "cookie")]
#[tokio::test]
async fn cookies_of_the_cookie_crate_go_in_and_come_out() {
    let server = echo();
    let s = Session::new();
    let url = Url::parse(&server.url("/app/page")).unwrap();
    let theirs = cookie::Cookie::build(("lang", "en")).path("/").build();
    s.jar().add_for(&url, &theirs).unwrap();
    get_ok(&s, &server.url("/")).await;
    assert_eq!(sent(&server, "cookie"), ["lang=en"]);
    let ours = s.jar().get("127.0.0.1", "/", "lang").unwrap();
    let back = cookie::Cookie::from(&ours);
    assert_eq!(
        (back.name(), back.value(), back.path()),
        ("lang", "en", Some("/"))
    );
}

#[tokio::test]
async fn a_body_that_fails_or_lies_about_its_length_is_a_body_error() {
    let server = echo();
    let s = Session::new();
    let failing = futures_stream(vec![
        Ok(bytes::Bytes::from_static(b"first piece")),
        Err(std::io::Error::other("the source broke")),
    ]);
    let e = s
        .post(server.url("/broken"))
        .body(tarry_session::Body::from_stream(failing))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_body(), "{e:?}");
    assert!(chain(&e).contains("the source broke"), "{}", chain(&e));

    for (announced, actual) in [(10u64, 5usize), (5, 10)] {
        let stream = futures_stream(vec![Ok(bytes::Bytes::from(vec![b'x'; actual]))]);
        let body = tarry_session::Body::from_stream(stream).with_length(announced);
        let e = s
            .post(server.url("/lies"))
            .body(body)
            .send()
            .await
            .unwrap_err();
        assert!(e.is_body(), "{announced} announced, {actual} sent: {e:?}");
    }
}

/// A stream of the given items, in order.
fn futures_stream(
    items: Vec<std::io::Result<bytes::Bytes>>,
) -> impl futures_core::Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static {
    struct Items(std::vec::IntoIter<std::io::Result<bytes::Bytes>>);
    impl futures_core::Stream for Items {
        type Item = std::io::Result<bytes::Bytes>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    Items(items.into_iter())
}
