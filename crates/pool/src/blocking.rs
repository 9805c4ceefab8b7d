//! Running the pool's futures to completion from a thread that may block.
//!
//! A blocking program that waits for each request inside a runtime's `block_on` pays for the
//! runtime: with several threads sharing one runtime, the thread that drives the sockets is
//! woken by every answer and wakes the thread it belongs to (two thread switches a request),
//! and each call that leaves `block_on` hands the runtime to another thread. [`block_on`]
//! instead first runs the future on the calling thread outside the runtime, reading a plain
//! connection's socket with a blocking `recv` (its read timeout set on the socket), which is one
//! system call where the runtime needs a readiness wait and a read. Whatever would have to
//! wait on the runtime (connecting, TLS, a full socket buffer, a wait for a free connection,
//! a timer) is finished by the runtime's own `block_on`.

use std::cell::Cell;
use std::future::Future;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

thread_local! {
    /// Whether this thread is inside [`block_on`]'s first poll, where a socket may be read
    /// with a blocking call and anything that would wait returns `Pending` at once.
    static DIRECT: Cell<bool> = const { Cell::new(false) };
    /// When this thread last let the runtime run its own tasks.
    static DROVE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// How often a thread whose calls never need the runtime lets it run anyway: the pool's
/// background tasks (closing idle connections at their deadline, draining a dropped body)
/// run only while some thread is inside the runtime.
const DRIVE_EVERY: Duration = Duration::from_secs(1);

/// Whether the pool may block this thread in a socket read: true only inside [`block_on`]'s
/// first poll (on platforms where it reads sockets itself).
pub(crate) fn direct() -> bool {
    cfg!(unix) && DIRECT.with(Cell::get)
}

/// Sets [`DIRECT`] for as long as it lives; a panic in the future clears it too.
struct Direct;

impl Direct {
    fn set() -> Direct {
        DIRECT.with(|d| d.set(true));
        Direct
    }
}

impl Drop for Direct {
    fn drop(&mut self) {
        DIRECT.with(|d| d.set(false));
    }
}

/// Runs `future` (a [`Pool::send`](crate::Pool::send) and the reading of its body, say) to
/// completion on this thread, with `runtime` for what has to wait on it.
///
/// Use it instead of `runtime.block_on` in a program that makes requests from plain threads:
/// a kept-alive plain-HTTP exchange then runs on the calling thread alone, and several threads
/// sharing one runtime do not wake each other. The runtime is still needed and used for
/// connecting, TLS, timers and the pool's background tasks.
///
/// Like `runtime.block_on`, it is for threads outside any async runtime: inside one it would
/// block that runtime's thread (and `runtime.block_on` panics there).
pub fn block_on<F: Future>(runtime: &tokio::runtime::Runtime, future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let first = {
        let _inside = runtime.enter();
        let _direct = Direct::set();
        // A waker that does nothing: `Pending` here is never waited on, since the runtime's
        // `block_on` polls the future again at once with a waker of its own.
        future
            .as_mut()
            .poll(&mut Context::from_waker(Waker::noop()))
    };
    match first {
        Poll::Ready(output) => {
            let now = Instant::now();
            if DROVE
                .with(Cell::get)
                .is_none_or(|at| now - at >= DRIVE_EVERY)
            {
                DROVE.with(|d| d.set(Some(now)));
                runtime.block_on(tokio::task::yield_now());
            }
            output
        }
        Poll::Pending => {
            DROVE.with(|d| d.set(Some(Instant::now())));
            runtime.block_on(future)
        }
    }
}
