//! Driving one mode: `concurrency` tasks sending the request through one session until the
//! request count or the time limit is reached, at most `rate` started per second. Only 2xx
//! answers count as measured exchanges; other statuses and failures are counted by kind, so
//! that they are seen, never averaged into the latencies.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use indicatif::ProgressBar;
use tarry_session::{Method, Session};
use tokio::task::JoinSet;

use crate::Error;

/// How much to send, and how fast.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub(crate) requests: u64,
    pub(crate) duration: Duration,
    pub(crate) concurrency: u64,
    /// The most requests started per second, over all tasks.
    pub(crate) rate: Option<f64>,
}

/// The request every task sends; headers are the session's defaults.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) body: Option<bytes::Bytes>,
}

/// One way of sending: a session set up for it, and the URL.
pub(crate) struct Mode {
    pub(crate) scheme: &'static str,
    pub(crate) name: &'static str,
    pub(crate) session: Session,
    pub(crate) url: String,
}

impl Mode {
    pub(crate) fn label(&self) -> String {
        format!("{} {}", self.scheme, self.name)
    }
}

/// What a mode measured.
pub(crate) struct Outcome {
    /// Exchanges answered with a 2xx status.
    pub(crate) requests: u64,
    pub(crate) elapsed: Duration,
    /// Latency of each 2xx exchange (request sent to last body byte), microseconds.
    pub(crate) latency: Histogram<u64>,
    pub(crate) body_bytes: u64,
    /// Answers with another status, by status code.
    pub(crate) other_statuses: BTreeMap<u16, u64>,
    /// Requests that got no answer, by kind of failure.
    pub(crate) errors: BTreeMap<&'static str, u64>,
    /// The first failure, said in full, for a mode where nothing succeeded.
    pub(crate) first_error: Option<String>,
    pub(crate) stats: tarry_session::Stats,
}

/// What one task saw.
struct Tally {
    latency: Histogram<u64>,
    body_bytes: u64,
    other_statuses: BTreeMap<u16, u64>,
    errors: BTreeMap<&'static str, u64>,
    first_error: Option<String>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            latency: histogram(),
            body_bytes: 0,
            other_statuses: BTreeMap::new(),
            errors: BTreeMap::new(),
            first_error: None,
        }
    }

    fn failed(&mut self, error: &tarry_session::Error) {
        *self.errors.entry(error.kind()).or_default() += 1;
        self.first_error.get_or_insert_with(|| error.to_string());
    }

    fn add(&mut self, other: Tally) -> Result<(), Error> {
        self.latency
            .add(&other.latency)
            .map_err(|e| Error::Server(format!("histogram: {e}")))?;
        self.body_bytes += other.body_bytes;
        for (status, n) in other.other_statuses {
            *self.other_statuses.entry(status).or_default() += n;
        }
        for (kind, n) in other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        Ok(())
    }
}

/// Latencies above an hour are recorded as an hour: a bench that slow is broken anyway.
const MAX_MICROS: u64 = 3_600_000_000;

fn histogram() -> Histogram<u64> {
    // Three significant figures from 1 µs to an hour: about 100 KiB per histogram.
    Histogram::new_with_bounds(1, MAX_MICROS, 3).expect("valid histogram bounds")
}

pub(crate) async fn drive(
    mode: &Mode,
    request: &Request,
    plan: Plan,
    progress: &ProgressBar,
) -> Result<Outcome, Error> {
    let started = Instant::now();
    let deadline = started + plan.duration;
    let issued = Arc::new(AtomicU64::new(0));
    // With a rate, request `i` may start at `started + i / rate`: the tasks share one
    // schedule, so the rate holds however many there are.
    let interval = plan.rate.map(|rate| Duration::from_secs_f64(1.0 / rate));
    let mut tasks = JoinSet::new();
    for _ in 0..plan.concurrency {
        let (session, url, issued) = (mode.session.clone(), mode.url.clone(), Arc::clone(&issued));
        let (request, progress) = (request.clone(), progress.clone());
        tasks.spawn(async move {
            let mut tally = Tally::new();
            loop {
                let i = issued.fetch_add(1, Ordering::Relaxed);
                if i >= plan.requests || Instant::now() >= deadline {
                    break;
                }
                if let Some(interval) = interval {
                    let at = started + interval.mul_f64(i as f64);
                    if at >= deadline {
                        break;
                    }
                    tokio::time::sleep_until(at.into()).await;
                }
                let sent = Instant::now();
                let mut call = session.request(request.method.clone(), &url);
                if let Some(body) = &request.body {
                    call = call.body(body.clone());
                }
                let answer = match call.send().await {
                    Ok(response) => {
                        let status = response.status();
                        response.bytes().await.map(|body| (status, body))
                    }
                    Err(e) => Err(e),
                };
                progress.inc(1);
                match answer {
                    Ok((status, body)) if status.is_success() => {
                        let micros =
                            u64::try_from(sent.elapsed().as_micros()).unwrap_or(MAX_MICROS);
                        tally.latency.saturating_record(micros.clamp(1, MAX_MICROS));
                        tally.body_bytes += body.len() as u64;
                    }
                    Ok((status, _)) => {
                        *tally.other_statuses.entry(status.as_u16()).or_default() += 1
                    }
                    Err(e) => tally.failed(&e),
                }
            }
            tally
        });
    }
    let mut total = Tally::new();
    while let Some(done) = tasks.join_next().await {
        let tally = done.map_err(|e| Error::Server(format!("a task failed: {e}")))?;
        total.add(tally)?;
    }
    Ok(Outcome {
        requests: total.latency.len(),
        elapsed: started.elapsed(),
        latency: total.latency,
        body_bytes: total.body_bytes,
        other_statuses: total.other_statuses,
        errors: total.errors,
        first_error: total.first_error,
        stats: mode.session.stats(),
    })
}
