//! `Await100`: the request asked `Expect: 100-continue`; wait for the server's answer.
//!
//! How long to wait is the caller's decision (RFC 9110 §10.1.1 lets a client send the body
//! anyway after a while, since old servers never answer `100`). This state only interprets the
//! bytes that do arrive.

use super::state::{Await100, RecvResponse, SendBody};
use super::{Call, HeadRead};
use crate::{CloseReason, Error, ResponseHead};

/// What [`Call<Await100>::read`] found.
#[derive(Debug)]
#[non_exhaustive]
pub enum Await100Event {
    /// Not a whole head yet: nothing consumed; offer the same bytes again with more.
    Partial,
    /// `100 Continue` arrived and was consumed: send the body.
    Continue {
        /// Bytes of the `100` head.
        consumed: usize,
    },
    /// Another interim response (such as `103 Early Hints`) was consumed; keep waiting.
    Interim {
        /// Bytes of the interim head.
        consumed: usize,
        /// The interim head.
        head: ResponseHead,
    },
    /// A final response arrived instead: the body will not be sent. Nothing was consumed;
    /// [`proceed`](Call::<Await100>::proceed) leads to `RecvResponse`, which reads it.
    Final,
}

/// Where a call goes after waiting for `100 Continue`.
#[derive(Debug)]
pub enum Await100Next {
    /// Send the body (the `100` came, or the caller stopped waiting).
    SendBody(Call<SendBody>),
    /// A final response came first; read it. The connection will not be reused, because the
    /// server cannot tell whether the unsent body is still on its way.
    RecvResponse(Call<RecvResponse>),
}

impl Call<Await100> {
    /// Reads what the server sent while the body waits. After `Continue`, call
    /// [`proceed`](Self::proceed); reading on would take the final response for an early one.
    pub fn read(&mut self, input: &[u8]) -> Result<Await100Event, Error> {
        if self.inner.close == Some(CloseReason::BodyNotSent) {
            return Ok(Await100Event::Final);
        }
        // Every read is parsed in full here: the caller's timer decides what happens next, so
        // whatever was shown before it fires must already have been judged. The wait is short
        // (bounded by that timer), so the cost of re-parsing a dripped head stays bounded too.
        match self.inner.read_head(input, false)? {
            HeadRead::Partial => Ok(Await100Event::Partial),
            HeadRead::Interim { consumed, head } if head.status() == 100 => {
                Ok(Await100Event::Continue { consumed })
            }
            HeadRead::Interim { consumed, head } => Ok(Await100Event::Interim { consumed, head }),
            HeadRead::Final { .. } => {
                self.inner.close = Some(CloseReason::BodyNotSent);
                Ok(Await100Event::Final)
            }
        }
    }

    /// Moves on: to `RecvResponse` if a final response arrived, otherwise to `SendBody`
    /// (after a `100`, or because the caller decided to stop waiting).
    pub fn proceed(self) -> Await100Next {
        if self.inner.close == Some(CloseReason::BodyNotSent) {
            Await100Next::RecvResponse(self.into_state())
        } else {
            Await100Next::SendBody(self.into_state())
        }
    }
}
