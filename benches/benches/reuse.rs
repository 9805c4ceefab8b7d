//! What connection reuse saves, and what tarry costs over the physical limit: every request
//! mode side by side with a raw-socket floor, for each scheme, body size and concurrency.
//!
//! `cargo bench -p tarry-benches --bench reuse`, or a part of it with a filter
//! (`… --bench reuse -- 'https/13B/seq'`). Every group is one cell of the matrix, named
//! `{http|https}/{13B|1KiB|64KiB}/{seq|16-tasks}` and `{http|https}/{1MiB|16MiB}/seq`, and
//! holds:
//! - `raw/keep-alive`: the floor. A loop over one open socket (for HTTPS one tokio-rustls
//!   stream; with 16 tasks, one socket each) that writes a fixed GET and reads exactly the
//!   known response length, no library: the physical limit every other line is compared with.
//! - `raw/fresh`: the same, connecting (and shaking hands, resuming the TLS session from one
//!   shared `ClientConfig`) for every request: the floor for fresh connections.
//! - `raw/fresh-no-resumption` (HTTPS): a full handshake for every request.
//! - `pool/keep-alive`, `pool/fresh`, `pool/fresh-no-resumption`: the same through one
//!   `tarry_pool::Pool` (`max_idle_per_host(0)` for fresh; `TlsSettings::resumption(false)`
//!   for full handshakes).
//! - `session/…`: the same through one `tarry_session::Session` (defaults merged, the jar
//!   consulted, the redirect check, the response wrapped).
//! - `pool/keep-alive-streamed`, `session/keep-alive-streamed` (64 KiB and up, one request
//!   at a time): each body read piece by piece with `chunk()`, each piece dropped, instead of
//!   whole. The 1 MiB and 16 MiB cells hold the kept-alive lines only.
//!
//! Throughput is counted in requests, so criterion prints req/s next to each time;
//! `pool/keep-alive ÷ raw/keep-alive` is the pool's share of the physical limit, and
//! `keep-alive ÷ fresh` is what reuse saves. The server runs on its own thread and runtime
//! (`common/server.rs`); the client is a current-thread runtime for `seq` and a two-worker
//! runtime for `16-tasks` (each task doing [`K`] requests per iteration).
//!
//! Every exchange is a round trip between two threads, so on a small VM times are mostly
//! the wake-up of an idle vCPU and vary from run to run (a 2-vCPU VM: the 13-byte raw floor
//! from 38 to 83 µs across runs). For the CPU cost, stable within a few percent, run the
//! process on one CPU: `taskset -c 1 cargo bench -p tarry-benches --bench reuse`.

mod common;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput, measurement::WallTime};
use criterion::{criterion_group, criterion_main};
use http::{Request, Uri};
use rustls::pki_types::ServerName;
use tarry_pool::{Pool, Stats, TlsSettings};
use tarry_session::Session;
use tarry_testkit::{TestCa, TestCert};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::runtime::Runtime;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use common::server::Server;

/// The name the certificate is for; routed to the server by each client's resolve override.
const HOST: &str = "bench.test";
/// Concurrent tasks in the `16-tasks` cells.
const TASKS: usize = 16;
/// Requests each task makes per iteration in the `16-tasks` cells: enough that spawning the
/// tasks is a small part of an iteration.
const K: u64 = 8;
/// Body sizes, with their group labels.
const SIZES: [(usize, &str); 3] = [(13, "13B"), (1024, "1KiB"), (64 * 1024, "64KiB")];
/// Large body sizes: one request at a time and kept-alive lines only (a fresh connection
/// adds the same handshake to a transfer that dwarfs it).
const LARGE: [(usize, &str); 2] = [(1024 * 1024, "1MiB"), (16 * 1024 * 1024, "16MiB")];
/// From this size on, a cell also reads bodies piece by piece (`…/keep-alive-streamed`).
const STREAMED_FROM: usize = 64 * 1024;

/// The length of a pool's or a session's response body, read whole (`bytes()`) or streamed
/// (`chunk()` after `chunk()`, each piece dropped): the two response types share no trait.
macro_rules! body_length {
    ($response:ident, $streamed:expr) => {
        if $streamed {
            let mut read = 0;
            while let Some(piece) = $response.chunk().await.expect("body") {
                read += piece.len();
            }
            read
        } else {
            $response.bytes().await.expect("body").len()
        }
    };
}

// ------------------------------------------------------------------------------ certificates

/// A CA and a leaf for [`HOST`] signed by it, made at bench start.
struct Pki {
    ca: TestCa,
    leaf: TestCert,
}

impl Pki {
    fn new() -> Pki {
        let ca = TestCa::new("bench CA");
        let leaf = ca.leaf(&[HOST]);
        Pki { ca, leaf }
    }

    /// The server's configuration: rustls defaults (TLS 1.3, stateful resumption).
    fn server_config(&self) -> Arc<rustls::ServerConfig> {
        Arc::new(self.leaf.server_config())
    }

    /// The raw floor's client configuration: ring, trusting only the CA.
    fn client_config(&self, resumption: bool) -> Arc<rustls::ClientConfig> {
        let mut config = self.ca.client_config();
        if !resumption {
            config.resumption = rustls::client::Resumption::disabled();
        }
        Arc::new(config)
    }

    /// The pool's and the session's TLS settings: ring, trusting only the CA.
    fn tls_settings(&self, resumption: bool) -> TlsSettings {
        TlsSettings::new()
            .add_root_certificates_pem(self.ca.pem().as_bytes())
            .expect("CA PEM")
            .without_builtin_roots()
            .resumption(resumption)
    }
}

// ------------------------------------------------------------------------------ the raw floor

/// One raw connection: TCP, or TLS over TCP.
enum RawStream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for RawStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            RawStream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            RawStream::Tls(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for RawStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            RawStream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            RawStream::Tls(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            RawStream::Plain(s) => Pin::new(s).poll_flush(cx),
            RawStream::Tls(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            RawStream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            RawStream::Tls(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// How the raw floor reaches the server: the address, and for HTTPS a connector.
#[derive(Clone)]
struct RawClient {
    addr: SocketAddr,
    tls: Option<TlsConnector>,
    /// The fixed request: what the pool sends, give or take a header.
    request: Arc<[u8]>,
    /// The length of every response, head and body.
    response_len: usize,
}

impl RawClient {
    async fn connect(&self) -> RawStream {
        let tcp = TcpStream::connect(self.addr).await.expect("connect");
        tcp.set_nodelay(true).expect("nodelay");
        match &self.tls {
            None => RawStream::Plain(tcp),
            Some(connector) => {
                let name = ServerName::try_from(HOST).expect("server name");
                let tls = connector.connect(name, tcp).await.expect("handshake");
                RawStream::Tls(Box::new(tls))
            }
        }
    }

    /// One exchange: the fixed request out, then reads until exactly the known response
    /// length has come. The buffer has room to spare so that the last read is short, as the
    /// pool's are: a read that exactly fills its buffer leaves tokio believing the socket is
    /// still readable, which costs a wasted `recv` per exchange.
    async fn exchange(&self, io: &mut RawStream, buf: &mut [u8]) {
        io.write_all(&self.request).await.expect("write");
        io.flush().await.expect("flush"); // TLS: push the record out; TCP: nothing
        let mut filled = 0;
        while filled < self.response_len {
            let n = io.read(&mut buf[filled..]).await.expect("read");
            assert!(n > 0, "the server closed the connection");
            filled += n;
        }
        // The same check the library lines make: a 200 of the right length.
        assert!(buf.starts_with(b"HTTP/1.1 200 ") && filled == self.response_len);
    }

    fn buffer(&self) -> Vec<u8> {
        vec![0u8; 2 * self.response_len.max(1024)]
    }
}

// ------------------------------------------------------------------------------ the runner

/// Runs `exchanges` requests in each of the tasks whose states are in `states` (one task per
/// state, spawned on `runtime`), timed as a whole. The states come back for the next sample:
/// a raw task's open socket, say.
fn run_tasks<S, F, Fut>(
    runtime: &Runtime,
    states: &mut Vec<S>,
    exchanges: u64,
    work: &F,
) -> Duration
where
    S: Send + 'static,
    F: Fn(S, u64) -> Fut,
    Fut: Future<Output = S> + Send + 'static,
{
    let taken = std::mem::take(states);
    let (elapsed, back) = runtime.block_on(async {
        let start = Instant::now();
        let tasks: Vec<_> = taken
            .into_iter()
            .map(|state| tokio::spawn(work(state, exchanges)))
            .collect();
        let mut back = Vec::with_capacity(tasks.len());
        for task in tasks {
            back.push(task.await.expect("bench task"));
        }
        (start.elapsed(), back)
    });
    *states = back;
    elapsed
}

/// One cell of the matrix: its server, its runtime, and how many tasks share it.
struct Cell {
    https: Option<Arc<Pki>>,
    addr: SocketAddr,
    size: usize,
    response_len: usize,
    tasks: usize,
    per_task: u64,
    runtime: Runtime,
}

impl Cell {
    fn url(&self) -> String {
        let scheme = if self.https.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{HOST}:{}/", self.addr.port())
    }

    /// Benches `name`: every task runs `work` on its own state, made by `state`.
    fn bench<S, F, Fut>(
        &self,
        group: &mut BenchmarkGroup<'_, WallTime>,
        name: &str,
        state: impl Fn() -> S,
        work: F,
    ) where
        S: Send + 'static,
        F: Fn(S, u64) -> Fut,
        Fut: Future<Output = S> + Send + 'static,
    {
        let mut states: Vec<S> = (0..self.tasks).map(|_| state()).collect();
        let per_task = self.per_task;
        group.bench_function(name, |b| {
            b.iter_custom(|iters| run_tasks(&self.runtime, &mut states, iters * per_task, &work))
        });
    }

    fn raw(&self, resumption: bool) -> RawClient {
        let host = format!("{HOST}:{}", self.addr.port());
        RawClient {
            addr: self.addr,
            tls: self
                .https
                .as_ref()
                .map(|pki| TlsConnector::from(pki.client_config(resumption))),
            request: format!("GET / HTTP/1.1\r\nhost: {host}\r\n\r\n")
                .into_bytes()
                .into(),
            response_len: self.response_len,
        }
    }

    fn raw_keep_alive(&self, group: &mut BenchmarkGroup<'_, WallTime>) {
        let raw = self.raw(true);
        let state = || {
            let stream = self.runtime.block_on(raw.connect());
            (stream, raw.clone())
        };
        self.bench(
            group,
            "raw/keep-alive",
            state,
            |(mut stream, raw), n| async move {
                let mut buf = raw.buffer();
                for _ in 0..n {
                    raw.exchange(&mut stream, &mut buf).await;
                }
                (stream, raw)
            },
        );
    }

    fn raw_fresh(&self, group: &mut BenchmarkGroup<'_, WallTime>, name: &str, resumption: bool) {
        let raw = self.raw(resumption);
        self.bench(
            group,
            name,
            || raw.clone(),
            |raw, n| async move {
                let mut buf = raw.buffer();
                for _ in 0..n {
                    let mut stream = raw.connect().await;
                    raw.exchange(&mut stream, &mut buf).await;
                }
                raw
            },
        );
    }

    fn pool(&self, idle: usize, resumption: bool) -> Pool {
        let mut builder = Pool::builder()
            .resolve(HOST, self.addr.port(), self.addr)
            .max_idle_per_host(idle);
        if let Some(pki) = &self.https {
            builder = builder.tls(pki.tls_settings(resumption));
        }
        builder.build()
    }

    /// A line through `pool`, reading each body whole, or `streamed` piece by piece (each
    /// piece dropped as it comes).
    fn pool_line(
        &self,
        group: &mut BenchmarkGroup<'_, WallTime>,
        name: &str,
        pool: &Pool,
        streamed: bool,
    ) {
        let uri: Uri = self.url().parse().expect("valid URI");
        let size = self.size;
        let state = || (pool.clone(), uri.clone());
        self.bench(group, name, state, move |(pool, uri), n| async move {
            for _ in 0..n {
                let request = Request::get(uri.clone()).body(()).expect("valid request");
                let mut response = pool.send(request, Bytes::new()).await.expect("response");
                assert_eq!(response.status(), 200);
                assert_eq!(body_length!(response, streamed), size);
            }
            (pool, uri)
        });
    }

    fn session(&self, idle: usize, resumption: bool) -> Session {
        let mut builder = Session::builder()
            .resolve(HOST, self.addr.port(), self.addr)
            .max_idle_per_host(idle);
        if let Some(pki) = &self.https {
            builder = builder.tls(pki.tls_settings(resumption));
        }
        builder.build().expect("session")
    }

    /// A line through `session`, reading each body whole or `streamed`, as
    /// [`pool_line`](Self::pool_line).
    fn session_line(
        &self,
        group: &mut BenchmarkGroup<'_, WallTime>,
        name: &str,
        session: &Session,
        streamed: bool,
    ) {
        let url = self.url();
        let size = self.size;
        let state = || (session.clone(), url.clone());
        self.bench(group, name, state, move |(session, url), n| async move {
            for _ in 0..n {
                let mut response = session.get(&url).send().await.expect("response");
                assert_eq!(response.status(), 200);
                assert_eq!(body_length!(response, streamed), size);
            }
            (session, url)
        });
    }

    /// What a line did to its connections, if it ran (a filter may have skipped it).
    fn check(&self, what: &str, stats: Stats, ok: impl FnOnce(&Stats, u64) -> bool) {
        if stats.opened > 0 {
            assert!(ok(&stats, self.tasks as u64), "{what}: {stats:?}");
        }
    }
}

// ------------------------------------------------------------------------------ the matrix

fn cell(
    c: &mut Criterion,
    pki: Option<&Arc<Pki>>,
    (size, label): (usize, &str),
    tasks: usize,
    large: bool,
) {
    let response = common::server::response(size);
    let server = Server::start_with(pki.map(|p| p.server_config()), Arc::clone(&response));
    let runtime = if tasks == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        // Worker threads = cores: tasks move between threads and contend for shared state.
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(2);
        builder
    }
    .enable_all()
    .build()
    .expect("client runtime");
    let cell = Cell {
        https: pki.cloned(),
        addr: server.addr,
        size,
        response_len: response.len(),
        tasks,
        per_task: if tasks == 1 { 1 } else { K },
        runtime,
    };
    let scheme = if pki.is_some() { "https" } else { "http" };
    let shape = if tasks == 1 { "seq" } else { "16-tasks" };
    let mut group = c.benchmark_group(format!("{scheme}/{label}/{shape}"));
    group.throughput(Throughput::Elements(tasks as u64 * cell.per_task));
    // Fresh TLS lines and the 16-task iterations take a millisecond or more: too slow for
    // linear sampling's growing iteration counts.
    if pki.is_some() || tasks > 1 {
        group.sampling_mode(SamplingMode::Flat);
    }

    cell.raw_keep_alive(&mut group);
    let streamed = size >= STREAMED_FROM && tasks == 1;
    if large {
        let pool = cell.pool(TASKS, true);
        cell.pool_line(&mut group, "pool/keep-alive", &pool, false);
        cell.pool_line(&mut group, "pool/keep-alive-streamed", &pool, true);
        cell.check("pool keep-alive", pool.stats(), |s, _| s.opened == 1);
        let session = cell.session(TASKS, true);
        cell.session_line(&mut group, "session/keep-alive", &session, false);
        cell.session_line(&mut group, "session/keep-alive-streamed", &session, true);
        cell.check("session keep-alive", session.stats(), |s, _| s.opened == 1);
        group.finish();
        return;
    }
    cell.raw_fresh(&mut group, "raw/fresh", true);
    if pki.is_some() {
        cell.raw_fresh(&mut group, "raw/fresh-no-resumption", false);
    }

    let keep_alive = |s: &Stats, tasks: u64| s.opened <= 2 * tasks;
    let fresh = |s: &Stats, _: u64| s.reused == 0;
    let resumed = |s: &Stats, tasks: u64| {
        // A burst of first connections shakes hands in full before any ticket exists.
        s.reused == 0
            && s.tls_full + s.tls_resumed == s.opened
            && s.tls_full <= 2 * tasks + s.opened / 10
    };
    let full = |s: &Stats, _: u64| s.reused == 0 && s.tls_resumed == 0;

    let pool = cell.pool(TASKS, true);
    cell.pool_line(&mut group, "pool/keep-alive", &pool, false);
    if streamed {
        cell.pool_line(&mut group, "pool/keep-alive-streamed", &pool, true);
    }
    cell.check("pool keep-alive", pool.stats(), keep_alive);
    let pool = cell.pool(0, true);
    cell.pool_line(&mut group, "pool/fresh", &pool, false);
    cell.check(
        "pool fresh",
        pool.stats(),
        if pki.is_some() { resumed } else { fresh },
    );
    if pki.is_some() {
        let pool = cell.pool(0, false);
        cell.pool_line(&mut group, "pool/fresh-no-resumption", &pool, false);
        cell.check("pool fresh, full handshakes", pool.stats(), full);
    }

    let session = cell.session(TASKS, true);
    cell.session_line(&mut group, "session/keep-alive", &session, false);
    if streamed {
        cell.session_line(&mut group, "session/keep-alive-streamed", &session, true);
    }
    cell.check("session keep-alive", session.stats(), keep_alive);
    let session = cell.session(0, true);
    cell.session_line(&mut group, "session/fresh", &session, false);
    let check = if pki.is_some() { resumed } else { fresh };
    cell.check("session fresh", session.stats(), check);
    if pki.is_some() {
        let session = cell.session(0, false);
        cell.session_line(&mut group, "session/fresh-no-resumption", &session, false);
        cell.check("session fresh, full handshakes", session.stats(), full);
    }

    group.finish();
    drop(cell);
    drop(server);
}

fn matrix(c: &mut Criterion) {
    let pki = Arc::new(Pki::new());
    for https in [None, Some(&pki)] {
        for size in SIZES {
            for tasks in [1, TASKS] {
                cell(c, https, size, tasks, false);
            }
        }
        for size in LARGE {
            cell(c, https, size, 1, true);
        }
    }
}

criterion_group! {
    name = benches;
    // 90 lines: a shorter warm-up and measurement than criterion's 3 s + 5 s keep a whole
    // run near ten minutes; the VM's run-to-run swing is far larger than what they add.
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = matrix
}
criterion_main!(benches);
