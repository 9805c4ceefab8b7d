//! Benchmarks for `tarry-wire`, next to the bare `httparse` baseline they build on.
//!
//! `cargo bench -p tarry-benches --bench wire`. Groups:
//! - `head`: one typical 12-field response head. `httparse` is the floor; `tarry` adds the owned
//!   copy of the head and the field spans; `+framing` and `+header_map` add what a client does
//!   next. The ratio `tarry / httparse` is the cost of owning the head.
//! - `chunked`: a 1 MiB body decoded in memory (throughput). In 64 chunks of 16 KiB: framing
//!   only (`16k`, data stays in place) and with the data copied out (`16k+copy`); in 16,384
//!   chunks of 64 bytes, where the size lines dominate: bare (`64b`) and with a token and a
//!   quoted-string extension on every line (`64b+ext`).
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

/// A chunked body of `chunks` chunks of `size` bytes, each size line carrying `extension`.
fn chunked_body(size: usize, chunks: usize, extension: &str) -> Vec<u8> {
    let mut body = Vec::with_capacity(chunks * (size + extension.len() + 10) + 5);
    for i in 0..chunks {
        body.extend_from_slice(format!("{size:x}{extension}\r\n").as_bytes());
        body.extend(std::iter::repeat_n(
            b"abcdefghijklmnopqrstuvwxyz"[i % 26],
            size,
        ));
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    body
}

/// Decodes `body` whole, framing only; returns the input consumed.
fn decode_in_place(body: &[u8], limits: &Limits, expected: usize) -> usize {
    let mut decoder = ChunkedDecoder::new(limits);
    let (mut at, mut data) = (0, 0);
    while !decoder.is_done() {
        let step = decoder.decode(&body[at..]).expect("valid body");
        data += step.data.len();
        at += step.consumed;
    }
    assert_eq!(data, expected);
    at
}

fn chunked(c: &mut Criterion) {
    const MIB: usize = 1024 * 1024;
    let limits = Limits::default();
    let big = chunked_body(16 * 1024, 64, "");
    // Framing-heavy: 1 MiB in 64-byte chunks, bare and with an extension on every size line
    // (a token value and a quoted one), under a budget that lets them all through.
    let small = chunked_body(64, MIB / 64, "");
    let extension = r#";n=1;q="a b""#;
    let small_ext = chunked_body(64, MIB / 64, extension);
    let ext_limits = limits.max_chunk_extension_bytes(extension.len() * (MIB / 64));

    let mut group = c.benchmark_group("chunked");
    group.throughput(Throughput::Bytes(MIB as u64));
    group.bench_function("16k", |b| {
        b.iter(|| decode_in_place(black_box(&big), &limits, MIB))
    });
    // What a consumer pays: the same decode, with every data span copied out, as a body
    // collected into a Vec would be.
    let mut collected = Vec::with_capacity(MIB);
    group.bench_function("16k+copy", |b| {
        b.iter(|| {
            let input = black_box(&big[..]);
            let mut decoder = ChunkedDecoder::new(&limits);
            collected.clear();
            let mut at = 0;
            while !decoder.is_done() {
                let step = decoder.decode(&input[at..]).expect("valid body");
                collected.extend_from_slice(&input[at..][step.data]);
                at += step.consumed;
            }
            assert_eq!(collected.len(), MIB);
            at
        })
    });
    group.bench_function("64b", |b| {
        b.iter(|| decode_in_place(black_box(&small), &limits, MIB))
    });
    group.bench_function("64b+ext", |b| {
        b.iter(|| decode_in_place(black_box(&small_ext), &ext_limits, MIB))
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
