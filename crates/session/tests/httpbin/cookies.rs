//! Section B of the behaviour checklist: the session's cookie jar and per-request cookies.

use std::time::SystemTime;

use serde_json::json;
use tarry_session::Session;
use url::Url;

use crate::harness::{
    as_localhost, enc, first_request, httpbin, json, one_request_server, redirect_to,
};

/// What httpbin's `/cookies` says it received.
async fn cookies_seen(s: &Session, base: &str) -> serde_json::Value {
    let r = s.get(format!("{base}/cookies")).send().await.unwrap();
    json(r).await["cookies"].clone()
}

/// `B/response-headers?Set-Cookie=LINE`.
fn set_cookie(base: &str, line: &str) -> String {
    format!("{base}/response-headers?Set-Cookie={}", enc(line))
}

/// The value the jar holds for a host-only cookie `name` on `host`, path `/`.
fn jar_value(s: &Session, host: &str, name: &str) -> Option<String> {
    s.jar().get(host, "/", name).map(|c| c.value().to_owned())
}

#[tokio::test]
async fn b01_set_cookie_on_a_direct_response_is_saved() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s.get(set_cookie(&b, "a=1")).send().await.unwrap();
    assert_eq!(r.cookies(), [("a".to_owned(), "1".to_owned())]);
    assert_eq!(jar_value(&s, "127.0.0.1", "a").as_deref(), Some("1"));
    assert_eq!(cookies_seen(&s, &b).await, json!({"a": "1"}));
}

#[tokio::test]
async fn b02_set_cookie_on_a_redirect_is_saved_and_sent_on_the_next_hop() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s
        .get(format!("{b}/cookies/set?foo=bar"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.history().len(), 1);
    assert_eq!(r.history()[0].status(), 302);
    assert_eq!(json(r).await["cookies"], json!({"foo": "bar"}));
    assert_eq!(jar_value(&s, "127.0.0.1", "foo").as_deref(), Some("bar"));
}

#[tokio::test]
async fn b03_response_cookies_are_those_of_that_response_only() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s
        .get(format!("{b}/cookies/set?foo=bar"))
        .send()
        .await
        .unwrap();
    assert!(r.cookies().is_empty(), "{:?}", r.cookies());
    assert_eq!(
        r.history()[0].cookies(),
        [("foo".to_owned(), "bar".to_owned())]
    );
    assert_eq!(jar_value(&s, "127.0.0.1", "foo").as_deref(), Some("bar"));
}

#[tokio::test]
async fn b04_per_request_cookies_are_sent_but_not_saved() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s
        .get(format!("{b}/cookies"))
        .cookie("x", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await["cookies"], json!({"x": "1"}));
    assert!(s.jar().is_empty());
    assert_eq!(cookies_seen(&s, &b).await, json!({}));
}

#[tokio::test]
async fn b05_a_per_request_cookie_overrides_a_manual_jar_cookie_for_that_request() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let url = Url::parse(&b).unwrap();
    s.jar().insert(&url, "foo=bar", SystemTime::now()).unwrap();
    let r = s
        .get(format!("{b}/cookies"))
        .cookie("foo", "baz")
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await["cookies"], json!({"foo": "baz"}));
    assert_eq!(jar_value(&s, "127.0.0.1", "foo").as_deref(), Some("bar"));
    assert_eq!(cookies_seen(&s, &b).await, json!({"foo": "bar"}));
}

/// Decided against requests' B6 quirk (a per-request cookie is sent next to a server-set one
/// of the same name, which then wins at httpbin): the request value replaces every jar
/// cookie of that name for that request.
#[tokio::test]
async fn b06_a_per_request_cookie_replaces_a_server_set_cookie_of_the_same_name() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.get(format!("{b}/cookies/set?foo=srv"))
        .send()
        .await
        .unwrap();
    let r = s
        .get(format!("{b}/headers"))
        .cookie("foo", "req")
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await["headers"]["Cookie"], "foo=req");
    assert_eq!(jar_value(&s, "127.0.0.1", "foo").as_deref(), Some("srv"));
}

#[tokio::test]
async fn b07_per_request_cookies_are_carried_through_every_hop() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s
        .get(format!("{b}/redirect/2"))
        .cookie("foo", "bar")
        .send()
        .await
        .unwrap();
    assert_eq!(r.history().len(), 2);
    assert_eq!(json(r).await["headers"]["Cookie"], "foo=bar");
    assert!(s.jar().is_empty(), "still not saved");
}

/// Decided against requests' B8 quirk (manual and per-request cookies have no domain and go
/// to every host): there are no domain-less cookies. A cookie added by hand is scoped to the
/// URL it is inserted for, and per-request cookies stay on the request's original origin,
/// even across a redirect.
#[tokio::test]
async fn b08_manual_and_per_request_cookies_are_bound_to_a_host() {
    let Some(b) = httpbin() else { return };
    let other = as_localhost(&b);
    let s = Session::new();
    let url = Url::parse(&b).unwrap();
    s.jar().insert(&url, "k=v", SystemTime::now()).unwrap();
    assert_eq!(cookies_seen(&s, &b).await, json!({"k": "v"}));
    assert_eq!(cookies_seen(&s, &other).await, json!({}));

    let r = Session::new()
        .get(redirect_to(&b, &format!("{other}/cookies"), 302))
        .cookie("mine", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.url().host_str(), Some("localhost"));
    assert_eq!(json(r).await["cookies"], json!({}));
}

#[tokio::test]
async fn b09_a_cookie_without_domain_is_tied_to_the_request_host() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.get(format!("{b}/cookies/set?h=1")).send().await.unwrap();
    assert_eq!(cookies_seen(&s, &as_localhost(&b)).await, json!({}));
    assert_eq!(cookies_seen(&s, &b).await, json!({"h": "1"}));
}

#[tokio::test]
async fn b10_a_domain_that_does_not_match_the_host_is_rejected() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s
        .get(set_cookie(&b, "d=1; Domain=example.com"))
        .send()
        .await
        .unwrap();
    assert!(r.cookies().is_empty(), "{:?}", r.cookies());
    assert!(s.jar().is_empty());
}

#[tokio::test]
async fn b11_path_scoping() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.get(set_cookie(&b, "p=1; Path=/anything"))
        .send()
        .await
        .unwrap();
    for path in ["/anything", "/anything/x"] {
        let r = s.get(format!("{b}{path}")).send().await.unwrap();
        assert_eq!(json(r).await["headers"]["Cookie"], "p=1", "{path}");
    }
    assert_eq!(cookies_seen(&s, &b).await, json!({}));
    // Cookies do not care about the port: a recording server on 127.0.0.1 gets the jar's
    // cookies for its paths, so it shows that `/anythingelse` does not match `/anything`.
    let server = one_request_server();
    s.get(server.url("/anythingelse")).send().await.unwrap();
    let head = first_request(&server).to_ascii_lowercase();
    assert!(!head.contains("cookie"), "{head}");
}

#[tokio::test]
async fn b12_an_expiry_in_the_past_or_max_age_0_deletes_the_cookie() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let deletions = [
        set_cookie(&b, "a=x; expires=Thu, 01-Jan-1970 00:00:01 GMT"),
        set_cookie(&b, "a=x; Max-Age=0"),
        format!("{b}/cookies/delete?a"),
    ];
    for deletion in deletions {
        s.get(set_cookie(&b, "a=1")).send().await.unwrap();
        assert_eq!(jar_value(&s, "127.0.0.1", "a").as_deref(), Some("1"));
        s.get(&deletion).send().await.unwrap();
        assert_eq!(jar_value(&s, "127.0.0.1", "a"), None, "{deletion}");
        assert_eq!(cookies_seen(&s, &b).await, json!({}), "{deletion}");
    }
}

/// `Secure` cookies never go over http. (6265bis, which our jar follows, goes further: an
/// http origin cannot even set one, so it is not stored. Sending over https needs a TLS
/// server, which the jar's and pool's own tests cover.)
#[tokio::test]
async fn b13_secure_cookies_are_not_sent_over_http() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s.get(set_cookie(&b, "s=1; Secure")).send().await.unwrap();
    assert!(r.cookies().is_empty(), "{:?}", r.cookies());
    assert_eq!(cookies_seen(&s, &b).await, json!({}));
    assert!(s.jar().is_empty());
}

#[tokio::test]
async fn b14_quoted_values_keep_their_quotes() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.get(set_cookie(&b, "foo=\"bar:baz\""))
        .send()
        .await
        .unwrap();
    assert_eq!(
        jar_value(&s, "127.0.0.1", "foo").as_deref(),
        Some("\"bar:baz\"")
    );
    let r = s.get(format!("{b}/headers")).send().await.unwrap();
    assert_eq!(json(r).await["headers"]["Cookie"], "foo=\"bar:baz\"");
}

/// Decided against requests' B15 quirk (a hand-written `Cookie` header disappears after the
/// first hop): it is kept on same-origin hops, next to the jar's cookies, which are rebuilt
/// for every hop. Cross-origin hops drop it (see `security::jar_12_…`).
#[tokio::test]
async fn b15_a_raw_cookie_header_survives_same_origin_redirects() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s
        .get(redirect_to(&b, "/cookies/set?j=2", 302))
        .header("Cookie", "m=1")
        .send()
        .await
        .unwrap();
    // Two hops later: the caller's m, and j which the second hop set.
    assert_eq!(r.history().len(), 2);
    assert_eq!(json(r).await["cookies"], json!({"m": "1", "j": "2"}));
    assert_eq!(jar_value(&s, "127.0.0.1", "m"), None, "never stored");
}

/// The jar's own API (by domain, path and name rather than requests' dict): two cookies of
/// one name on two hosts are two entries; removing one changes what is sent.
#[tokio::test]
async fn b16_jar_access_by_domain_path_and_name() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.get(format!("{b}/cookies/set?n=ip")).send().await.unwrap();
    let local = as_localhost(&b);
    s.get(format!("{local}/cookies/set?n=name"))
        .send()
        .await
        .unwrap();
    assert_eq!(s.jar().len(), 2);
    assert_eq!(jar_value(&s, "127.0.0.1", "n").as_deref(), Some("ip"));
    assert_eq!(jar_value(&s, "localhost", "n").as_deref(), Some("name"));

    let removed = s.jar().remove("127.0.0.1", "/", "n").unwrap();
    assert_eq!(removed.value(), "ip");
    assert_eq!(cookies_seen(&s, &b).await, json!({}));
    assert_eq!(cookies_seen(&s, &local).await, json!({"n": "name"}));
    s.jar().clear();
    assert!(s.jar().is_empty());
    assert_eq!(cookies_seen(&s, &local).await, json!({}));
}

/// Decided against requests' B17 quirks (RFC 6265 instead): a cookie from `localhost` is
/// stored for `localhost` (not `localhost.local`), `Domain=localhost` from localhost is
/// accepted, and it does not reach `127.0.0.1` (an IP literal matches only itself).
#[tokio::test]
async fn b17_localhost_and_ip_hosts_follow_rfc_6265() {
    let Some(b) = httpbin() else { return };
    let local = as_localhost(&b);
    let s = Session::new();
    s.get(set_cookie(&local, "d=1; Domain=localhost"))
        .send()
        .await
        .unwrap();
    s.get(set_cookie(&local, "h=1")).send().await.unwrap();
    let domains: Vec<String> = s
        .jar()
        .cookies()
        .iter()
        .map(|c| c.domain().to_owned())
        .collect();
    assert_eq!(domains, ["localhost", "localhost"]);
    assert_eq!(cookies_seen(&s, &local).await, json!({"d": "1", "h": "1"}));
    assert_eq!(cookies_seen(&s, &b).await, json!({}));
}

/// A cookie added by hand whose value holds `;`, `,` and spaces reaches a real server as
/// that value, not as several cookies: Werkzeug unquotes what the jar quoted. The same goes
/// for a cookie given for one request.
#[tokio::test]
async fn b18_a_cookie_by_hand_with_separators_round_trips_through_the_server() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let value = "a;b, c; Path=/admin";
    s.jar()
        .add(tarry_session::NewCookie::new("pref", value).host("127.0.0.1"))
        .unwrap();
    assert_eq!(cookies_seen(&s, &b).await, json!({ "pref": value }));
    assert_eq!(jar_value(&s, "127.0.0.1", "pref").as_deref(), Some(value));

    let r = s
        .get(format!("{b}/cookies"))
        .cookie("once", "x;y=z")
        .send()
        .await
        .unwrap();
    assert_eq!(
        json(r).await["cookies"],
        json!({ "pref": value, "once": "x;y=z" })
    );
    assert_eq!(s.jar().cookies().len(), 1);
}
