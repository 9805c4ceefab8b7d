//! Content decoding: the `Content-Encoding` parser, each coding fed in network-size pieces
//! and one byte at a time, stacked codings, corrupt and truncated bodies, and the budget that
//! stops decoding bombs.

use std::io::Write;
use std::time::{Duration, Instant};

use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};

use super::{Coding, Decoder, MAX_CODINGS, codings};

const MIB: usize = 1024 * 1024;
/// A read from a socket, about.
const NET: usize = 16 * 1024;
/// Large enough never to matter.
const NO_LIMIT: usize = usize::MAX;

/// `brotli` (Python `brotlicffi.compress`, default quality) of [`lines`].
#[cfg(feature = "brotli")]
const BR_LINES: [u8; 114] = [
    27, 61, 8, 0, 156, 9, 54, 78, 168, 119, 55, 60, 213, 13, 165, 93, 207, 30, 78, 19, 20, 13, 114,
    134, 167, 167, 194, 222, 26, 68, 97, 46, 47, 131, 193, 1, 88, 56, 194, 11, 12, 219, 162, 131,
    239, 49, 214, 183, 37, 41, 195, 148, 236, 16, 231, 118, 100, 205, 163, 125, 147, 167, 199, 237,
    126, 223, 109, 58, 13, 77, 45, 109, 157, 186, 116, 235, 209, 251, 143, 50, 188, 3, 156, 92,
    220, 60, 121, 241, 230, 163, 55, 156, 193, 193, 201, 197, 205, 147, 23, 111, 62, 122, 195, 21,
    28, 156, 92, 220, 60, 121, 241, 230, 3, 23,
];

/// `brotli` (Python `brotlicffi.compress`, quality 11) of 1,000,000,000 zero bytes: a
/// kilobyte of it decodes to more than 600 MB.
#[cfg(feature = "brotli")]
const BR_BOMB: [u8; 1576] = [
    203, 255, 255, 63, 248, 39, 0, 226, 177, 64, 32, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196,
    97, 17, 128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255,
    255, 193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116,
    239, 255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9,
    128, 56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199,
    255, 255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97,
    1, 128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 227, 255, 255, 31, 252, 19, 0, 113, 88, 0, 160, 123, 255, 199, 255,
    255, 63, 248, 39, 0, 226, 176, 0, 64, 247, 254, 143, 255, 255, 127, 240, 79, 0, 196, 97, 1,
    128, 238, 253, 31, 255, 255, 255, 224, 159, 0, 136, 195, 2, 0, 221, 251, 63, 254, 255, 255,
    193, 63, 1, 16, 135, 5, 0, 186, 247, 127, 252, 255, 255, 131, 127, 2, 32, 14, 11, 0, 116, 239,
    255, 248, 255, 255, 7, 255, 4, 64, 28, 22, 0, 232, 222, 255, 241, 255, 255, 15, 254, 9, 128,
    56, 44, 0, 208, 189, 255, 203, 255, 100, 13, 252, 19, 0, 113, 88, 0, 160, 27, 172, 1,
];

/// What [`BR_LINES`] decodes to: 40 numbered lines, 2,110 bytes.
fn lines() -> Vec<u8> {
    (0..40)
        .flat_map(|i| {
            format!("line {i}: the quick brown fox jumps over the lazy dog\n").into_bytes()
        })
        .collect()
}

/// `len` bytes of words picked by a fixed xorshift: compressible, but not trivially.
fn sample(len: usize) -> Vec<u8> {
    const WORDS: [&str; 12] = [
        "session",
        "cookie",
        "redirect",
        "gzip",
        "deflate",
        "brotli",
        "header",
        "\n",
        "{\"k\":",
        "é",
        "0123456789",
        "\u{2603}",
    ];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let word = WORDS[usize::try_from(state % 12).unwrap()];
        out.extend_from_slice(word.as_bytes());
        out.push(if state & 0x100 == 0 { b' ' } else { b'x' });
    }
    out.truncate(len);
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn raw_deflate(data: &[u8]) -> Vec<u8> {
    let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Feeds `input` in pieces of `piece` bytes and finishes: everything decoded, or the first
/// error.
fn decode_all(
    codings: &[Coding],
    input: &[u8],
    piece: usize,
    limit: usize,
) -> Result<Vec<u8>, String> {
    let mut decoder = Decoder::new(codings, limit);
    let mut out = Vec::new();
    for chunk in input.chunks(piece) {
        out.extend(decoder.decode(chunk).map_err(|e| e.to_string())?);
    }
    out.extend(decoder.finish().map_err(|e| e.to_string())?);
    Ok(out)
}

/// The error of `result`; a panic naming `case` (not printing the output) if there is none.
fn must_fail(result: Result<Vec<u8>, String>, case: &str) -> String {
    match result {
        Ok(out) => panic!("{case}: decoded {} bytes, expected an error", out.len()),
        Err(e) => e,
    }
}

/// Every piece size a test feeds `input` in: one byte at a time only for small inputs.
fn pieces(input: &[u8]) -> Vec<usize> {
    let mut sizes = vec![NET, 1000, input.len().max(1)];
    if input.len() <= 16 * 1024 {
        sizes.extend([1, 2, 3]);
    }
    sizes
}

/// `plain` encoded with each coding alone: (name, coding, encoded). Brotli only when `plain`
/// is [`lines`], the one brotli sample (the tests have no brotli encoder).
fn each_coding(plain: &[u8]) -> Vec<(&'static str, Coding, Vec<u8>)> {
    #[allow(unused_mut)]
    let mut all = vec![
        ("gzip", Coding::Gzip, gzip(plain)),
        ("deflate (zlib)", Coding::Deflate, zlib(plain)),
        ("deflate (raw)", Coding::Deflate, raw_deflate(plain)),
    ];
    #[cfg(feature = "brotli")]
    if plain == lines() {
        all.push(("br", Coding::Brotli, BR_LINES.to_vec()));
    }
    all
}

// ---------------------------------------------------------------- Content-Encoding

/// `Content-Encoding` field values.
type Fields = &'static [&'static str];

fn parse(fields: Fields) -> Result<Option<Vec<Coding>>, String> {
    codings(fields.iter().map(|f| f.as_bytes())).map_err(|e| e.to_string())
}

#[test]
fn content_encoding_parsing() {
    use Coding::{Deflate, Gzip};
    let mut cases: Vec<(&str, Fields, Option<Vec<Coding>>)> = vec![
        ("no field", &[], Some(vec![])),
        ("gzip", &["gzip"], Some(vec![Gzip])),
        ("x-gzip", &["x-gzip"], Some(vec![Gzip])),
        ("any case", &["GZip"], Some(vec![Gzip])),
        ("deflate", &["Deflate"], Some(vec![Deflate])),
        (
            "list in order applied",
            &["deflate, gzip"],
            Some(vec![Deflate, Gzip]),
        ),
        ("no spaces", &["gzip,deflate"], Some(vec![Gzip, Deflate])),
        (
            "several fields",
            &["deflate", "gzip"],
            Some(vec![Deflate, Gzip]),
        ),
        (
            "fields and lists",
            &["gzip", "deflate, gzip"],
            Some(vec![Gzip, Deflate, Gzip]),
        ),
        ("identity is nothing", &["identity"], Some(vec![])),
        (
            "identity skipped",
            &["identity, gzip, IDENTITY"],
            Some(vec![Gzip]),
        ),
        ("empty and blank", &["", " , gzip ,, \t"], Some(vec![Gzip])),
        ("unknown", &["compress"], None),
        ("unknown after known", &["gzip, zstd"], None),
        ("unknown in a later field", &["gzip", "x-custom"], None),
        ("a parameter is not a coding", &["gzip;q=1"], None),
    ];
    #[cfg(feature = "brotli")]
    cases.extend([
        ("br", &["br"][..], Some(vec![Coding::Brotli])),
        (
            "br in a list",
            &["BR, gzip"],
            Some(vec![Coding::Brotli, Gzip]),
        ),
    ]);
    #[cfg(not(feature = "brotli"))]
    cases.push(("br without the brotli feature", &["br"], None));
    for (name, fields, want) in cases {
        assert_eq!(parse(fields), Ok(want), "case: {name}");
    }
    // What is advertised is what is decoded.
    let advertised = if cfg!(feature = "brotli") {
        "gzip, deflate, br"
    } else {
        "gzip, deflate"
    };
    assert_eq!(super::ACCEPT_ENCODING, advertised);
}

#[test]
fn more_than_three_codings_are_refused() {
    assert_eq!(MAX_CODINGS, 3);
    let three = parse(&["gzip, deflate", "gzip"]).unwrap().unwrap();
    assert_eq!(three.len(), 3);
    let with_identity = parse(&["gzip, identity, gzip, identity, gzip, identity"]);
    assert_eq!(with_identity.unwrap().unwrap().len(), 3);

    let cases: [(&str, Fields); 3] = [
        ("one field", &["gzip, gzip, gzip, gzip"]),
        ("four fields", &["gzip", "gzip", "gzip", "gzip"]),
        ("six fields (WIRE-24)", &["gzip"; 6]),
    ];
    for (name, fields) in cases {
        let err = parse(fields).expect_err(name);
        assert!(err.contains("content encodings"), "{name}: {err}");
    }
}

// ---------------------------------------------------------------- decoding

#[test]
fn each_coding_decodes_in_any_piece_size() {
    for plain in [lines(), sample(300 * 1024), Vec::from(&b"x"[..])] {
        for (name, coding, encoded) in each_coding(&plain) {
            for piece in pieces(&encoded) {
                let case = format!("{name}, {} bytes in pieces of {piece}", plain.len());
                let got = decode_all(&[coding], &encoded, piece, NO_LIMIT)
                    .unwrap_or_else(|e| panic!("{case}: {e}"));
                assert!(got == plain, "{case}: wrong output");
            }
        }
    }
}

#[test]
fn output_comes_while_the_body_arrives() {
    // A streaming decoder: half of the body gives output before the end is seen.
    let plain = sample(512 * 1024);
    for (name, coding, encoded) in each_coding(&plain) {
        let mut decoder = Decoder::new(&[coding], NO_LIMIT);
        let mut out = Vec::new();
        for chunk in encoded[..encoded.len() / 2].chunks(NET) {
            out.extend(decoder.decode(chunk).unwrap());
        }
        let len = out.len();
        assert!(len > 64 * 1024, "{name}: only {len} bytes after half");
        assert!(plain.starts_with(&out), "{name}: wrong prefix");
    }
}

#[test]
fn concatenated_gzip_members_all_decode() {
    let mut body = gzip(b"first member, ");
    body.extend(gzip(b"second member, "));
    body.extend(gzip(b""));
    body.extend(gzip(b"third"));
    for piece in pieces(&body) {
        let got = decode_all(&[Coding::Gzip], &body, piece, NO_LIMIT).unwrap();
        let want = b"first member, second member, third";
        assert_eq!(got, want, "pieces of {piece}");
    }
}

#[test]
fn stacked_codings_are_undone_last_first() {
    use Coding::{Deflate, Gzip};
    let plain = sample(100 * 1024);
    // (Content-Encoding, its codings, the body, what it decodes to)
    #[allow(unused_mut)]
    let mut cases = vec![
        (
            "deflate, gzip",
            vec![Deflate, Gzip],
            gzip(&zlib(&plain)),
            plain.clone(),
        ),
        (
            "gzip, deflate",
            vec![Gzip, Deflate],
            raw_deflate(&gzip(&plain)),
            plain.clone(),
        ),
        (
            "gzip, gzip",
            vec![Gzip, Gzip],
            gzip(&gzip(&plain)),
            plain.clone(),
        ),
        (
            "gzip, deflate, gzip",
            vec![Gzip, Deflate, Gzip],
            gzip(&zlib(&gzip(&plain))),
            plain.clone(),
        ),
    ];
    #[cfg(feature = "brotli")]
    cases.push((
        "br, gzip",
        vec![Coding::Brotli, Gzip],
        gzip(&BR_LINES),
        lines(),
    ));
    for (name, chain, encoded, plain) in cases {
        for piece in [1, 100, NET] {
            let got = decode_all(&chain, &encoded, piece, NO_LIMIT)
                .unwrap_or_else(|e| panic!("{name} in {piece}: {e}"));
            assert!(got == plain, "{name} in {piece}: wrong output");
        }
        // Undone in the wrong order, the first stage sees the wrong format.
        let reversed: Vec<Coding> = chain.iter().rev().copied().collect();
        if reversed != chain {
            let err = must_fail(decode_all(&reversed, &encoded, NET, NO_LIMIT), name);
            assert!(err.contains("corrupt"), "{name} reversed: {err}");
        }
    }
}

#[test]
fn no_coding_passes_bytes_through() {
    let plain = sample(40 * 1024);
    for piece in [1, NET] {
        assert!(decode_all(&[], &plain, piece, NO_LIMIT).unwrap() == plain);
    }
}

#[test]
fn an_empty_body_decodes_to_nothing() {
    // A HEAD response, or a 204 or 304, keeps its Content-Encoding but has no body.
    #[allow(unused_mut)]
    let mut chains = vec![
        vec![Coding::Gzip],
        vec![Coding::Deflate],
        vec![Coding::Deflate, Coding::Gzip],
    ];
    #[cfg(feature = "brotli")]
    chains.push(vec![Coding::Brotli]);
    for chain in chains {
        assert!(
            Decoder::new(&chain, 0)
                .finish()
                .is_ok_and(|out| out.is_empty()),
            "{chain:?}"
        );
        let mut decoder = Decoder::new(&chain, 0);
        assert!(
            decoder.decode(b"").is_ok_and(|out| out.is_empty()),
            "{chain:?}"
        );
        assert!(
            decoder.finish().is_ok_and(|out| out.is_empty()),
            "{chain:?} after an empty piece"
        );
    }
}

// ---------------------------------------------------------------- broken bodies

#[test]
fn corrupt_bodies_are_errors() {
    let plain = sample(64 * 1024);
    let flip = |data: &[u8], at: usize| {
        let mut data = data.to_vec();
        data[at] ^= 0xff;
        data
    };
    let then = |data: Vec<u8>, junk: &[u8]| [data, junk.to_vec()].concat();
    let (gz, zl) = (gzip(&plain), zlib(&plain));
    let (gz_len, zl_len) = (gz.len(), zl.len());
    let html = b"<html>plain page</html>".to_vec();
    #[allow(unused_mut)]
    let mut cases: Vec<(&str, Coding, Vec<u8>)> = vec![
        ("gzip: not gzip at all", Coding::Gzip, html.clone()),
        ("gzip: wrong magic", Coding::Gzip, flip(&gz, 0)),
        ("gzip: unknown method", Coding::Gzip, flip(&gz, 2)),
        ("gzip: damaged data", Coding::Gzip, flip(&gz, gz_len / 2)),
        ("gzip: wrong CRC", Coding::Gzip, flip(&gz, gz_len - 6)),
        ("gzip: wrong size", Coding::Gzip, flip(&gz, gz_len - 2)),
        (
            "gzip: junk after the member",
            Coding::Gzip,
            then(gzip(b"fine"), &html),
        ),
        (
            "deflate (zlib): damaged data",
            Coding::Deflate,
            flip(&zl, zl_len / 2),
        ),
        (
            "deflate (zlib): wrong checksum",
            Coding::Deflate,
            flip(&zl, zl_len - 1),
        ),
        (
            "deflate (zlib): junk after the end",
            Coding::Deflate,
            then(zlib(b"fine"), b"junk"),
        ),
        (
            "deflate (raw): reserved block type",
            Coding::Deflate,
            vec![0xff; 64],
        ),
        // Raw deflate has no checksum: damage in its data may decode to other bytes.
    ];
    #[cfg(feature = "brotli")]
    cases.extend([
        ("br: not brotli at all", Coding::Brotli, html.clone()),
        ("br: damaged data", Coding::Brotli, flip(&BR_LINES, 40)),
        (
            "br: junk after the end",
            Coding::Brotli,
            then(BR_LINES.to_vec(), b"junk"),
        ),
    ]);
    for (name, coding, body) in cases {
        for piece in [1, NET] {
            let case = format!("{name}, pieces of {piece}");
            let err = must_fail(decode_all(&[coding], &body, piece, NO_LIMIT), &case);
            assert!(err.contains("corrupt"), "{case}: {err}");
        }
    }
}

#[test]
fn truncated_bodies_are_errors_at_the_end() {
    for plain in [lines(), sample(64 * 1024)] {
        for (name, coding, encoded) in each_coding(&plain) {
            let len = encoded.len();
            for cut in [1, 2, 3, 10, len / 2, len - 8, len - 4, len - 1] {
                for piece in [1, NET] {
                    let case = format!("{name} cut to {cut} of {len}, pieces of {piece}");
                    // What comes out before the end is the start of the real body.
                    let mut decoder = Decoder::new(&[coding], NO_LIMIT);
                    let mut out = Vec::new();
                    for chunk in encoded[..cut].chunks(piece) {
                        let decoded = decoder.decode(chunk);
                        out.extend(decoded.unwrap_or_else(|e| panic!("{case}: {e}")));
                    }
                    assert!(plain.starts_with(&out), "{case}: output is not a prefix");
                    let err = must_fail(decoder.finish().map_err(|e| e.to_string()), &case);
                    assert!(err.contains("corrupt"), "{case}: {err}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------- the budget

#[test]
fn the_budget_counts_decoded_bytes_exactly() {
    let plain = sample(100_000);
    let mut cases: Vec<(&str, Vec<Coding>, Vec<u8>)> = each_coding(&plain)
        .into_iter()
        .map(|(name, coding, encoded)| (name, vec![coding], encoded))
        .collect();
    cases.push(("no coding", vec![], plain.clone()));
    cases.push((
        "gzip, gzip",
        vec![Coding::Gzip, Coding::Gzip],
        gzip(&gzip(&plain)),
    ));
    for (name, chain, body) in cases {
        for piece in [1000, NET] {
            let at_limit = decode_all(&chain, &body, piece, plain.len());
            assert!(
                at_limit.as_deref() == Ok(&plain[..]),
                "{name}: the limit itself is allowed"
            );
            let err = must_fail(decode_all(&chain, &body, piece, plain.len() - 1), name);
            assert!(err.contains("limit of 99999 bytes"), "{name}: {err}");
        }
    }
}

/// The budget error from `input` fed in pieces of `piece`, and how far it got: the decoded
/// bytes handed out before it, and the input bytes fed including the piece that failed.
fn until_over_budget(
    chain: &[Coding],
    input: &[u8],
    piece: usize,
    limit: usize,
) -> (String, usize, usize) {
    let mut decoder = Decoder::new(chain, limit);
    let (mut out, mut fed) = (0, 0);
    for chunk in input.chunks(piece) {
        fed += chunk.len();
        match decoder.decode(chunk) {
            Ok(decoded) => out += decoded.len(),
            Err(e) => return (e.to_string(), out, fed),
        }
    }
    match decoder.finish() {
        Ok(decoded) => panic!("decoded {} bytes within the limit", out + decoded.len()),
        Err(e) => (e.to_string(), out, fed),
    }
}

#[test]
fn wire_24_a_double_gzip_bomb_stops_at_the_budget() {
    // 10 MB of zeros, gzipped twice: a few hundred bytes on the wire (WIRE-24).
    let bomb = gzip(&gzip(&vec![0; 10_000_000]));
    assert!(bomb.len() < 2_000, "the bomb is {} bytes", bomb.len());
    for piece in [1, 7, NET] {
        let started = Instant::now();
        let (err, out, _) = until_over_budget(&[Coding::Gzip, Coding::Gzip], &bomb, piece, MIB);
        assert!(
            err.contains("limit of 1048576 bytes"),
            "pieces of {piece}: {err}"
        );
        assert!(out <= MIB, "pieces of {piece}: {out} bytes handed out");
        let elapsed = started.elapsed();
        assert!(
            elapsed < Duration::from_secs(5),
            "pieces of {piece}: {elapsed:?}"
        );
    }
}

#[test]
fn a_large_bomb_fails_on_its_first_piece() {
    // 4,000 gzip members of 1 MB of zeros each: 4 GB from 4 MB. Were the decoder to hold
    // what it decodes, or to read on to the end before counting, this would not finish.
    let member = gzip(&vec![0; 1_000_000]);
    let bomb = member.repeat(4_000);
    // In network-size pieces, and as one piece (which the decoder must slice itself).
    for piece in [NET, bomb.len()] {
        let started = Instant::now();
        let (err, out, fed) = until_over_budget(&[Coding::Gzip], &bomb, piece, MIB);
        assert!(err.contains("limit"), "pieces of {piece}: {err}");
        assert!(out <= MIB, "pieces of {piece}: {out} bytes handed out");
        assert_eq!(
            fed, piece,
            "pieces of {piece}: the error came after {fed} bytes"
        );
        let elapsed = started.elapsed();
        assert!(
            elapsed < Duration::from_secs(5),
            "pieces of {piece}: {elapsed:?}"
        );
    }
}

#[cfg(feature = "brotli")]
#[test]
fn wire_24_a_brotli_bomb_stops_at_the_budget() {
    // Were the decoder to take what one slice of it expands to before counting, this would
    // take seconds and more than half a gigabyte.
    for piece in [1, NET] {
        let started = Instant::now();
        let (err, out, _) = until_over_budget(&[Coding::Brotli], &BR_BOMB, piece, MIB);
        assert!(
            err.contains("limit of 1048576 bytes"),
            "pieces of {piece}: {err}"
        );
        assert!(out <= MIB, "pieces of {piece}: {out} bytes handed out");
        let elapsed = started.elapsed();
        assert!(
            elapsed < Duration::from_secs(2),
            "pieces of {piece}: {elapsed:?}"
        );
    }
}

#[cfg(feature = "brotli")]
#[test]
fn one_brotli_slice_never_holds_more_than_the_limit() {
    // The mechanism behind the test above: the stage's output is refused past the limit
    // while the slice is decoded, not counted after.
    let mut stage = super::Stage::new(Coding::Brotli, MIB);
    let err = stage
        .write(&BR_BOMB[..super::SLICE])
        .expect_err("a slice of the bomb fits the limit");
    assert!(
        err.get_ref().is_some_and(|e| e.is::<super::OverLimit>()),
        "{err}"
    );
    assert!(stage.take().len() <= MIB);
}
