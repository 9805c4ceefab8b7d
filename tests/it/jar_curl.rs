//! `tarry-jar` and curl read each other's `cookies.txt`.
//!
//! A small blocking server on 127.0.0.1 sets cookies; curl stores them with `-c`; the jar loads
//! curl's file and must send what curl was given; the jar saves its own file, curl sends it
//! with `-b`, and the server must receive exactly the cookies the jar would send.
//!
//! Needs the `curl` binary. Without it the test prints `skipped: curl not found`, unless
//! `CI=true`, where a missing curl is a failure.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tarry_jar::Jar;
use url::Url;

/// How long the server waits for all its requests, and each socket for one read or write.
const SERVER_DEADLINE: Duration = Duration::from_secs(30);
const SOCKET_TIMEOUT: Duration = Duration::from_secs(5);
/// curl's own limit on a whole transfer.
const CURL_MAX_TIME: &str = "10";

/// The `/set` response: a host-only session cookie, a persistent one, one scoped to `/sub`,
/// and an HttpOnly one, in that order.
const SET_RESPONSE: &str = "HTTP/1.1 200 OK\r\n\
    Set-Cookie: sess=s1\r\n\
    Set-Cookie: keep=k1; Max-Age=3600\r\n\
    Set-Cookie: deep=d1; Path=/sub\r\n\
    Set-Cookie: hidden=h1; HttpOnly\r\n\
    Content-Length: 3\r\n\
    Connection: close\r\n\
    \r\n\
    ok\n";

const PLAIN_RESPONSE: &str =
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    target: String,
    /// The raw value of every `Cookie` header, in order.
    cookie: Vec<String>,
}

/// Serves `requests` requests, one per connection, then stops; gives up at `SERVER_DEADLINE`.
fn start_server(requests: usize) -> (SocketAddr, JoinHandle<Vec<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Non-blocking accept polled against a deadline, so the thread ends even if a client never
    // comes.
    listener.set_nonblocking(true).unwrap();
    let handle = thread::spawn(move || {
        let deadline = Instant::now() + SERVER_DEADLINE;
        let mut seen = Vec::new();
        while seen.len() < requests && Instant::now() < deadline {
            match listener.accept() {
                Ok((stream, _)) => {
                    if let Some(request) = serve_one(stream) {
                        seen.push(request);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    thread::sleep(Duration::from_millis(5));
                }
                Err(_) => break,
            }
        }
        seen
    });
    (addr, handle)
}

/// Reads one request head, answers it and closes the connection.
fn serve_one(mut stream: TcpStream) -> Option<Seen> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(SOCKET_TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(SOCKET_TIMEOUT)).ok()?;
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let target = lines.next()?.split(' ').nth(1)?.to_owned();
    let cookie = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("cookie"))
        .map(|(_, value)| value.trim().to_owned())
        .collect();
    let response = if target == "/set" {
        SET_RESPONSE
    } else {
        PLAIN_RESPONSE
    };
    stream.write_all(response.as_bytes()).ok()?;
    let _ = stream.shutdown(std::net::Shutdown::Write);
    Some(Seen { target, cookie })
}

/// Whether an executable called `curl` is on `PATH`.
fn curl_on_path() -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("curl").is_file()))
}

/// Runs curl (ignoring `~/.curlrc` and any proxy settings) and returns its stdout; curl is
/// always waited on, and bounded by `--max-time`.
fn curl(args: &[&str]) -> String {
    let out = Command::new("curl")
        .args([
            "-q",
            "-s",
            "-S",
            "--noproxy",
            "*",
            "--max-time",
            CURL_MAX_TIME,
        ])
        .args(args)
        .output()
        .expect("curl runs");
    assert!(
        out.status.success(),
        "curl {args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A unique directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("tarry-jar-curl-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `name=value` pairs of a `Cookie` header, as a set.
fn pairs(header: &str) -> BTreeSet<&str> {
    header.split("; ").collect()
}

#[test]
fn jar_and_curl_read_each_others_cookie_files() {
    if !curl_on_path() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "curl not found on PATH, and CI=true"
        );
        println!("skipped: curl not found");
        return;
    }
    let dir = TempDir::new();
    let curl_file = dir.path().join("curl-jar.txt");
    let our_file = dir.path().join("tarry-jar.txt");
    let (addr, server) = start_server(2);
    let base = format!("http://{addr}");

    // (a) curl receives the cookies and writes its jar.
    let body = curl(&["-c", curl_file.to_str().unwrap(), &format!("{base}/set")]);
    assert_eq!(body, "ok\n");
    let curl_text = std::fs::read_to_string(&curl_file).unwrap();
    let curl_lines: Vec<&str> = curl_text
        .lines()
        .filter(|l| !l.is_empty() && (!l.starts_with('#') || l.starts_with("#HttpOnly_")))
        .collect();
    assert_eq!(curl_lines.len(), 4, "{curl_text}");
    // The two curl-isms the loader must accept: expiry 0 for a session cookie, and the
    // `#HttpOnly_` prefix (on a session cookie here).
    assert!(
        curl_lines.contains(&"127.0.0.1\tFALSE\t/\tFALSE\t0\tsess\ts1"),
        "{curl_text}"
    );
    assert!(
        curl_lines.contains(&"#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\thidden\th1"),
        "{curl_text}"
    );
    assert!(
        curl_lines.contains(&"127.0.0.1\tFALSE\t/sub\tFALSE\t0\tdeep\td1"),
        "{curl_text}"
    );

    // (b) The jar loads curl's file.
    let now = SystemTime::now();
    let jar = Jar::new();
    assert_eq!(jar.load_netscape(&curl_file, now).unwrap(), 4);
    let hidden = jar.get("127.0.0.1", "/", "hidden").unwrap();
    assert!(hidden.http_only() && hidden.host_only() && !hidden.is_persistent());
    let keep = jar.get("127.0.0.1", "/", "keep").unwrap();
    let lifetime = keep.expires().unwrap().duration_since(now).unwrap();
    assert!(
        lifetime > Duration::from_secs(3500) && lifetime <= Duration::from_secs(3600),
        "Max-Age=3600 written by curl as an absolute expiry: {lifetime:?}"
    );
    assert!(!jar.get("127.0.0.1", "/", "sess").unwrap().is_persistent());

    // RFC 6265 §5.4 order: longer paths first, then earlier creation. cookies.txt has no
    // creation time, so the loaded cookies are "created" in file order, and curl (7.88 here)
    // writes its file newest first (it sorts by its creation counter, descending). So the three
    // `/` cookies come out in the reverse of the order the server set them.
    let to = |path: &str| Url::parse(&format!("{base}{path}")).unwrap();
    assert_eq!(
        jar.cookie_header(&to("/sub/x"), now).as_deref(),
        Some("deep=d1; hidden=h1; keep=k1; sess=s1")
    );
    assert_eq!(
        jar.cookie_header(&to("/"), now).as_deref(),
        Some("hidden=h1; keep=k1; sess=s1")
    );
    // `/subway` is not under `/sub`.
    assert_eq!(
        jar.cookie_header(&to("/subway"), now).as_deref(),
        Some("hidden=h1; keep=k1; sess=s1")
    );

    // (c) The jar saves (session cookies included) and curl sends from that file.
    jar.save_netscape(&our_file, true).unwrap();
    let body = curl(&[
        "-b",
        our_file.to_str().unwrap(),
        &format!("{base}/sub/page"),
    ]);
    assert_eq!(body, "ok\n");

    let seen = server.join().expect("server thread");
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0].target, "/set");
    assert_eq!(
        seen[0].cookie,
        Vec::<String>::new(),
        "curl had no cookies yet"
    );
    assert_eq!(seen[1].target, "/sub/page");
    assert_eq!(seen[1].cookie.len(), 1, "one Cookie header: {seen:?}");
    let received = seen[1].cookie[0].as_str();
    let ours = jar.cookie_header(&to("/sub/page"), now).unwrap();
    assert_eq!(
        pairs(received),
        pairs(&ours),
        "curl sent {received:?}, jar {ours:?}"
    );
    // Order: compared as sets above, because curl's order legitimately differs from RFC 6265
    // §5.4 among equal paths. curl (7.88 here) ranks by path length, then domain length, then
    // name length (longer first), and only then by its creation counter, newest first, where
    // "creation" is the line order of the file it read. The jar keeps §5.4 (longer path, then
    // earlier creation = earlier line). Both agree on the rule that matters, longest path first.
    assert_eq!(received.split("; ").next(), Some("deep=d1"));
    assert_eq!(ours.split("; ").next(), Some("deep=d1"));
}
