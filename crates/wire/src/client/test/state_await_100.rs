use super::scenario::Scenario;
use crate::client::{Await100Event, Await100Next, ResponseEvent};
use crate::{CloseReason, Error, RequestBody};

fn expecting() -> Scenario {
    Scenario::post("http://a.test/", RequestBody::Sized(3)).header("expect", "100-continue")
}

#[test]
fn continue_leads_to_the_body() {
    let mut call = expecting().to_await_100();
    assert!(matches!(
        call.read(b"HTTP/1.1 100 Cont"),
        Ok(Await100Event::Partial)
    ));
    let got = call.read(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap();
    assert!(matches!(got, Await100Event::Continue { consumed: 25 }));
    assert!(matches!(call.proceed(), Await100Next::SendBody(_)));
}

#[test]
fn other_interim_responses_are_reported_and_skipped() {
    let mut call = expecting().to_await_100();
    let Await100Event::Interim { consumed, head } = call
        .read(b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n")
        .unwrap()
    else {
        panic!("103 is interim");
    };
    assert_eq!((consumed, head.get("link")), (40, Some(&b"</a>"[..])));
}

#[test]
fn a_final_response_cancels_the_body_and_the_connection() {
    let mut call = expecting().to_await_100();
    let response = b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n";
    assert!(matches!(call.read(response), Ok(Await100Event::Final)));
    let Await100Next::RecvResponse(mut call) = call.proceed() else {
        panic!("a final response goes to RecvResponse");
    };
    assert!(matches!(
        call.read(response),
        Ok(ResponseEvent::Final { consumed: 54 })
    ));
    let (head, next) = call.proceed().unwrap().unwrap();
    assert_eq!(head.status(), 417);
    let crate::client::AfterResponse::NoBody(cleanup) = next else {
        panic!("no body")
    };
    assert_eq!(cleanup.close_reason(0), Some(CloseReason::BodyNotSent));
}

#[test]
fn giving_up_on_the_wait_sends_the_body() {
    let call = expecting().to_await_100();
    assert!(matches!(call.proceed(), Await100Next::SendBody(_)));
}

#[test]
fn endless_continues_hit_the_interim_limit() {
    let mut call = expecting().to_await_100();
    for _ in 0..10 {
        call.read(b"HTTP/1.1 102 Processing\r\n\r\n").unwrap();
    }
    assert_eq!(
        call.read(b"HTTP/1.1 102 Processing\r\n\r\n").unwrap_err(),
        Error::TooManyInterimResponses { limit: 10 }
    );
}
