//! The soak: many GETs at concurrency 64 through one `Session` against [`LoadServer`], whose
//! connections close under the client at every moment a real server may close them.
//!
//! What a pass proves:
//! - **no failed idempotent request:** every GET that met a kept-alive connection the server
//!   had just closed was sent again on a fresh one (the pool's safe retry), none surfaced as
//!   an error;
//! - **no crossed responses:** every body is the one its own id makes;
//! - **no descriptor leak:** with the server still listening, the process has exactly the
//!   descriptors it had before the Session was built once the Session is dropped (and the
//!   server has seen every close);
//! - **flat memory:** resident memory after warm-up (the first tenth of the requests) grows
//!   by less than [`RSS_SLACK_MIB`] to the end — a bound on memory, never on speed.
//!
//! `TARRY_LOAD_REQUESTS` sets the number of requests. The default is small so the ordinary
//! debug `cargo test` stays quick; `test.sh` runs this binary again in release with the full
//! 200,000. `TARRY_LOAD_SEED` repeats a run's server behaviour.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tarry_session::Session;

use crate::measure::{env_u64, exclusive, fds, mib, rss_kib, seed, settles};
use crate::server::{LoadServer, body_for};

const TASKS: u64 = 64;
/// Requests in an ordinary `cargo test` run (`test.sh` sets 200,000 in its release step).
const DEFAULT_REQUESTS: u64 = 4_000;
/// How much resident memory may grow from the end of warm-up to the end of the run: a whole
/// run stays near 9 MiB, so this catches a leak of some 40 bytes a request at full size.
const RSS_SLACK_MIB: u64 = 8;
/// From this many requests on, a run must have met every kind of close it was built for
/// (smaller ones may be too short for the rarer kinds).
const FULL_RUN: u64 = 100_000;
/// Failures are counted all along but only this many are kept to print.
const KEEP_FAILURES: usize = 10;

#[test]
fn soak_through_one_session() {
    let _one_at_a_time = exclusive();
    let requests = env_u64("TARRY_LOAD_REQUESTS", DEFAULT_REQUESTS);
    assert!(
        requests >= TASKS,
        "TARRY_LOAD_REQUESTS must be at least {TASKS}"
    );
    let seed = seed();
    println!("soak: {requests} requests, {TASKS} tasks, seed {seed} (TARRY_LOAD_SEED={seed})");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(soak(requests, seed));
}

async fn soak(requests: u64, seed: u64) {
    let server = LoadServer::start(seed, false);
    let handle = tokio::runtime::Handle::current();
    // Taken with the server listening and idle: what the process holds without a Session.
    let fds_before = fds();
    let tasks_before = handle.metrics().num_alive_tasks();
    let rss_start = rss_kib();

    let session = crate::server::session();
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let sampler = tokio::spawn(sample_rss(done.clone(), requests));
    let started = Instant::now();
    let workers: Vec<_> = (0..TASKS)
        .map(|_| {
            let (session, next, done) = (session.clone(), next.clone(), done.clone());
            let base = format!("http://127.0.0.1:{}", server.port);
            tokio::spawn(async move {
                let mut failures = Vec::new();
                let mut failed = 0u64;
                loop {
                    let id = next.fetch_add(1, Ordering::Relaxed);
                    if id >= requests {
                        return (failed, failures);
                    }
                    if let Err(why) = one(&session, &base, id).await {
                        failed += 1;
                        if failures.len() < KEEP_FAILURES {
                            failures.push(why);
                        }
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let (mut failed, mut failures) = (0, Vec::new());
    for worker in workers {
        let (f, list) = worker.await.unwrap();
        failed += f;
        failures.extend(list);
    }
    let elapsed = started.elapsed();
    let rss = sampler.await.unwrap();
    let rss_end = rss_kib();
    let stats = session.stats();

    drop(session);
    let settled = settles(Duration::from_secs(10), || {
        fds() == fds_before && handle.metrics().num_alive_tasks() == tasks_before
    })
    .await;
    let fds_after = fds();
    let tasks_after = handle.metrics().num_alive_tasks();
    let counts = &server.counts;
    println!(
        "soak: {requests} requests, {TASKS} tasks, {failed} failed, {:.1} s, {:.0} req/s, \
         connections opened {}, fds {fds_before}\u{2192}{fds_after}, rss start {:.1} MiB \
         warm {:.1} MiB peak {:.1} MiB end {:.1} MiB",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        stats.opened,
        mib(rss_start),
        mib(rss.warm),
        mib(rss.peak),
        mib(rss_end),
    );
    println!(
        "soak: pool reused {} retried {} closed {:?}; server accepted {} answered {} \
         closed idle early {}",
        stats.reused,
        stats.retried,
        stats.closed,
        counts.accepted.load(Ordering::Relaxed),
        counts.answered.load(Ordering::Relaxed),
        counts.idle_closed_early.load(Ordering::Relaxed),
    );

    assert_eq!(
        failed,
        0,
        "failed requests (first {KEEP_FAILURES}):\n{}",
        failures.join("\n")
    );
    assert!(
        settled,
        "after dropping the Session: fds {fds_before} -> {fds_after}, tasks {tasks_before} -> \
         {tasks_after}"
    );
    assert_eq!(
        stats.opened,
        stats.closed.total() + stats.open as u64,
        "connections unaccounted for: {stats:?}"
    );
    if requests >= FULL_RUN {
        // Or the run proved less than it says: the stale-connection race happened, and the
        // pool retried through it.
        let early = counts.idle_closed_early.load(Ordering::Relaxed);
        assert!(
            stats.retried > 0 && stats.closed.stale > 0 && early > 0,
            "the server never closed a connection under the client: {stats:?}, early {early}"
        );
    }
    let bound = rss.warm + RSS_SLACK_MIB * 1024;
    assert!(
        rss.peak_after_warm <= bound && rss_end <= bound,
        "memory grew after warm-up: warm {:.1} MiB, peak after {:.1} MiB, end {:.1} MiB",
        mib(rss.warm),
        mib(rss.peak_after_warm),
        mib(rss_end)
    );
}

/// One request; `Err` says what went wrong, in a line.
async fn one(session: &Session, base: &str, id: u64) -> Result<(), String> {
    let url = format!("{base}/n/{id}");
    let response = session
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if response.status() != 200 {
        return Err(format!("{url}: status {}", response.status()));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("{url}: body: {e}"))?;
    if body != body_for(id) {
        let start = String::from_utf8_lossy(&body[..body.len().min(40)]).into_owned();
        return Err(format!(
            "{url}: another body ({} bytes, {start:?}...)",
            body.len()
        ));
    }
    Ok(())
}

/// Resident memory over the run, sampled every 50 ms.
#[derive(Debug, Default)]
struct Rss {
    /// When a tenth of the requests were done.
    warm: u64,
    peak: u64,
    peak_after_warm: u64,
}

async fn sample_rss(done: Arc<AtomicU64>, requests: u64) -> Rss {
    let mut rss = Rss::default();
    loop {
        let now = rss_kib();
        let finished = done.load(Ordering::Relaxed);
        rss.peak = rss.peak.max(now);
        if rss.warm == 0 && finished >= requests / 10 {
            rss.warm = now;
        }
        if rss.warm != 0 {
            rss.peak_after_warm = rss.peak_after_warm.max(now);
        }
        if finished >= requests {
            return rss;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
