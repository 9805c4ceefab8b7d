//! The form's encoding: lengths, boundaries, escaping, and that no name can break out of its
//! part's header.

use proptest::prelude::*;

use super::*;

/// The whole encoded form, read from its stream.
fn encode(form: Form) -> (String, Vec<u8>, Option<u64>) {
    let (content_type, mut body) = form.into_body();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap()
        .to_owned();
    let length = body.length();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut out = Vec::new();
    runtime.block_on(async {
        let mut scratch = BytesMut::new();
        while let Some(piece) = body.read_piece(&mut scratch).await.unwrap() {
            out.extend_from_slice(&piece);
        }
    });
    (boundary, out, length)
}

/// The header lines of each part.
fn heads(boundary: &str, body: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut parts: Vec<&str> = text.split(delimiter.as_str()).collect();
    assert_eq!(
        parts.remove(0),
        "",
        "the body starts with the first delimiter"
    );
    assert_eq!(parts.pop(), Some("--\r\n"), "and ends with the closing one");
    parts
        .iter()
        .map(|part| {
            let part = part
                .strip_prefix("\r\n")
                .expect("a line break after the delimiter");
            let (head, _) = part
                .split_once("\r\n\r\n")
                .expect("a blank line after the head");
            head.split("\r\n").map(str::to_owned).collect()
        })
        .collect()
}

#[test]
fn fields_and_files_are_encoded_with_their_length() {
    let form = Form::new()
        .text("title", "holiday")
        .part("photo", Part::bytes(&b"PNGDATA"[..]).file_name("beach.png"))
        .part(
            "notes",
            Part::text("n").file_name("a.txt").mime("text/x-notes"),
        );
    let (boundary, body, length) = encode(form);
    assert_eq!(length, Some(body.len() as u64));
    let text = String::from_utf8(body.clone()).unwrap();
    assert_eq!(
        text,
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nholiday\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"beach.png\"\r\n\
             Content-Type: image/png\r\n\r\nPNGDATA\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"notes\"; filename=\"a.txt\"\r\n\
             Content-Type: text/x-notes\r\n\r\nn\r\n--{b}--\r\n",
            b = boundary
        )
    );
}

#[test]
fn quotes_and_line_breaks_in_names_are_escaped_as_browsers_do() {
    assert_eq!(escape("a\"b\r\nc é"), "a%22b%0D%0Ac é");
    let form = Form::new().part(
        "x\"; filename=\"evil",
        Part::text("v").file_name("f\r\nContent-Type: text/html"),
    );
    let (boundary, body, _) = encode(form);
    let parts = heads(&boundary, &body);
    assert_eq!(parts.len(), 1);
    assert_eq!(
        parts[0][0],
        "Content-Disposition: form-data; name=\"x%22; filename=%22evil\"; \
         filename=\"f%0D%0AContent-Type: text/html\""
    );
}

#[test]
fn a_boundary_found_in_a_part_is_replaced() {
    let mut form = Form::new();
    let clash = format!("before --{} after", form.boundary);
    form = form.text("a", clash.clone());
    let old = form.boundary.clone();
    let (boundary, body, _) = encode(form);
    assert_ne!(boundary, old);
    assert!(String::from_utf8(body).unwrap().contains(&clash));
}

#[test]
fn a_file_part_is_read_as_it_is_sent_and_the_form_replays() {
    let path = std::env::temp_dir().join(format!("tarry-form-{}.csv", std::process::id()));
    std::fs::write(&path, "a,b\n1,2\n").unwrap();
    let form = Form::new().file("data", &path).unwrap();
    let (_, mut body) = form.into_body();
    assert!(body.is_replayable());
    let again = body.replay().unwrap().unwrap();
    for body in [body, again] {
        let length = body.length();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut body = body;
        let mut out = Vec::new();
        runtime.block_on(async {
            let mut scratch = BytesMut::new();
            while let Some(piece) = body.read_piece(&mut scratch).await.unwrap() {
                out.extend_from_slice(&piece);
            }
        });
        assert_eq!(length, Some(out.len() as u64));
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("filename=\"tarry-form-"), "{text}");
        assert!(
            text.contains("Content-Type: text/csv\r\n\r\na,b\n1,2\n\r\n"),
            "{text}"
        );
    }
    std::fs::remove_file(&path).unwrap();
}

proptest! {
    /// Whatever the names and file names hold, each part's head is exactly its
    /// `Content-Disposition` line (and its `Content-Type` line), with no quote or line break
    /// inside the quoted strings.
    #[test]
    fn no_name_breaks_out_of_its_part_header(
        fields in prop::collection::vec((any::<String>(), any::<String>(), any::<Option<String>>()), 1..6)
    ) {
        let mut form = Form::new();
        for (name, value, file_name) in &fields {
            let part = match file_name {
                Some(file_name) => Part::text(value.clone()).file_name(file_name.clone()).mime("text/plain"),
                None => Part::text(value.clone()),
            };
            form = form.part(name.clone(), part);
        }
        let (boundary, body, length) = encode(form);
        prop_assert_eq!(length, Some(body.len() as u64));
        // A value may hold anything, the boundary excepted; names never reach a value.
        let parts = heads(&boundary, &body);
        prop_assert_eq!(parts.len(), fields.len());
        for (head, (_, _, file_name)) in parts.iter().zip(&fields) {
            let expected_lines = if file_name.is_some() { 2 } else { 1 };
            prop_assert_eq!(head.len(), expected_lines, "{:?}", head);
            let disposition = &head[0];
            prop_assert!(disposition.starts_with("Content-Disposition: form-data; name=\""));
            // Quotes only where the encoder put them.
            let quotes = disposition.matches('"').count();
            prop_assert_eq!(quotes, if file_name.is_some() { 4 } else { 2 });
        }
    }
}
