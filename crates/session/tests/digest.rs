//! Digest authentication against scripted origins: the challenge answered once per request,
//! the nonce reused when the server allows it (one round trip from the second request on),
//! and the credentials kept to the origin that challenged.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use tarry_session::{Auth, Session};
use tarry_testkit::{Script, ScriptedServer};

const CHALLENGE: &str = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"r\", \
    nonce=\"n0nce\", qop=\"auth\", algorithm=SHA-256, opaque=\"op\"\r\nContent-Length: 0\r\n\r\n";
const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/// A server that accepts any Digest answer to its one nonce and challenges everything else.
fn lenient() -> ScriptedServer {
    ScriptedServer::repeating(Script::answer_with(|request: &[u8]| {
        let text = String::from_utf8_lossy(request).to_ascii_lowercase();
        if text.contains("\r\nauthorization: digest ") && text.contains("nonce=\"n0nce\"") {
            Bytes::from_static(OK.as_bytes())
        } else {
            Bytes::from_static(CHALLENGE.as_bytes())
        }
    }))
    .unwrap()
}

#[tokio::test]
async fn the_nonce_is_reused_so_later_requests_take_one_round_trip() {
    let server = lenient();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    let s = Session::builder()
        .auth(Auth::digest("user", "pass"))
        .hook(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        })
        .build()
        .unwrap();
    for i in 0..3 {
        let r = s.get(server.url(&format!("/p{i}"))).send().await.unwrap();
        assert_eq!(r.text().await.unwrap(), "ok");
    }
    assert_eq!(
        seen.load(Ordering::Relaxed),
        4,
        "2 for the first request, 1 for each after"
    );
    let requests: Vec<String> = server
        .requests()
        .into_iter()
        .flatten()
        .map(|r| String::from_utf8_lossy(&r).into_owned())
        .collect();
    assert_eq!(requests.len(), 4);
    assert!(!requests[0].to_ascii_lowercase().contains("authorization"));
    // The count rises with each use of the nonce; the uri is the request target.
    for (request, nc, path) in [
        (&requests[1], "00000001", "/p0"),
        (&requests[2], "00000002", "/p1"),
        (&requests[3], "00000003", "/p2"),
    ] {
        assert!(request.contains(&format!("nc={nc}")), "{request}");
        assert!(request.contains(&format!("uri=\"{path}\"")), "{request}");
        assert!(
            request.contains("algorithm=SHA-256") && request.contains("opaque=\"op\""),
            "{request}"
        );
    }
}

#[tokio::test]
async fn a_server_that_always_challenges_gets_one_answer_per_request() {
    let server =
        ScriptedServer::repeating(Script::answer_all(CHALLENGE.as_bytes().to_vec())).unwrap();
    let s = Session::builder()
        .auth(Auth::digest("user", "pass"))
        .build()
        .unwrap();
    let r = s.get(server.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        server.requests().concat().len(),
        2,
        "the request and one answer, no loop"
    );
}

#[tokio::test]
async fn digest_credentials_stay_with_the_origin_that_challenged() {
    let other = lenient();
    let to_other = format!(
        "HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\n\r\n",
        other.url("/landing")
    );
    let first = ScriptedServer::repeating(Script::answer_with(move |request: &[u8]| {
        let text = String::from_utf8_lossy(request).to_ascii_lowercase();
        if text.contains("\r\nauthorization: digest ") {
            Bytes::from(to_other.clone())
        } else {
            Bytes::from_static(CHALLENGE.as_bytes())
        }
    }))
    .unwrap();
    let s = Session::builder()
        .auth(Auth::digest("user", "pass"))
        .build()
        .unwrap();
    let r = s.get(first.url("/start")).send().await.unwrap();
    // The other origin challenged, and was not answered: the credentials stayed behind.
    assert_eq!(r.status(), 401);
    let at_other: Vec<String> = other
        .requests()
        .into_iter()
        .flatten()
        .map(|r| String::from_utf8_lossy(&r).to_ascii_lowercase())
        .collect();
    assert_eq!(at_other.len(), 1);
    assert!(!at_other[0].contains("authorization"), "{}", at_other[0]);
}
