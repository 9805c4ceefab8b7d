//! `chunked`: arbitrary bytes as a chunked body, one piece against many.

use http::HeaderMap;
use tarry_wire::{ChunkedDecoder, Error, Limits};

use crate::{Pieces, small_limits};

/// Arbitrary bytes as a chunked body. The first byte says how many of the next bytes (0-7,
/// its low three bits) are piece sizes, and bit 3 picks [`small_limits`]; the rest is the body.
pub fn chunked(data: &[u8]) {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let (sizes, body) = rest.split_at(usize::from(control & 7).min(rest.len()));
    let limits = if control & 8 != 0 {
        small_limits()
    } else {
        Limits::default()
    };
    let whole = decode_chunked(Pieces::new(body, &[]), &limits);
    let split = decode_chunked(Pieces::new(body, sizes), &limits);
    assert_eq!(
        whole, split,
        "chunked decoding depends on how the input is split"
    );
}

/// Everything a chunked decode produced: the data, then how it ended.
#[derive(Debug, PartialEq)]
pub(crate) struct ChunkedRun {
    pub(crate) data: Vec<u8>,
    /// Bytes consumed in all, whether the body ended, and its trailers; or the error.
    pub(crate) end: Result<(usize, bool, Option<HeaderMap>), Error>,
}

pub(crate) fn decode_chunked(pieces: Pieces<'_>, limits: &Limits) -> ChunkedRun {
    let mut decoder = ChunkedDecoder::new(limits);
    let mut buf = Vec::new();
    let mut data = Vec::new();
    let mut consumed = 0;
    for piece in pieces {
        buf.extend_from_slice(piece);
        while !decoder.is_done() {
            let step = match decoder.decode(&buf) {
                Ok(step) => step,
                Err(e) => return ChunkedRun { data, end: Err(e) },
            };
            assert!(step.data.start <= step.data.end && step.data.end <= step.consumed);
            assert!(step.consumed <= buf.len());
            data.extend_from_slice(&buf[step.data]);
            buf.drain(..step.consumed);
            consumed += step.consumed;
            if step.consumed == 0 {
                break;
            }
        }
        if decoder.is_done() {
            // Bytes after the body belong to the next message and are never taken.
            assert_eq!(decoder.decode(b"0\r\n").map(|s| s.consumed), Ok(0));
            break;
        }
    }
    let end = Ok((consumed, decoder.is_done(), decoder.take_trailers()));
    ChunkedRun { data, end }
}
