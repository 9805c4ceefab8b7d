//! Benchmarks for `tarry-wire`, next to the bare `httparse` baseline they build on.
//!
//! `cargo bench -p tarry-benches --bench wire`. Groups:
//! - `head`: one typical 12-field response head. `httparse` is the floor; `tarry` adds the owned
//!   copy of the head and the field spans; `+framing` and `+header_map` add what a client does
//!   next. The ratio `tarry / httparse` is the cost of owning the head.
//! - `chunked`: a 1 MiB body in 64 chunks of 16 KiB, decoded in memory (throughput): framing
//!   only (`16k`, data stays in place) and with the data copied out (`16k+copy`).
//! - `encode`: a GET head, with and without building the `Call`.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use http::{Method, Request};
use tarry_wire::client::Call;
use tarry_wire::{ChunkedDecoder, Limits, RequestBody, parse_response_head, response_framing};

/// What a JSON API behind nginx answers: 12 fields, 504 bytes.
const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\n\
Date: Tue, 01 Jul 2025 10:00:00 GMT\r\n\
Server: nginx/1.27.0\r\n\
Content-Type: application/json; charset=utf-8\r\n\
Content-Length: 1234\r\n\
Connection: keep-alive\r\n\
Cache-Control: private, max-age=0, must-revalidate\r\n\
ETag: \"5e8f2a1c-4d2\"\r\n\
Last-Modified: Mon, 30 Jun 2025 08:15:00 GMT\r\n\
Vary: Accept-Encoding\r\n\
X-Request-Id: 7f3c2a9e-1b4d-4e8a-9c6f-2d1e0b5a8c7d\r\n\
Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n\
Set-Cookie: session=abc123def456; Path=/; HttpOnly; Secure; SameSite=Lax\r\n\
\r\n";

fn head(c: &mut Criterion) {
    let limits = Limits::default();
    let mut group = c.benchmark_group("head");
    group.bench_function("httparse", |b| {
        b.iter(|| {
            let mut headers = [httparse::EMPTY_HEADER; 16];
            let mut res = httparse::Response::new(&mut headers);
            let status = res.parse(black_box(HEAD)).expect("valid head");
            black_box((status, res.code, res.headers.len()));
        })
    });
    group.bench_function("tarry", |b| {
        b.iter(|| parse_response_head(black_box(HEAD), &limits).expect("valid head"))
    });
    group.bench_function("tarry+framing", |b| {
        b.iter(|| {
            let (_, head) = parse_response_head(black_box(HEAD), &limits)
                .expect("valid head")
                .expect("complete head");
            response_framing(&Method::GET, &head).expect("valid framing")
        })
    });
    group.bench_function("tarry+header_map", |b| {
        b.iter(|| {
            let (_, head) = parse_response_head(black_box(HEAD), &limits)
                .expect("valid head")
                .expect("complete head");
            head.header_map()
        })
    });
    group.finish();
}

const CHUNK: usize = 16 * 1024;
const CHUNKS: usize = 64;

fn chunked(c: &mut Criterion) {
    let mut body = Vec::with_capacity(CHUNKS * (CHUNK + 10) + 5);
    for i in 0..CHUNKS {
        body.extend_from_slice(format!("{CHUNK:x}\r\n").as_bytes());
        body.extend(std::iter::repeat_n(
            b"abcdefghijklmnopqrstuvwxyz"[i % 26],
            CHUNK,
        ));
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let limits = Limits::default();

    let mut group = c.benchmark_group("chunked");
    group.throughput(Throughput::Bytes((CHUNKS * CHUNK) as u64));
    group.bench_function("16k", |b| {
        b.iter(|| {
            let input = black_box(&body[..]);
            let mut decoder = ChunkedDecoder::new(&limits);
            let (mut at, mut data) = (0, 0);
            while !decoder.is_done() {
                let step = decoder.decode(&input[at..]).expect("valid body");
                data += step.data.len();
                at += step.consumed;
            }
            assert_eq!(data, CHUNKS * CHUNK);
            at
        })
    });
    // What a consumer pays: the same decode, with every data span copied out, as a body
    // collected into a Vec would be.
    let mut collected = Vec::with_capacity(CHUNKS * CHUNK);
    group.bench_function("16k+copy", |b| {
        b.iter(|| {
            let input = black_box(&body[..]);
            let mut decoder = ChunkedDecoder::new(&limits);
            collected.clear();
            let mut at = 0;
            while !decoder.is_done() {
                let step = decoder.decode(&input[at..]).expect("valid body");
                collected.extend_from_slice(&input[at..][step.data]);
                at += step.consumed;
            }
            assert_eq!(collected.len(), CHUNKS * CHUNK);
            at
        })
    });
    group.finish();
}

/// A GET as a browser-like client sends it: four fields besides Host.
fn get_request() -> Request<()> {
    Request::get("http://api.example.test/v1/items?page=2&per_page=50")
        .header("user-agent", "tarry/0.1")
        .header("accept", "application/json")
        .header("accept-encoding", "gzip, br")
        .header("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.signature")
        .body(())
        .expect("valid request")
}

fn encode(c: &mut Criterion) {
    let request = get_request();
    let mut out = Vec::with_capacity(1024);
    let mut group = c.benchmark_group("encode");
    // `Call::new` takes the request by value; cloning it is setup, not timed.
    group.bench_function("get", |b| {
        b.iter_batched(
            || request.clone(),
            |request| {
                out.clear();
                Call::new(request, RequestBody::None)
                    .expect("valid request")
                    .write_head(&mut out)
                    .expect("room for the head")
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("write_head", |b| {
        b.iter_batched(
            || Call::new(request.clone(), RequestBody::None).expect("valid request"),
            |call| {
                out.clear();
                call.write_head(&mut out).expect("room for the head")
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, head, chunked, encode);
criterion_main!(benches);
