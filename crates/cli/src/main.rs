//! `tarry`: the command-line face of tarry. `tarry bench` measures what keep-alive saves over
//! a fresh connection per request, on an embedded server (HTTP and HTTPS) or a URL of yours.
#![forbid(unsafe_code)]

mod args;
mod error;
mod events;
mod load;
mod plot;
mod report;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tarry_cli::server;
use tarry_session::{Session, SessionBuilder, TlsSettings};

use args::{BenchArgs, Cli, Command, ModeName};
use clap::ValueEnum;
use error::Error;
use load::{Mode, Plan, Request};
use report::{KEEP_ALIVE, Report};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Command::Bench(args) = cli.command;
    match bench(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tarry bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Requests per mode by default, and with `--verbose`.
const REQUESTS: u64 = 2000;
const VERBOSE_REQUESTS: u64 = 10;

fn bench(args: BenchArgs) -> Result<(), Error> {
    if args.verbose {
        events::print_connection_events();
    }
    let connections = args.connections.unwrap_or(args.concurrency);
    let plan = Plan {
        requests: args.requests.unwrap_or(if args.verbose {
            VERBOSE_REQUESTS
        } else {
            REQUESTS
        }),
        duration: args.duration,
        concurrency: args.concurrency,
        rate: args.rate,
    };
    let request = Request {
        method: args.method.clone(),
        body: request_body(&args)?,
    };
    let runtime = if plan.concurrency == 1 {
        // One task: a single thread, as a sequential client would run.
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    }
    .map_err(|e| Error::Server(format!("cannot start the runtime: {e}")))?;

    // The servers (if any) live until the report is printed.
    let (modes, target, _servers) = match &args.url {
        None => {
            let body_size = usize::try_from(args.body_size).unwrap_or(usize::MAX);
            let servers = server::Servers::start(body_size)?;
            let (modes, target) = embedded_modes(&servers, &args)?;
            (modes, target, Some(servers))
        }
        Some(url) => {
            if args.body_size != 13 {
                return Err(Error::Usage(
                    "--body-size sets the embedded server's body; a URL answers as it will".into(),
                ));
            }
            (url_modes(url, &args)?, url.clone(), None)
        }
    };
    if args.insecure {
        eprintln!("tarry bench: WARNING: --insecure: certificates will NOT be verified");
    }

    let progress = progress_bar(
        plan.requests * modes.len() as u64,
        args.json || args.verbose,
    );
    let mut rows = Vec::new();
    let mut curves = Vec::new();
    for mode in &modes {
        progress.set_message(mode.label());
        if args.verbose {
            eprintln!("-- {}", mode.label());
        }
        let outcome = runtime.block_on(load::drive(mode, &request, plan, &progress))?;
        runtime.block_on(mode.session.close());
        let answered = outcome.requests + outcome.other_statuses.values().sum::<u64>();
        if answered == 0
            && let Some(first) = outcome.first_error
        {
            // Nothing to report: say why in one line.
            progress.finish_and_clear();
            return Err(Error::Request {
                mode: mode.label(),
                first,
            });
        }
        rows.push(report::row(mode, &outcome, connections));
        curves.push((mode.label(), outcome.latency));
    }
    progress.finish_and_clear();

    let report = Report {
        target,
        method: request.method.to_string(),
        insecure: args.insecure,
        concurrency: plan.concurrency,
        connections,
        rate: plan.rate,
        requests_per_mode: plan.requests,
        reuse_gain: report::gains(&rows),
        rows,
    };
    if let Some(path) = &args.plot {
        let series: Vec<(String, &_)> = curves.iter().map(|(n, h)| (n.clone(), h)).collect();
        plot::draw(path, &series)?;
    }
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::Usage(format!("cannot write JSON: {e}")))?;
        println!("{json}");
    } else {
        print!("{}", report::table(&report));
        if let Some(path) = &args.plot {
            println!("latency plot: {}", path.display());
        }
    }
    Ok(())
}

/// The largest body `-D` reads: a benchmark's request, not a file transfer.
const MAX_DATA_FILE: u64 = 256 * 1024 * 1024;

fn request_body(args: &BenchArgs) -> Result<Option<bytes::Bytes>, Error> {
    if let Some(text) = &args.data {
        return Ok(Some(bytes::Bytes::from(text.clone())));
    }
    let Some(path) = &args.data_file else {
        return Ok(None);
    };
    let unreadable =
        |e: std::io::Error| Error::Usage(format!("cannot read {}: {e}", path.display()));
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_DATA_FILE {
        return Err(Error::Usage(format!(
            "{} holds {size} bytes; -D takes at most {MAX_DATA_FILE}",
            path.display()
        )));
    }
    Ok(Some(std::fs::read(path).map_err(unreadable)?.into()))
}

/// The settings every mode shares: connections, overrides, certificates, headers. `fresh`
/// keeps no idle connection, so every request opens one.
fn session(
    base: SessionBuilder,
    tls: TlsSettings,
    args: &BenchArgs,
    fresh: bool,
) -> Result<Session, Error> {
    let connections = args.connections.unwrap_or(args.concurrency);
    let tls = if args.insecure {
        tls.danger_accept_invalid_certificates()
    } else {
        tls
    };
    let mut base = base
        .tls(tls)
        .max_connections_per_host(usize::try_from(connections).unwrap_or(usize::MAX));
    for (host, port, addr) in &args.resolve {
        base = base.resolve(host, *port, *addr);
    }
    if fresh {
        base = base.max_idle_per_host(0);
    }
    let session = base.build().map_err(|e| Error::Usage(e.to_string()))?;
    for (name, value) in &args.headers {
        session
            .append_header(name.as_str(), value.as_str())
            .map_err(|e| Error::Usage(e.to_string()))?;
    }
    Ok(session)
}

/// The modes `--modes` asks for, for `scheme`, in the order they are run and reported.
fn wanted(scheme: &str, asked: &[ModeName]) -> Vec<(&'static str, Fresh)> {
    let has = |m: ModeName| asked.contains(&m);
    let mut modes = Vec::new();
    if has(ModeName::KeepAlive) {
        modes.push((KEEP_ALIVE, Fresh::No));
    }
    if scheme == "http" {
        if has(ModeName::Fresh) {
            modes.push(("fresh", Fresh::Plain));
        }
    } else {
        if has(ModeName::Fresh) || has(ModeName::Resumed) {
            modes.push(("fresh, resumed", Fresh::Resumed));
        }
        if has(ModeName::Fresh) || has(ModeName::Full) {
            modes.push(("fresh, full handshake", Fresh::Full));
        }
    }
    modes
}

/// How a mode opens its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fresh {
    /// It keeps them alive.
    No,
    /// A new plain connection per request.
    Plain,
    /// A new TLS connection per request, resuming the session.
    Resumed,
    /// A new TLS connection per request, with a full handshake.
    Full,
}

fn embedded_modes(
    servers: &server::Servers,
    args: &BenchArgs,
) -> Result<(Vec<Mode>, String), Error> {
    let http = format!("http://{}:{}/", server::HOST, servers.http.port());
    let https = format!("https://{}:{}/", server::HOST, servers.https.port());
    let trust = TlsSettings::new()
        .add_root_certificates_pem(servers.ca_pem.as_bytes())
        .map(TlsSettings::without_builtin_roots)
        .map_err(|e| Error::Server(e.to_string()))?;
    let builder = || {
        Session::builder()
            .resolve(server::HOST, servers.http.port(), servers.http)
            .resolve(server::HOST, servers.https.port(), servers.https)
            .connect_timeout(Duration::from_secs(5))
    };
    let mut modes = Vec::new();
    for (scheme, url) in [("http", &http), ("https", &https)] {
        for (name, fresh) in wanted(scheme, &args.modes) {
            let tls = trust.clone().resumption(fresh != Fresh::Full);
            modes.push(Mode {
                scheme,
                name,
                session: session(builder(), tls, args, fresh != Fresh::No)?,
                url: url.clone(),
            });
        }
    }
    let target = format!(
        "embedded servers on 127.0.0.1 ({http} and {https}), {}-byte bodies",
        args.body_size
    );
    Ok((modes, target))
}

fn url_modes(url: &str, args: &BenchArgs) -> Result<Vec<Mode>, Error> {
    let scheme = match url.split_once("://").map(|(s, _)| s.to_ascii_lowercase()) {
        Some(s) if s == "http" => "http",
        Some(s) if s == "https" => "https",
        _ => return Err(Error::Usage(format!("{url:?} is not an http or https URL"))),
    };
    let mut tls = TlsSettings::new();
    if let Some(path) = &args.cacert {
        let pem = std::fs::read(path)
            .map_err(|e| Error::Usage(format!("cannot read {}: {e}", path.display())))?;
        tls = tls
            .add_root_certificates_pem(&pem)
            .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    }
    let modes = wanted(scheme, &args.modes)
        .into_iter()
        .map(|(name, fresh)| {
            let tls = tls.clone().resumption(fresh != Fresh::Full);
            Ok(Mode {
                scheme,
                name,
                session: session(Session::builder(), tls, args, fresh != Fresh::No)?,
                url: url.to_owned(),
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    if modes.is_empty() {
        return Err(Error::Usage(format!(
            "--modes {}: resumed and full are https modes; {url} is http",
            names(&args.modes)
        )));
    }
    Ok(modes)
}

fn names(modes: &[ModeName]) -> String {
    modes
        .iter()
        .filter_map(|m| m.to_possible_value().map(|v| v.get_name().to_owned()))
        .collect::<Vec<_>>()
        .join(",")
}

/// A progress bar on a terminal; nothing when the output goes to a pipe or is JSON.
fn progress_bar(total: u64, json: bool) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} requests  {msg}  ({elapsed})")
    {
        bar.set_style(style);
    }
    bar
}
