//! What a server does on one connection: a list of [`Step`]s, run once or over and over.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::watch;

/// One thing the server does on a connection, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Read one whole request (head, then a Content-Length or chunked body) and record its
    /// bytes. A peer that closes before the first byte ends the script quietly; one that
    /// closes part-way or sends what cannot be framed ends it too, with nothing recorded.
    ExpectRequest,
    /// [`ExpectRequest`](Step::ExpectRequest), but close the connection if no whole request
    /// has arrived within this long: a server's keep-alive timeout, when it comes first.
    ExpectRequestWithin(Duration),
    /// Read one whole request as [`ExpectRequest`](Step::ExpectRequest) does, record it, and
    /// write what the [`Answer`] makes of its bytes: for a server whose response depends on
    /// the request (its path, a header).
    Answer(Answer),
    /// Read once, whatever the client sends (at least one byte), without framing or
    /// recording it: for a server that reacts to bytes that are no HTTP request, such as a
    /// TLS ClientHello arriving on a plain port. A peer that closes first ends the script.
    ReadAny,
    /// Do nothing until the test opens this [`Gate`] (at once if it is open already).
    Wait(Gate),
    /// Write these bytes at once.
    Write(Bytes),
    /// Write `bytes` in pieces of `chunk` bytes with `pause` after each piece but the last,
    /// so a client sees a head or body arrive over time.
    WriteSlowly {
        /// Everything to write.
        bytes: Bytes,
        /// Bytes per piece (0 is taken as 1).
        chunk: usize,
        /// The pause between pieces.
        pause: Duration,
    },
    /// Do nothing for this long.
    Sleep(Duration),
    /// Send TLS's `close_notify` and go on, the TCP connection left open: the FIN comes
    /// only with a later step (nothing on plain TCP).
    CloseNotify,
    /// Shut down the writing half (TLS: after `close_notify`, unless the server skips it) and
    /// go on: the client reads EOF but may still send.
    HalfClose,
    /// Close the connection (TLS: after `close_notify`, unless the server skips it) and end
    /// the script.
    Close,
    /// Close with `SO_LINGER` 0, so the client gets a RST instead of a FIN, and end the
    /// script.
    Reset,
    /// Keep the connection open, doing nothing, until the server is dropped.
    HoldOpen,
}

impl Step {
    /// [`Step::Answer`] with this function of the raw request.
    pub fn answer(answer: impl Fn(&[u8]) -> Bytes + Send + Sync + 'static) -> Step {
        Step::Answer(Answer::new(answer))
    }

    /// [`Step::Write`] from anything that makes [`Bytes`] (a `&'static [u8]`, a `String`...).
    pub fn write(bytes: impl Into<Bytes>) -> Step {
        Step::Write(bytes.into())
    }

    /// [`Step::WriteSlowly`] with these pieces.
    pub fn write_slowly(bytes: impl Into<Bytes>, chunk: usize, pause: Duration) -> Step {
        Step::WriteSlowly {
            bytes: bytes.into(),
            chunk,
            pause,
        }
    }
}

/// The steps one connection runs. When they run out the connection is closed as by
/// [`Step::Close`]; a looped script starts over instead, until a read finds the peer gone or
/// a step ends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    pub(crate) steps: Vec<Step>,
    pub(crate) looped: bool,
}

impl Script {
    /// These steps, once.
    pub fn new(steps: impl Into<Vec<Step>>) -> Script {
        Script {
            steps: steps.into(),
            looped: false,
        }
    }

    /// These steps, over and over: `[ExpectRequest, Write(response)]` looped is a keep-alive
    /// server.
    pub fn looped(steps: impl Into<Vec<Step>>) -> Script {
        Script {
            steps: steps.into(),
            looped: true,
        }
    }

    /// A keep-alive server that answers every request with `response`.
    pub fn answer_all(response: impl Into<Bytes>) -> Script {
        Script::looped([Step::ExpectRequest, Step::Write(response.into())])
    }

    /// A keep-alive server that answers every request with what `answer` makes of its raw
    /// bytes (see [`Step::Answer`]).
    pub fn answer_with(answer: impl Fn(&[u8]) -> Bytes + Send + Sync + 'static) -> Script {
        Script::looped([Step::answer(answer)])
    }
}

/// A response made from the request it answers, for [`Step::Answer`]: a function of the raw
/// request (head and body, as recorded) to the bytes to write. Cheap to clone; two are equal
/// when they are clones of one another.
///
/// ```
/// use bytes::Bytes;
/// use tarry_testkit::{Answer, Script, Step};
///
/// // `/missing` gets a 404, everything else a 200 naming the path.
/// let by_path = Answer::new(|request: &[u8]| {
///     let head = String::from_utf8_lossy(request);
///     let path = head.split(' ').nth(1).unwrap_or("/").to_owned();
///     let response = if path == "/missing" {
///         "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_owned()
///     } else {
///         format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{path}", path.len())
///     };
///     Bytes::from(response)
/// });
/// let ok = by_path.respond(b"GET /x HTTP/1.1\r\n\r\n");
/// assert_eq!(ok, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n/x");
/// let keep_alive = Script::looped([Step::Answer(by_path)]);
/// # let _ = keep_alive;
/// ```
#[derive(Clone)]
pub struct Answer(Arc<Respond>);

/// What an [`Answer`] calls.
type Respond = dyn Fn(&[u8]) -> Bytes + Send + Sync;

impl Answer {
    /// An answer made by `answer`.
    pub fn new(answer: impl Fn(&[u8]) -> Bytes + Send + Sync + 'static) -> Answer {
        Answer(Arc::new(answer))
    }

    /// The response to `request`.
    pub fn respond(&self, request: &[u8]) -> Bytes {
        (self.0)(request)
    }
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Answer(..)")
    }
}

impl PartialEq for Answer {
    fn eq(&self, other: &Answer) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Answer {}

/// A latch the test opens to let scripts go past a [`Step::Wait`]: for a server that must
/// hold its answer (or its close) until the client side has done something, which the test
/// sees and the script cannot. Once open it stays open. Cheap to clone; clones are one gate.
///
/// ```
/// use tarry_testkit::{Gate, Script, Step};
///
/// let answer_now = Gate::new();
/// // Read a request, then answer only once the test says so.
/// let script = Script::new([
///     Step::ExpectRequest,
///     Step::Wait(answer_now.clone()),
///     Step::write("HTTP/1.1 204 No Content\r\n\r\n"),
/// ]);
/// assert!(!answer_now.is_open());
/// answer_now.open();
/// assert!(answer_now.is_open());
/// # let _ = script;
/// ```
#[derive(Clone)]
pub struct Gate(Arc<watch::Sender<bool>>);

impl Gate {
    /// A closed gate.
    pub fn new() -> Gate {
        Gate(Arc::new(watch::Sender::new(false)))
    }

    /// Opens the gate: every script waiting at it goes on, and later ones do not stop.
    pub fn open(&self) {
        self.0.send_replace(true);
    }

    /// Whether the gate is open.
    pub fn is_open(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once the gate is open.
    pub(crate) async fn opened(&self) {
        let mut open = self.0.subscribe();
        // The sender lives in `self`, so the channel cannot close while this waits.
        let _ = open.wait_for(|open| *open).await;
    }
}

impl Default for Gate {
    fn default() -> Gate {
        Gate::new()
    }
}

impl fmt::Debug for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Gate").field(&self.is_open()).finish()
    }
}

impl PartialEq for Gate {
    fn eq(&self, other: &Gate) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Gate {}

impl From<Vec<Step>> for Script {
    fn from(steps: Vec<Step>) -> Script {
        Script::new(steps)
    }
}
