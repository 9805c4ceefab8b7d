//! The plain scripted server, and the thread + runtime every kit server runs on.
//!
//! Each server owns a thread with its own current-thread runtime, so it serves the same way
//! under `#[test]`, `#[tokio::test]` of either flavour, or a paused clock in the test's
//! runtime. Dropping the server drops that runtime, which drops every connection task and so
//! closes every socket, `HoldOpen` ones included.

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use bytes::Bytes;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::Script;
use crate::record::{Connection, Record};

/// The scripts connections take, in accept order.
#[derive(Debug)]
pub(crate) struct Scripts {
    next: VecDeque<Script>,
    then: Option<Script>,
}

impl Scripts {
    pub(crate) fn new(list: impl IntoIterator<Item = Script>, then: Option<Script>) -> Scripts {
        Scripts {
            next: list.into_iter().collect(),
            then,
        }
    }

    /// The next connection's script; past the list and without a repeating one, a script
    /// that closes at once.
    fn take(&mut self) -> Script {
        self.next
            .pop_front()
            .or_else(|| self.then.clone())
            .unwrap_or_else(|| Script::new([]))
    }
}

/// A running server's thread, address and record; stops on drop.
#[derive(Debug)]
pub(crate) struct Running {
    pub(crate) addr: SocketAddr,
    pub(crate) record: Record,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Running {
    /// Binds `127.0.0.1:0` here (so the address is known before anyone connects), then serves
    /// on a thread: every accepted connection is counted and handed, with its script and its
    /// index, to `serve`.
    pub(crate) fn spawn<F, Fut>(scripts: Scripts, serve: F) -> io::Result<Running>
    where
        F: Fn(TcpStream, Script, Record, usize) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = StdListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let record = Record::default();
        let (stop, stopped) = oneshot::channel::<()>();
        let log = record.clone();
        let scripts = Arc::new(Mutex::new(scripts));
        let thread = std::thread::Builder::new()
            .name(format!("testkit-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = TcpListener::from_std(listener) else {
                        return;
                    };
                    tokio::spawn(async move {
                        while let Ok((tcp, _)) = listener.accept().await {
                            let index = log.accepted();
                            let script = match scripts.lock() {
                                Ok(mut s) => s.take(),
                                Err(poisoned) => poisoned.into_inner().take(),
                            };
                            tokio::spawn(serve(tcp, script, log.clone(), index));
                        }
                    });
                    // Either a stop or the server value dropped: both end the runtime.
                    let _ = stopped.await;
                });
            })?;
        Ok(Running {
            addr,
            record,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Running {
    /// Waits (polling, at most `within`) until `n` connections have been accepted; returns
    /// the count then. A client's `connect` returns before the server's `accept` does, so a
    /// test that counts right after connecting must wait for the server to catch up.
    pub(crate) fn wait_accepts(&self, n: usize, within: std::time::Duration) -> usize {
        let deadline = std::time::Instant::now() + within;
        loop {
            let seen = self.record.len();
            if seen >= n || std::time::Instant::now() >= deadline {
                return seen;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A plain HTTP/1.1 server on `127.0.0.1:0` that runs a [`Script`] on each connection and
/// records what arrived. See the [crate docs](crate) for an example.
#[derive(Debug)]
pub struct ScriptedServer {
    running: Running,
}

impl ScriptedServer {
    /// Serves connection *n* (in accept order) with `scripts[n]`; connections past the list
    /// are accepted, counted and closed at once.
    pub fn start(scripts: impl IntoIterator<Item = Script>) -> io::Result<ScriptedServer> {
        Self::with(Scripts::new(scripts, None))
    }

    /// Serves every connection with the same script.
    pub fn repeating(script: Script) -> io::Result<ScriptedServer> {
        Self::with(Scripts::new([], Some(script)))
    }

    /// Serves the first connections with `first`, then every later one with `then`.
    pub fn start_then(
        first: impl IntoIterator<Item = Script>,
        then: Script,
    ) -> io::Result<ScriptedServer> {
        Self::with(Scripts::new(first, Some(then)))
    }

    fn with(scripts: Scripts) -> io::Result<ScriptedServer> {
        let running = Running::spawn(scripts, |tcp, script, record, index| {
            crate::run::run(tcp, script, record, index, true)
        })?;
        Ok(ScriptedServer { running })
    }

    /// The listening address (always on 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.running.addr
    }

    /// The listening port.
    pub fn port(&self) -> u16 {
        self.running.addr.port()
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port())
    }

    /// Connections accepted so far.
    pub fn accepts(&self) -> usize {
        self.running.record.len()
    }

    /// The most connections that were open at once so far (accepted and not yet ended).
    pub fn max_open(&self) -> usize {
        self.running.record.max_open()
    }

    /// Waits (at most `within`) until `n` connections have been accepted, and returns the
    /// count then: a client's `connect` returns before the server has counted the accept.
    pub fn wait_accepts(&self, n: usize, within: std::time::Duration) -> usize {
        self.running.wait_accepts(n, within)
    }

    /// Every request read so far, raw, per connection in accept order.
    pub fn requests(&self) -> Vec<Vec<Bytes>> {
        self.connections().into_iter().map(|c| c.requests).collect()
    }

    /// The full record of every connection so far.
    pub fn connections(&self) -> Vec<Connection> {
        self.running.record.snapshot()
    }
}
