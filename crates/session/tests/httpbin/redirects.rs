//! Section C of the behaviour checklist: following redirects.

use std::time::SystemTime;

use serde_json::json;
use tarry_session::{Auth, Error, Session};
use url::Url;

use crate::harness::{as_localhost, both, httpbin, json, redirect_to};

/// Sends `method` with `body` to `url` and returns the final `/anything` echo.
async fn echo_after(s: &Session, method: &str, url: &str, body: &str) -> serde_json::Value {
    let mut request = s.request(method, url).max_redirects(5);
    if !body.is_empty() {
        request = request.body(body.to_owned());
    }
    let r = request.send().await.unwrap();
    assert_eq!(r.history().len(), 1, "{method} {url}");
    json(r).await
}

#[tokio::test]
async fn c01_only_301_302_303_307_308_with_a_location_are_followed() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    for code in [304, 308] {
        let r = s.get(format!("{b}/status/{code}")).send().await.unwrap();
        assert_eq!(r.status(), code);
        assert!(r.history().is_empty());
    }
    // 305 and 300 come back as they are even with a Location.
    let r = s.get(format!("{b}/status/305")).send().await.unwrap();
    assert_eq!(r.status(), 305);
    assert_eq!(r.header("location").as_deref(), Some("/redirect/1"));
    assert!(r.history().is_empty());
    let r = s.get(redirect_to(&b, "/get", 300)).send().await.unwrap();
    assert_eq!(r.status(), 300);
    assert!(r.history().is_empty());
}

#[tokio::test]
async fn c02_303_turns_every_method_but_head_into_get() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let url = redirect_to(&b, "/anything", 303);
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        let body = echo_after(&s, method, &url, "x").await;
        assert_eq!(body["method"], "GET", "{method}");
        assert_eq!(body["data"], "", "{method}");
    }
    // HEAD stays HEAD: the final answer has a Content-Length but no body (a GET would
    // have one).
    let r = s.head(&url).allow_redirects(true).send().await.unwrap();
    assert_eq!(r.history().len(), 1);
    assert_eq!(r.status(), 200);
    let length: usize = r.header("content-length").unwrap().parse().unwrap();
    assert!(length > 0);
    assert!(r.bytes().await.unwrap().is_empty());
}

/// Decided against requests' C3 (302 turns PUT, PATCH and DELETE into GET too): on 302
/// only POST becomes GET; other methods keep their method and body.
#[tokio::test]
async fn c03_302_turns_only_post_into_get() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let url = redirect_to(&b, "/anything", 302);
    for method in ["PUT", "PATCH", "DELETE"] {
        let body = echo_after(&s, method, &url, "x").await;
        assert_eq!(body["method"], method);
        assert_eq!(body["data"], "x", "{method}");
    }
    let body = echo_after(&s, "POST", &url, "x").await;
    assert_eq!(body["method"], "GET");
    assert_eq!(body["data"], "");
}

/// Decided against requests' C4 quirk (301 keeps PUT but drops its body): on 301 POST
/// becomes GET, and every other method keeps its method and its body.
#[tokio::test]
async fn c04_301_turns_post_into_get_and_keeps_other_bodies() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    // `/status/301` leads to `/redirect/1` and then `/get`, which answers GET only.
    let r = s.post(format!("{b}/status/301")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.history().len(), 2);
    let url = redirect_to(&b, "/anything", 301);
    let body = echo_after(&s, "PUT", &url, "x").await;
    assert_eq!(body["method"], "PUT");
    assert_eq!(body["data"], "x");
}

#[tokio::test]
async fn c05_307_and_308_keep_the_method_and_the_body() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    for code in [307, 308] {
        let body = echo_after(&s, "POST", &redirect_to(&b, "/post", code), "test").await;
        assert_eq!(body["data"], "test", "{code}");
        let body = echo_after(&s, "PUT", &redirect_to(&b, "/anything", code), "t2").await;
        assert_eq!(
            (&body["method"], &body["data"]),
            (&json!("PUT"), &json!("t2"))
        );
    }
}

#[tokio::test]
async fn c06_a_method_change_drops_the_body_and_its_headers_and_keeps_the_others() {
    let Some(b) = httpbin() else { return };
    let r = Session::new()
        .post(redirect_to(&b, "/anything", 302))
        .header("X-K", "1")
        .form(&[("k", "v")])
        .send()
        .await
        .unwrap();
    let body = json(r).await;
    assert_eq!(body["method"], "GET");
    assert_eq!(body["headers"]["X-K"], "1");
    assert_eq!(body["form"], json!({}));
    for gone in ["Content-Type", "Content-Length", "Transfer-Encoding"] {
        assert!(body["headers"].get(gone).is_none(), "{gone}: {body}");
    }
}

/// The limit is 30 and counts followed redirects: 30 succeed, the 31st is
/// `TooManyRedirects` carrying the last redirect response and the earlier ones in its
/// history. `redirects(n)` sets it per session or per request. Unlike requests'
/// `max_redirects=0`, which raises, a limit of 0 returns the first redirect response.
#[tokio::test]
async fn c07_the_redirect_limit() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s.get(format!("{b}/redirect/30")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.history().len(), 30);

    let too_many = |err: Error| match err {
        Error::TooManyRedirects { url, response } => (url, response),
        other => panic!("not TooManyRedirects: {other}"),
    };
    let err = s
        .get(format!("{b}/relative-redirect/50"))
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("/relative-redirect/20"), "{err}");
    let (url, response) = too_many(err);
    assert!(url.as_str().ends_with("/relative-redirect/20"), "{url}");
    assert_eq!(response.url(), &url);
    assert_eq!(response.status(), 302);
    assert_eq!(response.history().len(), 30);

    let five = Session::builder().max_redirects(5).build().unwrap();
    let per_request = s.get(format!("{b}/relative-redirect/50")).max_redirects(5);
    for result in [
        five.get(format!("{b}/relative-redirect/50")).send().await,
        per_request.send().await,
    ] {
        let (url, response) = too_many(result.unwrap_err());
        assert!(url.as_str().ends_with("/relative-redirect/45"), "{url}");
        assert_eq!(response.history().len(), 5);
    }

    let r = s
        .get(format!("{b}/redirect/1"))
        .allow_redirects(false)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
}

#[tokio::test]
async fn c08_history_is_the_redirects_oldest_first() {
    let Some(b) = httpbin() else { return };
    let r = Session::new()
        .get(format!("{b}/redirect/3"))
        .send()
        .await
        .unwrap();
    let urls: Vec<&str> = r.history().iter().map(|h| h.url().path()).collect();
    assert_eq!(
        urls,
        [
            "/redirect/3",
            "/relative-redirect/2",
            "/relative-redirect/1"
        ]
    );
    assert!(r.history().iter().all(|h| h.status() == 302));
    assert_eq!(r.url().as_str(), format!("{b}/get"));
    let none = Session::new().get(format!("{b}/get")).send().await.unwrap();
    assert!(none.history().is_empty());
}

#[tokio::test]
async fn c09_relative_locations_are_resolved_against_the_current_url() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    for path in ["relative-redirect/2", "absolute-redirect/2"] {
        let r = s.get(format!("{b}/{path}")).send().await.unwrap();
        assert_eq!(r.url().as_str(), format!("{b}/get"), "{path}");
    }
    // Scheme-relative: the current scheme, another host.
    let target = as_localhost(&b).replace("http:", "") + "/get";
    let r = s.get(redirect_to(&b, &target, 302)).send().await.unwrap();
    assert_eq!(r.url().as_str(), format!("{}/get", as_localhost(&b)));
}

#[tokio::test]
async fn c10_the_fragment_is_kept_unless_the_location_has_one() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s
        .get(format!("{b}/redirect-to?url=get#frag"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.url().as_str(), format!("{b}/get#frag"));
    let r = s
        .get(format!("{b}/redirect-to?url=get%23new#frag"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.url().as_str(), format!("{b}/get#new"));
}

/// Authorization (from credentials or written by hand) is kept on the same origin and
/// removed when the host or the port changes; session auth is not applied again on the new
/// origin. (The http:80 → https:443 upgrade, which keeps it, needs ports we cannot bind.)
#[tokio::test]
async fn c11_authorization_is_removed_when_the_origin_changes() {
    let Some((b, b2)) = both() else { return };
    let s = Session::builder()
        .auth(Auth::basic("u", "p"))
        .build()
        .unwrap();
    let r = s.get(format!("{b}/redirect/1")).send().await.unwrap();
    assert_eq!(json(r).await["headers"]["Authorization"], "Basic dTpw");

    let by_hand = Session::new();
    for target in [as_localhost(&b), b2] {
        let url = redirect_to(&b, &format!("{target}/headers"), 302);
        for r in [
            s.get(&url).send().await,
            by_hand.get(&url).bearer_auth("t").send().await,
            by_hand
                .get(&url)
                .header("authorization", "Bearer t")
                .send()
                .await,
        ] {
            let r = r.unwrap();
            assert_eq!(r.history().len(), 1);
            let headers = &json(r).await["headers"];
            assert!(headers.get("Authorization").is_none(), "{headers}");
        }
    }
}

/// The Cookie header is rebuilt from the jar on every hop: a cookie of host A does not follow
/// a redirect to host B, and one set by a hop goes to the next hop on its host.
#[tokio::test]
async fn c12_cookie_headers_are_rebuilt_on_every_hop() {
    let Some(b) = httpbin() else { return };
    let local = as_localhost(&b);
    let s = Session::new();
    let url = Url::parse(&b).unwrap();
    s.jar().insert(&url, "a=1", SystemTime::now()).unwrap();
    let r = s
        .get(redirect_to(&b, &format!("{local}/cookies/set?l=2"), 302))
        .send()
        .await
        .unwrap();
    assert_eq!(r.history().len(), 2);
    assert_eq!(json(r).await["cookies"], json!({"l": "2"}));
}

/// Differs from requests (which strips Proxy-Authorization only on redirect): tarry has no
/// proxy support, so Proxy-Authorization is never sent to anyone, first hop included.
#[tokio::test]
async fn c13_proxy_authorization_is_never_sent() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.configure(|d| {
        d.headers
            .insert("proxy-authorization", "Basic eDp4".parse().unwrap());
    });
    for path in ["/headers", "/redirect-to?url=/headers"] {
        let r = s.get(format!("{b}{path}")).send().await.unwrap();
        let headers = &json(r).await["headers"];
        assert!(headers.get("Proxy-Authorization").is_none(), "{headers}");
    }
}

/// A limit of 0 returns the redirect as it is; `head` does not follow by default (as
/// requests). There is no `is_redirect`/`next`; the Location header is there to read.
#[tokio::test]
async fn c14_redirects_off_returns_the_3xx_and_head_does_not_follow() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let url = format!("{b}/redirect/1");
    for r in [
        s.get(&url).allow_redirects(false).send().await.unwrap(),
        s.head(&url).send().await.unwrap(),
    ] {
        assert_eq!(r.status(), 302);
        assert!(r.history().is_empty());
        assert_eq!(r.header("location").as_deref(), Some("/get"));
    }
}

/// Each redirect body is read before the next hop, so a same-host chain uses one
/// connection.
#[tokio::test]
async fn c15_intermediate_bodies_are_read_and_their_connection_reused() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let mut r = s.get(format!("{b}/redirect/3")).send().await.unwrap();
    assert_eq!(r.history().len(), 3);
    // The bodies of the hops were read along the way and are still there: /redirect/3 answers
    // with Flask's HTML page, the /relative-redirect hops after it with an empty body.
    let mut hops = r.take_history().into_iter();
    let first = hops.next().unwrap().text().await.unwrap();
    assert!(first.contains("Redirecting..."), "{first}");
    for hop in hops {
        assert_eq!(hop.status(), 302);
        assert_eq!(hop.text().await.unwrap(), "");
    }
    json(r).await;
    let stats = s.stats();
    assert_eq!((stats.opened, stats.reused), (1, 3), "{stats:?}");
}

#[tokio::test]
async fn c16_a_redirect_to_an_unsupported_scheme_is_an_error() {
    let Some(b) = httpbin() else { return };
    let url = redirect_to(&b, "ftp://x/", 302);
    let err = Session::new().get(&url).send().await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err}");
    assert!(err.to_string().contains("/redirect-to"), "{err}");
    assert!(err.to_string().contains("ftp://x/"), "{err}");
}
