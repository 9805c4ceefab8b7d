//! `tarry-peers`: tarry against reqwest, hyper-util's client, ureq and a raw-socket floor, in one
//! run against one server (tarry-cli's embedded HTTP and HTTPS servers), printed as one table.
//!
//! `cargo run --release --manifest-path benches/peers/Cargo.toml` (add `taskset -c 1` in front
//! for steadier numbers on a small VM). Every cell (one client in one scenario) runs `--seconds`
//! (or `--requests`) in all, split into `--rounds` (the 16 MiB scenarios run four times as many
//! rounds of the same length). Each round builds every client of the scenario anew and warms
//! it up, then measures them in ten short slices, the clients taking turns slice by slice, so
//! that a change in the machine's speed lands on all of them alike. Each tarry client is then
//! compared with the fastest other library round by round (the median of the paired ratios).
//! The default run takes about nineteen minutes and stops by itself.
#![forbid(unsafe_code)]

mod error;
mod listen;
mod measure;
mod peer;
mod scenario;
mod table;
mod tls;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use tarry_cli::server::Servers;

use error::Error;
use measure::{Limit, Plan};
use peer::Peer;
use scenario::{Scenario, Target};
use table::Row;

/// The slices each round's time is cut into, the clients taking turns slice by slice.
const SLICES: u32 = 10;

/// tarry and its peers, same server, same requests, one table.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Seconds each cell (one client in one scenario) is measured for, over all rounds (the
    /// 16 MiB cells run four times as many rounds of the same length).
    #[arg(long, default_value_t = 4.0)]
    seconds: f64,
    /// Requests per cell instead of a time, over all rounds (shared out among the tasks; the
    /// 16 MiB cells run four times as many rounds of the same size). A round then runs each
    /// client in one go rather than in slices.
    #[arg(long)]
    requests: Option<u64>,
    /// Rounds per scenario, each with new clients taking turns in ten slices (four times as
    /// many rounds with 16 MiB bodies, whose rates move most from round to round).
    #[arg(long, default_value_t = 16)]
    rounds: u32,
    /// Seconds of untimed sending before each round of each cell.
    #[arg(long, default_value_t = 0.05)]
    warmup: f64,
    /// Only these scenarios (comma-separated): seq, tasks16, https, https-fresh, proxy,
    /// proxy-tunnel, proxy-tunnel-fresh, and the large bodies: body64k, body1m, body16m, each
    /// also with an `https-` prefix and a `-stream` suffix (https-body1m-stream).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Only these clients (comma-separated), e.g. for a profile: raw, tarry-pool,
    /// tarry-session, reqwest, hyper-util, ureq. The shares need `raw` among them.
    #[arg(long, value_delimiter = ',')]
    clients: Vec<String>,
    /// Measure the plain-HTTP scenarios against this server (`HOST:PORT`, e.g. a loopback
    /// nginx) instead of the embedded one. It must answer `GET /` with a body of the
    /// scenario's size: choose the scenarios with --only (seq, tasks16: 13 bytes; body64k…).
    #[arg(long, value_name = "ADDR")]
    server: Option<std::net::SocketAddr>,
    /// Install a `tracing` subscriber that takes every event at this level or above
    /// (`info`, `debug`) and counts it, to measure what listening to tarry's events costs.
    #[arg(long, value_name = "LEVEL")]
    listen: Option<tracing::Level>,
    /// Print JSON instead of the table.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tarry-peers: {e}");
            ExitCode::FAILURE
        }
    }
}

fn seconds(what: &str, s: f64) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(s).map_err(|_| Error::new(format!("--{what} {s} is not a time")))
}

fn scenarios(only: &[String]) -> Result<Vec<Scenario>, Error> {
    if only.is_empty() {
        return Ok(Scenario::ALL.to_vec());
    }
    only.iter()
        .map(|key| {
            Scenario::ALL
                .into_iter()
                .find(|s| s.key() == *key)
                .ok_or_else(|| Error::new(format!("no scenario {key:?}")))
        })
        .collect()
}

fn clients(only: &[String]) -> Result<Vec<Peer>, Error> {
    if only.is_empty() {
        return Ok(Peer::ALL.to_vec());
    }
    let chosen = only
        .iter()
        .map(|key| {
            Peer::ALL
                .into_iter()
                .find(|p| p.key() == key)
                .ok_or_else(|| Error::new(format!("no client {key:?}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // The table's order, whatever the order asked in.
    Ok(Peer::ALL
        .into_iter()
        .filter(|p| chosen.contains(p))
        .collect())
}

fn run(args: &Args) -> Result<(), Error> {
    if args.rounds == 0 {
        return Err(Error::new("--rounds must be at least 1"));
    }
    let limit = match args.requests {
        Some(n) if n < u64::from(args.rounds) => {
            return Err(Error::new("--requests must be at least --rounds"));
        }
        Some(n) => Limit::Requests(n / u64::from(args.rounds)),
        None => Limit::Time(seconds("seconds", args.seconds)? / args.rounds),
    };
    let warmup = seconds("warmup", args.warmup)?;
    let scenarios = scenarios(&args.only)?;
    let clients = clients(&args.clients)?;
    if let Some(level) = args.listen {
        listen::count_events(level);
    }
    if args.server.is_some() && scenarios.iter().any(|s| s.tls() || s.proxied()) {
        return Err(Error::new(
            "--server takes plain-HTTP scenarios only (seq, tasks16, body64k, body1m, …)",
        ));
    }
    // The same server code for every size: one instance per body size, for the whole run.
    let mut servers_by_size: Vec<(usize, Servers)> = Vec::new();
    for size in scenarios.iter().map(|s| s.body_size()) {
        if !servers_by_size.iter().any(|(s, _)| *s == size) {
            servers_by_size.push((size, Servers::start(size)?));
        }
    }

    let mut rows: Vec<Row> = Vec::new();
    for scenario in scenarios {
        let Some((_, servers)) = servers_by_size
            .iter()
            .find(|(size, _)| *size == scenario.body_size())
        else {
            return Err(Error::new("no server for this body size"));
        };
        let target = Target {
            addr: match (args.server, scenario.tls()) {
                (Some(addr), _) => addr,
                (None, true) => servers.https,
                (None, false) => servers.http,
            },
            external: args.server.is_some(),
            tls: scenario.tls(),
            fresh: scenario.fresh(),
            body_size: scenario.body_size(),
            streamed: scenario.streamed(),
            ca_pem: servers.ca_pem.clone(),
            proxy: scenario.proxied().then_some(servers.proxy),
        };
        // Only the clients that can go through a proxy, in the proxy scenarios.
        let clients: Vec<Peer> = clients
            .iter()
            .copied()
            .filter(|peer| peer.supports(scenario))
            .collect();
        let plan = Plan {
            warmup,
            tasks: scenario.tasks(),
            body_size: scenario.body_size(),
        };
        let first = rows.len();
        let rounds = scenario.rounds(args.rounds);
        // A round's time in slices taken in turn (see `measure`); a fixed count in one go.
        let (slices, slice) = match limit {
            Limit::Time(d) => (SLICES, Limit::Time(d / SLICES)),
            Limit::Requests(n) => (1, Limit::Requests(n)),
        };
        for round in 0..rounds {
            eprintln!("{} (round {}/{rounds})", scenario.label(), round + 1);
            let failed = |peer: Peer, e| {
                Error::new(format!("{} with {}: {e}", scenario.label(), peer.name()))
            };
            let mut runners = Vec::new();
            for &peer in &clients {
                runners.push(peer.prepare(&target, &plan).map_err(|e| failed(peer, e))?);
            }
            let mut cells: Vec<Option<measure::Cell>> = clients.iter().map(|_| None).collect();
            for s in 0..slices as usize {
                // Each turn starts with the next client, so that none always follows the same one.
                for k in 0..clients.len() {
                    let i = (s + k) % clients.len();
                    let peer = clients[i];
                    let cell = runners[i].slice(slice).map_err(|e| failed(peer, e))?;
                    match &mut cells[i] {
                        Some(sum) => sum.absorb_slice(cell).map_err(|e| failed(peer, e))?,
                        None => cells[i] = Some(cell),
                    }
                }
            }
            drop(runners);
            for (i, (&peer, cell)) in clients.iter().zip(cells).enumerate() {
                let Some(cell) = cell else { continue };
                match rows.get_mut(first + i) {
                    Some(row) => row.cell.absorb(cell).map_err(|e| failed(peer, e))?,
                    None => rows.push(Row {
                        scenario,
                        peer,
                        cell,
                    }),
                }
            }
        }
    }
    if args.json {
        print!("{}", table::json(&rows));
    } else {
        print!("{}", table::markdown(&rows));
    }
    if let Some(level) = args.listen {
        eprintln!("events at {level} or above: {}", listen::counted());
    }
    Ok(())
}
