//! The chunked transfer coding, decoding side (RFC 9112 §7.1).
//!
//! A byte-at-a-time state machine for the framing and a zero-copy span for the data. Because
//! every framing byte moves the state forward and nothing is re-scanned, the result is the same
//! however the input is split, and a chunk of any size costs one call.
//!
//! Strictness is deliberate. Chunk framing needs CRLF even when the head parser is allowed to
//! take a bare LF (`Limits::accept_bare_lf`): CVE-2025-22871 was a bare LF in a chunk-size line
//! read one way by a proxy and another by the origin. Sizes are accumulated with overflow checks
//! (RUSTSEC-2021-0079), extensions are parsed by their grammar (see [`extension`]) and counted
//! under a byte budget (CVE-2023-39326), and trailers are parsed under their own cap and kept
//! apart from the head.

use std::ops::Range;

use http::HeaderMap;

use crate::{Error, Limits};
use extension::{Extension, Next};

mod extension;

/// One step of body decoding: how much input was used, and where the body data in it is.
///
/// `data` lies within `input[..consumed]`; it may be empty when only framing was consumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Bytes of the input used up, framing and data together.
    pub consumed: usize,
    /// The body bytes found, as a range of the input.
    pub data: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading hex digits of a chunk size; `digits` counts them.
    Size {
        digits: u8,
    },
    /// After the size digits: whitespace and chunk extensions, checked and counted.
    Extension(Extension),
    /// Saw CR ending the size line, need LF.
    SizeLf,
    /// Inside chunk data; `remaining` is in `ChunkedDecoder::remaining`.
    Data,
    /// Chunk data done, need CR then LF.
    DataCr,
    DataLf,
    /// At the start of a trailer line (or of the final blank line).
    TrailerLineStart,
    TrailerLine,
    TrailerLineLf,
    /// Saw CR of the final blank line, need LF.
    EndLf,
    Done,
}

/// Decodes a chunked body, returning data as spans of the caller's input.
///
/// ```
/// use tarry_wire::{ChunkedDecoder, Limits};
///
/// let input = b"5\r\nhello\r\n0\r\nExpires: never\r\n\r\n";
/// let mut decoder = ChunkedDecoder::new(&Limits::default());
/// let mut body = Vec::new();
/// let mut at = 0;
/// while !decoder.is_done() {
///     let step = decoder.decode(&input[at..]).unwrap();
///     body.extend_from_slice(&input[at..][step.data]);
///     at += step.consumed;
/// }
/// assert_eq!(body, b"hello");
/// assert_eq!(decoder.trailers().unwrap()["expires"], "never");
/// ```
#[derive(Debug, Clone)]
pub struct ChunkedDecoder {
    state: State,
    /// Size of the chunk being read, then the bytes of it still to come.
    remaining: u64,
    extension_bytes: usize,
    extension_limit: usize,
    trailer_section: Vec<u8>,
    trailer_limit: usize,
    trailer_fields: usize,
    trailers: Option<HeaderMap>,
}

impl ChunkedDecoder {
    /// A decoder at the start of a chunked body.
    pub fn new(limits: &Limits) -> Self {
        ChunkedDecoder {
            state: State::Size { digits: 0 },
            remaining: 0,
            extension_bytes: 0,
            extension_limit: limits.chunk_extension_bytes(),
            trailer_section: Vec::new(),
            trailer_limit: limits.trailer_bytes(),
            trailer_fields: limits.headers(),
            trailers: None,
        }
    }

    /// Whether the last chunk and the trailer section have been read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// The trailer fields, once [`is_done`](Self::is_done); `None` when there were none.
    pub fn trailers(&self) -> Option<&HeaderMap> {
        self.trailers.as_ref()
    }

    /// Takes the trailer fields out of the decoder.
    pub fn take_trailers(&mut self) -> Option<HeaderMap> {
        self.trailers.take()
    }

    /// Consumes framing from `input` up to and including at most one span of chunk data.
    ///
    /// Stops at the end of the body: bytes after it are not consumed (they belong to whatever
    /// follows on the connection). An empty input returns `consumed == 0`. After an error the
    /// body cannot be read further: the decoder's state is then unspecified.
    pub fn decode(&mut self, input: &[u8]) -> Result<Decoded, Error> {
        let mut at = 0;
        while at < input.len() {
            if self.state == State::Data {
                let available = input.len() - at;
                let take = usize::try_from(self.remaining).map_or(available, |r| r.min(available));
                self.remaining -= take as u64;
                if self.remaining == 0 {
                    self.state = State::DataCr;
                }
                return Ok(Decoded {
                    consumed: at + take,
                    data: at..at + take,
                });
            }
            if self.state == State::Done {
                break;
            }
            if let State::Extension(from) = self.state {
                // Extensions run to the CR with nothing else to decide: a loop of their own.
                at += self.extensions(from, &input[at..])?;
                continue;
            }
            self.step(input[at])?;
            at += 1;
        }
        Ok(Decoded {
            consumed: at,
            data: at..at,
        })
    }

    /// Advances the framing state by one byte.
    fn step(&mut self, byte: u8) -> Result<(), Error> {
        self.state = match (self.state, byte) {
            // Leading zeros are legal but not free: 64 digits bound the size line, as the
            // extension budget bounds the rest of the framing.
            (State::Size { digits }, _)
                if digits >= MAX_SIZE_DIGITS && hex_value(byte).is_some() =>
            {
                return Err(Error::InvalidChunkSize);
            }
            (State::Size { digits }, _) if hex_value(byte).is_some() => {
                let d = u64::from(hex_value(byte).unwrap_or(0));
                self.remaining = self
                    .remaining
                    .checked_mul(16)
                    .and_then(|r| r.checked_add(d))
                    .ok_or(Error::InvalidChunkSize)?;
                State::Size {
                    digits: digits.saturating_add(1),
                }
            }
            // A bare LF ends no line in chunk framing (CVE-2025-22871).
            (State::Size { .. }, b'\n') => return Err(Error::InvalidChunk),
            // Every branch below needs at least one digit before it.
            (State::Size { digits: 0 }, _) => return Err(Error::InvalidChunkSize),
            (State::Size { .. }, b'\r') => State::SizeLf,
            (State::Size { .. }, b' ' | b'\t' | b';') => {
                self.count_extension_bytes(1)?;
                State::Extension(if byte == b';' {
                    Extension::NameStart
                } else {
                    Extension::SizeBws
                })
            }
            (State::Size { .. }, _) => return Err(Error::InvalidChunkSize),
            (State::SizeLf, b'\n') if self.remaining == 0 => State::TrailerLineStart,
            (State::SizeLf, b'\n') => State::Data,
            (State::DataCr, b'\r') => State::DataLf,
            (State::DataLf, b'\n') => State::Size { digits: 0 },
            (State::TrailerLineStart, b'\r') => State::EndLf,
            (State::TrailerLineStart | State::TrailerLine, b'\n') => {
                return Err(Error::InvalidChunk);
            }
            (State::TrailerLine, b'\r') => {
                self.trailer_byte(byte)?;
                State::TrailerLineLf
            }
            (State::TrailerLineStart | State::TrailerLine, _) => {
                self.trailer_byte(byte)?;
                State::TrailerLine
            }
            (State::TrailerLineLf, b'\n') => {
                self.trailer_byte(byte)?;
                State::TrailerLineStart
            }
            (State::EndLf, b'\n') => {
                if !self.trailer_section.is_empty() {
                    let section = std::mem::take(&mut self.trailer_section);
                    self.trailers = Some(crate::parse::parse_trailer_fields(
                        &section,
                        self.trailer_fields,
                    )?);
                }
                State::Done
            }
            // A CR or LF missing where framing needs it, or data longer than its size.
            (
                State::SizeLf | State::DataCr | State::DataLf | State::TrailerLineLf | State::EndLf,
                _,
            ) => return Err(Error::InvalidChunk),
            // `decode` never steps in these states.
            (State::Data | State::Done | State::Extension(_), _) => {
                return Err(Error::InvalidChunk);
            }
        };
        Ok(())
    }

    /// Reads the size line after the digits from `input`, starting in `from`, up to and
    /// including its CR or to the end of `input`; returns the bytes used. Every byte is checked
    /// by the grammar and counted (whitespace included), except the CR.
    fn extensions(&mut self, from: Extension, input: &[u8]) -> Result<usize, Error> {
        let mut at = from;
        for (i, &byte) in input.iter().enumerate() {
            match at.step(byte) {
                Next::To(next) => at = next,
                Next::LineEnd => {
                    self.count_extension_bytes(i)?;
                    self.state = State::SizeLf;
                    return Ok(i + 1);
                }
                Next::Refuse(rule) => {
                    // Past the budget before this byte: refused for that first, as it would
                    // be one byte at a time.
                    self.count_extension_bytes(i)?;
                    return Err(rule.error());
                }
            }
        }
        self.count_extension_bytes(input.len())?;
        self.state = State::Extension(at);
        Ok(input.len())
    }

    fn count_extension_bytes(&mut self, n: usize) -> Result<(), Error> {
        self.extension_bytes = self.extension_bytes.saturating_add(n);
        if self.extension_bytes > self.extension_limit {
            return Err(Error::ChunkExtensionsTooLarge {
                limit: self.extension_limit,
            });
        }
        Ok(())
    }

    fn trailer_byte(&mut self, byte: u8) -> Result<(), Error> {
        if self.trailer_section.len() >= self.trailer_limit {
            return Err(Error::TrailersTooLarge {
                limit: self.trailer_limit,
            });
        }
        self.trailer_section.push(byte);
        Ok(())
    }
}

/// Hex digits allowed in one chunk-size line, leading zeros included.
const MAX_SIZE_DIGITS: u8 = 64;

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
