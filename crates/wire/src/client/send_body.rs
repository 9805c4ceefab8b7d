//! `SendBody`: frame the request body as announced in the head.

use bytes::BufMut;
use http::HeaderMap;

use super::Call;
use super::state::{RecvResponse, SendBody};
use crate::encode::{write_chunk, write_last_chunk};
use crate::{Error, RequestBody};

impl Call<SendBody> {
    /// Writes `data` as body bytes into `out`: copied as is for a sized body, as one chunk for
    /// a chunked one. Returns the bytes written to `out`.
    ///
    /// A sized body refuses to exceed its `Content-Length` ([`Error::BodyTooLong`]), writing
    /// nothing; an empty `data` writes nothing (a zero-size chunk would end the body).
    pub fn write<B: BufMut>(&mut self, data: &[u8], out: &mut B) -> Result<usize, Error> {
        let written = match self.inner.plan.body {
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
        match self.inner.plan.body {
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
        match self.inner.plan.body {
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
