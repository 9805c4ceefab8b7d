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

    /// Requests per mode (default 2000; 10 with --verbose).
    #[arg(short = 'n', long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub(crate) requests: Option<u64>,

    /// Print the pool's connection events (opened, reused, returned, closed and why) as they
    /// happen, on stderr: see reuse at work. Best with a short run.
    #[arg(short, long)]
    pub(crate) verbose: bool,

    /// The longest a mode runs (e.g. 10s, 500ms, 2m); it stops at whichever limit comes first.
    #[arg(short = 'z', long, default_value = "20s", value_parser = parse_duration)]
    pub(crate) duration: Duration,

    /// Requests in flight at once (tasks sending one after another).
    #[arg(short, long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub(crate) concurrency: u64,

    /// The most connections open at once to the target; more tasks than connections queue
    /// for one. Default: as many as --concurrency.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub(crate) connections: Option<u64>,

    /// The most requests started per second, over all tasks (default: as fast as they go).
    #[arg(short = 'q', long, value_name = "PER_SECOND", value_parser = parse_rate)]
    pub(crate) rate: Option<f64>,

    /// The request method.
    #[arg(short = 'm', long, default_value = "GET", value_parser = parse_method)]
    pub(crate) method: tarry_session::Method,

    /// A request header, `Name: value`; repeat for more.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub(crate) headers: Vec<(String, String)>,

    /// The request body.
    #[arg(
        short = 'd',
        long = "data",
        value_name = "TEXT",
        conflicts_with = "data_file"
    )]
    pub(crate) data: Option<String>,

    /// The request body, read from a file.
    #[arg(short = 'D', long = "data-file", value_name = "FILE")]
    pub(crate) data_file: Option<PathBuf>,

    /// Connect to ADDR for HOST:PORT instead of resolving HOST (as curl's --resolve).
    #[arg(long, value_name = "HOST:PORT:ADDR", value_parser = parse_resolve)]
    pub(crate) resolve: Vec<(String, u16, std::net::SocketAddr)>,

    /// Accept any certificate from an https server, for self-signed test servers. Nothing is
    /// verified: the report says so on every run that uses it.
    #[arg(long)]
    pub(crate) insecure: bool,

    /// Which ways of sending to measure, comma-separated: keep-alive (connections reused),
    /// fresh (a new connection per request; for https both of the next two), resumed (https:
    /// fresh connections resuming a TLS session), full (https: fresh connections with a full
    /// handshake).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "keep-alive,fresh",
        value_enum
    )]
    pub(crate) modes: Vec<ModeName>,

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

/// A way of sending that `--modes` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ModeName {
    /// Connections kept alive and reused.
    KeepAlive,
    /// A new connection per request (for https: resumed and full).
    Fresh,
    /// https: a new connection per request, resuming a TLS session.
    Resumed,
    /// https: a new connection per request, with a full TLS handshake.
    Full,
}

fn parse_method(text: &str) -> Result<tarry_session::Method, String> {
    tarry_session::Method::from_bytes(text.as_bytes())
        .map_err(|_| format!("{text:?} is not a method name"))
}

/// `Name: value`, the name a valid header name (the value is checked when it is sent).
fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("{text:?} is not `Name: value`"))?;
    let name = name.trim();
    tarry_session::http::HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("{name:?} is not a header name"))?;
    tarry_session::http::HeaderValue::from_str(value.trim())
        .map_err(|_| format!("the value of {name} is not a header value"))?;
    Ok((name.to_owned(), value.trim().to_owned()))
}

/// `HOST:PORT:ADDR`, ADDR an IPv4 address or a bracketed IPv6 one.
fn parse_resolve(text: &str) -> Result<(String, u16, std::net::SocketAddr), String> {
    let bad = || format!("{text:?} is not HOST:PORT:ADDR (e.g. example.test:443:127.0.0.1)");
    let (host, rest) = text.split_once(':').ok_or_else(bad)?;
    let (port, addr) = rest.split_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    let ip: std::net::IpAddr = addr.parse().map_err(|_| bad())?;
    if host.is_empty() {
        return Err(bad());
    }
    Ok((host.to_owned(), port, std::net::SocketAddr::new(ip, port)))
}

/// A positive number of requests per second.
fn parse_rate(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(rate) if (0.001..=10_000_000.0).contains(&rate) => Ok(rate),
        _ => Err(format!(
            "{text:?} is not a rate between 0.001 and 10000000 per second"
        )),
    }
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
    use super::{parse_duration, parse_header, parse_rate, parse_resolve};
    use std::time::Duration;

    #[test]
    fn headers_resolves_and_rates_read_as_curl_and_oha_take_them() {
        assert_eq!(
            parse_header("X-Key:  v 1 "),
            Ok(("X-Key".to_owned(), "v 1".to_owned()))
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: v").is_err());
        assert!(parse_header("X: a\nb").is_err(), "a line break in a value");
        assert!(parse_header("X: a\u{0}b").is_err(), "a NUL in a value");
        let (host, port, addr) = parse_resolve("api.test:8443:127.0.0.1").unwrap();
        assert_eq!(
            (host.as_str(), port, addr.to_string()),
            ("api.test", 8443, "127.0.0.1:8443".to_owned())
        );
        let (_, _, v6) = parse_resolve("api.test:80:[::1]").unwrap();
        assert_eq!(v6.to_string(), "[::1]:80");
        for bad in [
            "api.test:80",
            "api.test:x:127.0.0.1",
            ":80:127.0.0.1",
            "a:80:nowhere",
        ] {
            assert!(parse_resolve(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_rate("250"), Ok(250.0));
        for bad in ["0", "-1", "fast", "NaN", "inf"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }

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
