//! Chunk extensions against a reader of the RFC 9112 §7.1.1 grammar written for these tests
//! only: a recursive-descent check that shares no code (and no state machine) with
//! `tarry_wire::ChunkedDecoder`.

use proptest::prelude::*;
use tarry_wire::{ChunkedDecoder, Limits};

/// A cursor over one size line's bytes after the digits.
struct Line<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Line<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        self.at += usize::from(hit);
        hit
    }

    /// BWS: any run of SP and HTAB.
    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    /// One or more token characters.
    fn token(&mut self) -> bool {
        let from = self.at;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            self.at += 1;
        }
        self.at > from
    }

    /// DQUOTE *( qdtext / quoted-pair ) DQUOTE.
    fn quoted_string(&mut self) -> bool {
        let text = |b: u8| b == b'\t' || b == b' ' || (0x21..=0x7e).contains(&b) || b >= 0x80;
        if !self.eat(b'"') {
            return false;
        }
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return true;
                }
                Some(b'\\') => {
                    self.at += 1;
                    match self.peek() {
                        Some(b) if text(b) => self.at += 1,
                        _ => return false,
                    }
                }
                Some(b) if text(b) => self.at += 1,
                _ => return false,
            }
        }
    }
}

/// Whether `rest` (what follows the size digits, up to the CR) is a `chunk-ext`.
fn is_chunk_ext(rest: &[u8]) -> bool {
    let mut line = Line { bytes: rest, at: 0 };
    while line.at < rest.len() {
        line.whitespace();
        if !line.eat(b';') {
            return false;
        }
        line.whitespace();
        if !line.token() {
            return false;
        }
        let before_value = line.at;
        line.whitespace();
        if line.eat(b'=') {
            line.whitespace();
            if !(line.quoted_string() || line.token()) {
                return false;
            }
        } else {
            line.at = before_value;
        }
    }
    true
}

/// Whether tarry takes `5{rest}\r\nhello\r\n0\r\n\r\n` as the body "hello".
fn tarry_accepts(rest: &[u8]) -> bool {
    let input = [b"5", rest, b"\r\nhello\r\n0\r\n\r\n"].concat();
    let mut decoder = ChunkedDecoder::new(&Limits::default());
    let mut at = 0;
    while !decoder.is_done() {
        match decoder.decode(&input[at..]) {
            Ok(step) if step.consumed > 0 => at += step.consumed,
            _ => return false,
        }
    }
    at == input.len()
}

/// Pieces that matter to the grammar, whole words among them so that near-valid lines are
/// common, and a few bytes it has no place for (CR and LF are left to the fixtures: they end
/// or break the line before the grammar is asked).
fn grammar_pieces() -> impl Strategy<Value = Vec<u8>> {
    let pieces: [&[u8]; 16] = [
        b";", b"a", b"=", b"\"", b" ", b"\t", b"\\", b";a", b"=b", b"\"x\"", b";a=b", b"@", b",",
        b"\x01", b"\x7f", b"\x80",
    ];
    proptest::collection::vec(prop::sample::select(pieces.to_vec()), 0..8)
        .prop_map(|parts| parts.concat())
}

/// Lines the grammar produces, so that acceptance is tried as often as refusal.
fn valid_ext() -> impl Strategy<Value = Vec<u8>> {
    let ws = "[ \t]{0,2}";
    let name = "[a-zA-Z0-9!#$%&'*+.^_`|~-]{1,4}";
    // Quoted text and quoted-pairs, obs-text and HTAB among them (obs-text as UTF-8 of
    // U+0080..U+00FF, whose bytes are all 0x80 and above).
    let quoted = r#""([ \t!#-\[\]-~\x{80}-\x{ff}]|\\[\t -~\x{80}-\x{ff}]){0,4}""#;
    let one = format!("{ws};{ws}{name}({ws}={ws}({name}|{quoted}))?");
    proptest::collection::vec(
        proptest::string::string_regex(&one).expect("valid regex"),
        0..4,
    )
    .prop_map(|parts| parts.concat().into_bytes())
}

proptest! {
    #![proptest_config(crate::config(2048))]

    #[test]
    fn the_decoder_and_the_grammar_agree(rest in grammar_pieces()) {
        prop_assert_eq!(tarry_accepts(&rest), is_chunk_ext(&rest), "{:?}", rest.escape_ascii().to_string());
    }

    #[test]
    fn every_line_the_grammar_produces_is_accepted(rest in valid_ext()) {
        prop_assert!(is_chunk_ext(&rest), "{:?}", rest.escape_ascii().to_string());
        prop_assert!(tarry_accepts(&rest), "{:?}", rest.escape_ascii().to_string());
    }
}
