//! The report: one row per scenario and peer, as a Markdown table (or JSON), with each peer's
//! req/s as a share of the raw floor's in the same scenario, and tarry's targets checked.

use std::fmt::Write;

use crate::measure::Cell;
use crate::peer::Peer;
use crate::scenario::Scenario;

/// One measured cell, placed.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) scenario: Scenario,
    pub(crate) peer: Peer,
    pub(crate) cell: Cell,
}

impl Row {
    fn p(&self, quantile: f64) -> f64 {
        self.cell.latency.value_at_quantile(quantile) as f64 / 1_000.0
    }
}

/// The raw floor's req/s in `scenario`, if it was measured.
fn floor(rows: &[Row], scenario: Scenario) -> Option<f64> {
    rows.iter()
        .find(|r| r.scenario == scenario && r.peer == Peer::Raw)
        .map(|r| r.cell.per_second())
}

fn share(rows: &[Row], row: &Row) -> Option<f64> {
    floor(rows, row.scenario).map(|f| row.cell.per_second() / f)
}

/// The raw floor's median latency over this row's, as a share: the steadier of the two
/// measures when other work on the machine preempts the run now and then, since a preempted
/// exchange moves the mean (and so req/s) but hardly the median.
fn median_share(rows: &[Row], row: &Row) -> Option<f64> {
    rows.iter()
        .find(|r| r.scenario == row.scenario && r.peer == Peer::Raw)
        .map(|raw| raw.p(0.5) / row.p(0.5))
}

/// `12345.6` as `12,346`.
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The blocking session's target: this share of the async session's throughput in the same
/// scenario.
const BLOCKING_OF_ASYNC: f64 = 0.90;

/// tarry's verdict on a row: its share against the scenario's target; for the blocking
/// session, its throughput against the async session's.
fn verdict(rows: &[Row], row: &Row) -> String {
    if row.peer == Peer::TarryBlocking {
        let session = rows
            .iter()
            .find(|r| r.scenario == row.scenario && r.peer == Peer::TarrySession);
        return match session {
            Some(session) => {
                let of = row.cell.per_second() / session.cell.per_second();
                let mark = if of >= BLOCKING_OF_ASYNC {
                    "met"
                } else {
                    "MISSED"
                };
                format!(
                    "{:.0}% of async, ≥{:.0}% {mark}",
                    of * 100.0,
                    BLOCKING_OF_ASYNC * 100.0
                )
            }
            None => String::new(),
        };
    }
    match share(rows, row) {
        Some(s) if row.peer.is_tarry() => {
            let mark = if s >= row.scenario.target() {
                "met"
            } else {
                "MISSED"
            };
            format!("≥{:.0}% {mark}", row.scenario.target() * 100.0)
        }
        _ => String::new(),
    }
}

pub(crate) fn markdown(rows: &[Row]) -> String {
    let mut out = String::new();
    out.push_str(
        "| scenario | client | req/s | p50 µs | p99 µs | % of raw | % of raw (p50) | tarry target |\n",
    );
    out.push_str("|---|---|---:|---:|---:|---:|---:|---|\n");
    let percent = |s: Option<f64>| s.map_or("-".to_owned(), |s| format!("{:.0}%", s * 100.0));
    for row in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.1} | {:.1} | {} | {} | {} |",
            row.scenario.label(),
            row.peer.name(),
            thousands(row.cell.per_second()),
            row.p(0.5),
            row.p(0.99),
            percent(share(rows, row)),
            percent(median_share(rows, row)),
            verdict(rows, row),
        );
    }
    for line in fastest_peer(rows) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Per scenario: how each tarry row compares with the fastest other library (the floor
/// excluded), paired round by round.
///
/// Within a round the clients of a scenario take turns in short slices, so round `r` of one
/// client ran interleaved with round `r` of every other. On a shared VM a round's rate can
/// move by a third when the host is busy, and a rate pooled over the rounds still carries
/// that; the ratio of two clients in the same round is steadier, and its median over the
/// rounds ignores a round that a burst hit on one side only. The fastest peer is the one with the highest median
/// round.
fn fastest_peer(rows: &[Row]) -> Vec<String> {
    let mut lines = Vec::new();
    for scenario in Scenario::ALL {
        let of = |p: fn(Peer) -> bool| {
            rows.iter()
                .filter(move |r| r.scenario == scenario && p(r.peer))
        };
        let best = of(|p| p != Peer::Raw && !p.is_tarry())
            .map(|r| (r, median(r.cell.rounds.clone())))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((best, _)) = best else {
            continue;
        };
        let tarry: Vec<String> = of(Peer::is_tarry)
            .map(|r| format!("{} {:+.0}%", r.peer.name(), (paired(r, best) - 1.0) * 100.0))
            .collect();
        if !tarry.is_empty() {
            lines.push(format!(
                "{}: against the fastest peer ({}), median of {} paired rounds: {}",
                scenario.label(),
                best.peer.name(),
                best.cell.rounds.len(),
                tarry.join(", ")
            ));
        }
    }
    lines
}

/// The median over the rounds of `row`'s rate divided by `other`'s in the same round.
fn paired(row: &Row, other: &Row) -> f64 {
    let ratios = row
        .cell
        .rounds
        .iter()
        .zip(&other.cell.rounds)
        .map(|(a, b)| a / b)
        .collect();
    median(ratios)
}

/// The middle value (the mean of the two middle ones for an even count); NaN for none.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// The same rows as a JSON array, one object per cell.
pub(crate) fn json(rows: &[Row]) -> String {
    let objects: Vec<String> = rows
        .iter()
        .map(|row| {
            let pct = share(rows, row).map_or("null".to_owned(), |s| format!("{:.4}", s));
            let rounds: Vec<String> = row.cell.rounds.iter().map(|r| format!("{r:.1}")).collect();
            let rounds = rounds.join(", ");
            format!(
                "  {{\"scenario\": \"{}\", \"client\": \"{}\", \"requests\": {}, \
                 \"seconds\": {:.4}, \"req_per_s\": {:.1}, \"p50_us\": {:.2}, \
                 \"p99_us\": {:.2}, \"share_of_raw\": {pct}, \"rounds_req_per_s\": [{}]}}",
                row.scenario.key(),
                row.peer.name(),
                row.cell.requests,
                row.cell.elapsed.as_secs_f64(),
                row.cell.per_second(),
                row.p(0.5),
                row.p(0.99),
                rounds,
            )
        })
        .collect();
    format!("[\n{}\n]\n", objects.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::{median, thousands};

    #[test]
    fn the_median_is_the_middle_value() {
        assert!(median(vec![]).is_nan());
        assert_eq!(median(vec![3.0]), 3.0);
        assert_eq!(median(vec![5.0, 1.0, 3.0]), 3.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 100.0]), 3.5);
    }

    #[test]
    fn thousands_are_grouped_by_three() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1_000.0), "1,000");
        assert_eq!(thousands(37_812.4), "37,812");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
    }
}
