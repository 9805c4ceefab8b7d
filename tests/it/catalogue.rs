//! The security catalogue as a suite. `docs/security.md` lists the bad inputs, faults and
//! attacks tarry is tested against, one table row per id (`WIRE-01`, `JAR-14`, `SES-03`, …):
//! the id is the first cell of the row, and the last cell cites the tests that prove it, each
//! file path in backticks followed by the names of its test functions in backticks
//! (`` `crates/wire/tests/fixtures/framing.rs`: `wire_01_conflicting_content_length` ``).
//!
//! This check fails when the page lacks a row it must have ([`REQUIRED`]) or has one id twice,
//! when a row has no test function named after its id (`WIRE-01` → `fn wire_01_…`) anywhere in
//! the crates, the workspace tests, the benches or the fuzz crate, or when a test a row cites
//! is not declared in the file it names. The tests themselves run where they live; this one
//! keeps the page and the tests in step and prints the summary line `test.sh` shows.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The catalogue page.
const CATALOGUE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/security.md");

/// Every row the page must keep. More rows may be added; none of these may go.
const REQUIRED: [&str; 75] = [
    "WIRE-01", "WIRE-02", "WIRE-03", "WIRE-04", "WIRE-05", "WIRE-06", "WIRE-07", "WIRE-08",
    "WIRE-09", "WIRE-10", "WIRE-11", "WIRE-12", "WIRE-13", "WIRE-14", "WIRE-15", "WIRE-16",
    "WIRE-17", "WIRE-18", "WIRE-19", "WIRE-21", "WIRE-23", "WIRE-24", "WIRE-25", "POOL-01",
    "POOL-02", "POOL-03", "POOL-05", "POOL-06", "POOL-07", "POOL-08", "POOL-09", "POOL-10",
    "POOL-11", "POOL-12", "POOL-13", "POOL-14", "JAR-01", "JAR-02", "JAR-03", "JAR-04", "JAR-05",
    "JAR-06", "JAR-07", "JAR-08", "JAR-09", "JAR-10", "JAR-11", "JAR-12", "JAR-14", "JAR-15",
    "SES-01", "SES-02", "SES-03", "SES-05", "SES-06", "SES-07", "SES-08", "SES-09", "SES-10",
    "SES-11", "SES-12", "SES-13", "SES-14", "TLS-01", "TLS-02", "TLS-04", "TLS-05", "TLS-06",
    "TLS-07", "TLS-08", "PROXY-01", "PROXY-02", "PROXY-03", "PROXY-04", "PROXY-05",
];

/// The workspace root: this package lives in `<root>/tests`.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package is inside the workspace")
        .to_path_buf()
}

/// One catalogue row: its id and its last cell, where the tests are cited.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    id: String,
    tests: String,
}

/// Whether `cell` is a row id: upper-case letters, `-`, digits (`WIRE-01`).
fn is_id(cell: &str) -> bool {
    cell.split_once('-').is_some_and(|(kind, n)| {
        !kind.is_empty()
            && kind.bytes().all(|b| b.is_ascii_uppercase())
            && !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
    })
}

/// The catalogue's rows, in order: table rows (lines starting with `|`) whose first cell is an
/// id. Every other line, other tables' rows included, is prose.
fn rows(catalogue: &str) -> Vec<Row> {
    catalogue
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.strip_prefix('|')?.split('|').map(str::trim).collect();
            let id = *cells.first()?;
            let tests = cells.iter().rev().find(|c| !c.is_empty())?;
            is_id(id).then(|| Row {
                id: id.to_owned(),
                tests: (*tests).to_owned(),
            })
        })
        .collect()
}

/// The row ids, in order.
fn row_ids(catalogue: &str) -> Vec<String> {
    rows(catalogue).into_iter().map(|row| row.id).collect()
}

/// The tests a cell cites, as (file, function) pairs: each backticked `….rs` names a file, and
/// each backticked identifier after it a test function in that file. Anything else in
/// backticks is an error, so that a typo cannot hide a citation.
fn cited(cell: &str) -> Result<Vec<(String, String)>, String> {
    if !cell.matches('`').count().is_multiple_of(2) {
        return Err("unbalanced backticks".to_owned());
    }
    let mut out = Vec::new();
    let mut file: Option<&str> = None;
    // Every other piece, starting with the second, is inside backticks.
    for span in cell.split('`').skip(1).step_by(2) {
        if span.ends_with(".rs") && !span.contains(char::is_whitespace) {
            file = Some(span);
        } else if !span.is_empty()
            && span
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            let Some(file) = file else {
                return Err(format!("`{span}` comes before any file"));
            };
            out.push((file.to_owned(), span.to_owned()));
        } else {
            return Err(format!(
                "`{span}` is neither a `.rs` path nor a function name"
            ));
        }
    }
    Ok(out)
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

/// The test function prefix of a row id: `WIRE-01` → `wire_01_`.
fn test_prefix(id: &str) -> String {
    format!("{}_", id.to_ascii_lowercase().replace('-', "_"))
}

/// Whether `source` declares a function whose name starts with `prefix`, on a line of its own
/// (after indentation and `pub`/`async`), so that a mention in a comment or a string is not one.
fn declares(source: &str, prefix: &str) -> bool {
    let wanted = format!("fn {prefix}");
    source.lines().any(|line| {
        let mut rest = line.trim_start();
        for word in ["pub ", "async "] {
            rest = rest.strip_prefix(word).unwrap_or(rest);
        }
        rest.starts_with(&wanted)
    })
}

/// What is wrong with one row's citations: no id-named test cited, a file that is not there,
/// a function its file does not declare.
fn citation_problems(row: &Row, root: &Path) -> Vec<String> {
    let citations = match cited(&row.tests) {
        Ok(citations) => citations,
        Err(e) => return vec![format!("{}: {e}", row.id)],
    };
    let prefix = test_prefix(&row.id);
    let mut problems = Vec::new();
    if !citations.iter().any(|(_, f)| f.starts_with(&prefix)) {
        problems.push(format!("{}: cites no `{prefix}…` test", row.id));
    }
    for (file, function) in citations {
        match fs::read_to_string(root.join(&file)) {
            Ok(source) if declares(&source, &format!("{function}(")) => {}
            Ok(_) => problems.push(format!("{}: {file} declares no `fn {function}`", row.id)),
            Err(e) => problems.push(format!("{}: {file}: {e}", row.id)),
        }
    }
    problems
}

#[test]
fn every_catalogue_row_has_a_named_test() {
    let catalogue = fs::read_to_string(CATALOGUE)
        .unwrap_or_else(|e| panic!("{CATALOGUE}: {e} (the security catalogue is missing)"));
    let rows = rows(&catalogue);
    let ids: Vec<&String> = rows.iter().map(|row| &row.id).collect();

    let mut seen = BTreeSet::new();
    let twice: Vec<&str> = ids
        .iter()
        .filter(|id| !seen.insert(id.as_str()))
        .map(|id| id.as_str())
        .collect();
    assert!(twice.is_empty(), "{CATALOGUE}: rows given twice: {twice:?}");
    let absent: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|id| !seen.contains(id))
        .collect();
    assert!(
        absent.is_empty(),
        "{CATALOGUE}: {} rows found, and these are missing: {absent:?}",
        ids.len()
    );

    let root = root();
    let mut files = Vec::new();
    for dir in ["crates", "tests", "benches", "fuzz"] {
        rust_files(&root.join(dir), &mut files);
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
        "rows of {CATALOGUE} without a test named after them (`fn wire_01_…` for WIRE-01): {}",
        list(&missing)
    );
    let problems: Vec<String> = rows
        .iter()
        .flat_map(|row| citation_problems(row, &root))
        .collect();
    assert!(
        problems.is_empty(),
        "{CATALOGUE} cites tests that are not there:\n  {}",
        problems.join("\n  ")
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
Text mentioning | JAR-01 | outside a row.\n\
WIRE-03 at the start of a line that is not a row.\n";
    assert_eq!(row_ids(text), ["WIRE-01", "SES-13"]);
    assert_eq!(test_prefix("TLS-08"), "tls_08_");
    assert_eq!(
        rows("| POOL-01 | threat | what | `a.rs`: `pool_01_x` |"),
        [Row {
            id: "POOL-01".to_owned(),
            tests: "`a.rs`: `pool_01_x`".to_owned(),
        }]
    );
}

#[test]
fn citations_are_files_then_functions() {
    let pair = |f: &str, n: &str| (f.to_owned(), n.to_owned());
    assert_eq!(
        cited("`crates/a.rs`: `x_01_a`, `helper`; `tests/b.rs`: `x_01_b`").unwrap(),
        [
            pair("crates/a.rs", "x_01_a"),
            pair("crates/a.rs", "helper"),
            pair("tests/b.rs", "x_01_b"),
        ]
    );
    assert!(cited("`x_01_a` before a file").is_err());
    assert!(cited("`a.rs`: `x_01_a()`").is_err());
    assert!(cited("`a.rs`: `x_01_a").is_err());
    assert_eq!(cited("no tests").unwrap(), []);
}

#[test]
fn a_row_must_cite_an_existing_test_named_after_it() {
    let dir = std::env::temp_dir().join(format!("tarry-catalogue-{}", std::process::id()));
    fs::create_dir_all(dir.join("t")).unwrap();
    fs::write(
        dir.join("t/a.rs"),
        "#[test]\nfn jar_15_shared() {}\n\n#[test]\nfn jar_08_capped() {}\n",
    )
    .unwrap();
    let problems = |tests: &str| {
        let row = Row {
            id: "JAR-15".to_owned(),
            tests: tests.to_owned(),
        };
        citation_problems(&row, &dir).len()
    };
    assert_eq!(problems("`t/a.rs`: `jar_15_shared`"), 0);
    assert_eq!(problems("`t/a.rs`: `jar_15_shared`, `jar_08_capped`"), 0);
    assert_eq!(problems("`t/a.rs`: `jar_15_gone`"), 1);
    assert_eq!(problems("`t/nowhere.rs`: `jar_15_shared`"), 1);
    // A real test, but not one named after the row.
    assert_eq!(problems("`t/a.rs`: `jar_08_capped`"), 1);
    assert_eq!(problems("no citation at all"), 1);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn only_declarations_count_as_tests() {
    let prefix = test_prefix("SES-13");
    assert!(declares("#[test]\nfn ses_13_x() {}", &prefix));
    assert!(declares("    async fn ses_13_x() {}", &prefix));
    assert!(declares("    pub fn ses_13_x() {}", &prefix));
    assert!(!declares("// see fn ses_13_x", &prefix));
    assert!(!declares("let s = \"fn ses_13_x\";", &prefix));
    assert!(!declares("fn ses_13_x() {}", "ses_13_xy("));
}
