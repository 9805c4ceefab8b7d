//! nginx as a real peer of `tarry-pool`: sequential GETs with random pauses of
//! 0–1.5 s against nginx configured with `keepalive_timeout 1s` and `keepalive_requests 100`
//! (`tests/nginx/nginx.conf.in`), then a burst of `BURST` requests back to back. No request may
//! fail, and the pool must open as many connections as those two limits force, no fewer (it
//! would be sending into closed sockets) and not many more (it would be throwing away live
//! ones).
//!
//! The burst is there because the pauses alone never reach `keepalive_requests`: a third of
//! them are over 1 s, so 99 short ones in a row come about once in 10^17 runs.
//!
//! The soak spends about 12 minutes asleep, so `test.sh` starts nginx, runs this one test on its
//! own in the background while the other steps run, and passes `--skip` for it to the main
//! `cargo test` run. Settings, all from the environment:
//!
//! - `TARRY_NGINX_URL`: the base URL of that nginx. Unset, the test prints
//!   `skipped: nginx not started (TARRY_NGINX_URL unset); run ./test.sh` and returns, except
//!   under `CI=true`, where it fails.
//! - `TARRY_NGINX_ACCESS_LOG`: nginx's access log in the `soak` format; when set, nginx's own
//!   count of connections and requests must equal the pool's.
//! - `TARRY_SOAK_REQUESTS`: how many requests (default 1,000).
//! - `TARRY_SOAK_SEED`: the seed of the pauses (default: from the clock). Always printed, so
//!   a failing run can be repeated.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tarry_pool::Pool;

/// nginx's `keepalive_requests`: the response to the 100th request on a connection carries
/// `Connection: close`.
const KEEPALIVE_REQUESTS: u64 = 100;
/// The longest pause before a request, in milliseconds; pauses are uniform in 0..=this.
const MAX_PAUSE_MS: u64 = 1500;
/// nginx's `keepalive_timeout` is 1 s, but what it sees is not exactly our gap: it arms the
/// timer from its cached clock (updated once per turn of its event loop) when it has written
/// the response, its worker may wake late on a busy machine, and our gap runs from the end of
/// the body to the start of the next send. A gap longer than this surely found the connection
/// closed...
const SURELY_CLOSED: Duration = Duration::from_millis(1100);
/// ...and one shorter than this surely found it open. Between the two it can go either way.
const MAYBE_CLOSED: Duration = Duration::from_millis(900);
/// Room above the most connections the limits can force, for what the model leaves out.
const UPPER_SLACK_PERCENT: u64 = 2;
/// Requests sent back to back after the paused ones: enough to use up two connections.
const BURST: u64 = 250;
/// The soak stops early after this many failed requests (nginx is probably gone).
const MAX_FAILURES: usize = 10;

/// The two resources served: a `return` in the config and a static file.
const HELLO: &str = "hello, tarry\n";
const STATIC_FILE: &str = include_str!("../nginx/soak.txt");

#[test]
fn real_peer_soak() {
    let Some(base) = nginx_url() else {
        return;
    };
    let requests = env_u64("TARRY_SOAK_REQUESTS").unwrap_or(1000);
    assert!(requests > 0, "TARRY_SOAK_REQUESTS must be at least 1");
    let seed = env_u64("TARRY_SOAK_SEED").unwrap_or_else(clock_seed);
    println!(
        "nginx soak: {requests} GETs to {base} with pauses of 0-{MAX_PAUSE_MS} ms, then \
         {BURST} without; seed {seed} (TARRY_SOAK_SEED={seed} repeats them)"
    );
    let access_log = std::env::var("TARRY_NGINX_ACCESS_LOG").ok();
    let log_start = access_log.as_deref().map_or(0, file_len);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let run = runtime.block_on(soak(&base, requests, seed));
    let elapsed = started.elapsed();
    let requests = requests + BURST;

    // Zero errors: every request got a 200 with the exact body.
    assert!(
        run.failures.is_empty(),
        "{} of {} requests failed{}:\n{}",
        run.failures.len(),
        run.outcomes.len() + run.failures.len(),
        if run.failures.len() >= MAX_FAILURES {
            " (stopped early)"
        } else {
            ""
        },
        run.failures.join("\n")
    );

    let stats = run.stats;
    let gaps: Vec<Duration> = run.outcomes.iter().map(|o| o.gap).collect();
    let sure = forced_opens(&gaps, |gap| gap > SURELY_CLOSED);
    let maybe = forced_opens(&gaps, |gap| gap >= MAYBE_CLOSED);
    let nominal = forced_opens(&gaps, |gap| gap > Duration::from_secs(1));
    let upper = maybe + maybe * UPPER_SLACK_PERCENT / 100 + 1;
    let sure_gaps = gaps.iter().skip(1).filter(|&&g| g > SURELY_CLOSED).count();
    let either_gaps = gaps
        .iter()
        .skip(1)
        .filter(|&&g| (MAYBE_CLOSED..=SURELY_CLOSED).contains(&g))
        .count();
    let seen = Observed::of(&run.outcomes);

    println!(
        "nginx soak: {requests} requests in {:.1} s, 0 errors",
        elapsed.as_secs_f64()
    );
    println!(
        "  gaps: {sure_gaps} over {} ms (surely closed), {either_gaps} in {}-{} ms (either way)",
        SURELY_CLOSED.as_millis(),
        MAYBE_CLOSED.as_millis(),
        SURELY_CLOSED.as_millis()
    );
    println!(
        "  connections opened: {}, allowed {sure}..={upper} (the limits force {sure} if only \
         the sure gaps close, {maybe} if all the either-way ones do too; +{UPPER_SLACK_PERCENT}%; \
         {nominal} if exactly those over 1 s do)",
        stats.opened
    );
    println!(
        "  reused {}, retried {}; closed: idle_timeout {}, stale {}, limit {}, \
         not_reusable {}, error {}; idle now {}",
        stats.reused,
        stats.retried,
        stats.closed.idle_timeout,
        stats.closed.stale,
        stats.closed.limit,
        stats.closed.not_reusable,
        stats.closed.error,
        stats.idle
    );
    println!(
        "  longest gap a connection survived: {}; shortest gap that found one closed: {}; \
         most requests on one connection: {}",
        millis(seen.longest_survived),
        millis(seen.shortest_closed),
        seen.most_on_one
    );

    // nginx's own count, from its access log: every connection the pool opened carried at
    // least one request (requests are sequential), so the two counts must agree exactly.
    if let Some(path) = access_log.as_deref() {
        let nginx = NginxLog::read(path, log_start);
        println!(
            "  nginx: {} requests on {} connections, at most {} on one",
            nginx.requests,
            nginx.connections.len(),
            nginx.connections.values().max().copied().unwrap_or(0)
        );
        assert_eq!(
            nginx.requests, requests,
            "nginx logged a different number of requests than were sent"
        );
        assert_eq!(
            nginx.connections.len() as u64,
            stats.opened,
            "nginx saw a different number of connections than the pool opened"
        );
    }

    // Each request's own connection against the limits, for a precise message when the
    // aggregate below fails.
    assert!(
        seen.shortest_closed.is_none_or(|g| g >= MAYBE_CLOSED),
        "a connection idle for only {} was found closed; nginx closes after 1 s",
        millis(seen.shortest_closed)
    );
    assert!(
        seen.longest_survived.is_none_or(|g| g <= SURELY_CLOSED),
        "a connection idle for {} was reused; nginx closes after 1 s",
        millis(seen.longest_survived)
    );
    assert_eq!(
        seen.most_on_one, KEEPALIVE_REQUESTS,
        "the most requests on one connection; nginx allows {KEEPALIVE_REQUESTS}, and the burst \
         reaches that"
    );
    // The burst used up connections, and each one's last response said `Connection: close`.
    let used_up = BURST / KEEPALIVE_REQUESTS;
    assert!(
        stats.closed.not_reusable >= used_up,
        "{} connections closed as not reusable; the burst alone uses up {used_up}",
        stats.closed.not_reusable
    );

    // What the server's limits force.
    assert!(
        (sure..=upper).contains(&stats.opened),
        "opened {} connections; nginx's limits force {sure}..={upper}",
        stats.opened
    );
    // Every attempt either reused a connection or opened one, and a retry is a second attempt.
    assert_eq!(
        stats.reused + stats.opened,
        requests + stats.retried,
        "reused + opened must be requests + retried"
    );
    // A retry follows a reused connection that the server closed as the request went out:
    // only a gap near the 1 s timeout can cause that.
    assert!(
        stats.retried <= either_gaps as u64,
        "{} retries, but only {either_gaps} gaps near the keep-alive timeout could race it",
        stats.retried
    );
    // The pool closed nothing for its own reasons: its idle timeout (30 s) and caps are far
    // away, and no exchange failed.
    assert_eq!(
        stats.closed.idle_timeout, 0,
        "the pool's own idle timeout fired"
    );
    assert_eq!(stats.closed.limit, 0, "an idle cap closed a connection");
    assert_eq!(stats.closed.error, 0, "an exchange failed");
    // Every connection opened is closed for a counted reason or idle now.
    let closed = stats.closed.stale + stats.closed.not_reusable;
    assert_eq!(
        closed + stats.idle as u64,
        stats.opened,
        "connections opened but neither counted closed nor idle"
    );
}

/// One request that succeeded.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    /// From the end of the previous response body to this request's send (for the first
    /// request, from the start).
    gap: Duration,
    /// Whether the response came on a connection used before (false after a retry, which
    /// always opens a fresh one here since requests are sequential).
    reused: bool,
}

#[derive(Debug)]
struct Run {
    outcomes: Vec<Outcome>,
    failures: Vec<String>,
    stats: tarry_session::Stats,
}

async fn soak(base: &str, requests: u64, seed: u64) -> Run {
    // The pool's own idle timeout stays far above nginx's, so that nginx decides every close.
    let pool = Pool::builder()
        .idle_timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(5))
        .head_timeout(Duration::from_secs(10))
        .read_timeout(Duration::from_secs(10))
        .build();
    let mut rng = XorShift::new(seed);
    let mut outcomes = Vec::new();
    let mut failures = Vec::new();
    let started = Instant::now();
    let mut last_end = started;
    let total = requests + BURST;
    for i in 0..total {
        if i < requests {
            let pause = Duration::from_millis(rng.below(MAX_PAUSE_MS + 1));
            tokio::time::sleep(pause).await;
        }
        let gap = last_end.elapsed();
        let (path, expected) = if i % 2 == 0 {
            ("/hello", HELLO)
        } else {
            ("/soak.txt", STATIC_FILE)
        };
        let request = http::Request::get(format!("{base}{path}"))
            .body(())
            .unwrap();
        let result = async {
            let response = pool.send(request, Bytes::new()).await?;
            let (status, reused, retried) =
                (response.status(), response.reused(), response.retried());
            Ok::<_, tarry_pool::Error>((status, reused, retried, response.bytes().await?))
        }
        .await;
        last_end = Instant::now();
        let at = format!(
            "request {i} (GET {path} after a {} ms gap)",
            gap.as_millis()
        );
        match result {
            Ok((status, reused, _, body)) if status == 200 && body == expected.as_bytes() => {
                outcomes.push(Outcome { gap, reused });
            }
            Ok((status, reused, retried, body)) => failures.push(format!(
                "{at}: status {status}, body {:?} (reused {reused}, retried {retried})",
                String::from_utf8_lossy(&body)
            )),
            Err(e) => failures.push(format!("{at}: {e} ({e:?})")),
        }
        if failures.len() >= MAX_FAILURES {
            break;
        }
        if (i + 1) % 100 == 0 || i + 1 == total {
            let stats = pool.stats();
            println!(
                "  {}/{total} after {} s: opened {}, reused {}, retried {}, failed {}",
                i + 1,
                started.elapsed().as_secs(),
                stats.opened,
                stats.reused,
                stats.retried,
                failures.len()
            );
        }
    }
    Run {
        outcomes,
        failures,
        stats: pool.stats(),
    }
}

/// How many connections a client sending requests one after another must open when the server
/// closes a connection that idled for a gap `closes` says is too long, and after
/// `KEEPALIVE_REQUESTS` requests. `gaps[i]` is the idle time before request `i`; the first
/// request always opens one.
///
/// The count only grows when more gaps close (splitting a run of requests never needs fewer
/// connections), so the counts for the sure and the possible closes bound the real one.
fn forced_opens(gaps: &[Duration], closes: impl Fn(Duration) -> bool) -> u64 {
    let mut opened = 0;
    let mut on_current = 0;
    for (i, &gap) in gaps.iter().enumerate() {
        if i == 0 || on_current == KEEPALIVE_REQUESTS || closes(gap) {
            opened += 1;
            on_current = 0;
        }
        on_current += 1;
    }
    opened
}

/// What the responses themselves say about the connections.
#[derive(Debug, Default, PartialEq)]
struct Observed {
    /// The longest gap after which the connection was reused.
    longest_survived: Option<Duration>,
    /// The shortest gap after which the connection, with requests left, was found closed.
    shortest_closed: Option<Duration>,
    /// The most requests carried by one connection.
    most_on_one: u64,
}

impl Observed {
    fn of(outcomes: &[Outcome]) -> Observed {
        let mut seen = Observed::default();
        let mut on_current = 0;
        for (i, o) in outcomes.iter().enumerate() {
            if o.reused {
                on_current += 1;
                seen.longest_survived = seen.longest_survived.max(Some(o.gap));
            } else {
                // A fresh connection: the server closed the last one for idling, unless it had
                // used up its requests (or this is the first).
                if i > 0 && on_current < KEEPALIVE_REQUESTS {
                    seen.shortest_closed =
                        Some(seen.shortest_closed.map_or(o.gap, |s| s.min(o.gap)));
                }
                on_current = 1;
            }
            seen.most_on_one = seen.most_on_one.max(on_current);
        }
        seen
    }
}

/// nginx's access log in the `soak` format: `$connection $connection_requests ...`.
#[derive(Debug)]
struct NginxLog {
    requests: u64,
    /// Requests seen per connection serial number.
    connections: BTreeMap<u64, u64>,
}

impl NginxLog {
    /// Reads the lines written from byte `from` on.
    fn read(path: &str, from: u64) -> NginxLog {
        let text = std::fs::read(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
        let start = usize::try_from(from).unwrap().min(text.len());
        let text = String::from_utf8_lossy(&text[start..]);
        let mut log = NginxLog {
            requests: 0,
            connections: BTreeMap::new(),
        };
        for line in text.lines() {
            let mut fields = line.split(' ');
            let (Some(connection), Some(on_it)) = (fields.next(), fields.next()) else {
                panic!("unexpected access log line: {line}");
            };
            let parse = |s: &str| {
                s.parse::<u64>()
                    .unwrap_or_else(|_| panic!("unexpected access log line: {line}"))
            };
            let (connection, on_it) = (parse(connection), parse(on_it));
            log.requests += 1;
            let most = log.connections.entry(connection).or_default();
            *most = (*most).max(on_it);
        }
        log
    }
}

fn file_len(path: &str) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The base URL, or `None` (after saying so) when nginx was not started.
fn nginx_url() -> Option<String> {
    match std::env::var("TARRY_NGINX_URL") {
        Ok(url) if !url.is_empty() => Some(url.trim_end_matches('/').to_owned()),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "TARRY_NGINX_URL is unset and CI=true: test.sh starts nginx and sets it"
            );
            println!("skipped: nginx not started (TARRY_NGINX_URL unset); run ./test.sh");
            None
        }
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a whole number")),
    )
}

fn clock_seed() -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    // Seconds above the 30 bits nanoseconds take; xorshift needs a non-zero state.
    ((now.as_secs() << 30) ^ u64::from(now.subsec_nanos())).max(1)
}

fn millis(d: Option<Duration>) -> String {
    d.map_or_else(|| "none".to_owned(), |d| format!("{} ms", d.as_millis()))
}

/// Marsaglia's xorshift64: plenty for spreading pauses, and reproducible from its seed.
#[derive(Debug)]
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> XorShift {
        // Zero is the one state xorshift never leaves.
        XorShift(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform enough in `0..n` for small `n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn forced_opens_counts_idle_closes_and_the_request_limit() {
    let ms = Duration::from_millis;
    let closes = |gap: Duration| gap > ms(1000);
    // Short gaps only: the request limit alone, one connection per 100 requests.
    assert_eq!(forced_opens(&[ms(10); 100], closes), 1);
    assert_eq!(forced_opens(&[ms(10); 101], closes), 2);
    assert_eq!(forced_opens(&[ms(10); 250], closes), 3);
    // A long gap before request 50 starts a fresh count there: 50, then 100 + 100.
    let mut gaps = vec![ms(10); 250];
    gaps[50] = ms(1200);
    assert_eq!(forced_opens(&gaps, closes), 3);
    // Before request 120: 100 + 20, then 100 + 30: one more than without it.
    gaps[50] = ms(10);
    gaps[120] = ms(1200);
    assert_eq!(forced_opens(&gaps, closes), 4);
    // The first request opens whatever its gap; every long gap after it opens one.
    assert_eq!(forced_opens(&[ms(1200); 5], closes), 5);
    assert_eq!(forced_opens(&[], closes), 0);
}

#[test]
fn observed_tells_idle_closes_from_used_up_connections() {
    let ms = Duration::from_millis;
    let mut outcomes = vec![
        Outcome {
            gap: ms(10),
            reused: true,
        };
        205
    ];
    outcomes[0].reused = false;
    outcomes[0].gap = ms(5);
    // Request 100 opens because the first connection used up its 100 requests (after a short
    // gap: not an idle close); request 150 after a long gap; request 160 was reused after 950.
    outcomes[100] = Outcome {
        gap: ms(20),
        reused: false,
    };
    outcomes[150] = Outcome {
        gap: ms(1040),
        reused: false,
    };
    outcomes[160].gap = ms(950);
    let seen = Observed::of(&outcomes);
    assert_eq!(
        seen,
        Observed {
            longest_survived: Some(ms(950)),
            shortest_closed: Some(ms(1040)),
            most_on_one: 100,
        }
    );
}

#[test]
fn xorshift_is_reproducible_and_spreads_pauses() {
    let draw = |seed| {
        let mut rng = XorShift::new(seed);
        (0..1000)
            .map(|_| rng.below(MAX_PAUSE_MS + 1))
            .collect::<Vec<_>>()
    };
    assert_eq!(draw(42), draw(42));
    assert_ne!(draw(42), draw(43));
    let pauses = draw(0x5eed);
    assert!(pauses.iter().all(|&p| p <= MAX_PAUSE_MS));
    // About 4 in 15 of uniform 0..=1500 ms pauses are over 1.1 s; far from that, the bounds
    // of the soak would be computed on a skewed sample.
    let long = pauses.iter().filter(|&&p| p > 1100).count();
    assert!(
        (200..=340).contains(&long),
        "{long} of 1000 pauses over 1.1 s"
    );
}
