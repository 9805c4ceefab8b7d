//! Rows of the security catalogue (`docs/security.md`) that httpbin can show: credentials and
//! cookies on redirects, look-alike targets, method rewrites, limits, schemes, Location
//! parsing, URL credentials and cleared settings. Cross-origin hops go from `127.0.0.1` to
//! `localhost` (another host, same port) or to the second httpbin (same host, another port).

use std::sync::atomic::Ordering;
use std::time::SystemTime;

use serde_json::json;
use tarry_session::{Auth, Error, Session};
use url::Url;

use crate::harness::{
    Relay, RelayMode, addr_of, as_localhost, both, counting_hook, enc, httpbin, json, port_of,
    redirect_to,
};

/// The request headers the final `/headers` hop of `url` received.
async fn final_headers(request: tarry_session::RequestBuilder) -> serde_json::Value {
    let r = request.send().await.unwrap();
    assert!(!r.history().is_empty(), "a redirect was expected");
    json(r).await["headers"].clone()
}

/// Authorization, from credentials or written by hand, does not follow a redirect to another
/// host, and stays off for the rest of the chain, even back on the original host.
#[tokio::test]
async fn ses_01_authorization_is_stripped_when_the_host_changes() {
    let Some(b) = httpbin() else { return };
    let local = as_localhost(&b);
    let away = redirect_to(&b, &format!("{local}/headers"), 302);
    let s = Session::builder()
        .auth(Auth::basic("u", "p"))
        .build()
        .unwrap();
    let by_hand = Session::new();
    for request in [
        s.get(&away),
        by_hand.get(&away).header("Authorization", "Bearer xyz"),
    ] {
        let headers = final_headers(request).await;
        assert!(headers.get("Authorization").is_none(), "{headers}");
    }

    let back = redirect_to(&local, &format!("{b}/headers"), 302);
    let there_and_back = redirect_to(&b, &back, 302);
    let r = s.get(&there_and_back).send().await.unwrap();
    assert_eq!(r.history().len(), 2);
    assert_eq!(r.url().host_str(), Some("127.0.0.1"));
    let headers = &json(r).await["headers"];
    assert!(headers.get("Authorization").is_none(), "{headers}");
}

/// A port change is an origin change: neither Authorization nor the caller's Cookie header
/// goes along. (The https → http case needs a TLS origin; the redirect unit tests cover it.)
#[tokio::test]
async fn ses_02_a_port_change_counts_as_cross_origin() {
    let Some((b, b2)) = both() else { return };
    let url = redirect_to(&b, &format!("{b2}/headers"), 302);
    let s = Session::builder()
        .auth(Auth::basic("u", "p"))
        .build()
        .unwrap();
    let headers = final_headers(s.get(&url).header("Cookie", "k=v")).await;
    assert!(headers.get("Authorization").is_none(), "{headers}");
    assert!(headers.get("Cookie").is_none(), "{headers}");
    let headers = final_headers(Session::new().get(&url).bearer_auth("xyz")).await;
    assert!(headers.get("Authorization").is_none(), "{headers}");
}

/// Look-alike targets are parsed strictly and compared for equality only. The names are
/// mapped (like curl's `--resolve`) to a relay in front of httpbin, which counts its
/// connections: the client connects to the host the URL really names, never to 127.0.0.1
/// directly, and credentials stay behind. Malformed hosts are refused.
#[tokio::test]
async fn ses_05_look_alike_redirect_targets() {
    let Some(b) = httpbin() else { return };
    let port = port_of(&b);
    let relay = Relay::start(addr_of(&b), RelayMode::default()).await;
    let cases = [
        (
            format!("http://127.0.0.1.evil.test:{port}/headers"),
            "127.0.0.1.evil.test",
        ),
        (
            format!("http://127.0.0.1:{port}@evil.test:{port}/headers"),
            "evil.test",
        ),
        (
            format!("http://evil.test:{port}#@127.0.0.1:{port}/headers"),
            "evil.test",
        ),
    ];
    for (i, (target, host)) in cases.iter().enumerate() {
        let s = Session::builder()
            .auth(Auth::bearer("secret"))
            .resolve("127.0.0.1.evil.test", port, relay.addr)
            .resolve("evil.test", port, relay.addr)
            .build()
            .unwrap();
        let r = s.get(redirect_to(&b, target, 302)).send().await.unwrap();
        assert_eq!(r.url().host_str(), Some(*host), "{target}");
        assert_eq!(r.url().username(), "", "{target}");
        assert_eq!(relay.accepted(), i + 1, "{target} went elsewhere");
        let body = r.text().await.unwrap();
        assert!(!body.contains("Bearer"), "{target}: {body}");
    }
    for bad in [
        format!("http://127.0.0.1%2F.evil.test:{port}/"),
        format!("http://[fe80::1%25eth0]:{port}/"),
    ] {
        let err = Session::new()
            .get(redirect_to(&b, &bad, 302))
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Redirect { .. }), "{bad}: {err}");
    }
    assert_eq!(relay.accepted(), cases.len());
}

/// The method and body rewrite matrix: 303 turns everything but HEAD into GET; 301 and 302
/// turn POST into GET; a changed method loses its body and the headers describing it;
/// 307 and 308 keep both.
#[tokio::test]
async fn ses_06_method_and_body_rewrites() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let matrix = [
        ("POST", 301, "GET"),
        ("POST", 302, "GET"),
        ("POST", 303, "GET"),
        ("PUT", 303, "GET"),
        ("DELETE", 303, "GET"),
        ("POST", 307, "POST"),
        ("POST", 308, "POST"),
    ];
    for (method, code, expected) in matrix {
        let r = s
            .request(method, redirect_to(&b, "/anything", code))
            .body("payload")
            .header("content-type", "text/plain")
            .send()
            .await
            .unwrap();
        let body = json(r).await;
        let case = format!("{method} {code}: {body}");
        assert_eq!(body["method"], expected, "{case}");
        if expected == method {
            assert_eq!(body["data"], "payload", "{case}");
            assert_eq!(body["headers"]["Content-Length"], "7", "{case}");
        } else {
            assert_eq!(body["data"], "", "{case}");
            assert!(body["headers"].get("Content-Length").is_none(), "{case}");
            assert!(body["headers"].get("Content-Type").is_none(), "{case}");
        }
    }
    // HEAD stays HEAD on 303: no body, though a GET of the target would have one.
    let r = s
        .head(redirect_to(&b, "/anything", 303))
        .allow_redirects(true)
        .send()
        .await
        .unwrap();
    assert_eq!((r.status().as_u16(), r.history().len()), (200, 1));
    assert!(r.bytes().await.unwrap().is_empty());
}

/// A redirect loop (an empty Location points back at the same URL) ends with
/// `TooManyRedirects` after limit + 1 responses.
#[tokio::test]
async fn ses_07_a_redirect_loop_hits_the_limit() {
    let Some(b) = httpbin() else { return };
    let url = format!("{b}/redirect-to?url=");
    for (session, limit) in [
        (Session::new(), 30),
        (Session::builder().max_redirects(3).build().unwrap(), 3),
    ] {
        let (count, hook) = counting_hook();
        let err = session.get(&url).hook(hook).send().await.unwrap_err();
        assert!(matches!(err, Error::TooManyRedirects { .. }), "{err}");
        assert_eq!(count.load(Ordering::SeqCst), limit + 1);
    }
}

/// Only http and https are followed; anything else is an error and nothing more is fetched.
/// (The https-only policy needs a TLS origin; the redirect unit tests cover it.)
#[tokio::test]
async fn ses_08_only_http_and_https_redirects_are_followed() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    for target in [
        "file:///etc/passwd",
        "ftp://127.0.0.1/",
        "data:text/plain,hi",
        "javascript:alert(1)",
        "gopher://127.0.0.1:70/",
    ] {
        let (count, hook) = counting_hook();
        let err = s
            .get(redirect_to(&b, target, 302))
            .hook(hook)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Redirect { .. }), "{target}: {err}");
        assert_eq!(count.load(Ordering::SeqCst), 1, "{target}");
    }
}

/// Location values resolve against the current URL; a 3xx without one is the answer. (Two
/// different Location headers cannot be made with httpbin; the redirect unit tests cover
/// them.)
#[tokio::test]
async fn ses_09_location_values_resolve_as_expected() {
    let Some(b) = httpbin() else { return };
    let local = as_localhost(&b);
    let s = Session::new();
    let table = [
        ("get".to_owned(), format!("{b}/get")),
        ("../get".to_owned(), format!("{b}/get")),
        ("/anything/x?q=1".to_owned(), format!("{b}/anything/x?q=1")),
        (
            format!("{}/get", local.replace("http:", "")),
            format!("{local}/get"),
        ),
        ("/anything/a b".to_owned(), format!("{b}/anything/a%20b")),
        ("/anything/é".to_owned(), format!("{b}/anything/%C3%A9")),
        ("get#f".to_owned(), format!("{b}/get#f")),
    ];
    for (location, expected) in table {
        let r = s.get(redirect_to(&b, &location, 302)).send().await.unwrap();
        assert_eq!(r.url().as_str(), expected, "Location {location:?}");
        assert_eq!(r.status(), 200, "Location {location:?}");
    }
    let r = s.get(format!("{b}/status/308")).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.history().len()), (308, 0));
}

/// Redirects turned off, for the session or for one request: the 3xx comes back and exactly
/// one request was made.
#[tokio::test]
async fn ses_10_redirects_off_is_honoured_at_every_level() {
    let Some(b) = httpbin() else { return };
    let url = format!("{b}/redirect/1");
    let off = Session::builder().allow_redirects(false).build().unwrap();
    for request in [
        off.get(&url),
        Session::new().get(&url).allow_redirects(false),
    ] {
        let (count, hook) = counting_hook();
        let r = request.hook(hook).send().await.unwrap();
        assert_eq!(r.status(), 302);
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }
}

/// User and password in the URL are credentials for the original origin only: never in the
/// response URLs, never sent to another host, never carried in a redirect target, and no
/// Referer is sent at all.
#[tokio::test]
async fn ses_11_url_credentials_stay_with_the_original_origin() {
    let Some(b) = httpbin() else { return };
    let local = as_localhost(&b);
    let with_creds = b.replace("http://", "http://u:p@");
    let s = Session::new();

    let r = s
        .get(redirect_to(&with_creds, "/basic-auth/u/p", 302))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "same origin: the credentials go along");
    assert_eq!(r.url().username(), "");
    assert_eq!(r.history()[0].url().username(), "");
    assert_eq!(r.history()[0].url().password(), None);

    let away = redirect_to(&with_creds, &format!("{local}/headers"), 302);
    let headers = final_headers(s.get(&away)).await;
    assert!(headers.get("Authorization").is_none(), "{headers}");
    assert!(headers.get("Referer").is_none(), "{headers}");

    let in_target = local.replace("http://", "http://x:y@") + "/headers";
    let r = s
        .get(redirect_to(&b, &in_target, 302))
        .send()
        .await
        .unwrap();
    assert_eq!((r.url().username(), r.url().password()), ("", None));
    let headers = &json(r).await["headers"];
    assert!(headers.get("Authorization").is_none(), "{headers}");
}

/// Settings removed from a session after use never show up again, also on the connection
/// that carried them.
#[tokio::test]
async fn ses_14_cleared_settings_are_not_sent_again() {
    let Some(b) = httpbin() else { return };
    let s = Session::builder()
        .auth(Auth::basic("u", "p"))
        .header("x-secret", "1")
        .build()
        .unwrap();
    let r = s.get(format!("{b}/headers")).send().await.unwrap();
    let headers = &json(r).await["headers"];
    assert!(headers.get("Authorization").is_some() && headers.get("X-Secret").is_some());

    s.configure(|d| {
        d.auth = None;
        d.headers.remove("x-secret");
    });
    let r = s.get(format!("{b}/headers")).send().await.unwrap();
    assert!(r.reused(), "the same pooled connection");
    let headers = &json(r).await["headers"];
    assert!(headers.get("Authorization").is_none(), "{headers}");
    assert!(headers.get("X-Secret").is_none(), "{headers}");
}

/// A cookie set by a redirect response is stored against the URL that sent it, and the
/// Cookie header is rebuilt for each hop: localhost's cookie is not 127.0.0.1's, and
/// 127.0.0.1's does not follow the chain to localhost.
#[tokio::test]
async fn jar_11_redirect_cookies_are_scoped_to_the_sender() {
    let Some(b) = httpbin() else { return };
    let local = as_localhost(&b);
    let s = Session::new();
    let url = Url::parse(&b).unwrap();
    s.jar().insert(&url, "mine=1", SystemTime::now()).unwrap();
    let chain = redirect_to(&b, &format!("{local}/cookies/set?sid=x"), 302);
    let r = s.get(&chain).send().await.unwrap();
    assert_eq!(r.history().len(), 2);
    assert_eq!(
        r.history()[1].cookies(),
        [("sid".to_owned(), "x".to_owned())]
    );
    assert_eq!(json(r).await["cookies"], json!({"sid": "x"}));
    let sid = s.jar().get("localhost", "/", "sid").unwrap();
    assert!(sid.host_only());

    let r = s.get(format!("{b}/cookies")).send().await.unwrap();
    assert_eq!(json(r).await["cookies"], json!({"mine": "1"}));
    let r = s.get(format!("{local}/cookies")).send().await.unwrap();
    assert_eq!(json(r).await["cookies"], json!({"sid": "x"}));
}

/// Cookies the caller passes (a raw Cookie header or `.cookie`) stay on the request's
/// origin: kept on same-origin hops, dropped on host or port changes, and the raw header
/// stays dropped for the rest of the chain, even back on the original origin.
#[tokio::test]
async fn jar_12_caller_cookies_are_scoped_to_the_request_origin() {
    let Some((b, b2)) = both() else { return };
    let local = as_localhost(&b);
    let s = Session::new();
    for target in [format!("{local}/cookies"), format!("{b2}/cookies")] {
        let url = redirect_to(&b, &target, 302);
        for request in [
            s.get(&url).header("Cookie", "k=v"),
            s.get(&url).cookie("k", "v"),
        ] {
            let r = request.send().await.unwrap();
            assert_eq!(json(r).await["cookies"], json!({}), "{target}");
        }
    }
    let same = redirect_to(&b, "/cookies", 302);
    let r = s.get(&same).header("Cookie", "k=v").send().await.unwrap();
    assert_eq!(json(r).await["cookies"], json!({"k": "v"}));

    let back = format!("{local}/redirect-to?url={}", enc(&format!("{b}/cookies")));
    let there_and_back = redirect_to(&b, &back, 302);
    let r = s
        .get(&there_and_back)
        .header("Cookie", "k=v")
        .send()
        .await
        .unwrap();
    assert_eq!(r.history().len(), 2);
    assert_eq!(json(r).await["cookies"], json!({}));
    assert!(s.jar().is_empty());
}
