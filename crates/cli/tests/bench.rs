//! `tarry bench` as a user runs it: the binary, its exit code, its output.

use std::process::Command;

use tarry_testkit::{Script, ScriptedServer, Step, TlsScriptedServer};

fn tarry(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tarry"))
        .args(args)
        .output()
        .expect("the tarry binary runs")
}

/// `tarry bench … --json`, which must succeed, as JSON.
fn bench_json(args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.push("--json");
    let out = tarry(&args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

#[test]
fn the_embedded_run_measures_every_mode() {
    let out = tarry(&["bench", "--requests", "40", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rows = report["rows"].as_array().expect("rows");
    let modes: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["scheme"].as_str().unwrap(), r["mode"].as_str().unwrap()))
        .collect();
    assert_eq!(
        modes,
        [
            ("http", "keep-alive"),
            ("http", "fresh"),
            ("https", "keep-alive"),
            ("https", "fresh, resumed"),
            ("https", "fresh, full handshake"),
        ]
    );
    let get = |i: usize, field: &str| rows[i][field].as_u64().unwrap();
    for i in 0..rows.len() {
        assert_eq!(get(i, "requests"), 40);
        assert_eq!(get(i, "body_bytes"), 40 * 13);
    }
    // Keep-alive opens one connection; fresh modes one per request.
    assert_eq!(
        (get(0, "connections_opened"), get(0, "connections_reused")),
        (1, 39)
    );
    assert_eq!(get(1, "connections_opened"), 40);
    assert_eq!(get(2, "connections_opened"), 1);
    // Resumption: one full handshake, then resumed ones; without it, all full.
    assert_eq!(
        (
            get(3, "tls_full_handshakes"),
            get(3, "tls_resumed_handshakes")
        ),
        (1, 39)
    );
    assert_eq!(
        (
            get(4, "tls_full_handshakes"),
            get(4, "tls_resumed_handshakes")
        ),
        (40, 0)
    );
    assert_eq!(report["reuse_gain"].as_array().unwrap().len(), 3);
}

#[test]
fn the_table_and_the_plot() {
    let dir = std::env::temp_dir().join(format!("tarry-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plot = dir.join("latency.svg");
    let out = tarry(&[
        "bench",
        "-n",
        "20",
        "-c",
        "4",
        "--body-size",
        "1024",
        "--plot",
        plot.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("1024-byte bodies"), "{table}");
    assert!(table.contains("reuse gain"), "{table}");
    assert_eq!(
        table.lines().filter(|l| l.starts_with("https ")).count(),
        3,
        "{table}"
    );
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("https fresh, full handshake"),
        "{svg}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_refused_connection_is_one_line_and_a_failure() {
    // A port that was just free: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = tarry(&["bench", "-n", "3", &format!("http://127.0.0.1:{port}/")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("refused"), "{stderr}");
}

#[test]
fn bad_options_are_refused_before_anything_runs() {
    for args in [
        &["bench", "--concurrency", "0"][..],
        &["bench", "--duration", "forever"],
        &["bench", "--requests", "0"],
    ] {
        let out = tarry(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let out = tarry(&["bench", "ftp://example.invalid/"]);
    assert_eq!(out.status.code(), Some(1));
    let out = tarry(&["bench", "http://127.0.0.1:9/", "--body-size", "5"]);
    assert_eq!(out.status.code(), Some(1));
    for args in [
        &["bench", "-H", "no colon"][..],
        &["bench", "-H", "bad name: v"],
        &["bench", "--resolve", "a.test:80"],
        &["bench", "-q", "0"],
        &["bench", "-m", "GE T"],
        &["bench", "-d", "x", "-D", "Cargo.toml"],
        &["bench", "--modes", "sometimes"],
        &["bench", "--connections", "0"],
    ] {
        let out = tarry(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // resumed and full are https modes.
    let out = tarry(&["bench", "http://127.0.0.1:9/", "--modes", "full"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("https modes"));
    let out = tarry(&["bench", "--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    for option in [
        "--requests",
        "--duration",
        "--concurrency",
        "--body-size",
        "--cacert",
        "--json",
        "--plot",
        "--method",
        "--header",
        "--data",
        "--data-file",
        "--insecure",
        "--resolve",
        "--connections",
        "--rate",
        "--modes",
    ] {
        assert!(help.contains(option), "{option} missing from --help");
    }
}

#[test]
fn method_headers_body_and_resolve_reach_the_server() {
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let url = format!("http://api.test:{}/items", server.port());
    let resolve = format!("api.test:{}:127.0.0.1", server.port());
    let report = bench_json(&[
        "bench",
        &url,
        "-n",
        "6",
        "--modes",
        "keep-alive",
        "-m",
        "PUT",
        "-H",
        "X-Key: one",
        "-H",
        "X-Key: two",
        "-d",
        "the body",
        "--resolve",
        &resolve,
    ]);
    assert_eq!(report["method"], "PUT");
    assert_eq!(report["rows"].as_array().unwrap().len(), 1);
    assert_eq!(report["rows"][0]["requests"], 6);
    let requests: Vec<String> = server
        .requests()
        .concat()
        .iter()
        .map(|r| String::from_utf8_lossy(r).into_owned())
        .collect();
    assert_eq!(requests.len(), 6);
    for request in &requests {
        let lower = request.to_ascii_lowercase();
        assert!(request.starts_with("PUT /items HTTP/1.1\r\n"), "{request}");
        assert!(
            lower.contains(&format!("host: api.test:{}\r\n", server.port())),
            "{request}"
        );
        assert!(
            lower.contains("x-key: one\r\n") && lower.contains("x-key: two\r\n"),
            "{request}"
        );
        assert!(lower.contains("content-length: 8\r\n"), "{request}");
        assert!(request.ends_with("\r\n\r\nthe body"), "{request}");
    }
}

#[test]
fn a_body_from_a_file_goes_to_the_embedded_server_too() {
    let dir = std::env::temp_dir().join(format!("tarry-cli-data-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("body.json");
    std::fs::write(&file, vec![b'{'; 100_000]).unwrap();
    // The embedded server skips request bodies; kept-alive connections stay in step.
    let report = bench_json(&[
        "bench",
        "-n",
        "20",
        "-m",
        "POST",
        "-D",
        file.to_str().unwrap(),
        "--modes",
        "keep-alive",
    ]);
    for row in report["rows"].as_array().unwrap() {
        assert_eq!(row["requests"], 20, "{row}");
        assert_eq!(row["connections_opened"], 1, "{row}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn error_statuses_are_counted_apart_and_claim_no_gain() {
    let server = ScriptedServer::repeating(Script::answer_all(
        &b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops"[..],
    ))
    .unwrap();
    let report = bench_json(&["bench", &server.url("/"), "-n", "12"]);
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert_eq!(row["requests"], 0, "{row}");
        assert_eq!(row["other_statuses"]["500"], 12, "{row}");
        assert_eq!(row["body_bytes"], 0, "{row}");
    }
    assert_eq!(rows[0]["connections_reused"], 11);
    assert!(report["reuse_gain"].as_array().unwrap().is_empty());

    let out = tarry(&["bench", &server.url("/"), "-n", "5"]);
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("http keep-alive: not 2xx, left out of the figures: 5 × 500"),
        "{table}"
    );
    assert!(!table.contains("reuse gain"), "{table}");
}

#[test]
fn a_server_that_closes_every_connection_is_reported_as_such() {
    let close = &b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"[..];
    let server = ScriptedServer::repeating(Script::new([
        Step::ExpectRequest,
        Step::write(close),
        Step::Close,
    ]))
    .unwrap();
    let report = bench_json(&["bench", &server.url("/"), "-n", "10"]);
    let keep_alive = &report["rows"][0];
    assert_eq!(keep_alive["mode"], "keep-alive");
    assert_eq!(keep_alive["requests"], 10);
    assert_eq!(keep_alive["connections_opened"], 10);
    assert_eq!(keep_alive["keep_alive_refused"], true);
    assert_eq!(report["rows"][1]["keep_alive_refused"], false);
    assert!(report["reuse_gain"].as_array().unwrap().is_empty());

    let out = tarry(&["bench", &server.url("/"), "-n", "4"]);
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("does not keep connections alive"), "{table}");
}

#[test]
fn failures_are_counted_by_kind() {
    // The first two connections are reset before an answer; the rest are served.
    let server = ScriptedServer::start_then(
        [
            Script::new([Step::ExpectRequest, Step::Reset]),
            Script::new([Step::ExpectRequest, Step::Reset]),
        ],
        Script::answer_all(OK),
    )
    .unwrap();
    let report = bench_json(&[
        "bench",
        &server.url("/"),
        "-n",
        "8",
        "--modes",
        "keep-alive",
    ]);
    let row = &report["rows"][0];
    let failed: u64 = row["errors"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(row["requests"].as_u64().unwrap() + failed, 8, "{row}");
    assert!(failed >= 1, "{row}");
}

#[test]
fn connections_concurrency_and_rate_are_separate_settings() {
    let server = ScriptedServer::repeating(Script::answer_all(OK)).unwrap();
    let report = bench_json(&[
        "bench",
        &server.url("/"),
        "-n",
        "64",
        "-c",
        "8",
        "--connections",
        "2",
        "--modes",
        "keep-alive",
    ]);
    let row = &report["rows"][0];
    assert_eq!(row["requests"], 64);
    assert_eq!(report["connections"], 2);
    assert!(row["connections_opened"].as_u64().unwrap() <= 2, "{row}");
    assert!(server.max_open() <= 2);

    // 10 requests at 50 per second: the last may start only 180 ms after the first.
    let report = bench_json(&[
        "bench",
        &server.url("/"),
        "-n",
        "10",
        "-q",
        "50",
        "--modes",
        "keep-alive",
    ]);
    let row = &report["rows"][0];
    assert_eq!(row["requests"], 10);
    assert!(row["seconds"].as_f64().unwrap() >= 0.18, "{row}");
    assert_eq!(report["rate"], 50.0);
}

#[test]
fn insecure_accepts_a_certificate_nobody_trusts_and_says_so() {
    let server = TlsScriptedServer::builder(&["self.test"])
        .repeating(Script::answer_all(OK))
        .unwrap();
    let url = format!("https://self.test:{}/", server.port());
    let resolve = format!("self.test:{}:127.0.0.1", server.port());
    let refused = tarry(&["bench", &url, "-n", "2", "--resolve", &resolve]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("certificate"));

    let insecure = [
        "bench",
        &url,
        "-n",
        "3",
        "--resolve",
        &resolve,
        "--insecure",
    ];
    let out = tarry(&[&insecure[..], &["--modes", "keep-alive,full"]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.starts_with("WARNING: --insecure"), "{table}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOT be verified"));
    let report = bench_json(&insecure);
    assert_eq!(report["insecure"], true);
    assert_eq!(report["rows"].as_array().unwrap().len(), 3);
}

#[test]
fn modes_picks_what_runs() {
    let report = bench_json(&["bench", "-n", "5", "--modes", "resumed"]);
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["scheme"].as_str(), rows[0]["mode"].as_str()),
        (Some("https"), Some("fresh, resumed"))
    );
    let report = report_modes("keep-alive,full");
    let modes: Vec<&str> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["mode"].as_str().unwrap())
        .collect();
    assert_eq!(modes, ["keep-alive", "keep-alive", "fresh, full handshake"]);
}

fn report_modes(modes: &str) -> serde_json::Value {
    bench_json(&["bench", "-n", "5", "--modes", modes])
}

#[test]
fn verbose_shows_connections_opened_once_and_reused() {
    let out = tarry(&[
        "bench",
        "--verbose",
        "-n",
        "5",
        "--modes",
        "keep-alive,fresh",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    let count = |what: &str| stderr.lines().filter(|l| l.starts_with(what)).count();
    // Keep-alive: one connection per scheme, reused for the other four requests. Fresh: a
    // connection per request, each closed as it is not kept.
    assert_eq!(count("-- "), 5, "{stderr}");
    assert_eq!(count("connection reused"), 2 * 4, "{stderr}");
    assert_eq!(count("connection opened"), 2 + 5 + 5 + 5, "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("connection closed") && l.contains("reason=limit")),
        "{stderr}"
    );
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("5 requests per mode"), "{table}");
}
