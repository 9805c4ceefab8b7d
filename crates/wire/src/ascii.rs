//! ASCII case-insensitive comparison, eight bytes at a time.
//!
//! Field names are compared case-insensitively on every response (`Content-Length`, `Connection`
//! and the like); `<[u8]>::eq_ignore_ascii_case` folds one byte per step, which made those
//! comparisons a visible share of reading a small response.

const LOW_BITS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Each byte of `x` lowercased as `u8::to_ascii_lowercase` does.
fn lower(x: u64) -> u64 {
    let seven = x & LOW_BITS;
    // Per byte: high bit set when the low seven bits are at least 'A', and when they are past
    // 'Z'. Seven bits plus at most 0x3f stay below 0x100, so no carry reaches the next byte.
    let from_a = seven + 0x3f3f_3f3f_3f3f_3f3f; // 0x80 - b'A'
    let past_z = seven + 0x2525_2525_2525_2525; // 0x80 - b'Z' - 1
    // Bytes with the high bit set are not ASCII and are left alone.
    let upper = from_a & !past_z & !x & HIGH_BITS;
    x | (upper >> 2)
}

fn word(bytes: &[u8]) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(bytes);
    u64::from_le_bytes(w)
}

/// Same result as `a.eq_ignore_ascii_case(b)`.
///
/// Inlined for the length test, which settles most comparisons of a field name.
#[inline]
pub(crate) fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && eq_same_len(a, b)
}

fn eq_same_len(a: &[u8], b: &[u8]) -> bool {
    if a.len() < 8 {
        return a.eq_ignore_ascii_case(b);
    }
    let (a_words, b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    let whole = a_words
        .zip(b_words)
        .all(|(x, y)| lower(word(x)) == lower(word(y)));
    // The last eight bytes, overlapping the words above, cover what they left over.
    let tail = a.len() - 8;
    whole && lower(word(&a[tail..])) == lower(word(&b[tail..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lowercases_exactly_like_std_for_every_byte_in_every_lane() {
        for b in 0..=u8::MAX {
            for lane in 0..8 {
                let mut bytes = *b"aZ@[`{\xc1\x80";
                bytes[lane] = b;
                let expected = bytes.map(|c| c.to_ascii_lowercase());
                assert_eq!(
                    lower(word(&bytes)).to_le_bytes(),
                    expected,
                    "{b:#04x} in {lane}"
                );
            }
        }
    }

    #[test]
    fn every_byte_pair_at_every_place() {
        for len in [8, 9, 14, 16, 17] {
            for at in [0, len / 2, len - 1] {
                for x in 0..=u8::MAX {
                    for y in 0..=u8::MAX {
                        let (mut a, mut b) = (vec![b'k'; len], vec![b'K'; len]);
                        a[at] = x;
                        b[at] = y;
                        assert_eq!(eq_ignore_case(&a, &b), a.eq_ignore_ascii_case(&b));
                    }
                }
            }
        }
    }

    fn near_letters() -> impl Strategy<Value = u8> {
        prop_oneof![
            b'@'..=b'[',
            b'`'..=b'{',
            Just(b'-'),
            Just(b'\r'),
            any::<u8>()
        ]
    }

    proptest! {
        #[test]
        fn agrees_with_std(
            a in proptest::collection::vec(near_letters(), 0..40),
            flips in proptest::collection::vec(any::<bool>(), 40),
            other in proptest::collection::vec(near_letters(), 0..40),
        ) {
            // A case-flipped copy (equal) and an unrelated string (almost always not).
            let flipped: Vec<u8> = a
                .iter()
                .zip(&flips)
                .map(|(&c, &f)| if f { c ^ 0x20 } else { c })
                .collect();
            prop_assert_eq!(eq_ignore_case(&a, &flipped), a.eq_ignore_ascii_case(&flipped));
            prop_assert_eq!(eq_ignore_case(&a, &other), a.eq_ignore_ascii_case(&other));
        }
    }
}
