//! Benchmarks for `tarry-pool` against an in-process HTTP/1.1 keep-alive server, next to the
//! raw-socket floor.
//!
//! `cargo bench -p tarry-benches --bench pool`. The server runs on its own thread with its own
//! tokio runtime and answers every request with a 13-byte body; the client side is a
//! current-thread runtime on the bench thread. Every iteration is one complete exchange, the
//! body read to its end (throughput: one element per request). Groups:
//! - `plain` and `tls`, side by side:
//!   - `raw`: the floor, a loop over one open socket (for TLS one tokio-rustls stream) that
//!     writes a fixed GET and reads exactly the known response length, no library.
//!   - `pool/keep-alive`: one `Pool` reused, so one connection carries every request.
//!   - `pool/fresh`: `max_idle_per_host(0)`, so every request opens a connection; over TLS
//!     the pool's one `ClientConfig` resumes the session.
//!   - `pool/fresh-no-resumption` (TLS): a new `Pool` (so a new `ClientConfig`) per request,
//!     a full handshake each time; building the pool is not timed.
//! - `plain-16-tasks`: 16 tasks on a multi-thread runtime, each doing `K` requests per
//!   iteration, sharing one pool (`pool/keep-alive`) or each on its own raw socket (`raw`).
//! - `plain-bodies`: keep-alive with 1 KiB and 64 KiB bodies (`pool/keep-alive/SIZE`) next to
//!   the raw floor reading the same bytes (`raw/SIZE`); throughput in bytes.
//!
//! `keep-alive / raw` is the cost of the pool per request; `keep-alive / fresh` is what
//! pooling saves.
//!
//! Every exchange is a round trip between two threads, so on a small VM the times are mostly
//! the wake-up of an idle vCPU, which varies from run to run (a 2-vCPU VM: `plain/raw` from
//! 38 to 83 µs across runs). For the CPU cost, stable within a few percent, run the
//! process on one CPU: `taskset -c 1 cargo bench -p tarry-benches --bench pool`.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use http::{Request, Uri};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tarry_pool::{Pool, PoolBuilder, Stats};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::runtime::Runtime;

use common::server::{BODY, RESPONSE, Server};

/// The name the certificate is for; routed to the server with `PoolBuilder::resolve`.
const HOST: &str = "bench.test";
/// Concurrent tasks in `plain-16-tasks`.
const TASKS: usize = 16;
/// Requests each task makes per iteration in `plain-16-tasks`.
const K: u64 = 8;

/// A CA (PEM) and a leaf for [`HOST`] signed by it, made now.
struct Pki {
    ca_pem: String,
    leaf: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
}

impl Pki {
    fn new() -> Pki {
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate().expect("CA key");
        let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
        let leaf_key = KeyPair::generate().expect("leaf key");
        let leaf = CertificateParams::new(vec![HOST.to_owned()])
            .expect("leaf params")
            .signed_by(&leaf_key, &ca_cert, &ca_key)
            .expect("leaf certificate");
        Pki {
            ca_pem: ca_cert.pem(),
            leaf: leaf.der().clone(),
            key: PrivatePkcs8KeyDer::from(leaf_key.serialize_der()).into(),
        }
    }

    /// The server's configuration: rustls defaults (TLS 1.3, stateful resumption).
    fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![self.leaf.clone()], self.key.clone_key())
            .expect("server certificate");
        Arc::new(config)
    }

    /// A client configuration trusting only the CA, for the raw floor.
    fn client_config(&self) -> Arc<rustls::ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        let (added, _) = roots.add_parsable_certificates(
            rustls::pki_types::pem::PemObject::pem_slice_iter(self.ca_pem.as_bytes())
                .map(|cert: Result<CertificateDer<'static>, _>| cert.expect("CA PEM")),
        );
        assert_eq!(added, 1);
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        Arc::new(config)
    }

    /// A pool builder trusting only the CA, with [`HOST`] routed to `addr`.
    fn pool_builder(&self, addr: SocketAddr) -> PoolBuilder {
        plain_pool_builder(addr)
            .add_root_certificates_pem(self.ca_pem.as_bytes())
            .expect("CA PEM")
            .without_builtin_roots()
    }
}

/// A pool builder with [`HOST`] routed to `addr`.
fn plain_pool_builder(addr: SocketAddr) -> PoolBuilder {
    Pool::builder().resolve(HOST, addr.port(), addr)
}

fn uri(scheme: &str, addr: SocketAddr) -> Uri {
    format!("{scheme}://{HOST}:{}/", addr.port())
        .parse()
        .expect("valid URI")
}

/// The fixed request of the raw floor: what the pool sends, give or take a header.
fn raw_request(addr: SocketAddr) -> Vec<u8> {
    format!("GET / HTTP/1.1\r\nhost: {HOST}:{}\r\n\r\n", addr.port()).into_bytes()
}

/// One exchange through the pool, the body read to its end.
async fn pool_exchange(pool: &Pool, uri: &Uri) {
    let request = Request::get(uri.clone()).body(()).expect("valid request");
    let response = pool.send(request, Bytes::new()).await.expect("response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.expect("body"), BODY);
}

/// One exchange on a raw stream: the fixed request out, then reads until exactly the known
/// response length has come. The buffer has room to spare so that the last read is short, as
/// the pool's are: tokio then knows the socket is drained, where a read that exactly fills its
/// buffer leaves the socket marked readable and costs a wasted `recv` (EAGAIN) per exchange.
async fn raw_exchange<S: AsyncRead + AsyncWrite + Unpin>(
    io: &mut S,
    request: &[u8],
    buf: &mut [u8],
) {
    raw_exchange_of(io, request, buf, RESPONSE).await;
}

/// [`raw_exchange`] for a server answering `expected`.
async fn raw_exchange_of<S: AsyncRead + AsyncWrite + Unpin>(
    io: &mut S,
    request: &[u8],
    buf: &mut [u8],
    expected: &[u8],
) {
    io.write_all(request).await.expect("write");
    io.flush().await.expect("flush"); // TLS: push the record out; TCP: nothing
    let mut filled = 0;
    while filled < expected.len() {
        let n = io.read(&mut buf[filled..]).await.expect("read");
        assert!(n > 0, "the server closed the connection");
        filled += n;
    }
    assert_eq!(&buf[..filled], expected);
}

/// Checks what a bench did to its pool, if it ran (a filter may have skipped it).
fn check(pool: &Pool, what: &str, ok: impl FnOnce(&Stats) -> bool) {
    let stats = pool.stats();
    if stats.opened > 0 {
        assert!(ok(&stats), "{what}: {stats:?}");
    }
}

/// `iters` exchanges of `exchange`, timed as a whole on `runtime`.
fn timed(runtime: &Runtime, iters: u64, mut exchange: impl AsyncFnMut()) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            exchange().await;
        }
        start.elapsed()
    })
}

fn client_runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}

fn plain(c: &mut Criterion) {
    let server = Server::start(None);
    let addr = server.addr;
    let runtime = client_runtime();
    let uri = uri("http", addr);
    let mut group = c.benchmark_group("plain");
    group.throughput(Throughput::Elements(1));

    let request = raw_request(addr);
    let mut stream = runtime.block_on(async {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        stream
    });
    let mut buf = vec![0u8; 4 * RESPONSE.len()];
    group.bench_function("raw", |b| {
        b.iter_custom(|iters| {
            timed(&runtime, iters, async || {
                raw_exchange(&mut stream, &request, &mut buf).await
            })
        })
    });
    drop(stream);

    let pool = plain_pool_builder(addr).build();
    group.bench_function("pool/keep-alive", |b| {
        b.iter_custom(|iters| timed(&runtime, iters, async || pool_exchange(&pool, &uri).await))
    });
    check(&pool, "keep-alive must reuse its connection", |s| {
        s.opened == 1
    });
    drop(pool);

    let pool = plain_pool_builder(addr).max_idle_per_host(0).build();
    group.bench_function("pool/fresh", |b| {
        b.iter_custom(|iters| timed(&runtime, iters, async || pool_exchange(&pool, &uri).await))
    });
    check(&pool, "fresh must open a connection per request", |s| {
        s.reused == 0
    });
    drop(pool);

    group.finish();
    drop(runtime);
    drop(server);
}

fn tls(c: &mut Criterion) {
    let pki = Pki::new();
    let server = Server::start(Some(pki.server_config()));
    let addr = server.addr;
    let runtime = client_runtime();
    let uri = uri("https", addr);
    let mut group = c.benchmark_group("tls");
    group.throughput(Throughput::Elements(1));

    let request = raw_request(addr);
    let connector = tokio_rustls::TlsConnector::from(pki.client_config());
    let mut stream = runtime.block_on(async {
        let tcp = TcpStream::connect(addr).await.expect("connect");
        tcp.set_nodelay(true).expect("nodelay");
        let name = ServerName::try_from(HOST).expect("server name");
        connector.connect(name, tcp).await.expect("handshake")
    });
    let mut buf = vec![0u8; 4 * RESPONSE.len()];
    group.bench_function("raw", |b| {
        b.iter_custom(|iters| {
            timed(&runtime, iters, async || {
                raw_exchange(&mut stream, &request, &mut buf).await
            })
        })
    });
    drop(stream);

    let pool = pki.pool_builder(addr).build();
    group.bench_function("pool/keep-alive", |b| {
        b.iter_custom(|iters| timed(&runtime, iters, async || pool_exchange(&pool, &uri).await))
    });
    check(&pool, "keep-alive must reuse its connection", |s| {
        (s.opened, s.tls_full) == (1, 1)
    });
    drop(pool);

    // A handshake per iteration is slow for linear sampling's growing counts within 3 s.
    group.sampling_mode(SamplingMode::Flat);
    // One pool, so one ClientConfig: every connection after the first resumes.
    let pool = pki.pool_builder(addr).max_idle_per_host(0).build();
    group.bench_function("pool/fresh", |b| {
        b.iter_custom(|iters| timed(&runtime, iters, async || pool_exchange(&pool, &uri).await))
    });
    check(&pool, "fresh connections must be new and resume", |s| {
        s.reused == 0 && s.tls_full + s.tls_resumed == s.opened && s.tls_full <= 1 + s.opened / 100
    });
    drop(pool);

    // A new pool (a new ClientConfig, an empty session cache) per request: full handshakes.
    // Building the pool is setup, outside the timed part.
    let builder = pki.pool_builder(addr).max_idle_per_host(0);
    group.bench_function("pool/fresh-no-resumption", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let pool = builder.clone().build();
                    let start = Instant::now();
                    pool_exchange(&pool, &uri).await;
                    total += start.elapsed();
                    let stats = pool.stats();
                    assert_eq!((stats.tls_full, stats.tls_resumed), (1, 0));
                }
                total
            })
        })
    });

    group.finish();
    drop(runtime);
    drop(server);
}

fn plain_16_tasks(c: &mut Criterion) {
    let server = Server::start(None);
    let addr = server.addr;
    // Worker threads = cores: tasks move between threads and contend for the pool's locks.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("client runtime");
    let uri = uri("http", addr);
    let mut group = c.benchmark_group("plain-16-tasks");
    group.throughput(Throughput::Elements(TASKS as u64 * K));
    // About a millisecond an iteration: too slow for linear sampling's growing counts in 3 s.
    group.sampling_mode(SamplingMode::Flat);

    let request: Arc<[u8]> = raw_request(addr).into();
    let mut streams = runtime.block_on(async {
        let mut streams = Vec::with_capacity(TASKS);
        for _ in 0..TASKS {
            let stream = TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            streams.push(stream);
        }
        streams
    });
    group.bench_function("raw", |b| {
        b.iter_custom(|iters| {
            let taken = std::mem::take(&mut streams);
            let (elapsed, back) = runtime.block_on(async {
                let start = Instant::now();
                let tasks: Vec<_> = taken
                    .into_iter()
                    .map(|mut stream| {
                        let request = Arc::clone(&request);
                        tokio::spawn(async move {
                            let mut buf = vec![0u8; 4 * RESPONSE.len()];
                            for _ in 0..iters * K {
                                raw_exchange(&mut stream, &request, &mut buf).await;
                            }
                            stream
                        })
                    })
                    .collect();
                let mut back = Vec::with_capacity(TASKS);
                for task in tasks {
                    back.push(task.await.expect("raw task"));
                }
                (start.elapsed(), back)
            });
            streams = back;
            elapsed
        })
    });
    drop(streams);

    let pool = plain_pool_builder(addr).build();
    group.bench_function("pool/keep-alive", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                let tasks: Vec<_> = (0..TASKS)
                    .map(|_| {
                        let (pool, uri) = (pool.clone(), uri.clone());
                        tokio::spawn(async move {
                            for _ in 0..iters * K {
                                pool_exchange(&pool, &uri).await;
                            }
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.expect("pool task");
                }
                start.elapsed()
            })
        })
    });
    check(&pool, "16 tasks should need about 16 connections", |s| {
        s.opened <= TASKS as u64 * 2
    });
    drop(pool);

    group.finish();
    drop(runtime);
    drop(server);
}

/// Keep-alive with larger bodies (1 KiB, 64 KiB), next to the raw floor reading the same bytes.
fn plain_bodies(c: &mut Criterion) {
    let runtime = client_runtime();
    let mut group = c.benchmark_group("plain-bodies");
    for size in [1024usize, 64 * 1024] {
        let response = common::server::response(size);
        let server = Server::start_with(None, std::sync::Arc::clone(&response));
        let addr = server.addr;
        group.throughput(Throughput::Bytes(size as u64));
        let request = raw_request(addr);
        let mut stream = runtime.block_on(async {
            let tcp = TcpStream::connect(addr).await.expect("connect");
            tcp.set_nodelay(true).expect("nodelay");
            tcp
        });
        let mut buf = vec![0u8; 2 * response.len()];
        group.bench_function(format!("raw/{size}"), |b| {
            b.iter_custom(|iters| {
                timed(&runtime, iters, async || {
                    raw_exchange_of(&mut stream, &request, &mut buf, &response).await
                })
            })
        });
        drop(stream);
        let pool = plain_pool_builder(addr).build();
        let uri = uri("http", addr);
        group.bench_function(format!("pool/keep-alive/{size}"), |b| {
            b.iter_custom(|iters| {
                timed(&runtime, iters, async || {
                    let request = Request::get(uri.clone()).body(()).expect("valid request");
                    let response = pool.send(request, Bytes::new()).await.expect("response");
                    assert_eq!(response.bytes().await.expect("body").len(), size);
                })
            })
        });
        check(&pool, "keep-alive must reuse its connection", |s| {
            s.opened == 1
        });
    }
    group.finish();
}

criterion_group!(benches, plain, tls, plain_16_tasks, plain_bodies);
criterion_main!(benches);
