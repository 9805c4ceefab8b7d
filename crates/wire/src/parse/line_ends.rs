//! Whether a parsed head ended any of its lines in a bare LF.
//!
//! httparse accepts LF alone as a line end and does not say whether it saw one. Scanning the
//! head for LFs again would be a second pass over every byte; instead this looks only where a
//! line ends: just before each field name (the end of the line above it), at the last four
//! bytes (the last line and the blank line), and over the empty lines httparse skips before the
//! status line, which a well-formed response does not have. That costs one byte comparison
//! per field.

/// Whether any line of `head` (a complete head as httparse parsed it, `names` its field names
/// as sub-slices of it) ends in LF without CR.
pub(super) fn has_bare_lf<'h>(head: &[u8], names: impl Iterator<Item = &'h [u8]>) -> bool {
    if !head.ends_with(b"\r\n\r\n") {
        return true;
    }
    let leading = head
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(head.len());
    if leading > 0 && !ends_only_in_crlf(&head[..leading]) {
        return true;
    }
    let base = head.as_ptr() as usize;
    names.into_iter().any(|name| {
        // A field line starts right after the LF that ended the line above it.
        let start = (name.as_ptr() as usize).wrapping_sub(base);
        start < 2 || start > head.len() || head[start - 2] != b'\r'
    })
}

/// Whether every LF in `bytes` follows a CR.
fn ends_only_in_crlf(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .enumerate()
        .all(|(i, &b)| b != b'\n' || (i > 0 && bytes[i - 1] == b'\r'))
}

#[cfg(test)]
mod tests {
    use super::has_bare_lf;

    /// The plain way: every LF in the head, checked.
    fn reference(head: &[u8]) -> bool {
        head.iter()
            .enumerate()
            .any(|(i, &b)| b == b'\n' && (i == 0 || head[i - 1] != b'\r'))
    }

    fn check(head: &[u8]) {
        let mut fields = [httparse::EMPTY_HEADER; 8];
        let mut res = httparse::Response::new(&mut fields);
        let Ok(httparse::Status::Complete(n)) = res.parse(head) else {
            panic!("not a complete head: {:?}", String::from_utf8_lossy(head));
        };
        let names = res.headers.iter().map(|h| h.name.as_bytes());
        assert_eq!(
            has_bare_lf(&head[..n], names),
            reference(&head[..n]),
            "{:?}",
            String::from_utf8_lossy(head)
        );
    }

    #[test]
    fn agrees_with_a_full_scan_at_every_line() {
        let lines: [&[u8]; 4] = [b"HTTP/1.1 200 OK", b"A: b", b"Long-Name:  v  ", b"C:"];
        // Every choice of line end for each of up to four lines and the blank line, with and
        // without empty lines before the status line.
        for count in 1..=lines.len() {
            for ends in 0..1u32 << (count + 1) {
                for prefix in [&b""[..], b"\r\n", b"\n", b"\r\n\n", b"\n\r\n"] {
                    let mut head = prefix.to_vec();
                    for (i, line) in lines[..count].iter().enumerate() {
                        head.extend_from_slice(line);
                        head.extend_from_slice(if ends >> i & 1 == 1 { b"\n" } else { b"\r\n" });
                    }
                    let blank: &[u8] = if ends >> count & 1 == 1 {
                        b"\n"
                    } else {
                        b"\r\n"
                    };
                    head.extend_from_slice(blank);
                    check(&head);
                }
            }
        }
    }
}
