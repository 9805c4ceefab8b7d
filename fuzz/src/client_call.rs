//! `client_call`: a whole exchange through every `Call` state, one piece against many.

use arbitrary::{Arbitrary, Unstructured};
use http::{HeaderMap, Method, Request, Version};
use tarry_wire::client::{
    AfterHead, AfterResponse, Await100Event, Await100Next, Call, ResponseEvent, state,
};
use tarry_wire::{CloseReason, Error, KeepAlive, Limits, RequestBody, ResponseHead};

use crate::chunked::decode_chunked;
use crate::{Pieces, small_limits};

/// One exchange for `client_call`. The derive reads the fields in order; the small field types
/// read one readable byte each, so a seed is text: `G00000N0HTTP/1.1 200 OK…` is a plain
/// `GET` whose response arrives in one piece.
#[derive(Arbitrary, Debug, Clone)]
pub struct ClientCallInput {
    /// The request method.
    pub method: FuzzMethod,
    /// Send the request as HTTP/1.0.
    pub http10: bool,
    /// Send `Connection: upgrade` and `Upgrade: websocket`.
    pub upgrade: bool,
    /// Send `Expect: 100-continue`.
    pub expect_continue: bool,
    /// In `Await100`, stop waiting at once, as a client whose timer fired.
    pub stop_waiting: bool,
    /// Read the response with [`small_limits`].
    pub small_limits: bool,
    /// How the request body is framed.
    pub body: BodyChoice,
    /// The sizes of the pieces the response arrives in.
    pub splits: Splits,
    /// What the server sends, all of it.
    pub response: ServerBytes,
}

/// The request methods `client_call` tries: one byte, its initial letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuzzMethod {
    /// `G`
    Get,
    /// `H`
    Head,
    /// `P`
    Post,
    /// `U`
    Put,
    /// `C`, to `example.test:443`.
    Connect,
    /// `O`
    Options,
}

impl<'a> Arbitrary<'a> for FuzzMethod {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        use FuzzMethod::*;
        Ok(match u8::arbitrary(u)? {
            b'G' => Get,
            b'H' => Head,
            b'P' => Post,
            b'U' => Put,
            b'C' => Connect,
            b'O' => Options,
            b => [Get, Head, Post, Put, Connect, Options][usize::from(b) % 6],
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, Some(1))
    }
}

/// The request body: `N` none, `C` chunked, a digit `d` exactly `d` bytes; any other byte
/// picks by its value, reading a second byte as the length of a sized body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyChoice {
    /// [`RequestBody::None`]
    None,
    /// [`RequestBody::Sized`]
    Sized(u8),
    /// [`RequestBody::Chunked`]
    Chunked,
}

impl<'a> Arbitrary<'a> for BodyChoice {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u8::arbitrary(u)? {
            b'N' => BodyChoice::None,
            b'C' => BodyChoice::Chunked,
            d @ b'0'..=b'9' => BodyChoice::Sized(d - b'0'),
            b if b % 3 == 0 => BodyChoice::None,
            b if b % 3 == 1 => BodyChoice::Chunked,
            _ => BodyChoice::Sized(u8::arbitrary(u)?),
        })
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, Some(2))
    }
}

/// Piece sizes: a count byte (its value mod 16, so `'3'` is 3), then that many sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splits(pub Vec<u8>);

impl<'a> Arbitrary<'a> for Splits {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let count = u8::arbitrary(u)? % 16;
        let sizes = (0..count)
            .map(|_| u8::arbitrary(u))
            .collect::<Result<_, _>>()?;
        Ok(Splits(sizes))
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, Some(16))
    }
}

/// The rest of the input, as is. (`Vec<u8>` would read a "one more byte?" flag before each
/// byte when it is the last field, which would make seeds unreadable.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerBytes(pub Vec<u8>);

impl<'a> Arbitrary<'a> for ServerBytes {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let len = u.arbitrary_len::<u8>()?;
        Ok(ServerBytes(u.bytes(len)?.to_vec()))
    }

    fn arbitrary_take_rest(u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(ServerBytes(u.take_rest().to_vec()))
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (0, None)
    }
}

/// Drives the exchange with the response in one piece and in the given pieces; both must
/// give the same transcript.
pub fn client_call(input: ClientCallInput) {
    let whole = run_call(&input, &[]);
    let split = run_call(&input, &input.splits.0);
    assert_eq!(
        whole, split,
        "the exchange depends on how the response is split"
    );
}

/// Everything a client learns from one exchange.
#[derive(Debug, Default, PartialEq)]
struct Transcript {
    path: Vec<&'static str>,
    interim: Vec<u16>,
    status: Option<u16>,
    body: Vec<u8>,
    trailers: Option<HeaderMap>,
    keep_alive: Option<KeepAlive>,
    close: Option<CloseReason>,
    /// Response bytes after the exchange: unconsumed ones plus those never read.
    leftover: usize,
    error: Option<Error>,
}

/// The client side of a connection: bytes received and not consumed yet, and the rest to come.
struct Wire<'a> {
    buf: Vec<u8>,
    pieces: Pieces<'a>,
}

impl Wire<'_> {
    /// Reads the next piece; `false` at EOF.
    fn fill(&mut self) -> bool {
        self.pieces
            .next()
            .map(|piece| self.buf.extend_from_slice(piece))
            .is_some()
    }

    fn consume(&mut self, n: usize) {
        self.buf.drain(..n);
    }
}

fn run_call(input: &ClientCallInput, sizes: &[u8]) -> Transcript {
    let mut t = Transcript::default();
    let mut wire = Wire {
        buf: Vec::new(),
        pieces: Pieces::new(&input.response.0, sizes),
    };
    if let Err(e) = drive(input, &mut wire, &mut t) {
        t.error = Some(e);
    }
    t
}

fn build_request(input: &ClientCallInput) -> Request<()> {
    let (method, uri) = match input.method {
        FuzzMethod::Get => (Method::GET, "http://example.test/fuzz?q=1"),
        FuzzMethod::Head => (Method::HEAD, "http://example.test/fuzz"),
        FuzzMethod::Post => (Method::POST, "http://example.test/upload"),
        FuzzMethod::Put => (Method::PUT, "http://example.test/upload"),
        FuzzMethod::Connect => (Method::CONNECT, "example.test:443"),
        FuzzMethod::Options => (Method::OPTIONS, "http://example.test/"),
    };
    let mut builder = Request::builder().method(method).uri(uri);
    if input.http10 {
        builder = builder.version(Version::HTTP_10);
    }
    if input.upgrade {
        builder = builder
            .header("connection", "upgrade")
            .header("upgrade", "websocket");
    }
    if input.expect_continue {
        builder = builder.header("expect", "100-continue");
    }
    builder
        .body(())
        .expect("the harness builds only valid requests")
}

fn drive(input: &ClientCallInput, wire: &mut Wire<'_>, t: &mut Transcript) -> Result<(), Error> {
    let body = match input.body {
        BodyChoice::None => RequestBody::None,
        BodyChoice::Sized(n) => RequestBody::Sized(u64::from(n)),
        BodyChoice::Chunked => RequestBody::Chunked,
    };
    let mut call = match Call::new(build_request(input), body) {
        // HTTP/1.0 has no chunked coding; refusing it is the rule, the same in every split.
        Err(Error::ChunkedNeedsHttp11) if input.http10 && body == RequestBody::Chunked => {
            return Err(Error::ChunkedNeedsHttp11);
        }
        other => other.expect("a valid request is accepted"),
    };
    if input.small_limits {
        call = call.with_limits(small_limits());
    }
    let head_len = call.head_len();
    let mut out = Vec::new();
    let next = call
        .write_head(&mut out)
        .expect("a Vec has room for any head");
    assert_eq!(out.len(), head_len, "head_len is not what write_head wrote");

    let call = match next {
        AfterHead::RecvResponse(call) => call,
        AfterHead::SendBody(call) => send_body(call, input.body, t),
        AfterHead::Await100(call) => {
            t.path.push("Await100");
            match await_100(call, wire, t, input.stop_waiting)? {
                Await100Next::SendBody(call) => send_body(call, input.body, t),
                Await100Next::RecvResponse(call) => call,
            }
        }
    };

    t.path.push("RecvResponse");
    let (head, next) = recv_response(call, wire, t)?;
    t.status = Some(head.status().as_u16());
    let call = match next {
        AfterResponse::Body(call) => recv_body(call, wire, t)?,
        AfterResponse::NoBody(call) => call,
        AfterResponse::Upgrade(call) => {
            t.path.push("Upgrade");
            call
        }
    };

    t.path.push("Cleanup");
    t.leftover = wire.buf.len() + wire.pieces.remaining();
    t.close = call.close_reason(t.leftover);
    t.keep_alive = call.keep_alive();
    t.trailers = call.trailers().cloned();
    Ok(())
}

fn await_100(
    mut call: Call<state::Await100>,
    wire: &mut Wire<'_>,
    t: &mut Transcript,
    stop_waiting: bool,
) -> Result<Await100Next, Error> {
    if stop_waiting {
        return Ok(call.proceed());
    }
    loop {
        match call.read(&wire.buf)? {
            // The server fell silent: a client's timer would fire and it would send the body.
            Await100Event::Partial if !wire.fill() => break,
            Await100Event::Partial => {}
            Await100Event::Continue { consumed } => {
                wire.consume(consumed);
                t.path.push("Continue");
                break;
            }
            Await100Event::Interim { consumed, head } => {
                wire.consume(consumed);
                t.interim.push(head.status().as_u16());
            }
            Await100Event::Final => {
                t.path.push("EarlyFinal");
                break;
            }
            other => panic!("unknown Await100Event {other:?}"),
        }
    }
    Ok(call.proceed())
}

/// Sends the body the head announced and checks its framing by decoding it back.
fn send_body(
    mut call: Call<state::SendBody>,
    body: BodyChoice,
    t: &mut Transcript,
) -> Call<state::RecvResponse> {
    t.path.push("SendBody");
    let mut out = Vec::new();
    match body {
        BodyChoice::Sized(n) => {
            let data = vec![b'x'; usize::from(n)];
            let (a, b) = data.split_at(data.len() / 2);
            call.write(a, &mut out).expect("within Content-Length");
            call.write(b, &mut out).expect("within Content-Length");
            assert_eq!(call.remaining(), Some(0));
            assert_eq!(out, data);
            call.finish(&mut out).expect("the whole body was written")
        }
        BodyChoice::Chunked => {
            for part in [&b"hello"[..], b"", b" world"] {
                call.write(part, &mut out)
                    .expect("a Vec has room for any chunk");
            }
            let mut trailers = HeaderMap::new();
            trailers.insert("x-checksum", http::HeaderValue::from_static("abc"));
            let call = call
                .finish_with_trailers(&trailers, &mut out)
                .expect("valid trailers");
            let run = decode_chunked(Pieces::new(&out, &[]), &Limits::default());
            assert_eq!(run.data, b"hello world");
            assert_eq!(run.end, Ok((out.len(), true, Some(trailers))));
            call
        }
        BodyChoice::None => unreachable!("a request without a body has no SendBody state"),
    }
}

fn recv_response(
    mut call: Call<state::RecvResponse>,
    wire: &mut Wire<'_>,
    t: &mut Transcript,
) -> Result<(ResponseHead, AfterResponse), Error> {
    loop {
        match call.read(&wire.buf)? {
            ResponseEvent::Partial if !wire.fill() => return Err(call.end_of_input(&wire.buf)),
            ResponseEvent::Partial => {}
            ResponseEvent::Interim { consumed, head } => {
                wire.consume(consumed);
                t.interim.push(head.status().as_u16());
            }
            ResponseEvent::Final { consumed } => {
                wire.consume(consumed);
                break;
            }
            other => panic!("unknown ResponseEvent {other:?}"),
        }
    }
    Ok(call.proceed()?.expect("read returned Final"))
}

fn recv_body(
    mut call: Call<state::RecvBody>,
    wire: &mut Wire<'_>,
    t: &mut Transcript,
) -> Result<Call<state::Cleanup>, Error> {
    t.path.push("RecvBody");
    while !call.is_done() {
        let step = call.read(&wire.buf)?;
        assert!(step.data.start <= step.data.end && step.data.end <= step.consumed);
        assert!(step.consumed <= wire.buf.len());
        t.body.extend_from_slice(&wire.buf[step.data]);
        wire.consume(step.consumed);
        if step.consumed == 0 && !wire.fill() {
            call.end_of_input()?;
        }
    }
    Ok(call.proceed())
}
