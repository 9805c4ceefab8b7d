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
//! The grammar is written once, as [`transition`], over ten classes of bytes; at compile time
//! it becomes a table, so each byte costs two lookups. Like the rest of the decoder this moves
//! one byte at a time and never looks back, so the verdict does not depend on how the line is
//! split across reads.

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

/// What one byte does to an [`Extension`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// Still in the extensions; the byte counts against the extension budget.
    To(Extension),
    /// The CR that ends the size line.
    LineEnd,
    /// The byte breaks a rule.
    Refuse(Refusal),
}

/// Which rule a refused byte broke; [`Refusal::error`] names it for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refusal {
    Whitespace,
    NoName,
    NoValue,
    OpenQuote,
    Byte,
    BareLf,
    Size,
}

impl Refusal {
    pub(super) fn error(self) -> Error {
        match self {
            Refusal::Whitespace => Error::ChunkLineWhitespace,
            Refusal::NoName => Error::ChunkExtensionWithoutName,
            Refusal::NoValue => Error::ChunkExtensionWithoutValue,
            Refusal::OpenQuote => Error::UnterminatedChunkExtensionQuote,
            Refusal::Byte => Error::InvalidChunkExtension,
            // A bare LF ends no line in chunk framing (CVE-2025-22871).
            Refusal::BareLf => Error::InvalidChunk,
            Refusal::Size => Error::InvalidChunkSize,
        }
    }
}

impl Extension {
    /// What `byte` does in this state.
    #[inline]
    pub(super) fn step(self, byte: u8) -> Next {
        TABLE[self as usize][CLASSES[usize::from(byte)] as usize]
    }
}

/// The bytes the grammar tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// SP and HTAB.
    Space,
    Semicolon,
    Equals,
    Quote,
    Backslash,
    Cr,
    Lf,
    /// `tchar` (RFC 9110 §5.6.2): the bytes of a token.
    Tchar,
    /// Other VCHAR and obs-text: allowed only inside a quoted string.
    Text,
    /// Control bytes other than HTAB, CR and LF, and DEL: allowed nowhere.
    Control,
}

/// The grammar: the next state for a byte of `class` in `state`.
const fn transition(state: Extension, class: Class) -> Next {
    use Class::*;
    use Extension::*;
    use Refusal::*;
    let to = match (state, class) {
        // A quoted string must close on its line; a parser that lets it run on would read
        // the CR LF as part of a value.
        (Quoted | QuotedPair, Cr | Lf) => return Next::Refuse(OpenQuote),
        (Quoted, Quote) => Closed,
        (Quoted, Backslash) => QuotedPair,
        (Quoted | QuotedPair, Control) => return Next::Refuse(Byte),
        (Quoted | QuotedPair, _) => Quoted,
        (_, Lf) => return Next::Refuse(BareLf),

        (SizeBws | Spaced | NameStart | ValueStart | AfterName, Space) => state,
        (Name, Space) => AfterName,
        (Token | Closed, Space) => Spaced,

        (NameStart, Semicolon | Equals | Cr) => return Next::Refuse(NoName),
        (ValueStart, Semicolon | Cr) => return Next::Refuse(NoValue),
        (_, Semicolon) => NameStart,
        (Name | Token | Closed, Cr) => return Next::LineEnd,

        (NameStart | Name, Tchar) => Name,
        (Name | AfterName, Equals) => ValueStart,
        (ValueStart, Quote) => Quoted,
        (ValueStart | Token, Tchar) => Token,

        // Whitespace that is not around `;` or `=`: trailing, or between two words.
        (SizeBws | AfterName | Spaced, Cr) => return Next::Refuse(Whitespace),
        (AfterName | Spaced, Quote | Tchar) => return Next::Refuse(Whitespace),
        // After the size, anything but whitespace, `;` or the line end makes `5 x` a malformed
        // size rather than an extension.
        (SizeBws, _) => return Next::Refuse(Size),
        _ => return Next::Refuse(Byte),
    };
    Next::To(to)
}

const STATES: [Extension; 10] = [
    Extension::SizeBws,
    Extension::NameStart,
    Extension::Name,
    Extension::AfterName,
    Extension::ValueStart,
    Extension::Token,
    Extension::Quoted,
    Extension::QuotedPair,
    Extension::Closed,
    Extension::Spaced,
];

const ALL_CLASSES: [Class; 10] = [
    Class::Space,
    Class::Semicolon,
    Class::Equals,
    Class::Quote,
    Class::Backslash,
    Class::Cr,
    Class::Lf,
    Class::Tchar,
    Class::Text,
    Class::Control,
];

/// [`transition`] for every state and class, indexed by their discriminants.
const TABLE: [[Next; ALL_CLASSES.len()]; STATES.len()] = {
    let mut table = [[Next::LineEnd; ALL_CLASSES.len()]; STATES.len()];
    let mut s = 0;
    while s < STATES.len() {
        let mut c = 0;
        while c < ALL_CLASSES.len() {
            table[STATES[s] as usize][ALL_CLASSES[c] as usize] =
                transition(STATES[s], ALL_CLASSES[c]);
            c += 1;
        }
        s += 1;
    }
    table
};

const fn class_of(b: u8) -> Class {
    match b {
        b' ' | b'\t' => Class::Space,
        b';' => Class::Semicolon,
        b'=' => Class::Equals,
        b'"' => Class::Quote,
        b'\\' => Class::Backslash,
        b'\r' => Class::Cr,
        b'\n' => Class::Lf,
        b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => Class::Tchar,
        b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~' => {
            Class::Tchar
        }
        0x00..=0x1f | 0x7f => Class::Control,
        _ => Class::Text,
    }
}

/// [`class_of`] for every byte.
const CLASSES: [Class; 256] = {
    let mut classes = [Class::Control; 256];
    let mut b: u8 = 0;
    loop {
        classes[b as usize] = class_of(b);
        if b == u8::MAX {
            break classes;
        }
        b += 1;
    }
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tchar_is_exactly_the_rfc_set() {
        let listed = b"!#$%&'*+-.^_`|~";
        for b in 0..=255u8 {
            let expected = b.is_ascii_alphanumeric() || listed.contains(&b);
            assert_eq!(
                CLASSES[usize::from(b)] == Class::Tchar,
                expected,
                "{b:#04x}"
            );
        }
    }

    #[test]
    fn the_table_is_the_grammar() {
        for state in STATES {
            for b in 0..=255u8 {
                assert_eq!(
                    state.step(b),
                    transition(state, class_of(b)),
                    "{state:?} {b:#04x}"
                );
            }
        }
    }
}
