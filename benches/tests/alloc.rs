//! "Writing calls append to the caller's buffer and allocate nothing of their own" (the
//! `tarry-wire` crate docs), checked with a counting global allocator.
//!
//! Only allocations made by the thread that asked for counting are counted, so tests running in
//! parallel in this binary cannot disturb each other.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::Request;
use tarry_wire::client::{AfterHead, Call};
use tarry_wire::{ChunkedDecoder, Limits, RequestBody};

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

/// `System`, counting the allocations of threads inside [`allocations_in`].
struct Counting;

// The only unsafe in the workspace: `GlobalAlloc` is an unsafe trait; every call is passed
// straight to `System` with the caller's own layout and pointer.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller's contract for `alloc` is the one `System.alloc` needs.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: `ptr` was allocated by `System` with `layout`, via this allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`, via this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn count() {
    // `try_with`: the thread-local may already be gone while a thread shuts down.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs `f`, returning its result and how many allocations (and reallocations) it made.
fn allocations_in<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    COUNTING.with(|c| c.set(true));
    let result = f();
    COUNTING.with(|c| c.set(false));
    (result, ALLOCATIONS.load(Ordering::Relaxed) - before)
}

#[test]
fn the_counter_sees_allocations() {
    let (v, n) = allocations_in(|| vec![1u8; 64]);
    assert_eq!((v.len(), n), (64, 1));
}

#[test]
fn encoding_a_get_head_allocates_nothing() {
    let request = Request::get("http://api.example.test/v1/items?page=2")
        .header("user-agent", "tarry/0.1")
        .header("accept", "application/json")
        .body(())
        .unwrap();
    // `Call::new` boxes the call's state: done before counting.
    let call = Call::new(request, RequestBody::None).unwrap();
    let mut out = Vec::with_capacity(call.head_len());

    let (next, allocations) = allocations_in(|| call.write_head(&mut out));
    assert_eq!(allocations, 0, "write_head allocated");
    assert!(matches!(next, Ok(AfterHead::RecvResponse(_))));
    assert!(out.starts_with(b"GET /v1/items?page=2 HTTP/1.1\r\nHost: api.example.test\r\n"));
}

#[test]
fn decoding_chunk_data_allocates_nothing() {
    let mut body = Vec::new();
    for size in [1usize, 0x10, 0x4000, 0x1_0000] {
        body.extend_from_slice(format!("{size:x};ext=1\r\n").as_bytes());
        body.resize(body.len() + size, b'x');
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let mut decoder = ChunkedDecoder::new(&Limits::default());

    let (data, allocations) = allocations_in(|| {
        let (mut at, mut data) = (0, 0);
        // Fed in 1000-byte reads, so chunks straddle the reads.
        while !decoder.is_done() {
            let end = body.len().min(at + 1000);
            let step = decoder.decode(&body[at..end]).unwrap();
            data += step.data.len();
            at += step.consumed;
        }
        data
    });
    assert_eq!(allocations, 0, "ChunkedDecoder::decode allocated");
    assert_eq!(data, 1 + 0x10 + 0x4000 + 0x1_0000);
}
