//! Measuring one cell (one peer in one scenario) in one round: the client is built and warmed
//! up, then measured in short slices that take turns with the other clients' slices. In each
//! slice every task (or thread) sends request after request for the slice's length (or its
//! share of a fixed count), timing each exchange into its own HDR histogram.
//!
//! Why slices: a shared VM's speed can move by half for a tenth of a second to a second at a
//! time (on the one docs/benchmarks.md was measured on, a plain CPU loop, pinned, runs at 27 or
//! at 54 ms per 10⁸ additions, in stretches of that length), so two clients measured a
//! quarter-second apart land in different stretches. Slices of a few hundredths of a second,
//! taken in turn, put every client of a round through the same stretches.
//!
//! Async peers run on a runtime made for the cell alone: current-thread for one task, as a
//! sequential client would run, multi-thread for many. The blocking peers run on plain threads,
//! one per task, started before a slice's clock. Clients are built before any clock starts.

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

/// How one cell runs in one round.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    /// Sending, untimed, before measuring: connections open, caches and branch predictors warm.
    pub(crate) warmup: Duration,
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

    /// Adds another slice of the same round: counts, times and latencies add up, and the
    /// round's one rate is that of all its slices together.
    pub(crate) fn absorb_slice(&mut self, slice: Cell) -> Result<(), Error> {
        self.absorb(slice)?;
        self.rounds = vec![self.per_second()];
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

/// How long (or how much) one task sends in one go, from the moment it starts.
#[derive(Debug, Clone, Copy)]
struct Share {
    length: Option<Duration>,
    requests: Option<u64>,
    body_size: usize,
}

impl Share {
    /// Every task sending for `length`.
    fn timed(length: Duration, tasks: usize, body_size: usize) -> Vec<Share> {
        let share = Share {
            length: Some(length),
            requests: None,
            body_size,
        };
        vec![share; tasks.max(1)]
    }

    /// `limit` shared out among `tasks`: the first tasks take a fixed count's remainder.
    fn split(limit: Limit, tasks: usize, body_size: usize) -> Vec<Share> {
        let tasks = tasks.max(1);
        match limit {
            Limit::Time(d) => Share::timed(d, tasks, body_size),
            Limit::Requests(n) => (0..tasks)
                .map(|i| {
                    let each = n / tasks as u64;
                    let extra = u64::from((i as u64) < n % tasks as u64);
                    Share {
                        length: None,
                        requests: Some(each + extra),
                        body_size,
                    }
                })
                .collect(),
        }
    }

    fn more(&self, done: &Done) -> bool {
        self.requests.is_none_or(|n| done.requests < n)
            && self
                .length
                .is_none_or(|d| done.finished.duration_since(done.started) < d)
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

/// What one task measured: its count, histogram, and when it started and finished.
struct Done {
    requests: u64,
    latency: Histogram<u64>,
    started: Instant,
    finished: Instant,
}

impl Done {
    /// Nothing yet; the clock starts now.
    fn starting() -> Done {
        let now = Instant::now();
        Done {
            requests: 0,
            latency: histogram(),
            started: now,
            finished: now,
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

async fn drive<W: Worker>(worker: &mut W, share: Share) -> Result<Done, Error> {
    let mut done = Done::starting();
    while share.more(&done) {
        let read = worker.exchange().await;
        done.record(&share, read?)?;
    }
    Ok(done)
}

fn drive_blocking<W: BlockingWorker>(worker: &mut W, share: Share) -> Result<Done, Error> {
    let mut done = Done::starting();
    while share.more(&done) {
        let read = worker.exchange();
        done.record(&share, read?)?;
    }
    Ok(done)
}

/// Merges the tasks' results; the time runs from the first task's start to the last one's
/// finish.
fn merge(done: Vec<Done>) -> Result<Cell, Error> {
    let mut latency = histogram();
    let mut requests = 0;
    let first = done.iter().map(|d| d.started).min();
    let last = done.iter().map(|d| d.finished).max();
    let (Some(first), Some(last)) = (first, last) else {
        return Err(Error::new("no task ran"));
    };
    for d in done {
        latency.add(&d.latency)?;
        requests += d.requests;
    }
    let elapsed = last - first;
    Ok(Cell {
        requests,
        elapsed,
        latency,
        rounds: vec![requests as f64 / elapsed.as_secs_f64()],
    })
}

/// One client of one round, built and warmed up, measured a slice at a time.
pub(crate) trait Runner {
    /// Every task sends for `length` (or its share of `limit`'s count), measured.
    fn slice(&mut self, limit: Limit) -> Result<Cell, Error>;
}

/// An async peer's runtime and its tasks' workers, kept between slices.
struct AsyncRunner<W> {
    runtime: tokio::runtime::Runtime,
    workers: Vec<W>,
    body_size: usize,
}

impl<W: Worker> AsyncRunner<W> {
    /// Runs every worker with its share, all at once, and gives back what each measured.
    fn run(&mut self, shares: Vec<Share>) -> Result<Vec<Done>, Error> {
        let workers = std::mem::take(&mut self.workers);
        let (workers, done) = self.runtime.block_on(async {
            if workers.len() == 1 {
                // One task: driven right here on the runtime's only thread, no spawn in between.
                let mut workers = workers;
                let done = drive(&mut workers[0], shares[0]).await;
                return (workers, vec![done]);
            }
            let mut set = tokio::task::JoinSet::new();
            for (mut worker, share) in workers.into_iter().zip(shares) {
                set.spawn(async move {
                    let done = drive(&mut worker, share).await;
                    (worker, done)
                });
            }
            let (mut workers, mut done) = (Vec::new(), Vec::new());
            while let Some(joined) = set.join_next().await {
                match joined {
                    Ok((worker, d)) => {
                        workers.push(worker);
                        done.push(d);
                    }
                    Err(e) => done.push(Err(Error::new(format!("a task failed: {e}")))),
                }
            }
            (workers, done)
        });
        self.workers = workers;
        done.into_iter().collect()
    }
}

impl<W: Worker> Runner for AsyncRunner<W> {
    fn slice(&mut self, limit: Limit) -> Result<Cell, Error> {
        let shares = Share::split(limit, self.workers.len(), self.body_size);
        merge(self.run(shares)?)
    }
}

/// Builds an async peer for one round: `workers` makes one worker per task (inside the cell's
/// runtime, before any clock starts), then every task warms up.
pub(crate) fn prepare_async<W, F, Fut>(plan: &Plan, workers: F) -> Result<Box<dyn Runner>, Error>
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
    let workers = runtime.block_on(workers(plan.tasks.max(1)))?;
    if workers.is_empty() {
        return Err(Error::new("no worker"));
    }
    let mut runner = AsyncRunner {
        runtime,
        workers,
        body_size: plan.body_size,
    };
    runner.run(Share::timed(plan.warmup, plan.tasks, plan.body_size))?;
    Ok(Box::new(runner))
}

/// A blocking peer's workers, each driven on a thread of its own in every slice.
struct BlockingRunner<W> {
    workers: Vec<W>,
    body_size: usize,
}

impl<W: BlockingWorker> BlockingRunner<W> {
    /// Runs every worker with its share on its own thread. The threads start before the
    /// clocks do: they wait for one another, so that starting them is not measured.
    fn run(&mut self, shares: Vec<Share>) -> Result<Vec<Done>, Error> {
        let ready = std::sync::Barrier::new(self.workers.len());
        std::thread::scope(|scope| {
            let threads: Vec<_> = self
                .workers
                .iter_mut()
                .zip(shares)
                .map(|(worker, share)| {
                    let ready = &ready;
                    scope.spawn(move || {
                        ready.wait();
                        drive_blocking(worker, share)
                    })
                })
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().map_err(|_| Error::new("a thread panicked"))?)
                .collect()
        })
    }
}

impl<W: BlockingWorker> Runner for BlockingRunner<W> {
    fn slice(&mut self, limit: Limit) -> Result<Cell, Error> {
        let shares = Share::split(limit, self.workers.len(), self.body_size);
        merge(self.run(shares)?)
    }
}

/// Builds a blocking peer for one round, one thread per worker, and warms every one up.
pub(crate) fn prepare_blocking<W: BlockingWorker>(
    plan: &Plan,
    workers: Vec<W>,
) -> Result<Box<dyn Runner>, Error> {
    if workers.is_empty() {
        return Err(Error::new("no worker"));
    }
    let mut runner = BlockingRunner {
        workers,
        body_size: plan.body_size,
    };
    runner.run(Share::timed(plan.warmup, plan.tasks, plan.body_size))?;
    Ok(Box::new(runner))
}
