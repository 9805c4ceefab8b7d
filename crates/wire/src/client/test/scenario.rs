//! Builds a [`Call`] in any state from a request and the server bytes seen so far.

use http::{Method, Request};

use crate::client::state::{Await100, Cleanup, RecvBody, RecvResponse, SendBody, SendRequest};
use crate::client::{AfterHead, AfterResponse, Await100Next, Call, ResponseEvent};
use crate::{Limits, RequestBody, ResponseHead};

/// A request to start from; `to_*` methods walk the call to the named state.
pub(super) struct Scenario {
    method: Method,
    uri: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    body: RequestBody,
    limits: Limits,
}

impl Scenario {
    pub(super) fn get(uri: &'static str) -> Self {
        Scenario {
            method: Method::GET,
            uri,
            headers: Vec::new(),
            body: RequestBody::None,
            limits: Limits::default(),
        }
    }

    pub(super) fn post(uri: &'static str, body: RequestBody) -> Self {
        Scenario {
            method: Method::POST,
            uri,
            headers: Vec::new(),
            body,
            limits: Limits::default(),
        }
    }

    pub(super) fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    pub(super) fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub(super) fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    pub(super) fn to_send_request(&self) -> Call<SendRequest> {
        let mut req = Request::builder().method(self.method.clone()).uri(self.uri);
        for (n, v) in &self.headers {
            req = req.header(*n, *v);
        }
        Call::new(req.body(()).unwrap(), self.body)
            .unwrap()
            .with_limits(self.limits)
    }

    fn after_head(&self) -> AfterHead {
        self.to_send_request().write_head(&mut Vec::new()).unwrap()
    }

    pub(super) fn to_await_100(&self) -> Call<Await100> {
        match self.after_head() {
            AfterHead::Await100(c) => c,
            other => panic!("scenario does not wait for 100: {other:?}"),
        }
    }

    pub(super) fn to_send_body(&self) -> Call<SendBody> {
        match self.after_head() {
            AfterHead::SendBody(c) => c,
            AfterHead::Await100(c) => match c.proceed() {
                Await100Next::SendBody(c) => c,
                other => panic!("{other:?}"),
            },
            other => panic!("scenario has no body: {other:?}"),
        }
    }

    pub(super) fn to_recv_response(&self) -> Call<RecvResponse> {
        match self.after_head() {
            AfterHead::RecvResponse(c) => c,
            _ => {
                let mut call = self.to_send_body();
                let len = call.remaining().unwrap_or(0);
                let data = vec![b'x'; usize::try_from(len).unwrap()];
                call.write(&data, &mut Vec::new()).unwrap();
                call.finish(&mut Vec::new()).unwrap()
            }
        }
    }

    /// Reads `response` (a complete head) and returns what follows it.
    pub(super) fn to_after_response(&self, response: &[u8]) -> (ResponseHead, AfterResponse) {
        let mut call = self.to_recv_response();
        let mut at = 0;
        loop {
            match call.read(&response[at..]).unwrap() {
                ResponseEvent::Interim { consumed, .. } => at += consumed,
                ResponseEvent::Final { .. } => break,
                ResponseEvent::Partial => panic!("incomplete head in scenario"),
            }
        }
        call.proceed().unwrap().unwrap()
    }

    pub(super) fn to_recv_body(&self, response_head: &[u8]) -> Call<RecvBody> {
        match self.to_after_response(response_head).1 {
            AfterResponse::Body(c) => c,
            other => panic!("no body: {other:?}"),
        }
    }

    pub(super) fn to_cleanup(&self, response: &[u8]) -> Call<Cleanup> {
        match self.to_after_response(response).1 {
            AfterResponse::Body(mut c) => {
                let head_len = find_head_end(response);
                let body = &response[head_len..];
                let mut at = 0;
                while !c.is_done() && at < body.len() {
                    at += c.read(&body[at..]).unwrap().consumed;
                }
                c.proceed()
            }
            AfterResponse::NoBody(c) | AfterResponse::Upgrade(c) => c,
        }
    }
}

fn find_head_end(response: &[u8]) -> usize {
    let mut at = 0;
    loop {
        let end = response[at..]
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("scenario head ends with CRLFCRLF")
            + at
            + 4;
        // Skip interim heads the same way the call did.
        if response[at..].starts_with(b"HTTP/1.1 1") && !response[at..].starts_with(b"HTTP/1.1 101")
        {
            at = end;
            continue;
        }
        return end;
    }
}
