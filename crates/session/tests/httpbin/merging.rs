//! Section A of the behaviour checklist: session defaults merged with per-request values.

use std::sync::atomic::Ordering;

use serde_json::json;
use tarry_session::{Auth, Error, Session};

use crate::harness::{
    counting_hook, first_request, httpbin, json, one_request_server, run_in_child,
};

#[tokio::test]
async fn a01_session_headers_go_out_on_every_request() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.configure(|d| {
        d.headers.insert("x-sess", "1".parse().unwrap());
    });
    for _ in 0..2 {
        let r = s.get(format!("{b}/headers")).send().await.unwrap();
        assert_eq!(json(r).await["headers"]["X-Sess"], "1");
    }
}

#[tokio::test]
async fn a02_request_headers_are_layered_over_session_headers() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.configure(|d| {
        d.headers.insert("x-a", "sess".parse().unwrap());
    });
    let r = s
        .get(format!("{b}/headers"))
        .header("X-A", "req")
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await["headers"]["X-A"], "req");
    // The session's map was not changed by the request.
    let r = s.get(format!("{b}/headers")).send().await.unwrap();
    assert_eq!(json(r).await["headers"]["X-A"], "sess");
}

#[tokio::test]
async fn a03_header_names_merge_case_insensitively() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.configure(|d| {
        d.headers.insert("foo", "bar".parse().unwrap());
    });
    let r = s
        .get(format!("{b}/headers"))
        .header("FOO", "baz")
        .send()
        .await
        .unwrap();
    // gunicorn joins repeated fields with ",": one value here means one field on the wire.
    assert_eq!(json(r).await["headers"]["Foo"], "baz");
}

#[tokio::test]
async fn a04_a_request_removal_drops_the_session_header_whatever_its_case() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.configure(|d| {
        d.headers.insert("foo", "bar".parse().unwrap());
    });
    let r = s
        .get(format!("{b}/get"))
        .remove_header("FOO")
        .send()
        .await
        .unwrap();
    let body = json(r).await;
    assert!(body["headers"].get("Foo").is_none(), "{body}");
}

/// Decided against requests/urllib3: a removed default header is not replaced by another
/// value (urllib3 sends `Accept-Encoding: identity` and its own `User-Agent`). We send
/// nothing we were not asked to send.
#[tokio::test]
async fn a05_a_removed_default_header_is_not_sent_at_all() {
    let Some(b) = httpbin() else { return };
    // Removed in the session's defaults...
    let s = Session::new();
    s.configure(|d| {
        d.headers.remove(http::header::ACCEPT_ENCODING);
    });
    let r = s.get(format!("{b}/headers")).send().await.unwrap();
    let headers = &json(r).await["headers"];
    assert!(headers.get("Accept-Encoding").is_none(), "{headers}");
    assert!(headers["User-Agent"].is_string(), "{headers}");
    // ...or for one request.
    let r = Session::new()
        .get(format!("{b}/headers"))
        .remove_header("user-agent")
        .send()
        .await
        .unwrap();
    let headers = &json(r).await["headers"];
    assert!(headers.get("User-Agent").is_none(), "{headers}");
}

/// Header order on the wire: Host first, then the session's headers in their order (a
/// request header that overrides one keeps its slot), then the request's new headers.
#[tokio::test]
async fn a06_header_order_follows_insertion_order() {
    let server = one_request_server();
    let s = Session::new();
    s.configure(|d| {
        for name in ["x-a", "x-b", "x-c"] {
            d.headers.insert(name, "sess".parse().unwrap());
        }
    });
    s.get(server.url("/"))
        .header("x-d", "req")
        .header("X-B", "req")
        .send()
        .await
        .unwrap();
    let head = first_request(&server);
    let names: Vec<String> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect();
    let position = |name: &str| {
        names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("{name} missing in {head}"))
    };
    assert_eq!(names[0], "host", "{head}");
    let order = ["user-agent", "x-a", "x-b", "x-c", "x-d"].map(position);
    assert!(order.is_sorted(), "{order:?} in {head}");
    assert!(head.to_ascii_lowercase().contains("x-b: req\r\n"), "{head}");
}

/// A value that cannot be a header (CR, LF, NUL) is refused before anything is sent.
/// (Ints and other non-strings cannot even be written in Rust.)
#[tokio::test]
async fn a07_invalid_header_values_fail_before_anything_is_sent() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    for bad in ["a\r\nInjected: 1", "a\nb", "a\0b"] {
        let err = s
            .get(format!("{b}/headers"))
            .header("x-bad", bad)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Builder { .. }), "{err}");
        assert!(err.to_string().contains("/headers"), "{err}");
    }
    let err = s
        .get(format!("{b}/headers"))
        .header("x bad", "v")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Builder { .. }), "{err}");
    assert_eq!(s.stats().opened, 0, "nothing may be sent");
    // A bad session default is refused when the session is built.
    let built = Session::builder().header("x-bad", "a\r\nb").build();
    assert!(matches!(built, Err(Error::Builder { .. })));
}

#[tokio::test]
async fn a08_params_merge_like_headers_but_case_sensitively() {
    let Some(b) = httpbin() else { return };
    let s = Session::builder().query(&[("foo", "bar")]).build().unwrap();
    let r = s
        .get(format!("{b}/get"))
        .query(&[("FOO", "bar")])
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await["args"], json!({"foo": "bar", "FOO": "bar"}));
}

/// `remove_query` is requests' `params={"a": None}`; the match is case-sensitive, as
/// parameter names are.
#[tokio::test]
async fn a09_a_request_removal_drops_the_session_param() {
    let Some(b) = httpbin() else { return };
    let s = Session::builder()
        .query(&[("a", "1"), ("b", "2")])
        .build()
        .unwrap();
    let r = s
        .get(format!("{b}/get"))
        .remove_query("a")
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await["args"], json!({"b": "2"}));
}

/// Decided against requests' A10 quirk (non-dict params replace the session's entirely):
/// a list of pairs merges with the session's params.
#[tokio::test]
async fn a10_a_list_of_pairs_merges_with_session_params() {
    let Some(b) = httpbin() else { return };
    let s = Session::builder()
        .query(&[("a", "1"), ("k", "s1"), ("k", "s2")])
        .build()
        .unwrap();
    let r = s
        .get(format!("{b}/get"))
        .query(&[("x", "9"), ("k", "r")])
        .send()
        .await
        .unwrap();
    // A request name replaces every session value of it.
    assert_eq!(json(r).await["args"], json!({"a": "1", "x": "9", "k": "r"}));
}

#[tokio::test]
async fn a11_params_are_appended_to_the_url_query_and_the_fragment_is_kept() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s
        .get(format!("{b}/get?x=1"))
        .query(&[("y", "a b")])
        .send()
        .await
        .unwrap();
    assert!(r.url().as_str().ends_with("/get?x=1&y=a+b"), "{}", r.url());
    assert_eq!(json(r).await["args"], json!({"x": "1", "y": "a b"}));

    let r = s
        .get(format!("{b}/get?x=1#frag"))
        .query(&[("k", "1"), ("k", "2"), ("u", "é")])
        .send()
        .await
        .unwrap();
    assert!(
        r.url().as_str().ends_with("/get?x=1&k=1&k=2&u=%C3%A9#frag"),
        "{}",
        r.url()
    );
    assert_eq!(
        json(r).await["args"],
        json!({"x": "1", "k": ["1", "2"], "u": "é"})
    );
}

#[tokio::test]
async fn a12_request_auth_beats_session_auth() {
    let Some(b) = httpbin() else { return };
    let s = Session::builder()
        .auth(Auth::basic("u", "p"))
        .build()
        .unwrap();
    let url = format!("{b}/basic-auth/u/p");
    assert_eq!(s.get(&url).send().await.unwrap().status(), 200);
    let r = s.get(&url).basic_auth("x", "y").send().await.unwrap();
    assert_eq!(r.status(), 401);
    // For that request only.
    assert_eq!(s.get(&url).send().await.unwrap().status(), 200);
}

/// Decided against requests' A13 quirk (`auth=None` cannot turn session auth off):
/// `.no_auth()` sends no credentials whatever the session has.
#[tokio::test]
async fn a13_no_auth_turns_session_auth_off() {
    let Some(b) = httpbin() else { return };
    let s = Session::builder()
        .auth(Auth::basic("u", "p"))
        .build()
        .unwrap();
    let r = s
        .get(format!("{b}/headers"))
        .no_auth()
        .send()
        .await
        .unwrap();
    let headers = &json(r).await["headers"];
    assert!(headers.get("Authorization").is_none(), "{headers}");
    let r = s.get(format!("{b}/basic-auth/u/p")).no_auth().send().await;
    assert_eq!(r.unwrap().status(), 401);
}

/// Source order: request auth, session auth, user:password in the URL. Unlike requests there
/// is no `.netrc` step (not supported; [`a17_child_no_environment_input`] shows a `.netrc`
/// is not read), and an `Authorization` header written by the caller is kept unless
/// credentials are also set (then the credentials win, as in requests).
#[tokio::test]
async fn a14_auth_source_order() {
    let Some(b) = httpbin() else { return };
    let with_url_creds = b.replace("http://", "http://u:p@");
    let url = format!("{with_url_creds}/basic-auth/u/p");
    // URL credentials when nothing else is set...
    let plain = Session::new();
    assert_eq!(plain.get(&url).send().await.unwrap().status(), 200);
    // ...but session auth beats them, and request auth beats both.
    let s = Session::builder()
        .auth(Auth::basic("x", "y"))
        .build()
        .unwrap();
    assert_eq!(s.get(&url).send().await.unwrap().status(), 401);
    let r = s.get(&url).basic_auth("u", "p").send().await.unwrap();
    assert_eq!(r.status(), 200);

    // Credentials overwrite a hand-written header...
    let s = Session::builder()
        .auth(Auth::basic("u", "p"))
        .build()
        .unwrap();
    s.configure(|d| {
        d.headers
            .insert("authorization", "Bearer t".parse().unwrap());
    });
    let r = s.get(format!("{b}/headers")).send().await.unwrap();
    assert_eq!(json(r).await["headers"]["Authorization"], "Basic dTpw");
    // ...which is kept when there are none.
    let r = plain
        .get(format!("{b}/headers"))
        .header("Authorization", "Bearer t")
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await["headers"]["Authorization"], "Bearer t");
}

#[tokio::test]
async fn a15_request_hooks_replace_session_hooks() {
    let Some(b) = httpbin() else { return };
    let (session_count, session_hook) = counting_hook();
    let (request_count, request_hook) = counting_hook();
    let s = Session::builder().hook(session_hook).build().unwrap();
    s.get(format!("{b}/get"))
        .hook(request_hook)
        .send()
        .await
        .unwrap();
    assert_eq!(session_count.load(Ordering::SeqCst), 0);
    assert_eq!(request_count.load(Ordering::SeqCst), 1);
    s.get(format!("{b}/get")).send().await.unwrap();
    assert_eq!(session_count.load(Ordering::SeqCst), 1);
}

/// Hooks run for every response of a redirect chain. (Ours observe; they cannot return a
/// replacement response as requests' can.)
#[tokio::test]
async fn a16_hooks_run_for_every_response_of_a_redirect_chain() {
    let Some(b) = httpbin() else { return };
    let (count, hook) = counting_hook();
    let r = Session::new()
        .get(format!("{b}/redirect/3"))
        .hook(hook)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(count.load(Ordering::SeqCst), 4);
}

/// Request values beat session values when given (here the redirect limit and a timeout).
/// Decided against requests' trust_env quirk: nothing is read from the environment at all,
/// so a proxy variable, a CA bundle variable or a `.netrc` changes nothing — shown by
/// running [`a17_child_no_environment_input`] in a child process with all of them set.
#[tokio::test]
async fn a17_request_settings_win_and_the_environment_is_ignored() {
    let Some(b) = httpbin() else { return };
    let s = Session::builder().allow_redirects(false).build().unwrap();
    let url = format!("{b}/redirect/1");
    assert_eq!(s.get(&url).send().await.unwrap().status(), 302);
    assert_eq!(
        s.get(&url)
            .allow_redirects(true)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let home = std::env::temp_dir().join(format!("tarry-a17-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let netrc = home.join(".netrc");
    std::fs::write(&netrc, "machine 127.0.0.1 login u password p\n").unwrap();
    let dead_proxy = "http://127.0.0.1:9";
    run_in_child(
        "merging::a17_child_no_environment_input",
        &[
            ("HTTP_PROXY", dead_proxy),
            ("http_proxy", dead_proxy),
            ("ALL_PROXY", dead_proxy),
            ("all_proxy", dead_proxy),
            ("NO_PROXY", ""),
            ("REQUESTS_CA_BUNDLE", "/nonexistent"),
            ("SSL_CERT_FILE", "/nonexistent"),
            ("HOME", home.to_str().unwrap()),
            ("NETRC", netrc.to_str().unwrap()),
        ],
    );
    let _ = std::fs::remove_dir_all(&home);
}

/// Run by [`a17_request_settings_win_and_the_environment_is_ignored`] with proxy variables
/// pointing nowhere and a `.netrc` holding `u`/`p` for 127.0.0.1: the request still goes
/// straight to httpbin and carries no credentials. Also passes on its own.
#[tokio::test]
async fn a17_child_no_environment_input() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s.get(format!("{b}/basic-auth/u/p")).send().await.unwrap();
    assert_eq!(r.status(), 401, "no credentials may come from .netrc");
    let r = s.get(format!("{b}/headers")).send().await.unwrap();
    let headers = &json(r).await["headers"];
    assert!(headers.get("Authorization").is_none(), "{headers}");
}

#[tokio::test]
async fn a18_the_method_is_uppercased() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    for (given, sent) in [("get", "GET"), ("Patch", "PATCH"), ("delete", "DELETE")] {
        let r = s
            .request(given, format!("{b}/anything"))
            .send()
            .await
            .unwrap();
        assert_eq!(json(r).await["method"], sent);
    }
}

/// Body headers are implied by the body's form; a caller's Content-Type is never replaced.
/// Decided against requests: `Content-Length: 0` goes with a bodiless POST, PUT or PATCH
/// only, not with DELETE or OPTIONS (RFC 9110 §8.6: not for methods that define no meaning
/// for a body). There is no streaming (chunked) upload API to check.
#[tokio::test]
async fn a19_body_related_headers_are_set_automatically() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let anything = format!("{b}/anything");
    let headers = |v: serde_json::Value| v["headers"].clone();

    let r = s.post(&anything).json(&json!({"a": 1})).send().await;
    let body = json(r.unwrap()).await;
    assert_eq!(body["headers"]["Content-Type"], "application/json");
    assert_eq!(body["json"], json!({"a": 1}));

    let r = s.post(&anything).form(&[("k", "v")]).send().await;
    let body = json(r.unwrap()).await;
    assert_eq!(
        body["headers"]["Content-Type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(body["form"], json!({"k": "v"}));

    let r = s.post(&anything).body("raw").send().await.unwrap();
    let h = headers(json(r).await);
    assert!(h.get("Content-Type").is_none(), "{h}");

    let r = s
        .post(&anything)
        .header("content-type", "text/plain")
        .json(&json!(1))
        .send()
        .await
        .unwrap();
    assert_eq!(headers(json(r).await)["Content-Type"], "text/plain");

    for method in ["POST", "PUT", "PATCH"] {
        let r = s.request(method, &anything).send().await.unwrap();
        assert_eq!(headers(json(r).await)["Content-Length"], "0", "{method}");
    }
    for method in ["GET", "DELETE"] {
        let r = s.request(method, &anything).send().await.unwrap();
        let h = headers(json(r).await);
        assert!(h.get("Content-Length").is_none(), "{method}: {h}");
    }
    // httpbin answers OPTIONS itself, without an echo: record the request instead.
    let server = one_request_server();
    s.options(server.url("/")).send().await.unwrap();
    let head = first_request(&server).to_ascii_lowercase();
    assert!(head.starts_with("options / http/1.1\r\n"), "{head}");
    assert!(!head.contains("content-length"), "{head}");
}

/// The defaults are the session's headers; changing them changes every later request. We
/// send `User-Agent: tarry/…`, `Accept: */*` and an `Accept-Encoding` of what we decode.
#[tokio::test]
async fn a20_default_headers_live_in_the_session_defaults() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s.get(format!("{b}/headers")).send().await.unwrap();
    let headers = &json(r).await["headers"];
    let agent = headers["User-Agent"].as_str().unwrap();
    assert!(agent.starts_with("tarry/"), "{headers}");
    assert_eq!(headers["Accept"], "*/*");
    assert_eq!(headers["Accept-Encoding"], crate::harness::ACCEPT_ENCODING);

    s.configure(|d| {
        d.headers.insert("user-agent", "x".parse().unwrap());
    });
    let r = s.get(format!("{b}/user-agent")).send().await.unwrap();
    assert_eq!(json(r).await["user-agent"], "x");
}
