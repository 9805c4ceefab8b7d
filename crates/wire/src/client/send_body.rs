//! `SendBody`: frame the request body as announced in the head.

use bytes::BufMut;
use http::HeaderMap;

use super::state::{RecvResponse, SendBody};
use super::{Call, HeadRead};
use crate::encode::{write_chunk, write_last_chunk};
use crate::{CloseReason, Error, RequestBody, ResponseHead};

/// What [`Call<SendBody>::read_early`] found in bytes the server sent while the body was
/// still going out.
#[derive(Debug)]
#[non_exhaustive]
pub enum EarlyEvent {
    /// Not a whole head yet: nothing consumed; offer the same bytes again with more.
    Partial,
    /// An interim response (`100 Continue`, `103 Early Hints`) was consumed: keep sending.
    Interim {
        /// Bytes of the interim head.
        consumed: usize,
        /// The interim head.
        head: ResponseHead,
    },
    /// A final response arrived before the body ended. Nothing was consumed: stop sending
    /// and [`abandon`](Call::<SendBody>::abandon) the body, then read it in `RecvResponse`.
    Final,
}

impl Call<SendBody> {
    /// Writes `data` as body bytes into `out`: copied as is for a sized body, as one chunk for
    /// a chunked one. Returns the bytes written to `out`.
    ///
    /// A sized body refuses to exceed its `Content-Length` ([`Error::BodyTooLong`]), writing
    /// nothing; an empty `data` writes nothing (a zero-size chunk would end the body).
    pub fn write<B: BufMut>(&mut self, data: &[u8], out: &mut B) -> Result<usize, Error> {
        let written = match self.inner.body {
            RequestBody::Sized(declared) => {
                let total = self.inner.body_written.saturating_add(data.len() as u64);
                if total > declared {
                    return Err(Error::BodyTooLong { declared });
                }
                if out.remaining_mut() < data.len() {
                    return Err(Error::OutputTooSmall { needed: data.len() });
                }
                out.put_slice(data);
                data.len()
            }
            RequestBody::Chunked => write_chunk(data, out)?,
            // `write_head` never leads here without a body.
            RequestBody::None => return Err(Error::BodyTooLong { declared: 0 }),
        };
        self.inner.body_written += data.len() as u64;
        Ok(written)
    }

    /// Body bytes still owed for a sized body; `None` for a chunked one.
    pub fn remaining(&self) -> Option<u64> {
        match self.inner.body {
            RequestBody::Sized(declared) => Some(declared - self.inner.body_written),
            _ => None,
        }
    }

    /// Ends the body (writing the last chunk for a chunked one) and moves on to the response.
    ///
    /// A sized body must have been written in full ([`Error::BodyTooShort`] otherwise).
    pub fn finish<B: BufMut>(self, out: &mut B) -> Result<Call<RecvResponse>, Error> {
        self.finish_inner(None, out)
    }

    /// Judges bytes the server sent before the body ended. A client that watches the socket
    /// while it uploads calls this when some arrive: interim responses are skipped (and
    /// counted against the interim limit), a final one means the server will not wait for
    /// the rest of the body.
    pub fn read_early(&mut self, input: &[u8]) -> Result<EarlyEvent, Error> {
        Ok(match self.inner.read_head(input, false)? {
            HeadRead::Partial => EarlyEvent::Partial,
            HeadRead::Interim { consumed, head } => EarlyEvent::Interim { consumed, head },
            HeadRead::Final { .. } => EarlyEvent::Final,
        })
    }

    /// Stops sending the body because the server answered before it ended (a `413`, say, or
    /// a `401` to an upload), and moves on to read that response. RFC 9112 §9.6 lets a server
    /// do this; the connection is not reused afterwards ([`CloseReason::BodyNotSent`]), since
    /// the server cannot know where the unsent rest of the body would have ended.
    pub fn abandon(mut self) -> Call<RecvResponse> {
        self.inner.close = Some(CloseReason::BodyNotSent);
        self.into_state()
    }

    /// Ends a chunked body with trailer fields.
    pub fn finish_with_trailers<B: BufMut>(
        self,
        trailers: &HeaderMap,
        out: &mut B,
    ) -> Result<Call<RecvResponse>, Error> {
        self.finish_inner(Some(trailers), out)
    }

    fn finish_inner<B: BufMut>(
        self,
        trailers: Option<&HeaderMap>,
        out: &mut B,
    ) -> Result<Call<RecvResponse>, Error> {
        match self.inner.body {
            RequestBody::Chunked => {
                write_last_chunk(trailers, out)?;
            }
            _ if trailers.is_some() => return Err(Error::TrailersWithoutChunked),
            RequestBody::Sized(declared) if self.inner.body_written != declared => {
                return Err(Error::BodyTooShort {
                    declared,
                    written: self.inner.body_written,
                });
            }
            _ => {}
        }
        Ok(self.into_state())
    }
}
