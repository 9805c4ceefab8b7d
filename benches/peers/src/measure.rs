//! Measuring one cell (one peer in one scenario): every task (or thread) warms up, then sends
//! request after request until the shared deadline or its share of a fixed count, timing each
//! exchange into its own HDR histogram; the histograms are merged at the end.
//!
//! Async peers run on a runtime made for the cell alone: current-thread for one task, as a
//! sequential client would run, multi-thread for many. The blocking peer (ureq) runs on plain
//! threads, one per task. Clients are built before the clock starts.

use std::future::Future;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::error::Error;

/// When a cell stops.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Limit {
    /// Every task sends until this much time has passed.
    Time(Duration),
    /// This many requests in all, shared out among the tasks.
    Requests(u64),
}

/// How one cell runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    /// Sending, untimed, before measuring: connections open, caches and branch predictors warm.
    pub(crate) warmup: Duration,
    pub(crate) limit: Limit,
    /// Concurrent tasks (threads for a blocking peer), each with its own worker.
    pub(crate) tasks: usize,
    /// The body every exchange must have read in full.
    pub(crate) body_size: usize,
}

/// What one cell measured.
#[derive(Debug)]
pub(crate) struct Cell {
    pub(crate) requests: u64,
    pub(crate) elapsed: Duration,
    /// Nanoseconds per exchange.
    pub(crate) latency: Histogram<u64>,
    /// Requests per second in each round, in the order the rounds ran: what the paired
    /// comparison with the other clients of the scenario works on.
    pub(crate) rounds: Vec<f64>,
}

impl Cell {
    pub(crate) fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    /// Adds another round of the same cell: counts, times and latencies add up.
    pub(crate) fn absorb(&mut self, round: Cell) -> Result<(), Error> {
        self.requests += round.requests;
        self.elapsed += round.elapsed;
        self.latency.add(&round.latency)?;
        self.rounds.extend(round.rounds);
        Ok(())
    }
}

/// What one task drives: one exchange at a time, answering the body length it read.
pub(crate) trait Worker: Send + 'static {
    fn exchange(&mut self) -> impl Future<Output = Result<usize, Error>> + Send;
}

/// [`Worker`] for a blocking client.
pub(crate) trait BlockingWorker: Send + 'static {
    fn exchange(&mut self) -> Result<usize, Error>;
}

/// One task's share of the work and its clock.
#[derive(Debug, Clone, Copy)]
struct Share {
    warm_until: Instant,
    stop_at: Option<Instant>,
    requests: Option<u64>,
    body_size: usize,
}

impl Share {
    /// Shares for `plan`, the clock starting now; the first tasks take a fixed count's remainder.
    fn split(plan: &Plan) -> Vec<Share> {
        let warm_until = Instant::now() + plan.warmup;
        let tasks = plan.tasks.max(1);
        (0..tasks)
            .map(|i| {
                let (stop_at, requests) = match plan.limit {
                    Limit::Time(d) => (Some(warm_until + d), None),
                    Limit::Requests(n) => {
                        let each = n / tasks as u64;
                        let extra = u64::from((i as u64) < n % tasks as u64);
                        (None, Some(each + extra))
                    }
                };
                Share {
                    warm_until,
                    stop_at,
                    requests,
                    body_size: plan.body_size,
                }
            })
            .collect()
    }

    fn more(&self, sent: u64, now: Instant) -> bool {
        self.requests.is_none_or(|n| sent < n) && self.stop_at.is_none_or(|t| now < t)
    }

    fn check(&self, read: usize) -> Result<(), Error> {
        if read == self.body_size {
            Ok(())
        } else {
            Err(Error::new(format!(
                "read a {read}-byte body, the server sends {}",
                self.body_size
            )))
        }
    }
}

/// What one task measured: its count, histogram and the moment it finished.
struct Done {
    requests: u64,
    latency: Histogram<u64>,
    finished: Instant,
}

impl Done {
    /// Nothing yet; the clock starts now.
    fn starting() -> Done {
        Done {
            requests: 0,
            latency: histogram(),
            finished: Instant::now(),
        }
    }

    /// One exchange that ended now, having read `read` body bytes: its latency runs from the
    /// end of the one before (the loop does nothing else in between).
    fn record(&mut self, share: &Share, read: usize) -> Result<(), Error> {
        let now = Instant::now();
        share.check(read)?;
        self.latency.record(nanos(now - self.finished))?;
        self.requests += 1;
        self.finished = now;
        Ok(())
    }
}

fn histogram() -> Histogram<u64> {
    // Three significant figures, auto-resizing: no bound on the slowest exchange to guess.
    Histogram::new(3).expect("3 significant figures is a valid precision")
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

async fn drive<W: Worker>(mut worker: W, share: Share) -> Result<Done, Error> {
    while Instant::now() < share.warm_until {
        share.check(worker.exchange().await?)?;
    }
    let mut done = Done::starting();
    while share.more(done.requests, done.finished) {
        let read = worker.exchange().await;
        done.record(&share, read?)?;
    }
    Ok(done)
}

fn drive_blocking<W: BlockingWorker>(mut worker: W, share: Share) -> Result<Done, Error> {
    while Instant::now() < share.warm_until {
        share.check(worker.exchange()?)?;
    }
    let mut done = Done::starting();
    while share.more(done.requests, done.finished) {
        let read = worker.exchange();
        done.record(&share, read?)?;
    }
    Ok(done)
}

/// Merges the tasks' results; the cell's time runs from the end of the warm-up to the last
/// task's finish.
fn merge(warm_until: Instant, done: Vec<Done>) -> Result<Cell, Error> {
    let mut latency = histogram();
    let mut requests = 0;
    let mut last = warm_until;
    for d in done {
        latency.add(&d.latency)?;
        requests += d.requests;
        last = last.max(d.finished);
    }
    let elapsed = last - warm_until;
    Ok(Cell {
        requests,
        elapsed,
        latency,
        rounds: vec![requests as f64 / elapsed.as_secs_f64()],
    })
}

/// Runs an async peer: `workers` builds one worker per task (inside the cell's runtime, before
/// the clock starts), then every task runs its share.
pub(crate) fn run_async<W, F, Fut>(plan: &Plan, workers: F) -> Result<Cell, Error>
where
    W: Worker,
    F: FnOnce(usize) -> Fut,
    Fut: Future<Output = Result<Vec<W>, Error>>,
{
    let runtime = if plan.tasks <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
    };
    runtime.block_on(async {
        let workers = workers(plan.tasks.max(1)).await?;
        let shares = Share::split(plan);
        let warm_until = shares[0].warm_until;
        let done = if let [share] = shares[..] {
            // One task: driven right here on the runtime's only thread, no spawn in between.
            let worker = workers.into_iter().next().ok_or(Error::new("no worker"))?;
            vec![drive(worker, share).await?]
        } else {
            let mut set = tokio::task::JoinSet::new();
            for (worker, share) in workers.into_iter().zip(shares) {
                set.spawn(drive(worker, share));
            }
            let mut done = Vec::new();
            while let Some(joined) = set.join_next().await {
                done.push(joined??);
            }
            done
        };
        merge(warm_until, done)
    })
}

/// Runs a blocking peer, one thread per task.
pub(crate) fn run_blocking<W: BlockingWorker>(plan: &Plan, workers: Vec<W>) -> Result<Cell, Error> {
    let shares = Share::split(plan);
    let warm_until = shares[0].warm_until;
    let done = std::thread::scope(|scope| {
        let threads: Vec<_> = workers
            .into_iter()
            .zip(shares)
            .map(|(worker, share)| scope.spawn(move || drive_blocking(worker, share)))
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().map_err(|_| Error::new("a thread panicked"))?)
            .collect::<Result<Vec<_>, _>>()
    })?;
    merge(warm_until, done)
}
