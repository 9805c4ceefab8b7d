//! RFC 6265 conformance: the IETF http-state cookie suite (`parser.json`, and the date cases in
//! `dates/examples.json` and `dates/bsd-examples.json`), vendored unchanged in
//! `tests/data/http-state/` (its `PROVENANCE.md` gives the origin, commit, checksums and
//! licence). Each parser case is run the way the suite's own harness ran it: the `Set-Cookie`
//! lines of one response to `http://home.example.org:8888/cookie-parser?<id>`, then the `Cookie`
//! header for the follow-up URL, compared in order with the expected one.
//!
//! The data is part of the repository, so it is never skipped: a missing or unreadable file
//! fails the test.
//!
//! Every case must pass except those in [`DECIDED_AGAINST`], each with its reason. A listed case
//! that starts passing fails the run too, so the list cannot outlive its reasons.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tarry_jar::{Jar, PublicSuffixList, parse_cookie_date};
use url::Url;

/// Cases whose expectation we decide against, with the reason. Keep it as short as honesty
/// allows: everything else in the suite must pass.
const DECIDED_AGAINST: &[(&str, &str)] = &[
    (
        "DISABLED_CHROMIUM0022",
        "disabled upstream; expects the line cut at a NUL (`AAA=BB`); we follow RFC 6265bis: \
         a control character discards the whole line",
    ),
    (
        "DISABLED_CHROMIUM0023",
        "disabled upstream; expects the line cut at a CR (`AAA=BB`); we follow RFC 6265bis: \
         a control character discards the whole line",
    ),
    (
        "DISABLED_PATH0029",
        "disabled upstream (\"isn't testing cookies at all\"); needs the URL parser to decode \
         `%6F`, which the WHATWG parser in the `url` crate keeps as is",
    ),
];

/// The jar's clock for every parser case: 2026-01-01T00:00:00Z. Any instant from 2007-08-07
/// 08:04:19 to 2027-04-18 21:06:29 GMT satisfies the time-dependent cases: the 2007 and 1980
/// `Expires` have passed, `CHROMIUM0016`/`0017` (2027) have not. Year-9999 expiries are capped
/// at 400 days (6265bis), which still outlives the instant we read the jar back.
const NOW_UNIX: u64 = 1_767_225_600;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_UNIX)
}

/// The vendored suite.
const DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/http-state");

fn read_json(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (the vendored suite is missing)", path.display()));
    match serde_json::from_str(&text) {
        Ok(Value::Array(cases)) => cases,
        Ok(_) => panic!("{}: not a JSON array", path.display()),
        Err(e) => panic!("{}: {e}", path.display()),
    }
}

fn string<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("case {case}: `{key}` is not a string"))
}

/// The jar under test: the default one. Built without the `public-suffix` feature it has no
/// list, and `DOMAIN0017` (`domain=.org`) needs one, or at least a refusal of bare top-level
/// domains; that build gets exactly that floor and the rest of the suite still runs.
fn new_jar() -> Jar {
    if cfg!(feature = "public-suffix") {
        Jar::new()
    } else {
        Jar::builder().public_suffix_list(BareTlds).build()
    }
}

/// Every single-label name is a public suffix.
#[derive(Debug)]
struct BareTlds;

impl PublicSuffixList for BareTlds {
    fn is_public_suffix(&self, domain: &str) -> bool {
        !domain.contains('.')
    }
}

/// The outcome of one case: `Ok` or the expected and actual results.
type Outcome = Result<(), (String, String)>;

/// A data file, how many cases it holds (as `PROVENANCE.md` lists them), and the function that
/// runs each of its cases.
type Suite = (&'static str, usize, fn(&Value) -> Outcome);

/// One `parser.json` case: store every `received` line from
/// `http://home.example.org:8888/cookie-parser?<id>`, then build the Cookie header for the
/// follow-up URL (`sent-to` resolved against the first URL, or `/cookie-parser-result?<id>`) and
/// compare it, in order, with `sent`.
fn run_parser_case(case: &Value) -> Outcome {
    let id = string(case, "test");
    // The original harness used the lower-case, hyphenated id in its URLs; the query string
    // never matters to cookies, this only keeps the URLs recognisable.
    let query = id.to_ascii_lowercase().replace('_', "-");
    let first = Url::parse(&format!(
        "http://home.example.org:8888/cookie-parser?{query}"
    ))
    .expect("first URL");
    let follow_up = match case.get("sent-to") {
        Some(to) => first
            .join(to.as_str().expect("`sent-to` is a string"))
            .expect("`sent-to` resolves against the first URL"),
        None => first
            .join(&format!("/cookie-parser-result?{query}"))
            .unwrap(),
    };
    let received: Vec<&str> = case["received"]
        .as_array()
        .expect("`received` is an array")
        .iter()
        .map(|line| line.as_str().expect("a received line is a string"))
        .collect();
    let expected: Vec<String> = case["sent"]
        .as_array()
        .expect("`sent` is an array")
        .iter()
        .map(|c| format!("{}={}", string(c, "name"), string(c, "value")))
        .collect();
    let expected = (!expected.is_empty()).then(|| expected.join("; "));

    let jar = new_jar();
    jar.store_response(&first, &received, now());
    let got = jar.cookie_header(&follow_up, now());
    if got == expected {
        Ok(())
    } else {
        Err((
            format!("{expected:?} from {received:?} for {follow_up}"),
            format!("{got:?}"),
        ))
    }
}

/// One date case: `parse_cookie_date` formatted like the data, or `null` for "fails to parse".
fn run_date_case(case: &Value) -> Outcome {
    let input = string(case, "test");
    let expected = case["expected"].as_str().map(str::to_owned);
    let got = parse_cookie_date(input).map(imf_fixdate);
    if got == expected {
        Ok(())
    } else {
        Err((format!("{expected:?} for {input:?}"), format!("{got:?}")))
    }
}

/// Unix seconds as an IMF-fixdate (`Sat, 15 Apr 2017 21:01:22 GMT`), the form of the date
/// files' `expected` (JavaScript's `Date.toUTCString()`); the weekday is computed.
fn imf_fixdate(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        DAYS[usize::try_from(days.rem_euclid(7)).unwrap()], // 1970-01-01 was a Thursday
        MONTHS[usize::try_from(month - 1).unwrap()],
        secs / 3_600,
        secs / 60 % 60,
        secs % 60,
    )
}

/// The proleptic Gregorian (year, month, day) of a day count since 1970-01-01, in 400-year
/// eras of 146 097 days, with years starting on 1 March so that leap days fall last.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468; // days since 0000-03-01
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153; // month counted from March
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = era * 400 + year_of_era + i64::from(month <= 2);
    (year, month, day)
}

#[test]
fn formats_dates_like_the_data() {
    assert_eq!(imf_fixdate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_eq!(imf_fixdate(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    assert_eq!(imf_fixdate(1_492_290_082), "Sat, 15 Apr 2017 21:01:22 GMT");
    assert_eq!(imf_fixdate(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
    assert_eq!(
        imf_fixdate(253_402_300_799),
        "Fri, 31 Dec 9999 23:59:59 GMT"
    );
    assert_eq!(
        imf_fixdate(NOW_UNIX.try_into().unwrap()),
        "Thu, 01 Jan 2026 00:00:00 GMT"
    );
}

#[test]
fn rfc6265_suite() {
    let dir = Path::new(DATA_DIR);
    let suites: [Suite; 3] = [
        ("parser.json", 222, run_parser_case),
        ("dates/examples.json", 15, run_date_case),
        ("dates/bsd-examples.json", 55, run_date_case),
    ];
    let (mut passed, mut skipped) = (0, Vec::new());
    let mut failures = String::new();
    let mut seen_ids = Vec::new();
    for (file, count, run) in suites {
        let cases = read_json(&dir.join(file));
        assert_eq!(cases.len(), count, "{file}: not the vendored file");
        for case in &cases {
            let id = string(case, "test");
            seen_ids.push(id.to_owned());
            let decided = DECIDED_AGAINST.iter().find(|(d, _)| *d == id);
            match (run(case), decided) {
                (Ok(()), None) => passed += 1,
                (Err(_), Some((_, reason))) => skipped.push((id.to_owned(), *reason)),
                (Ok(()), Some(_)) => writeln!(
                    failures,
                    "  {file} {id}: passes but is listed in DECIDED_AGAINST; remove it"
                )
                .unwrap(),
                (Err((expected, got)), None) => writeln!(
                    failures,
                    "  {file} {id}:\n    expected {expected}\n    got      {got}"
                )
                .unwrap(),
            }
        }
    }
    for (id, _) in DECIDED_AGAINST {
        if !seen_ids.iter().any(|seen| seen == id) {
            writeln!(
                failures,
                "  DECIDED_AGAINST names {id}, which is not in the data"
            )
            .unwrap();
        }
    }

    let failed = failures
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("    "));
    println!(
        "rfc6265: {passed} passed, {} failed, {} skipped",
        failed.count(),
        skipped.len()
    );
    for (id, reason) in &skipped {
        println!("  skipped {id}: {reason}");
    }
    assert!(failures.is_empty(), "rfc6265 failures:\n{failures}");
}
