//! Every example of requests' "Session Objects" page, with the outcome the page prints.

use tarry_session::{Auth, Session};

use crate::harness::{httpbin, json};

#[tokio::test]
async fn seed_1_cookies_persist_across_requests() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.get(format!("{b}/cookies/set/sessioncookie/123456789"))
        .send()
        .await
        .unwrap();
    let r = s.get(format!("{b}/cookies")).send().await.unwrap();
    let body: serde_json::Value = json(r).await;
    assert_eq!(
        body,
        serde_json::json!({"cookies": {"sessioncookie": "123456789"}})
    );
}

#[tokio::test]
async fn seed_2_session_defaults_merge_with_request_values() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.configure(|d| {
        d.auth = Some(Auth::basic("user", "pass"));
        d.headers.insert("x-test", "true".parse().unwrap());
    });
    // both 'x-test' and 'x-test2' are sent
    let r = s
        .get(format!("{b}/headers"))
        .header("x-test2", "true")
        .send()
        .await
        .unwrap();
    let headers = &json(r).await["headers"];
    assert_eq!(headers["X-Test"], "true");
    assert_eq!(headers["X-Test2"], "true");
    assert_eq!(headers["Authorization"], "Basic dXNlcjpwYXNz");
}

#[tokio::test]
async fn seed_3_request_values_are_not_persisted() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s
        .get(format!("{b}/cookies"))
        .cookie("from-my", "browser")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.text().await.unwrap(),
        "{\n  \"cookies\": {\n    \"from-my\": \"browser\"\n  }\n}\n"
    );
    let r = s.get(format!("{b}/cookies")).send().await.unwrap();
    assert_eq!(json(r).await, serde_json::json!({"cookies": {}}));
}

#[tokio::test]
async fn seed_4_a_session_as_a_scope_closes_its_connections() {
    let Some(b) = httpbin() else { return };
    let stats = {
        let s = Session::new();
        s.get(format!("{b}/cookies/set/sessioncookie/123456789"))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let pool = s.clone();
        assert_eq!(pool.stats().idle, 1);
        drop(s); // the end of the `with` block
        pool
    };
    // The session is gone; its pool (held here only to look) is closed with it.
    let s2 = Session::new();
    s2.close().await;
    let err = s2.get(format!("{b}/get")).send().await.unwrap_err();
    assert!(matches!(err, tarry_session::Error::Closed), "{err}");
    drop(stats);
}

#[tokio::test]
async fn seed_5_a_request_can_remove_a_session_value() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    s.configure(|d| {
        d.headers.insert("x-test", "true".parse().unwrap());
        d.query.push(("k".into(), "v".into()));
    });
    let r = s
        .get(format!("{b}/get"))
        .remove_header("X-Test")
        .remove_query("k")
        .send()
        .await
        .unwrap();
    let body = json(r).await;
    assert!(body["headers"].get("X-Test").is_none(), "{body}");
    assert_eq!(body["args"], serde_json::json!({}));
}
