//! Heap held per idle pooled connection, measured with a counting allocator: what a service
//! that keeps many warm connections pays for each. With default settings an idle connection
//! holds no buffers (they go back to the pool's spare sets) and no waker of the task that used
//! it last. Measured here: about 1.3 KiB plain and 7.8 KiB TLS (rustls' connection state and
//! keys; the record buffers go back to the pool like the others); hyper and reqwest hold
//! 27-35 KiB. The bounds asserted sit above those
//! figures, to catch a regression, not to restate them.
//!
//! Only this thread's allocations are counted; the client runs on a current-thread runtime
//! here, the server (a `tarry-testkit` one) on its own thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::net::SocketAddr;

use bytes::Bytes;
use tarry_pool::{Pool, PoolBuilder};
use tarry_testkit::{Script, ScriptedServer, TlsScriptedServer};

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    /// Live bytes allocated by this thread while counting (per thread, so that tests running
    /// side by side do not add into each other's totals).
    static LIVE: Cell<i64> = const { Cell::new(0) };
}

fn counting() -> bool {
    COUNTING.try_with(Cell::get).unwrap_or(false)
}

fn add(bytes: usize, sign: i64) {
    if counting() {
        let delta = sign * i64::try_from(bytes).unwrap_or(i64::MAX);
        let _ = LIVE.try_with(|live| live.set(live.get() + delta));
    }
}

fn live() -> i64 {
    LIVE.with(Cell::get)
}

/// `System`, keeping a running total of live bytes allocated by counting threads.
struct LiveBytes;

// `GlobalAlloc` is an unsafe trait; every call is passed straight to `System` with the
// caller's own layout and pointer.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for LiveBytes {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size(), 1);
        // SAFETY: the caller's contract for `alloc` is the one `System.alloc` needs.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        add(layout.size(), 1);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(layout.size(), -1);
        add(new_size, 1);
        // SAFETY: `ptr` was allocated by `System` with `layout`, via this allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(layout.size(), -1);
        // SAFETY: `ptr` was allocated by `System` with `layout`, via this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: LiveBytes = LiveBytes;

const HOSTS: usize = 20;

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/// A keep-alive server on its own thread and runtime, answering every request with "ok".
fn server() -> ScriptedServer {
    ScriptedServer::repeating(Script::answer_all(OK)).unwrap()
}

/// Live heap bytes added per idle connection, over `HOSTS` connections to distinct hosts.
fn heap_per_idle_connection(builder: PoolBuilder, addr: SocketAddr, scheme: &str) -> i64 {
    let builder = (0..=HOSTS).fold(builder, |b, i| {
        b.resolve(&format!("h{i}.test"), addr.port(), addr)
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool = builder.build();
        let get = |i: usize| {
            let url = format!("{scheme}://h{i}.test:{}/", addr.port());
            http::Request::get(url).body(()).unwrap()
        };
        COUNTING.with(|c| c.set(true));
        // Each request from a task of its own, as a service sends them. A finished task's
        // memory lasts as long as a waker of it does, and this one's is large: its output (a
        // 4 KiB array) lives in it. An idle connection must not keep a waker of the task that
        // used it last, or each would hold that much more.
        let fetch = |i: usize| {
            let (pool, request) = (pool.clone(), get(i));
            async move {
                let task = tokio::spawn(async move {
                    let response = pool.send(request, Bytes::new()).await.unwrap();
                    let body = response.bytes().await.unwrap();
                    (body, std::hint::black_box([7u8; 4096]))
                });
                let (body, output) = task.await.unwrap();
                assert_eq!((&body[..], output[4095]), (&b"ok"[..], 7));
            }
        };
        // Warm up: the first connection also pays for the pool's one-time structures.
        fetch(0).await;
        let before = live();
        for i in 1..=HOSTS {
            fetch(i).await;
        }
        let after = live();
        COUNTING.with(|c| c.set(false));
        assert_eq!(
            pool.stats().idle,
            HOSTS + 1,
            "every connection is idle in the pool"
        );
        (after - before) / i64::try_from(HOSTS).unwrap()
    })
}

#[test]
fn an_idle_plain_connection_holds_under_4_kib() {
    let server = server();
    let per = heap_per_idle_connection(Pool::builder(), server.addr(), "http");
    println!("heap per idle plain connection: {per} bytes");
    assert!(per > 0, "the measurement saw the connections ({per})");
    assert!(per < 4 * 1024, "{per} bytes per idle plain connection");
}

#[test]
fn an_idle_connection_holds_no_buffers_by_default() {
    // Freeing buffers after every exchange (`idle_buffer_limit(0)`) leaves an idle connection
    // no smaller than the default does: by default its buffers are not its own either.
    let server = server();
    let addr = server.addr();
    let default = heap_per_idle_connection(Pool::builder(), addr, "http");
    let lean = heap_per_idle_connection(Pool::builder().idle_buffer_limit(0), addr, "http");
    println!("heap per idle plain connection: default {default} bytes, no kept buffers {lean}");
    assert!(lean > 0, "the measurement saw the connections ({lean})");
    assert!(
        default - lean < 512,
        "{default} bytes by default, {lean} without kept buffers"
    );
}

/// A TLS keep-alive server for `h0.test` … `hN.test`, answering every request with "ok".
fn tls_server() -> TlsScriptedServer {
    let names: Vec<String> = (0..=HOSTS).map(|i| format!("h{i}.test")).collect();
    TlsScriptedServer::builder(&names)
        .repeating(Script::answer_all(OK))
        .unwrap()
}

#[test]
fn an_idle_tls_connection_holds_under_12_kib() {
    let server = tls_server();
    let builder = Pool::builder()
        .add_root_certificates_pem(server.ca_pem().as_bytes())
        .unwrap()
        .without_builtin_roots();
    let per = heap_per_idle_connection(builder, server.addr(), "https");
    println!("heap per idle TLS connection: {per} bytes");
    // rustls keeps its connection state and keys; the record buffers are the pool's.
    assert!(
        per > 1024 && per < 12 * 1024,
        "{per} bytes per idle TLS connection"
    );
}
