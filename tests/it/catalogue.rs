//! The security catalogue as a suite: every row of `shared/reference/bad-inputs.md` has a test
//! named after its id (`WIRE-01` → `fn wire_01_…`), in this package or in a crate's tests or
//! the fuzz crate. The tests themselves run where they live; this one checks that none is
//! missing and prints the summary line `test.sh` shows.
//!
//! The catalogue is `$TARRY_BAD_INPUTS`, by default `<workspace>/../shared/reference/
//! bad-inputs.md`. Without it the test says so on one line and passes, except under `CI=true`,
//! where a missing catalogue is a failure: CI must not go green by checking nothing.

use std::fs;
use std::path::{Path, PathBuf};

/// The workspace root: this package lives in `<root>/tests`.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package is inside the workspace")
        .to_path_buf()
}

/// The row ids of the catalogue's tables, in order: the first cell of a table row, when it
/// looks like `WORD-NN`.
fn row_ids(catalogue: &str) -> Vec<String> {
    catalogue
        .lines()
        .filter_map(|line| line.strip_prefix('|')?.split('|').next())
        .map(str::trim)
        .filter(|cell| {
            cell.split_once('-').is_some_and(|(kind, n)| {
                !kind.is_empty()
                    && kind.bytes().all(|b| b.is_ascii_uppercase())
                    && !n.is_empty()
                    && n.bytes().all(|b| b.is_ascii_digit())
            })
        })
        .map(str::to_owned)
        .collect()
}

/// Every `.rs` file under `dir`, build output and hidden directories left out.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if !(name.starts_with('.') || name == "target") {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The test function prefix of a row id: `WIRE-01` → `fn wire_01_`.
fn test_prefix(id: &str) -> String {
    format!("fn {}_", id.to_ascii_lowercase().replace('-', "_"))
}

/// Whether `source` declares a function starting with `prefix`: on a line of its own (after
/// indentation and `pub`/`async`), so that a mention in a comment or a string is not one.
fn declares(source: &str, prefix: &str) -> bool {
    source.lines().any(|line| {
        let mut rest = line.trim_start();
        for word in ["pub ", "async "] {
            rest = rest.strip_prefix(word).unwrap_or(rest);
        }
        rest.starts_with(prefix)
    })
}

#[test]
fn every_catalogue_row_has_a_named_test() {
    let path = std::env::var_os("TARRY_BAD_INPUTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/reference/bad-inputs.md"));
    let Ok(catalogue) = fs::read_to_string(&path) else {
        // `CI` is "true" on the common CI services; there, a missing catalogue is a broken
        // checkout.
        assert!(
            !std::env::var("CI").is_ok_and(|ci| ci == "true"),
            "bad-inputs catalogue not found at {} (CI=true)",
            path.display()
        );
        println!(
            "skipped: bad-inputs catalogue not found at {}",
            path.display()
        );
        return;
    };
    let ids = row_ids(&catalogue);
    assert!(
        !ids.is_empty(),
        "{}: no rows like `| WIRE-01 |` found",
        path.display()
    );

    let mut files = Vec::new();
    for dir in ["crates", "tests", "fuzz"] {
        rust_files(&root().join(dir), &mut files);
    }
    // Not this file: its own examples of test names would count.
    let this = Path::new(file!()).file_name();
    let sources: Vec<String> = files
        .iter()
        .filter(|f| f.file_name() != this)
        .filter_map(|f| fs::read_to_string(f).ok())
        .collect();
    let (covered, missing): (Vec<&String>, Vec<&String>) = ids.iter().partition(|id| {
        let prefix = test_prefix(id);
        sources.iter().any(|source| declares(source, &prefix))
    });
    let list = |ids: &[&String]| ids.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
    println!(
        "bad-inputs: {}/{} rows have a named test: {}",
        covered.len(),
        ids.len(),
        list(&covered)
    );
    assert!(
        missing.is_empty(),
        "rows of {} without a test named after them (`fn wire_01_…` for WIRE-01): {}",
        path.display(),
        list(&missing)
    );
}

#[test]
fn row_ids_are_read_from_table_rows_only() {
    let text = "\
| id | category |\n\
|---|---|\n\
| WIRE-01 | framing |\n\
|SES-13| no spaces |\n\
| limit | anchors |\n\
| wire-02 | lowercase is not an id |\n\
| WIRE- | no number |\n\
Text mentioning | JAR-01 | outside a row.\n";
    assert_eq!(row_ids(text), ["WIRE-01", "SES-13"]);
    assert_eq!(test_prefix("TLS-08"), "fn tls_08_");
}

#[test]
fn only_declarations_count_as_tests() {
    let prefix = test_prefix("SES-13");
    assert!(declares("#[test]\nfn ses_13_x() {}", &prefix));
    assert!(declares("    async fn ses_13_x() {}", &prefix));
    assert!(declares("    pub fn ses_13_x() {}", &prefix));
    assert!(!declares("// see fn ses_13_x", &prefix));
    assert!(!declares("let s = \"fn ses_13_x\";", &prefix));
}
