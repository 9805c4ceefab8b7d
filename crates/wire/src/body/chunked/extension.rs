//! The rest of a chunk-size line after the digits: chunk extensions, by their grammar.
//!
//! RFC 9112 §7.1.1:
//!
//! ```text
//! chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
//! ext-val   = token / quoted-string
//! ```
//!
//! tarry uses no extension, so it could skip them to the CR, and for years parsers did. But a
//! chunk-size line is where two parsers in a row (a proxy and its origin, a cache and its
//! client) can disagree on where a chunk ends: one treats an open quote as hiding the CR, the
//! other ends the line there; one reads `5 ` as a size, the other as garbage. Refusing every
//! line the grammar does not produce leaves no such line for tarry to read differently.
//!
//! Like the rest of the decoder this moves one byte at a time and never looks back, so the
//! verdict does not depend on how the line is split across reads.

use crate::Error;

/// Where in the extensions of a chunk-size line the last byte left us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Extension {
    /// Whitespace right after the size digits: only more of it or `;` may follow.
    SizeBws,
    /// After `;`: optional whitespace, then a name.
    NameStart,
    Name,
    /// Whitespace after a name: `=` or `;` must follow.
    AfterName,
    /// After `=`: optional whitespace, then a token or a quoted string.
    ValueStart,
    Token,
    /// Inside a quoted string.
    Quoted,
    /// After a backslash inside a quoted string.
    QuotedPair,
    /// Right after the closing quote.
    Closed,
    /// Whitespace after a value: `;` must follow.
    Spaced,
}

impl Extension {
    /// The state after `byte`, or `None` for the CR that ends the line.
    pub(super) fn step(self, byte: u8) -> Result<Option<Extension>, Error> {
        use Extension::*;
        let next = match (self, byte) {
            // A quoted string must close on its line; a parser that lets it run on would read
            // the CR LF as part of a value.
            (Quoted | QuotedPair, b'\r' | b'\n') => {
                return Err(Error::UnterminatedChunkExtensionQuote);
            }
            (Quoted, b'"') => Closed,
            (Quoted, b'\\') => QuotedPair,
            (Quoted | QuotedPair, b) if is_text(b) => Quoted,
            (Quoted | QuotedPair, _) => return Err(Error::InvalidChunkExtension),
            // A bare LF ends no line in chunk framing (CVE-2025-22871).
            (_, b'\n') => return Err(Error::InvalidChunk),

            (SizeBws | Spaced, b' ' | b'\t') => self,
            (NameStart | ValueStart | AfterName, b' ' | b'\t') => self,
            (Name, b' ' | b'\t') => AfterName,
            (Token | Closed, b' ' | b'\t') => Spaced,

            (NameStart, b';' | b'=' | b'\r') => return Err(Error::ChunkExtensionWithoutName),
            (ValueStart, b';' | b'\r') => return Err(Error::ChunkExtensionWithoutValue),
            (_, b';') => NameStart,
            (Name | Token | Closed, b'\r') => return Ok(None),

            (NameStart | Name, b) if is_tchar(b) => Name,
            (Name | AfterName, b'=') => ValueStart,
            (ValueStart, b'"') => Quoted,
            (ValueStart | Token, b) if is_tchar(b) => Token,

            // Whitespace that is not around `;` or `=`: trailing, or between two words.
            (SizeBws | AfterName | Spaced, b'\r' | b'"') => {
                return Err(Error::ChunkLineWhitespace);
            }
            (AfterName | Spaced, b) if is_tchar(b) => return Err(Error::ChunkLineWhitespace),
            // `5 x` is a malformed size, as it was before anything was known about extensions.
            (SizeBws, _) => return Err(Error::InvalidChunkSize),
            _ => return Err(Error::InvalidChunkExtension),
        };
        Ok(Some(next))
    }
}

/// `tchar` (RFC 9110 §5.6.2): the bytes of a token, as a lookup table.
const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut c: u8 = 0;
    loop {
        table[c as usize] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_'
            )
            || matches!(c, b'`' | b'|' | b'~');
        if c == u8::MAX {
            break table;
        }
        c += 1;
    }
};

fn is_tchar(b: u8) -> bool {
    TCHAR[usize::from(b)]
}

/// HTAB, SP, VCHAR and obs-text: what a quoted string holds (`"` and `\` are handled first).
fn is_text(b: u8) -> bool {
    b == b'\t' || (b >= 0x20 && b != 0x7f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tchar_is_exactly_the_rfc_set() {
        let listed = b"!#$%&'*+-.^_`|~";
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || listed.contains(&b);
            assert_eq!(is_tchar(b), expected, "{b:#04x}");
        }
    }
}
