//! A chunked-body reader written for these tests only, so that request bodies are checked by
//! something that shares no code with `tarry_wire::ChunkedDecoder`.
//!
//! It reads a complete message (RFC 9112 §7.1) and is strict about what the encoder must
//! produce: CRLF everywhere, lowercase or uppercase hex without sign or prefix, no zero-size
//! chunk before the last one (that would end the body early; the reader stops there and the
//! caller sees the bytes that remain).

/// A decoded chunked body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Dechunked {
    pub(crate) body: Vec<u8>,
    pub(crate) trailers: Vec<(String, Vec<u8>)>,
    /// Bytes of the input the body took, up to and including the final CRLF.
    pub(crate) consumed: usize,
}

/// The index of the first CRLF at or after `from`.
fn line_end(input: &[u8], from: usize) -> Result<usize, String> {
    input[from..]
        .windows(2)
        .position(|w| w == b"\r\n")
        .map(|i| from + i)
        .ok_or_else(|| format!("no CRLF after offset {from}"))
}

fn parse_hex(digits: &[u8]) -> Result<usize, String> {
    if digits.is_empty() || digits.len() > 15 {
        return Err(format!("bad chunk size {digits:?}"));
    }
    let mut n = 0usize;
    for &d in digits {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => return Err(format!("non-hex byte {d:#x} in chunk size")),
        };
        n = n * 16 + usize::from(v);
    }
    Ok(n)
}

/// Decodes one chunked body from the start of `input`.
pub(crate) fn dechunk(input: &[u8]) -> Result<Dechunked, String> {
    let mut at = 0;
    let mut body = Vec::new();
    loop {
        let end = line_end(input, at)?;
        let line = &input[at..end];
        // Our encoder writes no extensions; anything after the digits is an error here.
        let size = parse_hex(line)?;
        at = end + 2;
        if size == 0 {
            break;
        }
        let data = input
            .get(at..at + size)
            .ok_or_else(|| format!("chunk of {size} bytes runs past the input"))?;
        body.extend_from_slice(data);
        at += size;
        if input.get(at..at + 2) != Some(&b"\r\n"[..]) {
            return Err(format!("chunk data not followed by CRLF at {at}"));
        }
        at += 2;
    }
    let mut trailers = Vec::new();
    loop {
        let end = line_end(input, at)?;
        if end == at {
            return Ok(Dechunked {
                body,
                trailers,
                consumed: at + 2,
            });
        }
        let line = &input[at..end];
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or_else(|| format!("trailer line without a colon: {line:?}"))?;
        let name = std::str::from_utf8(&line[..colon]).map_err(|e| e.to_string())?;
        let value = line[colon + 1..]
            .strip_prefix(b" ")
            .unwrap_or(&line[colon + 1..]);
        trailers.push((name.to_owned(), value.to_vec()));
        at = end + 2;
    }
}

#[test]
fn dechunk_reads_what_the_rfc_describes() {
    let got = dechunk(b"5\r\nhello\r\nA\r\n0123456789\r\n0\r\nx-a: 1\r\nx-b: two\r\n\r\nNEXT");
    assert_eq!(
        got,
        Ok(Dechunked {
            body: b"hello0123456789".to_vec(),
            trailers: vec![
                ("x-a".into(), b"1".to_vec()),
                ("x-b".into(), b"two".to_vec())
            ],
            consumed: 48,
        })
    );
    assert!(dechunk(b"5\r\nhelloX\r\n0\r\n\r\n").is_err());
    assert!(dechunk(b"+5\r\nhello\r\n0\r\n\r\n").is_err());
    assert!(dechunk(b"5\nhello\r\n0\r\n\r\n").is_err());
    assert_eq!(
        dechunk(b"0\r\n\r\n5\r\nhello\r\n").map(|d| d.consumed),
        Ok(5)
    );
}
