//! `tarry bench` as a user runs it: the binary, its exit code, its output.

use std::process::Command;

fn tarry(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tarry"))
        .args(args)
        .output()
        .expect("the tarry binary runs")
}

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
    ] {
        assert!(help.contains(option), "{option} missing from --help");
    }
}
