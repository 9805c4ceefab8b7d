//! Cancellation: 10,000 operations through one Session against the slow [`LoadServer`]
//! (heads and bodies in pieces with pauses), most of them abandoned at a random point: never
//! polled, dropped by a random timeout (before the head or in the body), or dropped after
//! the first piece of the body. The rest read their body to the end and check it.
//!
//! What a pass proves:
//! - **no connection with leftover bytes is reused:** every complete body, read after
//!   thousands of abandoned ones on the same connections, is exactly its own id's body;
//! - **abandoning is not failing:** no operation that was not cancelled returned an error;
//! - **the pool's books balance:** once the dust settles nothing is in use or waiting, every
//!   open connection is idle, and opened = closed + open;
//! - **nothing leaks:** descriptors and live tasks return to their counts before the Session
//!   once it is dropped.

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use tarry_session::Session;

use crate::measure::{Rng, env_u64, exclusive, fds, seed, settles};
use crate::server::{LoadServer, body_for};

const TASKS: u64 = 16;

/// Where an operation ended.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    completed: u64,
    never_polled: u64,
    before_head: u64,
    mid_body: u64,
    failed: u64,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.completed += o.completed;
        self.never_polled += o.never_polled;
        self.before_head += o.before_head;
        self.mid_body += o.mid_body;
        self.failed += o.failed;
    }
}

#[test]
fn cancelled_requests_leave_nothing_behind() {
    let _one_at_a_time = exclusive();
    let ops = env_u64("TARRY_LOAD_CANCELS", 10_000);
    let seed = seed();
    println!("cancel: {ops} operations, {TASKS} tasks, seed {seed} (TARRY_LOAD_SEED={seed})");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(ops, seed));
}

async fn run(ops: u64, seed: u64) {
    let server = LoadServer::start(seed, true);
    let handle = tokio::runtime::Handle::current();
    let fds_before = fds();
    let tasks_before = handle.metrics().num_alive_tasks();
    let session = crate::server::session();
    let base = format!("http://127.0.0.1:{}", server.port);

    let workers: Vec<_> = (0..TASKS)
        .map(|t| {
            let (session, base) = (session.clone(), base.clone());
            let mut rng = Rng::new(seed ^ (t + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            tokio::spawn(async move {
                let mut tally = Tally::default();
                let mut failures = Vec::new();
                for i in 0..ops / TASKS + u64::from(t < ops % TASKS) {
                    let id = t * 1_000_000 + i;
                    let outcome = operation(&session, &base, id, &mut rng).await;
                    if let Err(why) = &outcome.1 {
                        failures.push(why.clone());
                    }
                    tally.add(outcome.0);
                }
                (tally, failures)
            })
        })
        .collect();
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for w in workers {
        let (t, f) = w.await.unwrap();
        tally.add(t);
        failures.extend(f);
    }

    let pool = session.clone();
    // Responses dropped mid-body are drained or closed in the background; wait for that.
    let quiet = settles(Duration::from_secs(10), || {
        let s = pool.stats();
        s.in_use == 0 && s.waiting == 0
    })
    .await;
    let stats = pool.stats();
    let c = stats.closed;
    let closed = c.total();
    let counts = &server.counts;
    println!(
        "cancel: {ops} operations: {} completed and checked, {} never polled, {} dropped \
         before the head, {} dropped mid-body, {} failed; the server saw the client leave \
         mid-head {} and mid-body {} times",
        tally.completed,
        tally.never_polled,
        tally.before_head,
        tally.mid_body,
        tally.failed,
        counts.gone_mid_head.load(Ordering::Relaxed),
        counts.gone_mid_body.load(Ordering::Relaxed),
    );
    println!(
        "cancel: pool opened {} reused {} retried {} open {} idle {} closed {closed} {c:?}",
        stats.opened, stats.reused, stats.retried, stats.open, stats.idle
    );
    drop(pool);
    drop(session);
    let settled = settles(Duration::from_secs(10), || {
        fds() == fds_before && handle.metrics().num_alive_tasks() == tasks_before
    })
    .await;

    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(quiet, "still in use or waiting: {stats:?}");
    assert_eq!(stats.open, stats.idle, "{stats:?}");
    assert_eq!(stats.opened, closed + stats.open as u64, "{stats:?}");
    assert!(
        stats.closed.cancelled > 0,
        "no connection closed as cancelled: {stats:?}"
    );
    // Each kind of cancellation must really have happened, or the run proved less than it says.
    assert!(tally.completed > 0 && tally.never_polled > 0, "{tally:?}");
    assert!(tally.before_head > 0 && tally.mid_body > 0, "{tally:?}");
    assert!(
        settled,
        "after dropping the Session: fds {fds_before} -> {}, tasks {tasks_before} -> {}",
        fds(),
        handle.metrics().num_alive_tasks()
    );
}

/// One operation of a random kind.
async fn operation(
    session: &Session,
    base: &str,
    id: u64,
    rng: &mut Rng,
) -> (Tally, Result<(), String>) {
    let url = format!("{base}/n/{id}");
    let mut tally = Tally::default();
    let result = match rng.below(10) {
        // Built and dropped without a poll: nothing may be sent, nothing may be held.
        0 => {
            drop(session.get(&url).send());
            tally.never_polled = 1;
            Ok(())
        }
        // Dropped at a random moment: before, during or after the head, or in the body.
        1..=4 => {
            let stage = AtomicU8::new(0);
            let limit = Duration::from_micros(rng.below(6_000));
            match tokio::time::timeout(limit, read_all(session, &url, id, &stage)).await {
                Ok(done) => {
                    tally.completed = 1;
                    done
                }
                Err(_) if stage.load(Ordering::Relaxed) == 0 => {
                    tally.before_head = 1;
                    Ok(())
                }
                Err(_) => {
                    tally.mid_body = 1;
                    Ok(())
                }
            }
        }
        // The head and the first piece of the body, then dropped.
        5..=6 => match session.get(&url).send().await {
            Ok(mut response) => match response.chunk().await {
                Ok(_) => {
                    tally.mid_body = 1;
                    Ok(())
                }
                Err(e) => Err(format!("{url}: first chunk: {e}")),
            },
            Err(e) => Err(format!("{url}: {e}")),
        },
        // Read to the end and checked.
        _ => {
            tally.completed = 1;
            read_all(session, &url, id, &AtomicU8::new(0)).await
        }
    };
    if result.is_err() {
        tally.failed = 1;
    }
    (tally, result)
}

/// Sends, then reads the body piece by piece, saying in `stage` once the head is in.
async fn read_all(session: &Session, url: &str, id: u64, stage: &AtomicU8) -> Result<(), String> {
    let mut response = session
        .get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    stage.store(1, Ordering::Relaxed);
    let mut body = Vec::new();
    while let Some(piece) = response
        .chunk()
        .await
        .map_err(|e| format!("{url}: body: {e}"))?
    {
        body.extend_from_slice(&piece);
    }
    if body != body_for(id) {
        return Err(format!("{url}: another body ({} bytes)", body.len()));
    }
    Ok(())
}
