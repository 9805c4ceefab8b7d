//! `RecvBody`: read the response body as spans of the caller's input.

use super::Call;
use super::state::{Cleanup, RecvBody};
use crate::{BodyDecoder, CloseReason, Decoded, Error};

impl Call<RecvBody> {
    /// Consumes input up to at most one span of body data (see
    /// [`ChunkedDecoder::decode`](crate::ChunkedDecoder::decode)); never past the body's end.
    pub fn read(&mut self, input: &[u8]) -> Result<Decoded, Error> {
        match self.inner.decoder.as_mut() {
            Some(decoder) => decoder.decode(input),
            None => Ok(Decoded {
                consumed: 0,
                data: 0..0,
            }),
        }
    }

    /// Tells the call the connection has no more bytes: the end of a close-delimited body,
    /// or [`Error::IncompleteBody`] for any other body that has not ended.
    pub fn end_of_input(&mut self) -> Result<(), Error> {
        self.inner
            .decoder
            .as_mut()
            .map_or(Ok(()), |d| d.end_of_input())
    }

    /// The body bytes still to come when the response announced its length; `None` for a
    /// chunked body or one that ends when the connection closes. A hint for buffer sizes, as
    /// the codec counts it: no need to read the framing fields again.
    pub fn remaining(&self) -> Option<u64> {
        self.inner.decoder.as_ref().and_then(BodyDecoder::remaining)
    }

    /// Whether the body has been read to its end.
    pub fn is_done(&self) -> bool {
        self.inner.decoder.as_ref().is_none_or(|d| d.is_done())
    }

    /// Moves on to `Cleanup`. Called before the body ended, the connection is marked
    /// [`CloseReason::BodyNotFullyRead`]: unread bytes on it belong to this response.
    pub fn proceed(mut self) -> Call<Cleanup> {
        if !self.is_done() {
            self.inner.close = self.inner.close.or(Some(CloseReason::BodyNotFullyRead));
        }
        if let Some(decoder) = self.inner.decoder.as_mut() {
            self.inner.trailers = decoder.take_trailers();
        }
        self.into_state()
    }
}
