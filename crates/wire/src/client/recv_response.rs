//! `RecvResponse`: read heads until the final one, skipping (and reporting) interim ones.

use super::state::{Cleanup, RecvBody, RecvResponse};
use super::{Call, HeadRead};
use crate::body::BodyDecoder;
use crate::parse::parse_head_within;
use crate::{BodyLength, CloseReason, Error, ResponseHead};

/// What [`Call<RecvResponse>::read`] found.
#[derive(Debug)]
#[non_exhaustive]
pub enum ResponseEvent {
    /// Not a whole head yet: nothing consumed; offer the same bytes again with more.
    Partial,
    /// An interim (1xx) response was consumed and skipped; read on.
    Interim {
        /// Bytes of the interim head.
        consumed: usize,
        /// The interim head, for callers who act on `103 Early Hints` and the like.
        head: ResponseHead,
    },
    /// The final head was consumed; [`proceed`](Call::<RecvResponse>::proceed) returns it.
    Final {
        /// Bytes of the final head. The body starts right after them.
        consumed: usize,
    },
}

/// Where a call goes once the final head is read.
#[derive(Debug)]
pub enum AfterResponse {
    /// Read the body.
    Body(Call<RecvBody>),
    /// The response has no body (`HEAD`, 204, 304, `Content-Length: 0`).
    NoBody(Call<Cleanup>),
    /// `101 Switching Protocols` to a request that asked to upgrade, or a 2xx to `CONNECT`:
    /// the connection now speaks another protocol and belongs to the caller.
    Upgrade(Call<Cleanup>),
}

impl Call<RecvResponse> {
    /// Reads the next response head from `input`.
    pub fn read(&mut self, input: &[u8]) -> Result<ResponseEvent, Error> {
        if self.inner.final_head.is_some() {
            return Ok(ResponseEvent::Final { consumed: 0 });
        }
        if input.is_empty() {
            // No head can be complete or broken yet: `read_head` would say `Partial`.
            let inner = &mut self.inner;
            let budget = inner
                .limits
                .head_bytes()
                .saturating_sub(inner.head_bytes_used);
            inner.head_scan.offered_nothing(budget);
            return Ok(ResponseEvent::Partial);
        }
        match self.inner.read_head(input, true)? {
            HeadRead::Partial => Ok(ResponseEvent::Partial),
            HeadRead::Interim { consumed, head } => Ok(ResponseEvent::Interim { consumed, head }),
            HeadRead::Final { head, consumed } => {
                self.inner.head_bytes_used += consumed;
                self.inner.final_head = Some(head);
                Ok(ResponseEvent::Final { consumed })
            }
        }
    }

    /// Tells the call the connection ended with `pending` (the bytes not yet consumed) still
    /// unread, and returns the error that ends the exchange.
    ///
    /// A head that broke a rule is reported as that rule ([`Error::InvalidHeaderName`] and so
    /// on), whatever pieces it arrived in; an unfinished one is [`Error::IncompleteHead`]. (A
    /// pool retrying a request that got no byte of response decides so from its own count of
    /// bytes received, before calling this.)
    pub fn end_of_input(&self, pending: &[u8]) -> Error {
        let limits = &self.inner.limits;
        let budget = limits
            .head_bytes()
            .saturating_sub(self.inner.head_bytes_used);
        // `read` may have skipped parsing the last bytes (see `head_scan`); parse them now.
        match parse_head_within(pending, budget, limits) {
            Err(e) => e,
            Ok(_) => Error::IncompleteHead,
        }
    }

    /// Hands over the final head and moves on; `Ok(None)` until `read` returned `Final`.
    ///
    /// Decides the body framing now (RFC 9112 §6.3), which can fail on contradictory
    /// `Content-Length` or `Transfer-Encoding` fields.
    pub fn proceed(mut self) -> Result<Option<(ResponseHead, AfterResponse)>, Error> {
        let Some(head) = self.inner.final_head.take() else {
            return Ok(None);
        };
        let framing = self.inner.accept_final(&head)?;
        let upgraded = head.status() == 101
            || (self.method() == http::Method::CONNECT && head.status().is_success());
        let next = if upgraded {
            self.inner.close = Some(CloseReason::Upgraded);
            AfterResponse::Upgrade(self.into_state())
        } else if framing.length == BodyLength::Empty {
            AfterResponse::NoBody(self.into_state())
        } else {
            self.inner.decoder = Some(BodyDecoder::new(framing.length, &self.inner.limits));
            AfterResponse::Body(self.into_state())
        };
        Ok(Some((head, next)))
    }
}
