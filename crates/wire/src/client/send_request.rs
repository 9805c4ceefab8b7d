//! `SendRequest`: validate the request, then write its head.
//!
//! Two ways in, one encoder: [`Call::new`] owns the request until
//! [`write_head`](Call::write_head), [`Call::write_request`] borrows it for the one call that
//! validates and writes. Both view the request as [`RequestParts`] and hand it to the same
//! `RequestHeadPlan`, so their bytes and errors cannot drift apart.

use bytes::BufMut;
use http::{HeaderMap, Method, Request, Uri, Version};

use super::state::{Await100, RecvResponse, SendBody, SendRequest};
use super::{Call, Inner};
use crate::encode::RequestHeadPlan;
use crate::{Error, Limits, RequestBody, RequestParts, TargetForm};

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

impl AfterHead {
    /// Reads the response with these limits instead of the defaults, whichever state comes
    /// next. Nothing has been read yet, so this is the same as
    /// [`Call::with_limits`] before the head was written; it is how the borrowed path,
    /// [`Call::write_request`], sets them.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        let inner = match &mut self {
            AfterHead::Await100(call) => &mut call.inner,
            AfterHead::SendBody(call) => &mut call.inner,
            AfterHead::RecvResponse(call) => &mut call.inner,
        };
        inner.limits = limits;
        self
    }
}

/// The owned request of [`Call::new`], less what the call keeps for the whole exchange
/// (method, version), until its head is written.
#[derive(Debug)]
pub(super) struct Unwritten {
    uri: Uri,
    headers: HeaderMap,
    plan: RequestHeadPlan,
}

/// Only `Call::new` makes a `Call<SendRequest>` that outlives this module, always with its
/// request; `write_request` moves on before returning.
const HOLDS_REQUEST: &str = "a Call<SendRequest> holds its request until write_head";

impl Unwritten {
    fn parts<'a>(&'a self, method: &'a Method, version: Version) -> RequestParts<'a> {
        RequestParts::new(method, &self.uri, version, &self.headers)
    }
}

impl Call<SendRequest> {
    /// Starts an exchange for `request`, whose body is framed as `body` says.
    ///
    /// Everything is validated here, before a byte is produced: the version (1.0 or 1.1), that
    /// the request does not set `Content-Length` or `Transfer-Encoding` itself, that no header
    /// value holds CR, LF, NUL or another control byte, that there is a Host (a URI authority
    /// or a `Host` header), and that the target can be written.
    ///
    /// To write a request that the caller keeps (or whose fields it shares with other
    /// requests) without moving or cloning it, see [`write_request`](Self::write_request).
    pub fn new(request: Request<()>, body: RequestBody) -> Result<Self, Error> {
        let (request, ()) = request.into_parts();
        let parts = RequestParts::new(
            &request.method,
            &request.uri,
            request.version,
            &request.headers,
        );
        let plan = RequestHeadPlan::new(parts, body)?;
        let mut inner = Inner::new(request.method, request.version, &plan);
        inner.unwritten = Some(Unwritten {
            uri: request.uri,
            headers: request.headers,
            plan,
        });
        Ok(Self::wrap(Box::new(inner)))
    }

    /// Validates `parts` exactly as [`new`](Self::new) does (with `parts`' extra fields as if
    /// they were appended to its header map), writes the head in `form` into `out`, and moves
    /// to the next state: the same bytes, errors and state as
    /// `Call::new(request, body)?.with_target_form(form)?.write_head(out)`.
    ///
    /// The call borrows `parts` only while this runs: it keeps the method, the version and
    /// what the exchange needs to know of the fields, never the URI or the fields themselves.
    /// Set limits on the result with [`AfterHead::with_limits`].
    ///
    /// Fails with [`Error::OutputTooSmall`] before writing anything if `out` has too little
    /// room (a `Vec<u8>` or `BytesMut` grows instead); `parts` is `Copy`, so the caller may
    /// try again with the `needed` room.
    ///
    /// ```
    /// use tarry_wire::client::{AfterHead, Call};
    /// use tarry_wire::{Limits, RequestBody, RequestParts, TargetForm};
    ///
    /// // The caller keeps its request, to retry it on another connection, say.
    /// let request = http::Request::put("http://example.test/doc").body(()).unwrap();
    /// let mut out = Vec::new();
    /// let next = Call::write_request(
    ///     RequestParts::from(&request),
    ///     RequestBody::Sized(2),
    ///     TargetForm::Absolute,
    ///     &mut out,
    /// )?
    /// .with_limits(Limits::default());
    /// assert_eq!(
    ///     out,
    ///     b"PUT http://example.test/doc HTTP/1.1\r\nHost: example.test\r\n\
    ///       Content-Length: 2\r\n\r\n"
    /// );
    /// let AfterHead::SendBody(call) = next else { unreachable!("a body follows at once") };
    /// assert_eq!(call.method(), http::Method::PUT);
    /// # Ok::<(), tarry_wire::Error>(())
    /// ```
    pub fn write_request<B: BufMut>(
        parts: RequestParts<'_>,
        body: RequestBody,
        form: TargetForm,
        out: &mut B,
    ) -> Result<AfterHead, Error> {
        let mut plan = RequestHeadPlan::new(parts, body)?;
        // The plan starts in origin form, already checked.
        if form != TargetForm::Origin {
            plan.set_form(parts, form)?;
        }
        plan.write(parts, out)?;
        let inner = Inner::new(parts.method.clone(), parts.version, &plan);
        Ok(Self::wrap::<SendRequest>(Box::new(inner)).after_head())
    }

    /// Reads the response with these limits instead of the defaults.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.inner.limits = limits;
        self
    }

    /// Writes the request-target in `form` (absolute form for a forward proxy). Fails if the
    /// URI lacks what that form needs (a scheme and an authority).
    pub fn with_target_form(mut self, form: TargetForm) -> Result<Self, Error> {
        let inner = &mut *self.inner;
        let Unwritten { uri, headers, plan } = inner.unwritten.as_mut().expect(HOLDS_REQUEST);
        plan.set_form(
            RequestParts::new(&inner.method, uri, inner.version, headers),
            form,
        )?;
        Ok(self)
    }

    /// The exact number of bytes [`write_head`](Self::write_head) will write.
    pub fn head_len(&self) -> usize {
        self.inner
            .unwritten
            .as_ref()
            .expect(HOLDS_REQUEST)
            .plan
            .len()
    }

    /// Writes the request head into `out` and moves to the next state.
    ///
    /// Fails with [`Error::OutputTooSmall`] before writing anything if `out` has less than
    /// [`head_len`](Self::head_len) bytes of room; a `Vec<u8>` or `BytesMut` grows instead.
    pub fn write_head<B: BufMut>(mut self, out: &mut B) -> Result<AfterHead, Error> {
        // Taken out, so that the URI and the fields are freed once they are on the wire rather
        // than at the end of the exchange.
        let unwritten = self.inner.unwritten.take().expect(HOLDS_REQUEST);
        let parts = unwritten.parts(&self.inner.method, self.inner.version);
        unwritten.plan.write(parts, out)?;
        drop(unwritten);
        Ok(self.after_head())
    }

    /// The state the written head leads to.
    fn after_head(self) -> AfterHead {
        let expects_continue = self.inner.facts.expects_continue
            // An HTTP/1.0 server must ignore Expect (RFC 9110 §10.1.1): waiting would only stall.
            && self.inner.version == Version::HTTP_11;
        match self.inner.body {
            // Nothing to send: no reason to wait for permission to send it.
            RequestBody::None | RequestBody::Sized(0) => AfterHead::RecvResponse(self.into_state()),
            _ if expects_continue => AfterHead::Await100(self.into_state()),
            _ => AfterHead::SendBody(self.into_state()),
        }
    }
}
