//! `tarry`: the command-line face of tarry. `tarry bench` measures what keep-alive saves over
//! a fresh connection per request, on an embedded server (HTTP and HTTPS) or a URL of yours.
#![forbid(unsafe_code)]

mod args;
mod error;
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

use args::{BenchArgs, Cli, Command};
use error::Error;
use load::{Mode, Plan};
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

fn bench(args: BenchArgs) -> Result<(), Error> {
    let plan = Plan {
        requests: args.requests,
        duration: args.duration,
        concurrency: args.concurrency,
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

    let progress = progress_bar(plan.requests * modes.len() as u64, args.json);
    let mut rows = Vec::new();
    let mut curves = Vec::new();
    for mode in &modes {
        progress.set_message(mode.label());
        let outcome = runtime.block_on(load::drive(mode, plan, &progress))?;
        rows.push(report::row(mode, &outcome));
        curves.push((mode.label(), outcome.latency));
        runtime.block_on(mode.session.close());
    }
    progress.finish_and_clear();

    let report = Report {
        target,
        concurrency: plan.concurrency,
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

/// A session for one mode: `fresh` keeps no idle connection, so every request opens one.
fn session(base: SessionBuilder, fresh: bool) -> Result<Session, Error> {
    let base = if fresh {
        base.max_idle_per_host(0)
    } else {
        base
    };
    base.build().map_err(|e| Error::Usage(e.to_string()))
}

fn embedded_modes(
    servers: &server::Servers,
    args: &BenchArgs,
) -> Result<(Vec<Mode>, String), Error> {
    let http = format!("http://{}:{}/", server::HOST, servers.http.port());
    let https = format!("https://{}:{}/", server::HOST, servers.https.port());
    let trust = |resumption: bool| {
        TlsSettings::new()
            .add_root_certificates_pem(servers.ca_pem.as_bytes())
            .map(|t| t.without_builtin_roots().resumption(resumption))
            .map_err(|e| Error::Server(e.to_string()))
    };
    let builder = |tls: TlsSettings| {
        Session::builder()
            .tls(tls)
            .resolve(server::HOST, servers.http.port(), servers.http)
            .resolve(server::HOST, servers.https.port(), servers.https)
            .connect_timeout(Duration::from_secs(5))
    };
    let mode = |scheme, name, url: &str, session| Mode {
        scheme,
        name,
        session,
        url: url.to_owned(),
    };
    let modes = vec![
        mode(
            "http",
            KEEP_ALIVE,
            &http,
            session(builder(trust(true)?), false)?,
        ),
        mode(
            "http",
            "fresh",
            &http,
            session(builder(trust(true)?), true)?,
        ),
        mode(
            "https",
            KEEP_ALIVE,
            &https,
            session(builder(trust(true)?), false)?,
        ),
        mode(
            "https",
            "fresh, resumed",
            &https,
            session(builder(trust(true)?), true)?,
        ),
        mode(
            "https",
            "fresh, full handshake",
            &https,
            session(builder(trust(false)?), true)?,
        ),
    ];
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
    let builder = |tls: TlsSettings| Session::builder().tls(tls);
    let mode = |name, session| Mode {
        scheme,
        name,
        session,
        url: url.to_owned(),
    };
    let mut modes = vec![
        mode(KEEP_ALIVE, session(builder(tls.clone()), false)?),
        mode(
            if scheme == "https" {
                "fresh, resumed"
            } else {
                "fresh"
            },
            session(builder(tls.clone()), true)?,
        ),
    ];
    if scheme == "https" {
        let full = tls.resumption(false);
        modes.push(mode("fresh, full handshake", session(builder(full), true)?));
    }
    Ok(modes)
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
