use super::*;

fn decode_all(input: &[u8], step: usize) -> Result<(Vec<u8>, usize, ChunkedDecoder), Error> {
    decode_with(input, step, &Limits::default())
}

fn decode_with(
    input: &[u8],
    step: usize,
    limits: &Limits,
) -> Result<(Vec<u8>, usize, ChunkedDecoder), Error> {
    let mut decoder = ChunkedDecoder::new(limits);
    let mut body = Vec::new();
    let mut at = 0;
    let mut end = 0;
    while !decoder.is_done() {
        end = (end + step).min(input.len());
        let window = &input[at..end];
        let got = decoder.decode(window)?;
        body.extend_from_slice(&window[got.data.clone()]);
        at += got.consumed;
        if got.consumed == 0 && end == input.len() {
            break;
        }
    }
    Ok((body, at, decoder))
}

#[test]
fn splits_do_not_change_the_result() {
    let input =
        b"5\r\nhello\r\n1;name=value\r\n \r\n10\r\n0123456789abcdef\r\n0\r\nA: b\r\n\r\nNEXT";
    let whole = decode_all(input, input.len()).unwrap();
    assert_eq!(whole.0, b"hello 0123456789abcdef");
    assert_eq!(&input[whole.1..], b"NEXT");
    for step in 1..input.len() {
        let split = decode_all(input, step).unwrap();
        assert_eq!(
            (split.0, split.1),
            (whole.0.clone(), whole.1),
            "step {step}"
        );
        assert_eq!(split.2.trailers().unwrap()["a"], "b");
    }
}

#[test]
fn size_overflow_is_an_error_not_a_wrap() {
    for bad in [&b"12345678123456789\r\n"[..], b"FFFFFFFFFFFFFFFFF\r\n"] {
        assert_eq!(decode_all(bad, 1).unwrap_err(), Error::InvalidChunkSize);
    }
    let max = b"FFFFFFFFFFFFFFFF\r\nab";
    let mut decoder = ChunkedDecoder::new(&Limits::default());
    assert_eq!(decoder.decode(max).unwrap().data, 18..20);
}

#[test]
fn extension_budget_is_per_body() {
    let limits = Limits::default().max_chunk_extension_bytes(10);
    // Ten extension bytes in all (`;abcd` + `;abcd`) fit; the eleventh does not.
    let fits = b"1;abcd\r\nx\r\n1;abcd\r\ny\r\n0\r\n\r\n";
    assert_eq!(decode_with(fits, 3, &limits).unwrap().0, b"xy");
    let over = b"1;abcd\r\nx\r\n1;abcde\r\ny\r\n0\r\n\r\n";
    let err = decode_with(over, 3, &limits).unwrap_err();
    assert_eq!(err, Error::ChunkExtensionsTooLarge { limit: 10 });
}

#[test]
fn no_trailers_means_none() {
    let (_, _, decoder) = decode_all(b"0\r\n\r\n", 100).unwrap();
    assert!(decoder.is_done() && decoder.trailers().is_none());
}

#[test]
fn size_lines_are_bounded_even_in_leading_zeros() {
    // Found in review: megabytes of `0` padding were accepted as framing.
    let mut padded = vec![b'0'; 63];
    padded.extend_from_slice(b"5\r\nhello\r\n0\r\n\r\n");
    assert_eq!(decode_all(&padded, 7).unwrap().0, b"hello");
    let mut flood = vec![b'0'; 8 * 1024 * 1024];
    flood.extend_from_slice(b"5\r\nhello\r\n0\r\n\r\n");
    assert_eq!(
        decode_all(&flood, flood.len()).unwrap_err(),
        Error::InvalidChunkSize
    );
}
