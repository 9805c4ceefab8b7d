//! Request bodies read as they are sent, against httpbin: chunked streams, files, and the
//! redirects that ask for a body again.

use bytes::Bytes;
use tarry_session::{Body, Error, RedirectError, Session};

use crate::harness::{httpbin, json, redirect_to};

/// A stream of the given pieces.
fn stream_of(pieces: &'static [&'static str]) -> Body {
    struct Pieces(std::slice::Iter<'static, &'static str>);
    impl futures_core::Stream for Pieces {
        type Item = std::io::Result<Bytes>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.next().map(|p| Ok(Bytes::from_static(p.as_bytes()))))
        }
    }
    Body::from_stream(Pieces(pieces.iter()))
}

#[tokio::test]
async fn a_stream_of_unknown_length_is_sent_chunked_and_echoed() {
    let Some(b) = httpbin() else { return };
    let r = Session::new()
        .post(format!("{b}/post"))
        .header("content-type", "application/octet-stream")
        .body(stream_of(&["hello ", "", "streamed ", "world"]))
        .send()
        .await
        .unwrap();
    let seen = json(r).await;
    assert_eq!(seen["data"], "hello streamed world");
    assert_eq!(seen["headers"]["Transfer-Encoding"], "chunked");
    assert!(seen["headers"].get("Content-Length").is_none());
}

#[tokio::test]
async fn a_file_is_sent_with_its_length_and_again_after_a_307() {
    let Some(b) = httpbin() else { return };
    let path = std::env::temp_dir().join(format!("tarry-upload-{}.txt", std::process::id()));
    std::fs::write(&path, "file contents\n").unwrap();
    let s = Session::new();
    let to_post = redirect_to(&b, "/post", 307);
    let r = s
        .post(&to_post)
        .header("content-type", "text/plain")
        .body(Body::file(&path).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.history().len(), 1);
    let seen = json(r).await;
    assert_eq!(seen["data"], "file contents\n");
    assert_eq!(seen["headers"]["Content-Length"], "14");
    std::fs::remove_file(&path).unwrap();
}

/// requests raises `UnrewindableBodyError`; here the redirect is a typed error naming the URL
/// that asked for the body again.
#[tokio::test]
async fn a_307_that_asks_again_for_a_streamed_body_is_a_typed_error() {
    let Some(b) = httpbin() else { return };
    let to_post = redirect_to(&b, "/post", 307);
    let err = Session::new()
        .post(&to_post)
        .body(stream_of(&["once"]))
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Redirect {
            url,
            reason: RedirectError::BodyNotReplayable,
        } => assert!(url.as_str().contains("/redirect-to"), "{url}"),
        other => panic!("{other:?}"),
    }
    // A 303 turns the request into a GET without a body: nothing is asked again.
    let to_get = redirect_to(&b, "/get", 303);
    let r = Session::new()
        .post(&to_get)
        .body(stream_of(&["once"]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A stream that can reopen itself follows the 307.
    let reopening = stream_of(&["again"]).reopen_with(|| Ok(stream_of(&["again"])));
    let r = Session::new()
        .post(&to_post)
        .header("content-type", "text/plain")
        .body(reopening)
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await["data"], "again");
}

/// requests' `files=` with `data=`: httpbin parses the form back into its `form` and `files`.
#[tokio::test]
async fn a_multipart_form_with_fields_and_files_is_parsed_back_by_httpbin() {
    use tarry_session::multipart::{Form, Part};

    let Some(b) = httpbin() else { return };
    let path = std::env::temp_dir().join(format!("tarry-form-{}.txt", std::process::id()));
    std::fs::write(&path, "from disk\n").unwrap();
    let form = Form::new()
        .text("title", "holiday")
        .text("naïve \"quoted\"", "ünïcode")
        .part("memo", Part::bytes(&b"in memory"[..]).file_name("memo.txt"))
        .file("upload", &path)
        .unwrap()
        .part(
            "streamed",
            Part::stream(stream_of(&["from ", "a stream"])).file_name("s.bin"),
        );
    let r = Session::new()
        .post(format!("{b}/post"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let seen = json(r).await;
    assert_eq!(seen["form"]["title"], "holiday", "{seen}");
    // Werkzeug undoes the browsers' escaping: the name comes back as it was given.
    assert_eq!(seen["form"]["naïve \"quoted\""], "ünïcode", "{seen}");
    assert_eq!(seen["files"]["memo"], "in memory", "{seen}");
    assert_eq!(seen["files"]["upload"], "from disk\n", "{seen}");
    assert_eq!(seen["files"]["streamed"], "from a stream", "{seen}");
    let content_type = seen["headers"]["Content-Type"].as_str().unwrap_or_default();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    // A stream part has no length: the form goes chunked.
    assert_eq!(seen["headers"]["Transfer-Encoding"], "chunked");

    // Without a stream, the form has a length and follows a 307.
    let form = Form::new().text("a", "1").file("upload", &path).unwrap();
    let r = Session::new()
        .post(redirect_to(&b, "/post", 307))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.history().len(), 1);
    let seen = json(r).await;
    assert_eq!(seen["files"]["upload"], "from disk\n", "{seen}");
    assert!(seen["headers"]["Content-Length"].is_string(), "{seen}");
    std::fs::remove_file(&path).unwrap();
}
