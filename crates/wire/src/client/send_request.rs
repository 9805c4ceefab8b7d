//! `SendRequest`: validate the request, then write its head.

use bytes::BufMut;
use http::Request;

use super::state::{Await100, RecvResponse, SendBody, SendRequest};
use super::{Call, Inner};
use crate::encode::RequestHeadPlan;
use crate::{Error, Limits, RequestBody, TargetForm};

/// Where a call goes once its head is written.
#[derive(Debug)]
pub enum AfterHead {
    /// The request said `Expect: 100-continue`: wait for the server's go-ahead (as long as the
    /// caller sees fit) before sending the body.
    Await100(Call<Await100>),
    /// Send the body now.
    SendBody(Call<SendBody>),
    /// The request has no body: read the response.
    RecvResponse(Call<RecvResponse>),
}

impl Call<SendRequest> {
    /// Starts an exchange for `request`, whose body is framed as `body` says.
    ///
    /// Everything is validated here, before a byte is produced: the version (1.0 or 1.1), that
    /// the request does not set `Content-Length` or `Transfer-Encoding` itself, that no header
    /// value holds CR, LF, NUL or another control byte, that there is a Host (a URI authority
    /// or a `Host` header), and that the target can be written.
    pub fn new(request: Request<()>, body: RequestBody) -> Result<Self, Error> {
        let plan = RequestHeadPlan::new(request, body)?;
        let inner = Inner {
            plan,
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
        };
        Ok(Self::wrap(Box::new(inner)))
    }

    /// Reads the response with these limits instead of the defaults.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.inner.limits = limits;
        self
    }

    /// Writes the request-target in `form` (absolute form for a forward proxy). Fails if the
    /// URI lacks what that form needs (a scheme and an authority).
    pub fn with_target_form(mut self, form: TargetForm) -> Result<Self, Error> {
        self.inner.plan.set_form(form)?;
        Ok(self)
    }

    /// The exact number of bytes [`write_head`](Self::write_head) will write.
    pub fn head_len(&self) -> usize {
        self.inner.plan.len()
    }

    /// Writes the request head into `out` and moves to the next state.
    ///
    /// Fails with [`Error::OutputTooSmall`] before writing anything if `out` has less than
    /// [`head_len`](Self::head_len) bytes of room; a `Vec<u8>` or `BytesMut` grows instead.
    pub fn write_head<B: BufMut>(self, out: &mut B) -> Result<AfterHead, Error> {
        self.inner.plan.write(out)?;
        let expects_continue = self.inner.plan.facts.expects_continue
            // An HTTP/1.0 server must ignore Expect (RFC 9110 §10.1.1): waiting would only stall.
            && self.inner.plan.request.version() == http::Version::HTTP_11;
        Ok(match self.inner.plan.body {
            // Nothing to send: no reason to wait for permission to send it.
            RequestBody::None | RequestBody::Sized(0) => AfterHead::RecvResponse(self.into_state()),
            _ if expects_continue => AfterHead::Await100(self.into_state()),
            _ => AfterHead::SendBody(self.into_state()),
        })
    }
}
