//! Replays `corpus/<target>/*` through the fuzz target bodies on stable: `cd fuzz && cargo test`.
//!
//! The committed seeds (`seed-*`) are the regression suite; whatever else a local fuzz run left
//! in the corpus directories is replayed too.

use std::fs;
use std::path::{Path, PathBuf};

use arbitrary::{Arbitrary, Unstructured};
use tarry_fuzz::ClientCallInput;

/// The files of one corpus directory, sorted; at least one seed must be among them.
fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable corpus entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(
        files.iter().any(|p| p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("seed-"))),
        "no seed-* file in {}",
        dir.display()
    );
    files
        .into_iter()
        .map(|path| {
            let data = fs::read(&path).expect("readable corpus file");
            (path, data)
        })
        .collect()
}

/// Runs `f` on every file, then names every file that panicked.
fn replay(target: &str, f: impl Fn(&[u8])) {
    let failed: Vec<String> = corpus(target)
        .into_iter()
        .filter(|(_, data)| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(data))).is_err()
        })
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "{target}: {} input(s) failed: {failed:#?}",
        failed.len()
    );
}

#[test]
fn parse_response() {
    replay("parse_response", tarry_fuzz::parse_response);
}

#[test]
fn chunked() {
    replay("chunked", tarry_fuzz::chunked);
}

#[test]
fn set_cookie() {
    replay("set_cookie", tarry_fuzz::set_cookie);
}

#[test]
fn cookie_date() {
    replay("cookie_date", tarry_fuzz::cookie_date);
}

#[test]
fn cookies_txt() {
    replay("cookies_txt", tarry_fuzz::cookies_txt);
}

#[test]
fn location() {
    replay("location", tarry_fuzz::location);
}

#[test]
fn client_call() {
    replay("client_call", |data| {
        // What libfuzzer-sys does with a structured target's input.
        let input = ClientCallInput::arbitrary_take_rest(Unstructured::new(data))
            .expect("every byte string decodes");
        tarry_fuzz::client_call(input);
    });
}

/// The seeds are written in the readable layout `ClientCallInput` documents; if a change to
/// the input type or to `arbitrary` moved the fields, they would silently test something else.
#[test]
fn client_call_seeds_decode_as_written() {
    for (path, data) in corpus("client_call") {
        if !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("seed-"))
        {
            continue;
        }
        let input = ClientCallInput::arbitrary_take_rest(Unstructured::new(&data)).unwrap();
        assert!(
            input.response.0.starts_with(b"HTTP/1."),
            "{}: {input:?}",
            path.display()
        );
    }
    let input =
        ClientCallInput::arbitrary_take_rest(Unstructured::new(b"P0110052\t\nHTTP/1.1")).unwrap();
    assert_eq!(input.method, tarry_fuzz::FuzzMethod::Post);
    assert!(!input.http10 && input.upgrade && input.expect_continue);
    assert!(!input.stop_waiting && !input.small_limits);
    assert_eq!(input.body, tarry_fuzz::BodyChoice::Sized(5));
    assert_eq!(input.splits, tarry_fuzz::Splits(vec![b'\t', b'\n']));
    assert_eq!(input.response.0, b"HTTP/1.1");
}
