//! Content decoding: gzip, deflate (zlib-wrapped or raw) and, with the `brotli` feature, br;
//! stacked encodings undone in reverse order.
//!
//! A few kilobytes of deflate can claim gigabytes, and two stacked encodings multiply that
//! (WIRE-24). So input goes through in small slices, the output of each is counted against a
//! budget, and decoding stops with an error the moment the budget is spent: memory stays
//! within the budget plus what one slice can expand to. Chains longer than
//! [`MAX_CODINGS`] are refused outright.

use std::io::{self, Write};

use flate2::write::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

/// The `Accept-Encoding` a session sends by default: what it can decode.
#[cfg(feature = "brotli")]
pub(crate) const ACCEPT_ENCODING: &str = "gzip, deflate, br";
/// The `Accept-Encoding` a session sends by default: what it can decode.
#[cfg(not(feature = "brotli"))]
pub(crate) const ACCEPT_ENCODING: &str = "gzip, deflate";

/// Encodings undone at most, stacked (urllib3 allows five; real servers use one).
pub(crate) const MAX_CODINGS: usize = 3;

/// Input handed to a decoder at once; bounds what one step can expand to (deflate's worst
/// case is about 1,032 : 1, so about 1 MiB).
const SLICE: usize = 1024;

/// One content coding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    Gzip,
    Deflate,
    #[cfg(feature = "brotli")]
    Brotli,
}

/// The codings of a `Content-Encoding` field, in the order they were applied. `Ok(None)`
/// when one of them is unknown: the body is then passed on as it is (requests does the
/// same), since guessing would corrupt it.
pub(crate) fn codings<'a>(
    fields: impl Iterator<Item = &'a [u8]>,
) -> Result<Option<Vec<Coding>>, String> {
    let mut out = Vec::new();
    for field in fields {
        for token in field.split(|&b| b == b',') {
            let token = token.trim_ascii();
            let coding =
                if token.eq_ignore_ascii_case(b"gzip") || token.eq_ignore_ascii_case(b"x-gzip") {
                    Coding::Gzip
                } else if token.eq_ignore_ascii_case(b"deflate") {
                    Coding::Deflate
                } else if token.eq_ignore_ascii_case(b"br") {
                    #[cfg(feature = "brotli")]
                    {
                        Coding::Brotli
                    }
                    #[cfg(not(feature = "brotli"))]
                    return Ok(None);
                } else if token.is_empty() || token.eq_ignore_ascii_case(b"identity") {
                    continue;
                } else {
                    return Ok(None);
                };
            out.push(coding);
            if out.len() > MAX_CODINGS {
                return Err(format!("more than {MAX_CODINGS} content encodings"));
            }
        }
    }
    Ok(Some(out))
}

/// A decoder for one coding, writing into a `Vec` that is emptied after every step.
enum Stage {
    Gzip(MultiGzDecoder<Vec<u8>>),
    /// Deflate before its first two bytes have told zlib-wrapped from raw.
    Deflate(Vec<u8>),
    Zlib(ZlibDecoder<Vec<u8>>),
    Raw(DeflateDecoder<Vec<u8>>),
    #[cfg(feature = "brotli")]
    Brotli(Option<Box<brotli_decompressor::DecompressorWriter<Vec<u8>>>>),
}

impl Stage {
    fn new(coding: Coding) -> Stage {
        match coding {
            Coding::Gzip => Stage::Gzip(MultiGzDecoder::new(Vec::new())),
            Coding::Deflate => Stage::Deflate(Vec::new()),
            #[cfg(feature = "brotli")]
            Coding::Brotli => Stage::Brotli(Some(Box::new(
                brotli_decompressor::DecompressorWriter::new(Vec::new(), 4096),
            ))),
        }
    }

    fn write(&mut self, input: &[u8]) -> io::Result<()> {
        match self {
            Stage::Gzip(d) => d.write_all(input),
            Stage::Zlib(d) => d.write_all(input),
            Stage::Raw(d) => d.write_all(input),
            Stage::Deflate(head) => {
                head.extend_from_slice(input);
                if head.len() < 2 {
                    return Ok(());
                }
                // RFC 1950: a zlib header is CM = 8 in the low nibble and a multiple of 31
                // as a big-endian 16-bit number. Servers send either form as "deflate".
                let zlib = head[0] & 0x0f == 8 && u16::from_be_bytes([head[0], head[1]]) % 31 == 0;
                let head = std::mem::take(head);
                *self = if zlib {
                    Stage::Zlib(ZlibDecoder::new(Vec::new()))
                } else {
                    Stage::Raw(DeflateDecoder::new(Vec::new()))
                };
                self.write(&head)
            }
            #[cfg(feature = "brotli")]
            Stage::Brotli(d) => match d {
                Some(d) => d.write_all(input),
                None => Err(io::Error::other("brotli stream already finished")),
            },
        }
    }

    /// Ends the input; returns the last output, and an error if the stream was cut short.
    fn finish(&mut self) -> io::Result<Vec<u8>> {
        match self {
            Stage::Gzip(d) => d.try_finish()?,
            Stage::Zlib(d) => d.try_finish()?,
            Stage::Raw(d) => d.try_finish()?,
            Stage::Deflate(head) if head.is_empty() => {}
            Stage::Deflate(_) => return Err(io::ErrorKind::UnexpectedEof.into()),
            #[cfg(feature = "brotli")]
            Stage::Brotli(d) => {
                let Some(writer) = d.take() else {
                    return Ok(Vec::new());
                };
                return writer.into_inner().map_err(|_| {
                    io::Error::new(io::ErrorKind::UnexpectedEof, "truncated brotli stream")
                });
            }
        }
        Ok(self.take())
    }

    /// The output so far, leaving the stage's buffer empty.
    fn take(&mut self) -> Vec<u8> {
        match self {
            Stage::Gzip(d) => std::mem::take(d.get_mut()),
            Stage::Zlib(d) => std::mem::take(d.get_mut()),
            Stage::Raw(d) => std::mem::take(d.get_mut()),
            Stage::Deflate(_) => Vec::new(),
            #[cfg(feature = "brotli")]
            Stage::Brotli(Some(d)) => std::mem::take(d.get_mut()),
            #[cfg(feature = "brotli")]
            Stage::Brotli(None) => Vec::new(),
        }
    }
}

/// Undoes a chain of codings under a budget of decoded bytes.
pub(crate) struct Decoder {
    /// The last coding applied comes first: it is undone first.
    stages: Vec<Stage>,
    budget: usize,
    limit: usize,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("stages", &self.stages.len())
            .field("budget", &self.budget)
            .finish()
    }
}

impl Decoder {
    /// A decoder for a body encoded with `codings` (in the order applied) that may decode to
    /// at most `limit` bytes.
    pub(crate) fn new(codings: &[Coding], limit: usize) -> Decoder {
        Decoder {
            stages: codings.iter().rev().map(|&c| Stage::new(c)).collect(),
            budget: limit,
            limit,
        }
    }

    /// Decodes the next piece of the body.
    pub(crate) fn decode(&mut self, input: &[u8]) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        self.push(0, input, &mut out)?;
        Ok(out)
    }

    /// Ends the body: the last decoded bytes, or an error if a stream was cut short.
    pub(crate) fn finish(&mut self) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        for level in 0..self.stages.len() {
            let rest = self.stages[level].finish().map_err(|e| corrupt(&e))?;
            self.push(level + 1, &rest, &mut out)?;
        }
        Ok(out)
    }

    fn push(&mut self, level: usize, input: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        if level == self.stages.len() {
            if input.len() > self.budget {
                return Err(format!(
                    "the decoded body is larger than the limit of {} bytes",
                    self.limit
                ));
            }
            self.budget -= input.len();
            out.extend_from_slice(input);
            return Ok(());
        }
        for slice in input.chunks(SLICE) {
            self.stages[level].write(slice).map_err(|e| corrupt(&e))?;
            let produced = self.stages[level].take();
            if !produced.is_empty() {
                self.push(level + 1, &produced, out)?;
            }
        }
        Ok(())
    }
}

fn corrupt(e: &io::Error) -> String {
    format!("corrupt compressed body: {e}")
}

#[cfg(test)]
mod tests;
