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
        for h in headers {
            let [ns, ne] = span(h.name.as_bytes());
            let [vs, ve] = span(h.value);
            if wide {
                let mut entry = [0u8; 16];
                for (slot, o) in entry.chunks_exact_mut(4).zip([ns, ne, vs, ve]) {
                    slot.copy_from_slice(&to_u32(o).to_le_bytes());
                }
                buf.extend_from_slice(&entry);
            } else {
                // Offsets are at most `head.len()`, which is below 64 KiB here.
                #[allow(clippy::cast_possible_truncation)]
                let [a, b, c, d] =
                    [ns as u16, ne as u16, vs as u16, ve as u16].map(u16::to_le_bytes);
                buf.extend_from_slice(&[a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1]]);
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
        let mut o = [0u32; 4];
        if self.wide {
            let at = self.head_len + 16 * i;
            for (k, slot) in o.iter_mut().enumerate() {
                let b = &buf[at + 4 * k..at + 4 * k + 4];
                *slot = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            }
        } else {
            let at = self.head_len + 8 * i;
            for (k, slot) in o.iter_mut().enumerate() {
                *slot = u32::from(u16::from_le_bytes([buf[at + 2 * k], buf[at + 2 * k + 1]]));
            }
        }
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
