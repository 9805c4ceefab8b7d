//! Streaming uploads: a 64 MiB body of unknown length, sent chunked over a kept-alive
//! loopback connection, by tarry-pool (`Body::from_stream`, 64 KiB chunks) and by the raw
//! floor: a tokio socket writing the very same chunked bytes, then reading the answer.
//!
//! The server reads and discards the body, finds its end, and answers `200 ok`.
//!
//! `taskset -c 1 cargo bench -p tarry-benches --bench upload`

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tarry_pool::{Body, Pool};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CHUNK: usize = 64 * 1024;
const CHUNKS: usize = 1024;
const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/// Reads request heads and chunked bodies, discarding them, and answers each.
async fn serve(mut socket: TcpStream) {
    let mut buf = vec![0u8; 256 * 1024];
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let n = match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        // The end of a chunked body is the last chunk and an empty trailer section; the
        // bench's chunks are 64 KiB of `x`, so those bytes appear nowhere else.
        tail.extend_from_slice(&buf[..n.min(buf.len())]);
        if tail.len() > 16 {
            tail.drain(..tail.len() - 16);
        }
        if tail.ends_with(b"\r\n0\r\n\r\n") {
            tail.clear();
            if socket.write_all(OK).await.is_err() {
                return;
            }
        }
    }
}

/// The 64 MiB body as chunks of one shared allocation.
struct Chunks {
    chunk: Bytes,
    left: usize,
}

impl futures_core::Stream for Chunks {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        self.left -= 1;
        Poll::Ready(Some(Ok(self.chunk.clone())))
    }
}

fn upload(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let addr = runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("an address");
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let _ = socket.set_nodelay(true);
                tokio::spawn(serve(socket));
            }
        });
        addr
    });
    let chunk = Bytes::from(vec![b'x'; CHUNK]);
    let head =
        format!("POST /upload HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\n\r\n");
    let framed_chunk = {
        let mut framed = format!("{CHUNK:x}\r\n").into_bytes();
        framed.extend_from_slice(&chunk);
        framed.extend_from_slice(b"\r\n");
        framed
    };

    let mut group = c.benchmark_group("upload");
    group
        .throughput(Throughput::Bytes((CHUNK * CHUNKS) as u64))
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));

    let mut raw = runtime.block_on(async {
        let socket = TcpStream::connect(addr).await.expect("a connection");
        socket.set_nodelay(true).expect("nodelay");
        socket
    });
    group.bench_function("raw floor, 64 MiB chunked", |b| {
        b.iter(|| {
            runtime.block_on(async {
                raw.write_all(head.as_bytes()).await.expect("the head");
                for _ in 0..CHUNKS {
                    raw.write_all(&framed_chunk).await.expect("a chunk");
                }
                raw.write_all(b"0\r\n\r\n").await.expect("the end");
                let mut answer = [0u8; OK.len()];
                raw.read_exact(&mut answer).await.expect("the answer");
            });
        });
    });

    let pool = Pool::new();
    let url = format!("http://{addr}/upload");
    group.bench_function("tarry-pool, 64 MiB streamed", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let request = http::Request::post(&url).body(()).expect("a request");
                let body = Body::from_stream(Chunks {
                    chunk: chunk.clone(),
                    left: CHUNKS,
                });
                let response = pool.send(request, body).await.expect("a response");
                response.bytes().await.expect("the body");
            });
        });
    });
    group.finish();
}

criterion_group!(benches, upload);
criterion_main!(benches);
