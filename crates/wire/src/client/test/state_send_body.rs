use http::HeaderMap;

use super::scenario::Scenario;
use crate::{Error, RequestBody};

#[test]
fn sized_body_is_copied_and_counted() {
    let mut call = Scenario::post("http://a.test/", RequestBody::Sized(5)).to_send_body();
    let mut out = Vec::new();
    assert_eq!(call.write(b"hel", &mut out), Ok(3));
    assert_eq!(call.remaining(), Some(2));
    assert_eq!(
        call.write(b"lo!", &mut out),
        Err(Error::BodyTooLong { declared: 5 })
    );
    assert_eq!(out, b"hel", "a refused write writes nothing");
    call.write(b"lo", &mut out).unwrap();
    call.finish(&mut out).unwrap();
    assert_eq!(out, b"hello");
}

#[test]
fn short_sized_body_is_refused() {
    let mut call = Scenario::post("http://a.test/", RequestBody::Sized(5)).to_send_body();
    call.write(b"he", &mut Vec::new()).unwrap();
    assert_eq!(
        call.finish(&mut Vec::new()).unwrap_err(),
        Error::BodyTooShort {
            declared: 5,
            written: 2
        }
    );
}

#[test]
fn chunked_body_with_trailers() {
    let mut call = Scenario::post("http://a.test/", RequestBody::Chunked).to_send_body();
    let mut out = Vec::new();
    call.write(b"hello", &mut out).unwrap();
    call.write(b"", &mut out).unwrap();
    call.write(&[b'x'; 26], &mut out).unwrap();
    let mut trailers = HeaderMap::new();
    trailers.insert("x-checksum", "abc".parse().unwrap());
    call.finish_with_trailers(&trailers, &mut out).unwrap();
    let mut expected = b"5\r\nhello\r\n1a\r\n".to_vec();
    expected.extend_from_slice(&[b'x'; 26]);
    expected.extend_from_slice(b"\r\n0\r\nx-checksum: abc\r\n\r\n");
    assert_eq!(out, expected);
}

#[test]
fn trailers_need_chunked() {
    let mut call = Scenario::post("http://a.test/", RequestBody::Sized(1)).to_send_body();
    call.write(b"x", &mut Vec::new()).unwrap();
    assert_eq!(
        call.finish_with_trailers(&HeaderMap::new(), &mut Vec::new())
            .unwrap_err(),
        Error::TrailersWithoutChunked
    );
}

#[test]
fn an_abandoned_body_reads_the_early_response_and_closes() {
    let mut call = Scenario::post("http://a.test/", RequestBody::Sized(1000)).to_send_body();
    call.write(b"first part", &mut Vec::new()).unwrap();
    let mut call = call.abandon();
    let response = b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n";
    assert!(matches!(
        call.read(response),
        Ok(crate::client::ResponseEvent::Final { .. })
    ));
    let (head, next) = call.proceed().unwrap().unwrap();
    assert_eq!(head.status(), 413);
    let crate::client::AfterResponse::NoBody(cleanup) = next else {
        panic!("a 413 with Content-Length 0 has no body");
    };
    assert_eq!(
        cleanup.close_reason(0),
        Some(crate::CloseReason::BodyNotSent)
    );
}

#[test]
fn interim_responses_during_the_upload_are_skipped_and_a_final_one_stops_it() {
    let mut call = Scenario::post("http://a.test/", RequestBody::Sized(1000)).to_send_body();
    call.write(b"first part", &mut Vec::new()).unwrap();
    assert!(matches!(
        call.read_early(b"HTTP/1.1 100 Cont"),
        Ok(crate::client::EarlyEvent::Partial)
    ));
    let got = call.read_early(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap();
    assert!(matches!(
        got,
        crate::client::EarlyEvent::Interim { consumed: 25, .. }
    ));
    let early = b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n";
    assert!(matches!(
        call.read_early(early),
        Ok(crate::client::EarlyEvent::Final)
    ));
}
