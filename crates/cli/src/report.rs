//! The results: a table for people, JSON for programs.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::load::{Mode, Outcome};

/// What one mode measured, in the units people read.
#[derive(Debug, Serialize)]
pub(crate) struct Row {
    pub(crate) scheme: &'static str,
    pub(crate) mode: &'static str,
    pub(crate) requests: u64,
    pub(crate) seconds: f64,
    pub(crate) requests_per_second: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p90_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) max_ms: f64,
    pub(crate) connections_opened: u64,
    pub(crate) connections_reused: u64,
    pub(crate) tls_full_handshakes: u64,
    pub(crate) tls_resumed_handshakes: u64,
    pub(crate) body_bytes: u64,
    /// Answers with a status other than 2xx, by status; not in the figures above.
    pub(crate) other_statuses: BTreeMap<u16, u64>,
    /// Requests that got no answer, by kind; not in the figures above.
    pub(crate) errors: BTreeMap<&'static str, u64>,
    /// A keep-alive mode in which the server closed every connection after one answer.
    pub(crate) keep_alive_refused: bool,
}

impl Row {
    /// Requests answered, whatever the status.
    fn answered(&self) -> u64 {
        self.requests + self.other_statuses.values().sum::<u64>()
    }
}

/// How much faster keep-alive was than another mode of the same scheme.
#[derive(Debug, Serialize)]
pub(crate) struct Gain {
    pub(crate) scheme: &'static str,
    pub(crate) versus: &'static str,
    pub(crate) factor: f64,
}

#[derive(Debug, Serialize)]
pub(crate) struct Report {
    pub(crate) target: String,
    pub(crate) method: String,
    /// Certificates were not verified (`--insecure`).
    pub(crate) insecure: bool,
    pub(crate) concurrency: u64,
    pub(crate) connections: u64,
    /// The most requests started per second, if limited.
    pub(crate) rate: Option<f64>,
    pub(crate) requests_per_mode: u64,
    pub(crate) rows: Vec<Row>,
    pub(crate) reuse_gain: Vec<Gain>,
}

/// The name of the keep-alive mode, the baseline of every gain.
pub(crate) const KEEP_ALIVE: &str = "keep-alive";

/// `connections` is the most a mode may open at once: a keep-alive mode that answered more
/// requests than that without reusing any connection met a server that closes each one.
pub(crate) fn row(mode: &Mode, outcome: &Outcome, connections: u64) -> Row {
    let ms = |q: f64| outcome.latency.value_at_quantile(q) as f64 / 1000.0;
    let seconds = outcome.elapsed.as_secs_f64();
    let mut row = Row {
        scheme: mode.scheme,
        mode: mode.name,
        requests: outcome.requests,
        seconds,
        requests_per_second: outcome.requests as f64 / seconds.max(f64::MIN_POSITIVE),
        p50_ms: ms(0.50),
        p90_ms: ms(0.90),
        p99_ms: ms(0.99),
        max_ms: outcome.latency.max() as f64 / 1000.0,
        connections_opened: outcome.stats.opened,
        connections_reused: outcome.stats.reused,
        tls_full_handshakes: outcome.stats.tls_full,
        tls_resumed_handshakes: outcome.stats.tls_resumed,
        body_bytes: outcome.body_bytes,
        other_statuses: outcome.other_statuses.clone(),
        errors: outcome.errors.clone(),
        keep_alive_refused: false,
    };
    row.keep_alive_refused =
        mode.name == KEEP_ALIVE && row.connections_reused == 0 && row.answered() > connections;
    row
}

/// Keep-alive against every other mode of its scheme; none where the server refused
/// keep-alive (the "gain" would be noise) or a mode had no successful answer.
pub(crate) fn gains(rows: &[Row]) -> Vec<Gain> {
    let mut gains = Vec::new();
    let measured = |r: &&Row| r.requests > 0;
    for base in rows
        .iter()
        .filter(|r| r.mode == KEEP_ALIVE && !r.keep_alive_refused)
        .filter(measured)
    {
        for other in rows
            .iter()
            .filter(|r| r.scheme == base.scheme && r.mode != KEEP_ALIVE)
            .filter(measured)
        {
            gains.push(Gain {
                scheme: base.scheme,
                versus: other.mode,
                factor: base.requests_per_second / other.requests_per_second.max(f64::MIN_POSITIVE),
            });
        }
    }
    gains
}

/// `12 × 500, 3 × 503`: how many of each.
fn counts<K: std::fmt::Display>(counted: &BTreeMap<K, u64>) -> String {
    let each: Vec<String> = counted.iter().map(|(k, n)| format!("{n} × {k}")).collect();
    each.join(", ")
}

/// The table, as printed on a terminal.
pub(crate) fn table(report: &Report) -> String {
    let mut out = String::new();
    if report.insecure {
        out.push_str("WARNING: --insecure: certificates were NOT verified in this run\n");
    }
    let rate = report
        .rate
        .map(|r| format!(", at most {r} requests/s"))
        .unwrap_or_default();
    out.push_str(&format!(
        "tarry bench: {} {}\n{} requests per mode, concurrency {}, connections {}{rate}\n\n",
        report.method,
        report.target,
        report.requests_per_mode,
        report.concurrency,
        report.connections
    ));
    let header = [
        "scheme", "mode", "2xx", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "non-2xx",
        "errors", "opened", "reused", "full TLS", "resumed",
    ];
    let mut lines: Vec<Vec<String>> = vec![header.iter().map(|h| (*h).to_owned()).collect()];
    for r in &report.rows {
        let tls = |n: u64| {
            if r.scheme == "https" {
                n.to_string()
            } else {
                "-".to_owned()
            }
        };
        lines.push(vec![
            r.scheme.to_owned(),
            r.mode.to_owned(),
            r.requests.to_string(),
            format!("{:.0}", r.requests_per_second),
            format!("{:.3}", r.p50_ms),
            format!("{:.3}", r.p90_ms),
            format!("{:.3}", r.p99_ms),
            format!("{:.3}", r.max_ms),
            r.other_statuses.values().sum::<u64>().to_string(),
            r.errors.values().sum::<u64>().to_string(),
            r.connections_opened.to_string(),
            r.connections_reused.to_string(),
            tls(r.tls_full_handshakes),
            tls(r.tls_resumed_handshakes),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| lines.iter().map(|l| l[c].len()).max().unwrap_or(0))
        .collect();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                // Names left, numbers right.
                if c < 2 {
                    format!("{cell:<w$}", w = widths[c])
                } else {
                    format!("{cell:>w$}", w = widths[c])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    // What the figures leave out, said per mode.
    for r in &report.rows {
        let label = format!("{} {}", r.scheme, r.mode);
        if !r.other_statuses.is_empty() {
            out.push_str(&format!(
                "\n{label}: not 2xx, left out of the figures: {}",
                counts(&r.other_statuses)
            ));
        }
        if !r.errors.is_empty() {
            out.push_str(&format!(
                "\n{label}: failed, left out of the figures: {}",
                counts(&r.errors)
            ));
        }
        if r.keep_alive_refused {
            out.push_str(&format!(
                "\n{label}: the server closed every connection after one answer; \
                 it does not keep connections alive, so there is no reuse to measure"
            ));
        }
    }
    if report
        .rows
        .iter()
        .any(|r| !r.other_statuses.is_empty() || !r.errors.is_empty() || r.keep_alive_refused)
    {
        out.push('\n');
    }
    if !report.reuse_gain.is_empty() {
        out.push_str("\nreuse gain (keep-alive req/s ÷ the mode's):\n");
        for g in &report.reuse_gain {
            out.push_str(&format!(
                "  {} vs {}: {:.1}×\n",
                g.scheme, g.versus, g.factor
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Row, gains};

    fn row(scheme: &'static str, mode: &'static str, rps: f64) -> Row {
        Row {
            scheme,
            mode,
            requests: 1,
            seconds: 1.0,
            requests_per_second: rps,
            p50_ms: 0.0,
            p90_ms: 0.0,
            p99_ms: 0.0,
            max_ms: 0.0,
            connections_opened: 1,
            connections_reused: 0,
            tls_full_handshakes: 0,
            tls_resumed_handshakes: 0,
            body_bytes: 0,
            other_statuses: Default::default(),
            errors: Default::default(),
            keep_alive_refused: false,
        }
    }

    #[test]
    fn gains_compare_keep_alive_with_each_mode_of_its_scheme() {
        let rows = [
            row("http", "keep-alive", 400.0),
            row("http", "fresh", 100.0),
            row("https", "keep-alive", 300.0),
            row("https", "fresh, resumed", 30.0),
            row("https", "fresh, full handshake", 20.0),
        ];
        let got: Vec<(&str, &str, f64)> = gains(&rows)
            .iter()
            .map(|g| (g.scheme, g.versus, g.factor))
            .collect();
        assert_eq!(
            got,
            [
                ("http", "fresh", 4.0),
                ("https", "fresh, resumed", 10.0),
                ("https", "fresh, full handshake", 15.0)
            ]
        );
    }

    #[test]
    fn no_gain_is_claimed_without_reuse_or_without_answers() {
        let mut refused = row("http", "keep-alive", 400.0);
        refused.keep_alive_refused = true;
        let mut failed = row("https", "fresh, resumed", 0.0);
        failed.requests = 0;
        let rows = [
            refused,
            row("http", "fresh", 100.0),
            row("https", "keep-alive", 300.0),
            failed,
        ];
        assert!(gains(&rows).is_empty());
    }
}
