//! The whole run, tiny: every peer in every scenario completes a few exchanges against the real
//! servers, TLS verified, and lands in the table.

use std::process::Command;

#[test]
fn every_peer_runs_every_scenario() {
    let out = Command::new(env!("CARGO_BIN_EXE_tarry-peers"))
        .args(["--requests", "32", "--warmup", "0"])
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8(out.stdout).expect("UTF-8");
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| ")).collect();
    // The header, then 5 scenarios × 6 clients.
    assert_eq!(rows.len(), 1 + 5 * 6, "{table}");
    for client in [
        "raw floor",
        "tarry-pool",
        "tarry-session",
        "reqwest",
        "hyper-util",
        "ureq",
    ] {
        let found = rows
            .iter()
            .filter(|r| r.contains(&format!("| {client}")))
            .count();
        assert_eq!(found, 5, "{client}: {table}");
    }
    assert!(
        table.contains("| 100% |"),
        "the raw floor is its own 100%: {table}"
    );
}

#[test]
fn an_unknown_scenario_is_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_tarry-peers"))
        .args(["--only", "nope"])
        .output()
        .expect("the binary runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no scenario \"nope\""));
}
