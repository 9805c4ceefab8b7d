//! Section F of the behaviour checklist: what a response offers.

use tarry_session::{Error, Session};

use crate::harness::{enc, httpbin, json};

/// The charset comes from Content-Type; `text/*` without one is ISO-8859-1. Unlike requests
/// (None, then a guess by charset detection), everything else without a charset is UTF-8:
/// no guessing.
#[tokio::test]
async fn f01_the_encoding_comes_from_the_content_type() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s.get(format!("{b}/encoding/utf8")).send().await.unwrap();
    assert_eq!(r.encoding(), "UTF-8");
    assert!(r.text().await.unwrap().contains("∮ E⋅da = Q"));

    for (url, expected) in [
        (format!("{b}/robots.txt"), "ISO-8859-1"),
        (format!("{b}/json"), "UTF-8"),
        (format!("{b}/bytes/16"), "UTF-8"),
    ] {
        let r = s.get(&url).send().await.unwrap();
        assert_eq!(r.encoding(), expected, "{url}");
    }
    let empty = s.get(format!("{b}/status/204")).send().await.unwrap();
    assert_eq!(empty.text().await.unwrap(), "");
}

#[tokio::test]
async fn f02_json_parses_and_anything_else_is_a_decode_error() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s.get(format!("{b}/json")).send().await.unwrap();
    assert!(json(r).await["slideshow"].is_object());
    let url = format!("{b}/html");
    let r = s.get(&url).send().await.unwrap();
    let err = r.json::<serde_json::Value>().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err}");
    assert!(err.to_string().contains(&url), "{err}");
}

/// gzip, deflate and br are undone; the headers still describe the body as sent; a body
/// that is not what its Content-Encoding says is a decode error.
#[tokio::test]
async fn f03_compressed_bodies_are_decoded() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let mut cases = vec![("gzip", "gzipped"), ("deflate", "deflated")];
    if cfg!(feature = "brotli") {
        cases.push(("brotli", "brotli"));
    }
    for (path, flag) in cases {
        let r = s.get(format!("{b}/{path}")).send().await.unwrap();
        assert!(r.header("content-encoding").is_some(), "{path}");
        let body = json(r).await;
        assert_eq!(body[flag], true, "{path}: {body}");
        assert_eq!(
            body["headers"]["Accept-Encoding"],
            crate::harness::ACCEPT_ENCODING
        );
    }
    let lie = format!("{b}/response-headers?Content-Encoding=gzip");
    let r = s.get(&lie).send().await.unwrap();
    let err = r.bytes().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err}");
}

#[tokio::test]
async fn f04_framing_chunked_and_bodiless_responses() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let r = s.get(format!("{b}/stream/5")).send().await.unwrap();
    assert!(r.header("content-length").is_none());
    let text = r.text().await.unwrap();
    assert_eq!(text.lines().count(), 5, "{text}");
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }

    let r = s.head(format!("{b}/bytes/100")).send().await.unwrap();
    assert_eq!(r.header("content-length").as_deref(), Some("100"));
    assert!(r.bytes().await.unwrap().is_empty());
    let r = s.get(format!("{b}/status/204")).send().await.unwrap();
    assert!(r.bytes().await.unwrap().is_empty());
    // All of that on one connection: each body was framed exactly.
    assert_eq!(s.stats().opened, 1);
}

/// The body streams: `chunk()` hands out pieces as they arrive, then `None` for good. (There
/// is no StreamConsumedError: `bytes`, `text` and `json` consume the response.)
#[tokio::test]
async fn f05_streaming_the_body() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let mut r = s.get(format!("{b}/stream/3")).send().await.unwrap();
    let mut all = Vec::new();
    while let Some(piece) = r.chunk().await.unwrap() {
        all.extend_from_slice(&piece);
    }
    assert!(r.chunk().await.unwrap().is_none());
    assert_eq!(String::from_utf8(all).unwrap().lines().count(), 3);

    let mut r = s
        .get(format!("{b}/drip?numbytes=3&duration=1.5&delay=0"))
        .send()
        .await
        .unwrap();
    let mut pieces = 0;
    while let Some(piece) = r.chunk().await.unwrap() {
        assert!(piece.iter().all(|&b| b == b'*'));
        pieces += 1;
    }
    assert!(pieces >= 2, "the bytes came one by one, {pieces} pieces");
}

/// Header names are case-insensitive; repeated fields are joined with ", " by `header`,
/// kept apart by `headers`, and every Set-Cookie line reaches the jar.
#[tokio::test]
async fn f06_headers_are_case_insensitive_and_repeats_are_joined() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let url = format!(
        "{b}/response-headers?X-M=a&X-M=b&Set-Cookie={}&Set-Cookie={}",
        enc("c1=1"),
        enc("c2=2")
    );
    let r = s.get(&url).send().await.unwrap();
    assert_eq!(r.header("x-m").as_deref(), Some("a, b"));
    assert_eq!(r.header("X-M").as_deref(), Some("a, b"));
    assert_eq!(r.headers().get_all("x-M").iter().count(), 2);
    assert_eq!(r.cookies().len(), 2);
    assert_eq!(s.jar().len(), 2);
}

/// `error_for_status` is `raise_for_status`; its message names code, class and URL like
/// requests' ("404 Client Error: Not Found for url: …", with the standard reason phrase).
#[tokio::test]
async fn f07_status_helpers() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    for (code, class) in [(404, "Client Error"), (503, "Server Error")] {
        let url = format!("{b}/status/{code}");
        let r = s.get(&url).send().await.unwrap();
        assert!(r.is_error());
        let err = r.error_for_status().unwrap_err();
        assert!(matches!(err, Error::Status { status, .. } if status == code));
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("{code} {class}: ")),
            "{message}"
        );
        assert!(message.ends_with(&format!(" for url: {url}")), "{message}");
    }
    assert_eq!(
        Error::Status {
            url: format!("{b}/status/404").parse().unwrap(),
            status: http::StatusCode::NOT_FOUND,
        }
        .to_string(),
        format!("404 Client Error: Not Found for url: {b}/status/404")
    );
    let r = s.get(format!("{b}/status/200")).send().await.unwrap();
    assert!(!r.is_error());
    assert_eq!(r.error_for_status().unwrap().status(), 200);
}

/// Reading the body hands the connection back. There is no parsed `links`: the Link header
/// is there to read as it came.
#[tokio::test]
async fn f08_the_body_read_frees_the_connection_and_link_headers_are_readable() {
    let Some(b) = httpbin() else { return };
    let s = Session::new();
    let url = format!("{b}/response-headers?Link={}", enc("<u>; rel=\"next\""));
    let r = s.get(&url).send().await.unwrap();
    assert_eq!(r.header("link").as_deref(), Some("<u>; rel=\"next\""));
    assert_eq!(s.stats().idle, 0);
    r.bytes().await.unwrap();
    assert_eq!(s.stats().idle, 1);
    let r = s.get(format!("{b}/links/2/0")).send().await.unwrap();
    assert!(r.reused());
    assert!(r.header("link").is_none());
}
