//! [`Body`]: what a request sends after its head. Bytes in memory, a stream of chunks, a
//! reader, or a file; with a length (sent with `Content-Length`) or without one (sent
//! chunked). Streams are read one chunk at a time, each chunk written before the next is
//! asked for, so memory stays bounded by a chunk whatever the body's size.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use tokio::io::{AsyncRead, AsyncReadExt};

/// A stream of chunks, as a body holds it.
type Chunks = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;

/// How a body is made again for a second send (a retry on a fresh connection, a redirect
/// that keeps the body).
type Reopen = Arc<dyn Fn() -> io::Result<Body> + Send + Sync>;

/// The bytes a reader or a file is read in.
const READ_PIECE: usize = 64 * 1024;

/// A request body.
///
/// - From memory (`Bytes`, `Vec<u8>`, `String`, `&'static str`, …): sent with
///   `Content-Length`, and sent again as it is when a request must be repeated.
/// - [`Body::from_stream`] and [`Body::from_reader`]: read as they are sent, chunked unless
///   [`with_length`](Self::with_length) announces the length. Such a body can be sent once:
///   it is not repeated, unless [`reopen_with`](Self::reopen_with) says how to make it again.
///   A stream that yields more or fewer bytes than announced fails the request with a typed
///   error, and the connection is closed rather than left with a corrupt request on it.
/// - [`Body::file`]: a file read from disk as it is sent, its length from its metadata; sent
///   again by opening the file anew.
///
/// ```
/// use tarry_pool::Body;
///
/// let small = Body::from("hello");
/// assert_eq!(small.length(), Some(5));
/// let read = Body::from_reader(&b"read as it is sent"[..]);
/// assert_eq!(read.length(), None); // sent chunked
/// assert!(!read.is_replayable());
/// let announced = Body::from_reader(&b"four"[..]).with_length(4);
/// assert_eq!(announced.length(), Some(4)); // sent with Content-Length
/// ```
pub struct Body {
    source: Source,
    length: Option<u64>,
    reopen: Option<Reopen>,
    /// Whether any of a one-time source has been taken: it cannot be sent again then.
    pub(crate) touched: bool,
}

enum Source {
    Bytes(Bytes),
    Stream(Chunks),
    Reader(Pin<Box<dyn AsyncRead + Send>>),
    /// A file not opened yet; opened when the body is first read.
    File(PathBuf),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes(b) => format!("{} bytes", b.len()),
            Source::Stream(_) => "a stream".to_owned(),
            Source::Reader(_) => "a reader".to_owned(),
            Source::File(path) => format!("the file {}", path.display()),
        };
        f.debug_struct("Body")
            .field("source", &source)
            .field("length", &self.length)
            .field("replayable", &self.is_replayable())
            .finish()
    }
}

impl Default for Body {
    fn default() -> Body {
        Body::from(Bytes::new())
    }
}

impl<T: Into<Bytes>> From<T> for Body {
    fn from(bytes: T) -> Body {
        let bytes = bytes.into();
        Body {
            length: Some(bytes.len() as u64),
            source: Source::Bytes(bytes),
            reopen: None,
            touched: false,
        }
    }
}

impl Body {
    /// No body.
    pub fn empty() -> Body {
        Body::default()
    }

    /// A body read from a stream of chunks as it is sent (chunked, unless
    /// [`with_length`](Self::with_length) says how long it is). An error from the stream fails
    /// the request.
    pub fn from_stream<S, E>(stream: S) -> Body
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        struct Mapped<S>(Pin<Box<S>>);
        impl<S, E> Stream for Mapped<S>
        where
            S: Stream<Item = Result<Bytes, E>>,
            E: Into<Box<dyn std::error::Error + Send + Sync>>,
        {
            type Item = io::Result<Bytes>;
            fn poll_next(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<Option<Self::Item>> {
                self.0
                    .as_mut()
                    .poll_next(cx)
                    .map(|item| item.map(|r| r.map_err(io::Error::other)))
            }
        }
        Body {
            source: Source::Stream(Box::pin(Mapped(Box::pin(stream)))),
            length: None,
            reopen: None,
            touched: false,
        }
    }

    /// A body read from `reader` as it is sent, in pieces of 64 KiB (chunked, unless
    /// [`with_length`](Self::with_length) says how long it is).
    pub fn from_reader(reader: impl AsyncRead + Send + 'static) -> Body {
        Body {
            source: Source::Reader(Box::pin(reader)),
            length: None,
            reopen: None,
            touched: false,
        }
    }

    /// The file at `path`, read as it is sent, with `Content-Length` from its size; sent again
    /// by opening the file anew.
    ///
    /// # Errors
    ///
    /// The file's metadata could not be read (it does not exist, or is not a file).
    pub fn file(path: impl Into<PathBuf>) -> io::Result<Body> {
        let path = path.into();
        let metadata = std::fs::metadata(&path)?;
        if !metadata.is_file() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a file"));
        }
        let again = path.clone();
        Ok(Body {
            source: Source::File(path),
            length: Some(metadata.len()),
            reopen: Some(Arc::new(move || Body::file(again.clone()))),
            touched: false,
        })
    }

    /// The same body, announced as `length` bytes and sent with `Content-Length`. A stream or
    /// reader that yields another number of bytes fails the request.
    pub fn with_length(mut self, length: u64) -> Body {
        self.length = Some(length);
        self
    }

    /// The same body, made again with `reopen` when the request must be sent again (a
    /// retry, or a redirect that keeps the body).
    pub fn reopen_with(
        mut self,
        reopen: impl Fn() -> io::Result<Body> + Send + Sync + 'static,
    ) -> Body {
        self.reopen = Some(Arc::new(reopen));
        self
    }

    /// The announced length, if there is one: `None` means the body is sent chunked.
    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// Whether the body can be sent again: it is in memory, or knows how to reopen itself.
    pub fn is_replayable(&self) -> bool {
        matches!(self.source, Source::Bytes(_)) || self.reopen.is_some()
    }

    /// The body again, for a second send: a copy of bytes in memory, the reopened source, or
    /// the same one-time source when none of it has been read yet. `None` when it cannot be.
    pub fn replay(&mut self) -> Option<io::Result<Body>> {
        if let Source::Bytes(bytes) = &self.source {
            return Some(Ok(Body::from(bytes.clone())));
        }
        if let Some(reopen) = &self.reopen {
            let reopen = Arc::clone(reopen);
            return Some(reopen().map(|body| Body {
                reopen: Some(reopen),
                ..body
            }));
        }
        None
    }

    /// The bytes of a body held in memory; `None` for one read as it is sent.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        self.in_memory()
    }

    /// The bytes of a body in memory, for writing with the head.
    pub(crate) fn in_memory(&self) -> Option<&Bytes> {
        match &self.source {
            Source::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Takes the one-time source out, leaving nothing to send again unless it reopens. Used
    /// when a retry may not resend it.
    pub(crate) fn can_resend(&self) -> bool {
        matches!(self.source, Source::Bytes(_)) || !self.touched
    }

    /// Reads the next piece of the body, or `None` at its end: for a body wrapped in another
    /// (a part of a multipart form). `scratch` is the buffer a reader is read into.
    pub async fn read_piece(&mut self, scratch: &mut BytesMut) -> io::Result<Option<Bytes>> {
        self.next_piece(scratch).await
    }

    /// The next piece of the body, or `None` at its end.
    pub(crate) async fn next_piece(&mut self, scratch: &mut BytesMut) -> io::Result<Option<Bytes>> {
        self.touched = true;
        loop {
            match &mut self.source {
                Source::Bytes(bytes) => {
                    return Ok((!bytes.is_empty()).then(|| std::mem::take(bytes)));
                }
                Source::Stream(stream) => {
                    return std::future::poll_fn(|cx| stream.as_mut().poll_next(cx))
                        .await
                        .transpose();
                }
                Source::Reader(reader) => {
                    scratch.clear();
                    scratch.reserve(READ_PIECE);
                    let n = reader.read_buf(scratch).await?;
                    return Ok((n > 0).then(|| scratch.split().freeze()));
                }
                Source::File(path) => {
                    let file = tokio::fs::File::open(&*path).await?;
                    self.source = Source::Reader(Box::pin(file));
                }
            }
        }
    }
}
