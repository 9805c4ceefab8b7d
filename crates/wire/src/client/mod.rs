//! One request/response exchange as a typed state machine.
//!
//! A [`Call`] is parameterised by its state. Each state has only the methods that make sense in
//! it, and moving on consumes the call and returns the next state, so "write the body before
//! the head" or "read the body of a `HEAD` response" does not compile.
//!
//! ```text
//!                 Call::new(request, RequestBody)
//!                              │
//!                              ▼
//!                        SendRequest ── write_head ──┬──────────────────────┐
//!                              │                     │ Expect: 100-continue │ RequestBody::None
//!                              │ body                ▼                      │
//!                              │                 Await100 ── final ──┐      │
//!                              │                     │ 100 or timeout│      │
//!                              ▼                     ▼               │      │
//!                           SendBody ◄───────────────┘               │      │
//!                              │ finish                              │      │
//!                              ▼                                     ▼      ▼
//!                         RecvResponse  (1xx heads reported and skipped)
//!                              │ proceed → (ResponseHead, …)
//!                  ┌───────────┼─────────────┐
//!                  ▼           │ no body     │ 101 / CONNECT 2xx
//!               RecvBody       │             │
//!                  │ proceed   ▼             ▼
//!                  └──────► Cleanup ◄── Upgrade (always closes)
//!                              │
//!                              ▼  close_reason(leftover) → None: the connection may be reused
//! ```
//!
//! [`Call::write_request`] is `Call::new` and `write_head` in one step, on a borrowed
//! [`RequestParts`](crate::RequestParts): it lands where `write_head` would, without holding
//! the request.
//!
//! Every method takes bytes in and gives bytes out. Reading methods return how much input they
//! consumed; input they did not consume must be offered again, with more appended, on the next
//! call. Writing methods append to any [`bytes::BufMut`] and fail with
//! [`Error::OutputTooSmall`] before writing anything if it is full.
//!
//! # A whole exchange
//!
//! ```
//! use http::Request;
//! use tarry_wire::client::{AfterHead, AfterResponse, Await100Event, Await100Next, Call, ResponseEvent};
//! use tarry_wire::RequestBody;
//!
//! let request = Request::post("http://example.test/upload")
//!     .header("expect", "100-continue")
//!     .body(())
//!     .unwrap();
//! let call = Call::new(request, RequestBody::Sized(5)).unwrap();
//!
//! // SendRequest: the head, Host first.
//! let mut out = Vec::with_capacity(call.head_len());
//! let AfterHead::Await100(mut call) = call.write_head(&mut out).unwrap() else { unreachable!() };
//! assert_eq!(
//!     out,
//!     b"POST /upload HTTP/1.1\r\nHost: example.test\r\nexpect: 100-continue\r\n\
//!       Content-Length: 5\r\n\r\n"
//! );
//!
//! // Await100: the server says go on.
//! let server = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
//! let Await100Event::Continue { consumed } = call.read(server).unwrap() else { unreachable!() };
//! let Await100Next::SendBody(mut call) = call.proceed() else { unreachable!() };
//!
//! // SendBody: exactly the announced five bytes.
//! out.clear();
//! call.write(b"hello", &mut out).unwrap();
//! let mut call = call.finish(&mut out).unwrap();
//! assert_eq!(out, b"hello");
//!
//! // RecvResponse: the final head.
//! let rest = &server[consumed..];
//! let ResponseEvent::Final { consumed } = call.read(rest).unwrap() else { unreachable!() };
//! let (head, next) = call.proceed().unwrap().unwrap();
//! assert_eq!(head.status(), 200);
//! let AfterResponse::Body(mut call) = next else { unreachable!() };
//!
//! // RecvBody: spans of the caller's own buffer.
//! let rest = &rest[consumed..];
//! let step = call.read(rest).unwrap();
//! assert_eq!(&rest[step.data], b"ok");
//!
//! // Cleanup: nothing left over, so the connection may carry the next request.
//! let call = call.proceed();
//! assert_eq!(call.close_reason(rest.len() - step.consumed), None);
//! ```

mod await_100;
mod cleanup;
mod head_scan;
mod recv_body;
mod recv_response;
mod send_body;
mod send_request;

use std::fmt;
use std::marker::PhantomData;

use http::{HeaderMap, Method, Version};

use crate::body::length::{HeadFields, framing_from};
use crate::body::{BodyDecoder, Framing};
use crate::encode::{RequestFacts, RequestHeadPlan};
use crate::parse::{ResponseHead, parse_head_within};
use crate::{CloseReason, Error, KeepAlive, Limits, RequestBody};

pub use await_100::{Await100Event, Await100Next};
pub use recv_response::{AfterResponse, ResponseEvent};
pub use send_body::EarlyEvent;
pub use send_request::AfterHead;
use send_request::Unwritten;

/// The states a [`Call`] moves through. Each is a zero-sized marker type.
pub mod state {
    /// The request head has not been written yet.
    #[derive(Debug)]
    pub struct SendRequest(());
    /// The head asked for `100 Continue`; waiting for it before sending the body.
    #[derive(Debug)]
    pub struct Await100(());
    /// Writing the request body.
    #[derive(Debug)]
    pub struct SendBody(());
    /// Reading response heads until the final one.
    #[derive(Debug)]
    pub struct RecvResponse(());
    /// Reading the response body.
    #[derive(Debug)]
    pub struct RecvBody(());
    /// The exchange is over; deciding whether the connection can be reused.
    #[derive(Debug)]
    pub struct Cleanup(());
}

/// One HTTP/1.1 exchange in state `S`. See the [module documentation](self).
pub struct Call<S> {
    inner: Box<Inner>,
    _state: PhantomData<S>,
}

/// What every state shares. Boxed so that moving a `Call` between states moves one pointer.
#[derive(Debug)]
struct Inner {
    /// The owned request and its plan, from `Call::new` until `write_head`; the borrowed path
    /// (`Call::write_request`) never has one.
    unwritten: Option<Unwritten>,
    method: Method,
    version: Version,
    body: RequestBody,
    facts: RequestFacts,
    limits: Limits,
    /// Bytes of response heads read so far (interim included), charged to `head_bytes`.
    head_bytes_used: usize,
    interim_responses: usize,
    /// Progress on the head still arriving, so that a slow head is not re-parsed per byte.
    head_scan: head_scan::HeadScan,
    /// Body bytes written so far.
    body_written: u64,
    /// A reason fixed before the response body (request side, framing, upgrade).
    close: Option<CloseReason>,
    /// The final head, between `RecvResponse::read` and `proceed`.
    final_head: Option<ResponseHead>,
    keep_alive: Option<KeepAlive>,
    decoder: Option<BodyDecoder>,
    trailers: Option<HeaderMap>,
}

impl<S> Call<S> {
    fn wrap<T>(inner: Box<Inner>) -> Call<T> {
        Call {
            inner,
            _state: PhantomData,
        }
    }

    fn into_state<T>(self) -> Call<T> {
        Self::wrap(self.inner)
    }

    /// The method of the request this call carries.
    pub fn method(&self) -> &Method {
        &self.inner.method
    }

    /// The limits this call reads the response with.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }
}

impl<S> fmt::Debug for Call<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("state", &std::any::type_name::<S>())
            .field("inner", &self.inner)
            .finish()
    }
}

/// What reading one response head from the input produced.
enum HeadRead {
    Partial,
    Interim { consumed: usize, head: ResponseHead },
    Final { head: ResponseHead, consumed: usize },
}

impl Inner {
    /// A call that has yet to read anything, for the request `plan` was made from.
    fn new(method: Method, version: Version, plan: &RequestHeadPlan) -> Self {
        Inner {
            unwritten: None,
            method,
            version,
            body: plan.body,
            facts: plan.facts,
            limits: Limits::default(),
            head_bytes_used: 0,
            interim_responses: 0,
            head_scan: Default::default(),
            body_written: 0,
            close: None,
            final_head: None,
            keep_alive: None,
            decoder: None,
            trailers: None,
        }
    }

    /// Parses the next head, charging interim heads to the limits. A final head is returned
    /// without being charged, so that `Await100` can leave it for `RecvResponse` to read again.
    ///
    /// `skip_unlikely` lets [`head_scan`] skip parses that cannot change the outcome yet.
    fn read_head(&mut self, input: &[u8], skip_unlikely: bool) -> Result<HeadRead, Error> {
        let limit = self.limits.head_bytes();
        let budget = limit.saturating_sub(self.head_bytes_used);
        if skip_unlikely
            && !self
                .head_scan
                .worth_parsing(input, budget, self.limits.headers())
        {
            return Ok(HeadRead::Partial);
        }
        let Some((consumed, head)) = parse_head_within(input, budget, &self.limits)? else {
            return Ok(HeadRead::Partial);
        };
        self.head_scan.reset();
        let status = head.status().as_u16();
        if status == 101 {
            if !self.upgrade_requested() {
                return Err(Error::UnexpectedSwitchingProtocols);
            }
            return Ok(HeadRead::Final { head, consumed });
        }
        if (100..200).contains(&status) {
            self.interim_responses += 1;
            if self.interim_responses > self.limits.interim_responses() {
                return Err(Error::TooManyInterimResponses {
                    limit: self.limits.interim_responses(),
                });
            }
            self.head_bytes_used += consumed;
            return Ok(HeadRead::Interim { consumed, head });
        }
        Ok(HeadRead::Final { head, consumed })
    }

    fn upgrade_requested(&self) -> bool {
        self.facts.upgrade
    }

    /// The reasons known from the request alone.
    fn request_close_reason(&self) -> Option<CloseReason> {
        let facts = &self.facts;
        if facts.connection_close {
            Some(CloseReason::ClientConnectionClose)
        } else if self.version == Version::HTTP_10 && !facts.connection_keep_alive {
            Some(CloseReason::Http10Request)
        } else {
            None
        }
    }

    /// Records the final head: framing, the reasons it gives to close, the keep-alive hint.
    fn accept_final(&mut self, head: &ResponseHead) -> Result<Framing, Error> {
        let fields = HeadFields::scan(head);
        let framing = framing_from(&self.method, head, &fields)?;
        let from_response = if fields.connection_close {
            Some(CloseReason::ServerConnectionClose)
        } else if head.version() == Version::HTTP_10 && !fields.connection_keep_alive {
            Some(CloseReason::Http10Response)
        } else if framing.in_doubt {
            Some(CloseReason::FramingInDoubt)
        } else if framing.length == crate::BodyLength::UntilClose {
            Some(CloseReason::ReadToClose)
        } else {
            None
        };
        self.close = self.close.or(self.request_close_reason()).or(from_response);
        self.keep_alive = fields.keep_alive.or_none();
        Ok(framing)
    }
}

#[cfg(test)]
mod test;
