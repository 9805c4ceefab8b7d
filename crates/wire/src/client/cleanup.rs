//! `Cleanup`: the exchange is over; may the connection carry another?

use http::HeaderMap;

use super::Call;
use super::state::Cleanup;
use crate::{CloseReason, KeepAlive};

impl Call<Cleanup> {
    /// Why the connection must be closed, or `None` if it may be reused.
    ///
    /// `leftover` is how many bytes the caller holds that the call did not consume. A server
    /// must not send anything before the next request, so leftover bytes mean the framing was
    /// wrong somewhere ([`CloseReason::LeftoverBytes`]).
    pub fn close_reason(&self, leftover: usize) -> Option<CloseReason> {
        self.inner
            .close
            .or((leftover > 0).then_some(CloseReason::LeftoverBytes))
    }

    /// Shorthand for `close_reason(leftover).is_some()`.
    pub fn must_close(&self, leftover: usize) -> bool {
        self.close_reason(leftover).is_some()
    }

    /// The server's `Keep-Alive: timeout=…, max=…` hint, if it sent one.
    pub fn keep_alive(&self) -> Option<KeepAlive> {
        self.inner.keep_alive
    }

    /// The trailer fields of a chunked response, kept apart from the head.
    pub fn trailers(&self) -> Option<&HeaderMap> {
        self.inner.trailers.as_ref()
    }

    /// Takes the trailer fields out of the call.
    pub fn take_trailers(&mut self) -> Option<HeaderMap> {
        self.inner.trailers.take()
    }
}
