//! Where each field of a head lies in its bytes.
//!
//! The offsets are stored right after the head's own bytes, in the same buffer, so an owned
//! head costs one allocation whatever its field count. A head under 64 KiB (the default limit)
//! stores four `u16`s per field; a larger one (the limit is configurable) four `u32`s.

use std::ops::Range;

/// Byte offsets into the head's bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Span {
    pub(super) start: u32,
    pub(super) end: u32,
}

impl Span {
    pub(super) fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One field line: its name and its value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Field {
    pub(super) name: Span,
    pub(super) value: Span,
}

/// Describes the offset table that follows the head bytes in a buffer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct FieldIndex {
    head_len: usize,
    count: usize,
    wide: bool,
}

impl FieldIndex {
    /// Bytes the table for `count` fields of a `head_len`-byte head takes.
    pub(super) fn table_len(head_len: usize, count: usize) -> usize {
        count
            * if head_len > usize::from(u16::MAX) {
                16
            } else {
                8
            }
    }

    /// Appends the table for `headers` (sub-slices of `head`, as httparse returns them) to
    /// `buf`, which already holds a copy of `head`.
    pub(super) fn append(buf: &mut Vec<u8>, head: &[u8], headers: &[httparse::Header<'_>]) -> Self {
        let base = head.as_ptr() as usize;
        // An offset that is not inside `head` (never seen, but not promised by httparse's
        // types) becomes an empty span rather than a wild one.
        let span = |s: &[u8]| {
            let start = (s.as_ptr() as usize).wrapping_sub(base);
            if start <= head.len() && s.len() <= head.len() - start {
                [start, start + s.len()]
            } else {
                [0, 0]
            }
        };
        let wide = head.len() > usize::from(u16::MAX);
        if wide {
            for h in headers {
                let [ns, ne] = span(h.name.as_bytes());
                let [vs, ve] = span(h.value);
                let packed = [ns, ne, vs, ve].map(|o| u128::from(to_u32(o)));
                let entry = packed[0] | packed[1] << 32 | packed[2] << 64 | packed[3] << 96;
                buf.extend_from_slice(&entry.to_le_bytes());
            }
        } else {
            for h in headers {
                let [ns, ne] = span(h.name.as_bytes());
                let [vs, ve] = span(h.value);
                // Offsets are at most `head.len()`, below 64 KiB here: each fits 16 bits.
                let packed = [ns, ne, vs, ve].map(|o| o as u64);
                let entry = packed[0] | packed[1] << 16 | packed[2] << 32 | packed[3] << 48;
                buf.extend_from_slice(&entry.to_le_bytes());
            }
        }
        FieldIndex {
            head_len: head.len(),
            count: headers.len(),
            wide,
        }
    }

    pub(super) fn head_len(&self) -> usize {
        self.head_len
    }

    pub(super) fn len(&self) -> usize {
        self.count
    }

    /// Field `i` of the table in `buf`.
    pub(super) fn get(&self, buf: &[u8], i: usize) -> Field {
        // The layout `append` wrote: four offsets, little-endian, 16 or 32 bits each.
        let o: [u32; 4] = if self.wide {
            let at = self.head_len + 16 * i;
            let mut entry = [0u8; 16];
            entry.copy_from_slice(&buf[at..at + 16]);
            let e = u128::from_le_bytes(entry);
            #[allow(clippy::cast_possible_truncation)] // each lane is 32 bits by construction
            [
                e as u32,
                (e >> 32) as u32,
                (e >> 64) as u32,
                (e >> 96) as u32,
            ]
        } else {
            let at = self.head_len + 8 * i;
            let mut entry = [0u8; 8];
            entry.copy_from_slice(&buf[at..at + 8]);
            let e = u64::from_le_bytes(entry);
            [e, e >> 16, e >> 32, e >> 48].map(|lane| (lane & 0xffff) as u32)
        };
        Field {
            name: Span {
                start: o[0],
                end: o[1],
            },
            value: Span {
                start: o[2],
                end: o[3],
            },
        }
    }

    pub(super) fn iter<'a>(&self, buf: &'a [u8]) -> impl Iterator<Item = Field> + 'a {
        let index = *self;
        (0..self.count).map(move |i| index.get(buf, i))
    }
}

/// Heads are bounded by [`crate::Limits`], whose byte limit is a `usize`; a head past 4 GiB
/// would be refused long before it got here, so saturating is only a guard.
pub(super) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
