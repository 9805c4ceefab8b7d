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
