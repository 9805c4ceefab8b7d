//! Driving one mode: `concurrency` tasks sending GETs through one session until the request
//! count or the time limit is reached, every latency recorded in an HDR histogram.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use indicatif::ProgressBar;
use tarry_session::Session;
use tokio::task::JoinSet;

use crate::Error;

/// How much to send.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub(crate) requests: u64,
    pub(crate) duration: Duration,
    pub(crate) concurrency: u64,
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
    pub(crate) requests: u64,
    pub(crate) elapsed: Duration,
    /// Latency of each exchange (request sent to last body byte), microseconds.
    pub(crate) latency: Histogram<u64>,
    pub(crate) body_bytes: u64,
    pub(crate) stats: tarry_session::Stats,
}

/// Latencies above an hour are recorded as an hour: a bench that slow is broken anyway.
const MAX_MICROS: u64 = 3_600_000_000;

fn histogram() -> Histogram<u64> {
    // Three significant figures from 1 µs to an hour: about 100 KiB per histogram.
    Histogram::new_with_bounds(1, MAX_MICROS, 3).expect("valid histogram bounds")
}

pub(crate) async fn drive(
    mode: &Mode,
    plan: Plan,
    progress: &ProgressBar,
) -> Result<Outcome, Error> {
    let started = Instant::now();
    let deadline = started + plan.duration;
    let issued = Arc::new(AtomicU64::new(0));
    let mut tasks = JoinSet::new();
    for _ in 0..plan.concurrency {
        let (session, url, issued) = (mode.session.clone(), mode.url.clone(), Arc::clone(&issued));
        let (label, progress) = (mode.label(), progress.clone());
        tasks.spawn(async move {
            let mut latency = histogram();
            let mut bytes = 0u64;
            while issued.fetch_add(1, Ordering::Relaxed) < plan.requests
                && Instant::now() < deadline
            {
                let sent = Instant::now();
                let failed = |source| Error::Request {
                    mode: label.clone(),
                    source: Box::new(source),
                };
                let response = session.get(&url).send().await.map_err(failed)?;
                let status = response.status();
                let body = response.bytes().await.map_err(failed)?;
                if !status.is_success() {
                    return Err(Error::Status {
                        mode: label,
                        url,
                        status: status.as_u16(),
                    });
                }
                let micros = u64::try_from(sent.elapsed().as_micros()).unwrap_or(MAX_MICROS);
                latency.saturating_record(micros.clamp(1, MAX_MICROS));
                bytes += body.len() as u64;
                progress.inc(1);
            }
            Ok((latency, bytes))
        });
    }
    let mut latency = histogram();
    let mut body_bytes = 0;
    while let Some(done) = tasks.join_next().await {
        // A failed task ends the mode; dropping `tasks` stops the others.
        let (task_latency, bytes) =
            done.map_err(|e| Error::Server(format!("a task failed: {e}")))??;
        latency
            .add(&task_latency)
            .map_err(|e| Error::Server(format!("histogram: {e}")))?;
        body_bytes += bytes;
    }
    Ok(Outcome {
        requests: latency.len(),
        elapsed: started.elapsed(),
        latency,
        body_bytes,
        stats: mode.session.stats(),
    })
}
