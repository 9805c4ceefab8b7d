//! A small HTTP proxy in front of the embedded servers, for measuring clients through a
//! proxy: it forwards absolute-form requests over kept-alive connections on both sides, and
//! opens `CONNECT` tunnels. It knows only the bench's own servers: every target must be
//! [`HOST`](crate::server::HOST) or 127.0.0.1, and is reached on 127.0.0.1 at the target's
//! port. Its request parsing is as small as the bench's requests allow (GETs, no bodies).

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::server::HOST;

/// Serves one client connection until it closes.
pub(crate) async fn relay(mut client: TcpStream) {
    let mut buf = Vec::with_capacity(4096);
    let mut upstream: Option<TcpStream> = None;
    let mut response = Vec::with_capacity(4096);
    loop {
        let Some(head_end) = read_head(&mut client, &mut buf).await else {
            return;
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        buf.drain(..head_end);
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or("").split(' ');
        let (method, target) = (request_line.next(), request_line.next());
        let (Some(method), Some(target)) = (method, target) else {
            return;
        };
        if method == "CONNECT" {
            let Some(port) = port_of(target) else {
                let _ = client
                    .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                    .await;
                return;
            };
            let Ok(mut to) = TcpStream::connect(("127.0.0.1", port)).await else {
                let _ = client
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                    .await;
                return;
            };
            let _ = to.set_nodelay(true);
            if client
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await
                .is_err()
            {
                return;
            }
            let _ = tokio::io::copy_bidirectional(&mut client, &mut to).await;
            return;
        }
        // Forwarded: `GET http://host:port/path HTTP/1.1` becomes `GET /path HTTP/1.1` to
        // the origin, without the proxy's own fields.
        let Some(rest) = target.strip_prefix("http://") else {
            return;
        };
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let Some(port) = port_of(authority) else {
            return;
        };
        let path = if path.is_empty() { "/" } else { path };
        let mut forwarded = format!("{method} {path} HTTP/1.1\r\n");
        for line in lines.filter(|l| !l.is_empty()) {
            if !line.to_ascii_lowercase().starts_with("proxy-") {
                forwarded.push_str(line);
                forwarded.push_str("\r\n");
            }
        }
        forwarded.push_str("\r\n");
        if upstream.is_none() {
            let Ok(to) = TcpStream::connect(("127.0.0.1", port)).await else {
                return;
            };
            let _ = to.set_nodelay(true);
            upstream = Some(to);
        }
        let Some(to) = upstream.as_mut() else {
            return;
        };
        if to.write_all(forwarded.as_bytes()).await.is_err() {
            return;
        }
        response.clear();
        if !read_response(to, &mut response).await || client.write_all(&response).await.is_err() {
            return;
        }
    }
}

/// The port of `host:port` when the host is the bench's.
fn port_of(authority: &str) -> Option<u16> {
    let (host, port) = authority.rsplit_once(':')?;
    (host == HOST || host == "127.0.0.1")
        .then(|| port.parse().ok())
        .flatten()
}

/// Reads until `buf` holds a whole head; its length, blank line included.
async fn read_head(io: &mut TcpStream, buf: &mut Vec<u8>) -> Option<usize> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some(end + 4);
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let mut chunk = [0u8; 4096];
        match io.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Reads one response with a `Content-Length` body from `io` into `out`.
async fn read_response(io: &mut TcpStream, out: &mut Vec<u8>) -> bool {
    let Some(head_end) = read_head(io, out).await else {
        return false;
    };
    let head = String::from_utf8_lossy(&out[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .split("\r\n")
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let total = head_end + length;
    while out.len() < total {
        let mut chunk = [0u8; 16 * 1024];
        match io.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => out.extend_from_slice(&chunk[..n]),
        }
    }
    out.len() == total
}
