//! The command line.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

/// tarry: an HTTP/1.1 client that keeps connections alive.
#[derive(Debug, Parser)]
#[command(name = "tarry", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Measures what keep-alive saves over a fresh connection per request.
    ///
    /// Without a URL, tarry starts an HTTP and an HTTPS server on 127.0.0.1 (a certificate
    /// made in memory, trusted for this run only) and measures, for each: keep-alive (pooled
    /// connections reused), a fresh connection per request, and for HTTPS fresh connections
    /// with and without TLS session resumption. With a URL, it measures that URL the same way.
    /// Every mode sends the same number of GET requests (or runs for the same time, whichever
    /// ends first) through a tarry session, and reads every body to its end.
    Bench(BenchArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// The URL to measure (http or https); without it, the embedded servers.
    pub(crate) url: Option<String>,

    /// Requests per mode.
    #[arg(short = 'n', long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub(crate) requests: u64,

    /// The longest a mode runs (e.g. 10s, 500ms, 2m); it stops at whichever limit comes first.
    #[arg(short, long, default_value = "20s", value_parser = parse_duration)]
    pub(crate) duration: Duration,

    /// Requests in flight at once, each task on its own connection when kept alive.
    #[arg(short, long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub(crate) concurrency: u64,

    /// Bytes in each response body of the embedded server.
    #[arg(long, default_value_t = 13, value_parser = clap::value_parser!(u64).range(0..=16 * 1024 * 1024))]
    pub(crate) body_size: u64,

    /// A PEM file of root certificates to trust for an https URL (besides the usual roots).
    #[arg(long, value_name = "FILE")]
    pub(crate) cacert: Option<PathBuf>,

    /// Print the results as JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,

    /// Also draw the latency percentiles of every mode into this SVG file.
    #[arg(long, value_name = "FILE.svg")]
    pub(crate) plot: Option<PathBuf>,
}

/// `10s`, `500ms`, `2m`, or a number of seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration (try 10s, 500ms, 2m)"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => return Err(format!("unknown unit {unit:?} in {text:?} (ms, s or m)")),
    };
    if !(0.001..=3600.0).contains(&seconds) {
        return Err(format!("{text:?} is outside 1ms..=1h"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5h").is_err());
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("2h").is_err());
    }
}
