use http::Method;

use super::scenario::Scenario;
use crate::client::{AfterResponse, ResponseEvent};
use crate::{CloseReason, Error, Limits};

#[test]
fn partial_heads_consume_nothing() {
    let mut call = Scenario::get("http://a.test/").to_recv_response();
    let full = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    for end in 0..38 {
        assert!(
            matches!(call.read(&full[..end]), Ok(ResponseEvent::Partial)),
            "{end}"
        );
    }
    assert!(matches!(
        call.read(full),
        Ok(ResponseEvent::Final { consumed: 38 })
    ));
    assert_eq!(call.end_of_input(&full[..37]), Error::IncompleteHead);
    assert_eq!(
        call.end_of_input(b"HTTP/1.1 200 OK\r\nBad Name: x\r\n"),
        Error::InvalidHeaderName
    );
}

#[test]
fn interim_heads_are_skipped_and_counted_against_the_head_limit() {
    let s = Scenario::get("http://a.test/").limits(Limits::default().max_head_bytes(60));
    let mut call = s.to_recv_response();
    assert!(matches!(
        call.read(b"HTTP/1.1 103 Early Hints\r\n\r\n"),
        Ok(ResponseEvent::Interim { consumed: 28, .. })
    ));
    assert_eq!(
        call.read(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            .unwrap_err(),
        Error::HeadTooLarge { limit: 60 }
    );
}

#[test]
fn switching_protocols_needs_an_upgrade_request() {
    let mut call = Scenario::get("http://a.test/").to_recv_response();
    let reply = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
    assert_eq!(
        call.read(reply).unwrap_err(),
        Error::UnexpectedSwitchingProtocols
    );

    let s = Scenario::get("http://a.test/")
        .header("connection", "upgrade")
        .header("upgrade", "websocket");
    let (head, next) = s.to_after_response(reply);
    assert_eq!(head.status(), 101);
    let AfterResponse::Upgrade(call) = next else {
        panic!("101 upgrades")
    };
    assert_eq!(call.close_reason(0), Some(CloseReason::Upgraded));
}

#[test]
fn connect_success_is_a_tunnel() {
    let s = Scenario::get("a.test:443").method(Method::CONNECT);
    let (_, next) = s.to_after_response(b"HTTP/1.1 200 Connection Established\r\n\r\n");
    assert!(matches!(next, AfterResponse::Upgrade(_)));
}

#[test]
fn framing_errors_surface_at_proceed() {
    let mut call = Scenario::get("http://a.test/").to_recv_response();
    call.read(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
        .unwrap();
    assert_eq!(call.proceed().unwrap_err(), Error::ConflictingContentLength);
}

#[test]
fn proceed_before_the_final_head_is_none() {
    let call = Scenario::get("http://a.test/").to_recv_response();
    assert!(matches!(call.proceed(), Ok(None)));
}
