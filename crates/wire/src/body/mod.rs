//! Response bodies: how long they are ([`length`]) and how to read them ([`BodyDecoder`]).

pub(crate) mod chunked;
pub(crate) mod length;

use http::HeaderMap;

use crate::{Error, Limits};
pub use chunked::{ChunkedDecoder, Decoded};
pub use length::{BodyLength, Framing};

/// Reads one response body of a known [`BodyLength`] from caller-supplied input.
///
/// ```
/// use tarry_wire::{BodyDecoder, BodyLength, Limits};
///
/// let mut body = BodyDecoder::new(BodyLength::Exactly(5), &Limits::default());
/// let step = body.decode(b"hel").unwrap();
/// assert_eq!((step.consumed, step.data), (3, 0..3));
/// let step = body.decode(b"loHTTP/1.1").unwrap();
/// assert_eq!((step.consumed, step.data), (2, 0..2));
/// assert!(body.is_done());
/// ```
#[derive(Debug, Clone)]
pub struct BodyDecoder {
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Exactly { remaining: u64 },
    Chunked(Box<ChunkedDecoder>),
    UntilClose { closed: bool },
}

impl BodyDecoder {
    /// The body bytes still to come when the body has a known length (`Content-Length`);
    /// `None` for a chunked body or one that ends when the connection closes.
    pub fn remaining(&self) -> Option<u64> {
        match self.kind {
            Kind::Exactly { remaining } => Some(remaining),
            Kind::Chunked(_) | Kind::UntilClose { .. } => None,
        }
    }

    /// A decoder for a body delimited as `length` says.
    pub fn new(length: BodyLength, limits: &Limits) -> Self {
        let kind = match length {
            BodyLength::Empty => Kind::Exactly { remaining: 0 },
            BodyLength::Exactly(n) => Kind::Exactly { remaining: n },
            BodyLength::Chunked => Kind::Chunked(Box::new(ChunkedDecoder::new(limits))),
            BodyLength::UntilClose => Kind::UntilClose { closed: false },
        };
        BodyDecoder { kind }
    }

    /// Consumes input up to at most one span of body data; see [`ChunkedDecoder::decode`].
    ///
    /// Never consumes past the end of the body.
    pub fn decode(&mut self, input: &[u8]) -> Result<Decoded, Error> {
        match &mut self.kind {
            Kind::Exactly { remaining } => {
                let take = usize::try_from(*remaining).map_or(input.len(), |r| r.min(input.len()));
                *remaining -= take as u64;
                Ok(Decoded {
                    consumed: take,
                    data: 0..take,
                })
            }
            Kind::Chunked(decoder) => decoder.decode(input),
            Kind::UntilClose { closed: false } => Ok(Decoded {
                consumed: input.len(),
                data: 0..input.len(),
            }),
            Kind::UntilClose { closed: true } => Ok(Decoded {
                consumed: 0,
                data: 0..0,
            }),
        }
    }

    /// Tells the decoder the connection has no more bytes (EOF).
    ///
    /// Ends a close-delimited body. For any other body, an EOF before its end is
    /// [`Error::IncompleteBody`]: a short body is never reported as a complete one.
    ///
    /// Over TLS, call this only for a clean close (`close_notify` received); an EOF without
    /// it may be a truncation attack and is the transport's error, not a body end.
    pub fn end_of_input(&mut self) -> Result<(), Error> {
        let done = self.is_done();
        match &mut self.kind {
            Kind::UntilClose { closed } => {
                *closed = true;
                Ok(())
            }
            _ if done => Ok(()),
            _ => Err(Error::IncompleteBody),
        }
    }

    /// Whether the whole body has been read.
    pub fn is_done(&self) -> bool {
        match &self.kind {
            Kind::Exactly { remaining } => *remaining == 0,
            Kind::Chunked(decoder) => decoder.is_done(),
            Kind::UntilClose { closed } => *closed,
        }
    }

    /// The trailer fields of a finished chunked body.
    pub fn trailers(&self) -> Option<&HeaderMap> {
        match &self.kind {
            Kind::Chunked(decoder) => decoder.trailers(),
            _ => None,
        }
    }

    pub(crate) fn take_trailers(&mut self) -> Option<HeaderMap> {
        match &mut self.kind {
            Kind::Chunked(decoder) => decoder.take_trailers(),
            _ => None,
        }
    }
}
