//! Exhaustion through a Session: more concurrent requests than `max_connections_per_host`
//! against a slow testkit server. `crates/pool/tests/cap.rs` proves the same rules on the
//! bare pool; these prove they survive the Session on top (its clones share one pool, its
//! redirects and cookies take no extra slot, its errors keep the timeout typed).
//!
//! What a pass proves:
//! - **bounded sockets:** 48 tasks over a cap of 4 never make the server accept more than 4;
//! - **first come, first served:** with a cap of 1, queued requests reach the server in the
//!   order they started waiting;
//! - **typed acquire timeouts:** a request that cannot get a slot in time fails with
//!   `Error::Timeout { phase: Acquire }`,
//!   and the slot is usable again once the holder lets go;
//! - **no deadlock:** each test finishes inside a generous bound or fails saying so.

use std::time::Duration;

use tarry_session::{Error, Phase, Session};
use tarry_testkit::{Script, ScriptedServer, Step};

use crate::measure::exclusive;

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
/// Far beyond what any of these needs; reaching it means something waits forever.
const DEADLOCK: Duration = Duration::from_secs(60);

fn block_on<F: Future<Output = ()>>(test: F) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        tokio::time::timeout(DEADLOCK, test)
            .await
            .expect("deadlock: the test did not finish");
    });
}

fn capped(cap: usize, acquire: Duration) -> Session {
    Session::builder()
        .max_connections_per_host(cap)
        .acquire_timeout(acquire)
        .build()
        .unwrap()
}

fn slow(pause: Duration) -> ScriptedServer {
    ScriptedServer::repeating(Script::looped([
        Step::ExpectRequest,
        Step::Sleep(pause),
        Step::write(OK),
    ]))
    .unwrap()
}

#[test]
fn more_tasks_than_the_cap_share_a_bounded_set_of_sockets() {
    let _one_at_a_time = exclusive();
    block_on(async {
        let server = slow(Duration::from_millis(10));
        let session = capped(4, Duration::from_secs(30));
        let tasks: Vec<_> = (0..48)
            .map(|i| {
                let (session, url) = (session.clone(), server.url(&format!("/{i}")));
                tokio::spawn(async move { session.get(&url).send().await?.text().await })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), "ok");
        }
        assert!(server.accepts() <= 4, "accepted {}", server.accepts());
        let served: usize = server.requests().iter().map(Vec::len).sum();
        assert_eq!(served, 48);
        let stats = session.stats();
        assert_eq!((stats.waiting, stats.in_use), (0, 0), "{stats:?}");
    });
}

#[test]
fn queued_requests_are_served_in_the_order_they_arrived() {
    let _one_at_a_time = exclusive();
    block_on(async {
        // The first request holds the only slot while the others queue up: long enough for a
        // loaded CI machine to queue eight requests one by one (each is checked queued before
        // the next starts; a quiet machine needs a few milliseconds in all).
        let mut steps = vec![
            Step::ExpectRequest,
            Step::Sleep(Duration::from_secs(5)),
            Step::write(OK),
        ];
        for _ in 1..9 {
            steps.extend([Step::ExpectRequest, Step::write(OK)]);
        }
        steps.push(Step::HoldOpen);
        let server = ScriptedServer::start([Script::new(steps)]).unwrap();
        let session = capped(1, Duration::from_secs(30));
        let base = server.url("/");
        let mut tasks = Vec::new();
        for i in 0..9 {
            let (s, url) = (session.clone(), server.url(&format!("/{i}")));
            tasks.push(tokio::spawn(async move {
                s.get(&url).send().await?.text().await
            }));
            // The next one starts only once this one holds the slot or waits for it.
            let pool = session.clone();
            let queued = crate::measure::settles(Duration::from_secs(10), || {
                pool.host_stats(&base)
                    .is_ok_and(|h| h.open == 1 && h.waiting == i)
            })
            .await;
            assert!(queued, "request {i} never queued");
        }
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), "ok");
        }
        let paths: Vec<String> = server.requests()[0]
            .iter()
            .map(|raw| {
                let line = String::from_utf8_lossy(raw);
                line.split(' ').nth(1).unwrap_or_default().to_owned()
            })
            .collect();
        let expected: Vec<String> = (0..9).map(|i| format!("/{i}")).collect();
        assert_eq!(paths, expected);
        assert_eq!(server.accepts(), 1);
    });
}

#[test]
fn a_full_host_answers_with_a_typed_timeout_then_recovers() {
    let _one_at_a_time = exclusive();
    block_on(async {
        // The first connection sends half a body and holds; later ones answer normally.
        let server = ScriptedServer::start_then(
            [Script::new([
                Step::ExpectRequest,
                Step::write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234"),
                Step::HoldOpen,
            ])],
            Script::answer_all(OK),
        )
        .unwrap();
        let session = Session::builder()
            .max_connections_per_host(1)
            .acquire_timeout(Duration::from_millis(100))
            // Dropping the half-read response must free the slot at once.
            .drain(0, Duration::ZERO)
            .build()
            .unwrap();
        let url = server.url("/");
        let mut first = session.get(&url).send().await.unwrap();
        assert_eq!(first.chunk().await.unwrap().unwrap(), "01234");
        let err = session.get(&url).send().await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Timeout {
                    phase: Phase::Acquire,
                    ..
                }
            ),
            "{err:?}"
        );
        drop(first);
        let again = session.get(&url).send().await.unwrap();
        assert_eq!(again.text().await.unwrap(), "ok");
        assert_eq!(server.accepts(), 2);
    });
}
