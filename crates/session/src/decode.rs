//! Content decoding: with the `gzip` feature gzip and deflate (zlib-wrapped or raw), with the
//! `brotli` feature br; stacked encodings undone in reverse order. A coding this build cannot
//! undo leaves the body as it came, and is not advertised in `Accept-Encoding`.
//!
//! A few kilobytes of deflate can claim gigabytes, and two stacked encodings multiply that
//! (WIRE-24). So input goes through in small slices, the output of each is counted against a
//! budget, and decoding stops with an error the moment the budget is spent: memory stays
//! within the budget plus what one slice can expand to. A few bits of brotli can copy 16 MiB,
//! so brotli's output is refused past the budget while one slice is being decoded. Chains
//! longer than [`MAX_CODINGS`] are refused outright.
//!
//! A build with neither feature keeps this module's shape with no stage that can exist, so
//! the compiler sees code it can never reach; that is the point, and is allowed.
#![cfg_attr(
    not(any(feature = "gzip", feature = "brotli")),
    allow(unused, unreachable_code, dead_code)
)]

use std::io::{self, Write};

use crate::causes::DecodeError;
#[cfg(feature = "gzip")]
use flate2::write::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

/// The `Accept-Encoding` a session sends by default: what it can decode.
#[cfg(all(feature = "gzip", feature = "brotli"))]
pub(crate) const ACCEPT_ENCODING: &str = "gzip, deflate, br";
/// The `Accept-Encoding` a session sends by default: what it can decode.
#[cfg(all(feature = "gzip", not(feature = "brotli")))]
pub(crate) const ACCEPT_ENCODING: &str = "gzip, deflate";
/// The `Accept-Encoding` a session sends by default: what it can decode.
#[cfg(all(not(feature = "gzip"), feature = "brotli"))]
pub(crate) const ACCEPT_ENCODING: &str = "br";
/// The `Accept-Encoding` a session sends by default: no coding at all, since without it a
/// server may pick any (RFC 9110 §12.5.3).
#[cfg(not(any(feature = "gzip", feature = "brotli")))]
pub(crate) const ACCEPT_ENCODING: &str = "identity";

/// Encodings undone at most, stacked (urllib3 allows five; real servers use one).
pub(crate) const MAX_CODINGS: usize = 3;

/// Input handed to a decoder at once; bounds what one step can expand to (deflate's worst
/// case is about 1,032 : 1, so about 1 MiB).
const SLICE: usize = 1024;

/// One content coding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    #[cfg(feature = "gzip")]
    Gzip,
    #[cfg(feature = "gzip")]
    Deflate,
    #[cfg(feature = "brotli")]
    Brotli,
}

/// The codings of a `Content-Encoding` field, in the order they were applied. `Ok(None)`
/// when one of them is unknown: the body is then passed on as it is (requests does the
/// same), since guessing would corrupt it.
pub(crate) fn codings<'a>(
    fields: impl Iterator<Item = &'a [u8]>,
) -> Result<Option<Vec<Coding>>, DecodeError> {
    let mut out = Vec::new();
    for field in fields {
        for token in field.split(|&b| b == b',') {
            let token = token.trim_ascii();
            let coding =
                if token.eq_ignore_ascii_case(b"gzip") || token.eq_ignore_ascii_case(b"x-gzip") {
                    #[cfg(feature = "gzip")]
                    {
                        Coding::Gzip
                    }
                    #[cfg(not(feature = "gzip"))]
                    return Ok(None);
                } else if token.eq_ignore_ascii_case(b"deflate") {
                    #[cfg(feature = "gzip")]
                    {
                        Coding::Deflate
                    }
                    #[cfg(not(feature = "gzip"))]
                    return Ok(None);
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
                return Err(DecodeError::TooManyEncodings { limit: MAX_CODINGS });
            }
        }
    }
    Ok(Some(out))
}

/// A decoder for one coding, writing into a `Vec` that is emptied after every step.
enum Stage {
    #[cfg(feature = "gzip")]
    Gzip(MultiGzDecoder<Vec<u8>>),
    /// Deflate before its first two bytes have told zlib-wrapped from raw.
    #[cfg(feature = "gzip")]
    Deflate(Vec<u8>),
    #[cfg(feature = "gzip")]
    Zlib(ZlibDecoder<Vec<u8>>),
    #[cfg(feature = "gzip")]
    Raw(DeflateDecoder<Vec<u8>>),
    /// A build that decodes nothing has no stages; this keeps the matches below whole.
    #[cfg(not(any(feature = "gzip", feature = "brotli")))]
    Never(std::convert::Infallible),
    #[cfg(feature = "brotli")]
    Brotli(Option<Box<brotli_decompressor::DecompressorWriter<Capped>>>),
}

/// Brotli's output, refused past `cap` bytes at a time. Unlike deflate's 1,032 : 1, one
/// brotli command of a few bits can copy 16 MiB, so a single slice can expand to gigabytes:
/// the writer must stop it before the budget is even checked.
#[cfg(feature = "brotli")]
struct Capped {
    out: Vec<u8>,
    cap: usize,
    /// A write was refused.
    over: bool,
}

#[cfg(feature = "brotli")]
impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() > self.cap - self.out.len() {
            self.over = true;
            return Err(io::Error::other(OverLimit));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A stage's output went past the decoder's limit on its own.
#[cfg(feature = "brotli")]
#[derive(Debug)]
struct OverLimit;

#[cfg(feature = "brotli")]
impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("over the limit")
    }
}

#[cfg(feature = "brotli")]
impl std::error::Error for OverLimit {}

impl Stage {
    /// A stage for `coding`. Deflate's ratio bounds what one slice of gzip or deflate can
    /// expand to; brotli's output from one slice is refused past `limit`.
    #[cfg_attr(not(feature = "brotli"), allow(unused_variables))]
    fn new(coding: Coding, limit: usize) -> Stage {
        match coding {
            #[cfg(feature = "gzip")]
            Coding::Gzip => Stage::Gzip(MultiGzDecoder::new(Vec::new())),
            #[cfg(feature = "gzip")]
            Coding::Deflate => Stage::Deflate(Vec::new()),
            #[cfg(feature = "brotli")]
            Coding::Brotli => {
                let out = Capped {
                    out: Vec::new(),
                    cap: limit,
                    over: false,
                };
                let writer = brotli_decompressor::DecompressorWriter::new(out, 4096);
                Stage::Brotli(Some(Box::new(writer)))
            }
        }
    }

    fn write(&mut self, input: &[u8]) -> io::Result<()> {
        match self {
            #[cfg(not(any(feature = "gzip", feature = "brotli")))]
            Stage::Never(never) => match *never {},
            #[cfg(feature = "gzip")]
            Stage::Gzip(d) => d.write_all(input),
            #[cfg(feature = "gzip")]
            Stage::Zlib(d) => d.write_all(input),
            #[cfg(feature = "gzip")]
            Stage::Raw(d) => d.write_all(input),
            #[cfg(feature = "gzip")]
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
            #[cfg(not(any(feature = "gzip", feature = "brotli")))]
            Stage::Never(never) => match *never {},
            #[cfg(feature = "gzip")]
            Stage::Gzip(d) => d.try_finish().map(|()| std::mem::take(d.get_mut())),
            #[cfg(feature = "gzip")]
            Stage::Zlib(d) => d.try_finish().map(|()| std::mem::take(d.get_mut())),
            #[cfg(feature = "gzip")]
            Stage::Raw(d) => d.try_finish().map(|()| std::mem::take(d.get_mut())),
            #[cfg(feature = "gzip")]
            Stage::Deflate(head) if head.is_empty() => Ok(Vec::new()),
            #[cfg(feature = "gzip")]
            Stage::Deflate(_) => Err(io::ErrorKind::UnexpectedEof.into()),
            #[cfg(feature = "brotli")]
            Stage::Brotli(d) => match d.take().map(|writer| writer.into_inner()) {
                None => Ok(Vec::new()),
                Some(Ok(capped)) => Ok(capped.out),
                Some(Err(capped)) if capped.over => Err(io::Error::other(OverLimit)),
                Some(Err(_)) => Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "truncated brotli stream",
                )),
            },
        }
    }

    /// The output so far, leaving the stage's buffer empty.
    fn take(&mut self) -> Vec<u8> {
        match self {
            #[cfg(not(any(feature = "gzip", feature = "brotli")))]
            Stage::Never(never) => match *never {},
            #[cfg(feature = "gzip")]
            Stage::Gzip(d) => std::mem::take(d.get_mut()),
            #[cfg(feature = "gzip")]
            Stage::Zlib(d) => std::mem::take(d.get_mut()),
            #[cfg(feature = "gzip")]
            Stage::Raw(d) => std::mem::take(d.get_mut()),
            #[cfg(feature = "gzip")]
            Stage::Deflate(_) => Vec::new(),
            #[cfg(feature = "brotli")]
            Stage::Brotli(Some(d)) => std::mem::take(&mut d.get_mut().out),
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
    /// Whether any body byte arrived: an empty body is no stream at all, not a cut one.
    empty: bool,
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
            stages: codings
                .iter()
                .rev()
                .map(|&c| Stage::new(c, limit))
                .collect(),
            budget: limit,
            limit,
            empty: true,
        }
    }

    /// Decodes the next piece of the body.
    pub(crate) fn decode(&mut self, input: &[u8]) -> Result<Vec<u8>, DecodeError> {
        let mut out = Vec::new();
        self.empty &= input.is_empty();
        self.push(0, input, &mut out)?;
        Ok(out)
    }

    /// Ends the body: the last decoded bytes, or an error if a stream was cut short. An empty
    /// body (a HEAD response, a 204 or 304 that names its encoding) decodes to nothing.
    pub(crate) fn finish(&mut self) -> Result<Vec<u8>, DecodeError> {
        let mut out = Vec::new();
        if self.empty {
            return Ok(out);
        }
        for level in 0..self.stages.len() {
            let rest = self.stages[level]
                .finish()
                .map_err(|e| self.stage_error(e))?;
            self.push(level + 1, &rest, &mut out)?;
        }
        Ok(out)
    }

    fn push(&mut self, level: usize, input: &[u8], out: &mut Vec<u8>) -> Result<(), DecodeError> {
        if level == self.stages.len() {
            if input.len() > self.budget {
                return Err(self.over_limit());
            }
            self.budget -= input.len();
            out.extend_from_slice(input);
            return Ok(());
        }
        for slice in input.chunks(SLICE) {
            self.stages[level]
                .write(slice)
                .map_err(|e| self.stage_error(e))?;
            let produced = self.stages[level].take();
            if !produced.is_empty() {
                self.push(level + 1, &produced, out)?;
            }
        }
        Ok(())
    }

    fn over_limit(&self) -> DecodeError {
        DecodeError::TooLarge { limit: self.limit }
    }

    fn stage_error(&self, e: io::Error) -> DecodeError {
        #[cfg(feature = "brotli")]
        if e.get_ref().is_some_and(|inner| inner.is::<OverLimit>()) {
            return self.over_limit();
        }
        DecodeError::Corrupt(e)
    }
}

#[cfg(all(test, feature = "gzip"))]
mod tests;

#[cfg(all(test, not(feature = "gzip")))]
#[test]
fn without_the_gzip_feature_gzip_and_deflate_pass_through() {
    for field in ["gzip", "deflate", "x-gzip", "identity, gzip"] {
        assert!(
            matches!(codings([field.as_bytes()].into_iter()), Ok(None)),
            "{field}"
        );
    }
    assert!(!ACCEPT_ENCODING.contains("gzip"));
}
