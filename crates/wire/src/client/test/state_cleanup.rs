use std::time::Duration;

use super::scenario::Scenario;
use crate::{CloseReason, KeepAlive};

#[test]
fn clean_exchange_is_reusable_with_its_hint() {
    let call = Scenario::get("http://a.test/").to_cleanup(
        b"HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=3\r\nContent-Length: 2\r\n\r\nok",
    );
    assert_eq!(call.close_reason(0), None);
    assert_eq!(
        call.keep_alive(),
        Some(KeepAlive {
            timeout: Some(Duration::from_secs(5)),
            max: Some(3)
        })
    );
    assert_eq!(call.close_reason(1), Some(CloseReason::LeftoverBytes));
}

#[test]
fn reasons_from_both_sides() {
    let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let client = Scenario::get("http://a.test/").header("connection", "close");
    assert_eq!(
        client.to_cleanup(ok).close_reason(0),
        Some(CloseReason::ClientConnectionClose)
    );

    let server = b"HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n";
    let s = Scenario::get("http://a.test/");
    assert_eq!(
        s.to_cleanup(server).close_reason(0),
        Some(CloseReason::ServerConnectionClose)
    );

    let old = b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n";
    assert_eq!(
        s.to_cleanup(old).close_reason(0),
        Some(CloseReason::Http10Response)
    );
    let old_kept = b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n";
    assert_eq!(s.to_cleanup(old_kept).close_reason(0), None);

    let doubt =
        b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    assert_eq!(
        s.to_cleanup(doubt).close_reason(0),
        Some(CloseReason::FramingInDoubt)
    );
}

#[test]
fn trailers_are_kept_apart() {
    let mut call = Scenario::get("http://a.test/").to_cleanup(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nContent-Length: 99\r\n\r\n",
    );
    assert_eq!(call.trailers().unwrap()["content-length"], "99");
    assert!(call.take_trailers().is_some() && call.trailers().is_none());
}
