use super::scenario::Scenario;
use crate::{CloseReason, Error};

#[test]
fn until_close_body_ends_at_eof_and_closes() {
    let mut call = Scenario::get("http://a.test/").to_recv_body(b"HTTP/1.1 200 OK\r\n\r\n");
    let step = call.read(b"all of it").unwrap();
    assert_eq!((step.consumed, step.data), (9, 0..9));
    assert!(!call.is_done());
    call.end_of_input().unwrap();
    assert!(call.is_done());
    assert_eq!(
        call.proceed().close_reason(0),
        Some(CloseReason::ReadToClose)
    );
}

#[test]
fn eof_inside_a_sized_body_is_an_error() {
    let mut call = Scenario::get("http://a.test/")
        .to_recv_body(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    call.read(&[b'x'; 10]).unwrap();
    assert_eq!(call.end_of_input(), Err(Error::IncompleteBody));
}

#[test]
fn eof_inside_a_chunked_body_is_an_error() {
    let mut call = Scenario::get("http://a.test/")
        .to_recv_body(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    call.read(b"5\r\nhello\r\n").unwrap();
    assert_eq!(call.end_of_input(), Err(Error::IncompleteBody));
}

#[test]
fn leaving_early_marks_the_connection() {
    let mut call = Scenario::get("http://a.test/")
        .to_recv_body(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n");
    call.read(b"ab").unwrap();
    assert_eq!(
        call.proceed().close_reason(0),
        Some(CloseReason::BodyNotFullyRead)
    );
}

#[test]
fn remaining_counts_down_an_announced_length_only() {
    let mut sized = Scenario::get("http://a.test/")
        .to_recv_body(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
    assert_eq!(sized.remaining(), Some(10));
    sized.read(b"abcd").unwrap();
    assert_eq!(sized.remaining(), Some(6));
    let chunked = Scenario::get("http://a.test/")
        .to_recv_body(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    assert_eq!(chunked.remaining(), None);
    let until_close = Scenario::get("http://a.test/").to_recv_body(b"HTTP/1.1 200 OK\r\n\r\n");
    assert_eq!(until_close.remaining(), None);
}
