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
    let rows: Vec<Vec<&str>> = table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| scenario"))
        .map(|l| l.split(" | ").collect())
        .collect();
    let client_rows = |client: &str| rows.iter().filter(|r| r[1] == client).count();
    // 19 scenarios; hyper-util has no proxy support, ureq no plain forward proxy.
    for (client, scenarios) in [
        ("raw floor", 19),
        ("tarry-pool", 19),
        ("tarry-session", 19),
        ("tarry-session blocking", 19),
        ("reqwest 0.12", 19),
        ("hyper-util 0.1", 16),
        ("ureq 3", 18),
    ] {
        assert_eq!(client_rows(client), scenarios, "{client}: {table}");
    }
    assert_eq!(rows.len(), 19 * 7 - 4, "{table}");
    assert_eq!(
        rows.iter()
            .filter(|r| r[1] == "raw floor" && r[5] == "100%")
            .count(),
        19,
        "the raw floor is its own 100%: {table}"
    );
    // One paired comparison per scenario, over the default sixteen rounds; the four 16 MiB
    // scenarios run four times as many.
    let paired = |rounds: &str| {
        table
            .lines()
            .filter(|l| l.contains("against the fastest peer") && l.contains(rounds))
            .count()
    };
    assert_eq!(paired("median of 16 paired rounds"), 15, "{table}");
    assert_eq!(paired("median of 64 paired rounds"), 4, "{table}");
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
