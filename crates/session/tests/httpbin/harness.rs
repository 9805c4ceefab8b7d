//! Finding the httpbin servers the test command started, and small tools the tests share: a
//! hook that counts, a one-request scripted server that records what arrived, a relay in
//! front of httpbin that counts connections and misbehaves on request, and a re-run of one
//! test in a child process with a chosen environment.

use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tarry_testkit::{Script, ScriptedServer, Step};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The base URL of httpbin (no trailing slash), or `None` after printing why the test skips.
pub(crate) fn httpbin() -> Option<String> {
    server("TARRY_HTTPBIN_URL")
}

/// A second httpbin on another port.
pub(crate) fn httpbin2() -> Option<String> {
    server("TARRY_HTTPBIN2_URL")
}

/// Both servers, or `None` (after printing why) when either is missing.
pub(crate) fn both() -> Option<(String, String)> {
    Some((httpbin()?, httpbin2()?))
}

fn server(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url.trim_end_matches('/').to_owned()),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{var} is not set and CI=true: run the tests through ./test.sh")
        }
        _ => {
            println!("skipped: httpbin not started ({var} unset); run ./test.sh");
            None
        }
    }
}

/// The same server under the name `localhost` instead of `127.0.0.1`: another host for the
/// cookie and credential rules.
pub(crate) fn as_localhost(base: &str) -> String {
    base.replace("127.0.0.1", "localhost")
}

/// The port of a base URL.
pub(crate) fn port_of(base: &str) -> u16 {
    url::Url::parse(base)
        .expect("a base URL")
        .port_or_known_default()
        .expect("a port")
}

/// The socket address of a base URL on 127.0.0.1.
pub(crate) fn addr_of(base: &str) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port_of(base)))
}

/// `s` percent-encoded for a query value (a URL inside `/redirect-to?url=`).
pub(crate) fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `B/redirect-to?url=TARGET&status_code=CODE`.
pub(crate) fn redirect_to(base: &str, target: &str, code: u16) -> String {
    format!("{base}/redirect-to?url={}&status_code={code}", enc(target))
}

/// The JSON body of a response.
pub(crate) async fn json(response: tarry_session::Response) -> serde_json::Value {
    response.json().await.expect("a JSON body")
}

/// A hook that counts the responses it sees, and the count.
pub(crate) fn counting_hook() -> (
    Arc<AtomicUsize>,
    impl Fn(&tarry_session::Response) + Send + Sync + 'static,
) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    (count, move |_: &tarry_session::Response| {
        seen.fetch_add(1, Ordering::SeqCst);
    })
}

/// A scripted server on 127.0.0.1 that reads one request, answers `204 No Content` and
/// closes; [`first_request`] gives what arrived.
pub(crate) fn one_request_server() -> ScriptedServer {
    ScriptedServer::start([Script::new([
        Step::ExpectRequest,
        Step::write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"),
        Step::Close,
    ])])
    .expect("a scripted server")
}

/// The first request `server` read, as it arrived (a response to it means it was recorded).
pub(crate) fn first_request(server: &ScriptedServer) -> String {
    let requests = server.requests().concat();
    let first = requests.first().expect("the server read a request");
    String::from_utf8_lossy(first).into_owned()
}

/// How a [`Relay`] misbehaves; the default relays faithfully.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RelayMode {
    /// Close a connection that carried no request for this long (a short server keep-alive).
    pub(crate) close_idle_after: Option<Duration>,
    /// Close a connection when its second request arrives, before any response byte (a
    /// server that gave up on the connection just as the client reused it).
    pub(crate) drop_second_request: bool,
    /// Hold the start of every response back this long (a slow server).
    pub(crate) delay_responses: Option<Duration>,
}

/// A TCP relay on 127.0.0.1 in front of a server: counts the connections it accepts (the
/// server-side oracle for reuse), and misbehaves as its [`RelayMode`] says. Hand-rolled, not
/// a testkit server: it forwards every byte to httpbin, which a script cannot do.
#[derive(Debug)]
pub(crate) struct Relay {
    /// `http://127.0.0.1:PORT` of the relay.
    pub(crate) base: String,
    pub(crate) addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Relay {
    pub(crate) async fn start(upstream: SocketAddr, mode: RelayMode) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(relay_connection(client, upstream, mode));
            }
        });
        Relay {
            base: format!("http://{addr}"),
            addr,
            accepted,
            task,
        }
    }

    /// Connections accepted so far.
    pub(crate) fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay_connection(mut client: TcpStream, upstream: SocketAddr, mode: RelayMode) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.split();
    let (mut server_read, mut server_write) = server.split();
    let mut to_server = vec![0u8; 16 * 1024];
    let mut to_client = vec![0u8; 16 * 1024];
    let mut requests = 0usize;
    // A request went up and its response has not started yet.
    let mut awaiting = false;
    loop {
        let idle = async {
            match mode.close_idle_after {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            read = client_read.read(&mut to_server) => {
                let n = match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                if !awaiting {
                    requests += 1;
                    if mode.drop_second_request && requests == 2 {
                        return;
                    }
                }
                awaiting = true;
                if server_write.write_all(&to_server[..n]).await.is_err() {
                    return;
                }
            }
            read = server_read.read(&mut to_client) => {
                let n = match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                if awaiting {
                    if let Some(d) = mode.delay_responses {
                        tokio::time::sleep(d).await;
                    }
                    awaiting = false;
                }
                if client_write.write_all(&to_client[..n]).await.is_err() {
                    return;
                }
            }
            () = idle, if !awaiting => return,
        }
    }
}

/// Runs the single test `name` (its full path, e.g. `merging::a17_child`) in a child process
/// of this test binary with `envs` added to the environment; panics unless it ran and passed.
pub(crate) fn run_in_child(name: &str, envs: &[(&str, &str)]) {
    let exe = std::env::current_exe().expect("the test binary");
    let output = Command::new(exe)
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .envs(envs.iter().copied())
        .output()
        .expect("run the test binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child run of {name} failed:\n{stdout}\n{stderr}"
    );
}

/// The `Accept-Encoding` a default session sends: what this build decodes.
pub(crate) const ACCEPT_ENCODING: &str = if cfg!(feature = "brotli") {
    "gzip, deflate, br"
} else {
    "gzip, deflate"
};
