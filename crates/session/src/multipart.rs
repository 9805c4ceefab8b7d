//! `multipart/form-data` (RFC 7578): requests' `files=` with `data=`. Text fields and file
//! parts from bytes, from a file on disk (read as it is sent) or from a stream, each with a
//! file name and a content type (guessed from the file name's extension when not given).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

use crate::Body;

/// A `multipart/form-data` body, for [`RequestBuilder::multipart`](crate::RequestBuilder::multipart).
///
/// ```
/// use tarry_session::multipart::{Form, Part};
///
/// let form = Form::new()
///     .text("title", "holiday")
///     .part("photo", Part::bytes(&b"\x89PNG..."[..]).file_name("beach.png"));
/// assert!(form.content_type().starts_with("multipart/form-data; boundary="));
/// ```
///
/// Names and file names are written as browsers write them: `"` as `%22`, CR as `%0D` and LF
/// as `%0A`, other text (UTF-8 included) as it is, so no name can end its header line or its
/// quoted string. The boundary is 32 random hexadecimal digits, checked against every part
/// held in memory; a part read from a file or a stream cannot be checked before it is sent,
/// and meets the boundary by chance with a probability of 2⁻¹²⁸.
///
/// The body has a `Content-Length` when every part's length is known (text, bytes, files),
/// and is sent chunked otherwise. It can be sent again (after a 307 or 308, or on a fresh
/// connection) when no part is a stream.
#[derive(Debug)]
pub struct Form {
    parts: Vec<(String, Part)>,
    boundary: String,
}

/// One part of a [`Form`].
#[derive(Debug)]
pub struct Part {
    data: Data,
    file_name: Option<String>,
    content_type: Option<String>,
}

enum Data {
    Bytes(Bytes),
    File(PathBuf, u64),
    Stream(Option<Body>),
}

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Data::Bytes(b) => write!(f, "{} bytes", b.len()),
            Data::File(path, len) => write!(f, "{} ({len} bytes)", path.display()),
            Data::Stream(_) => f.write_str("a stream"),
        }
    }
}

impl Part {
    /// A part holding these bytes (no file name, no content type unless given).
    pub fn bytes(data: impl Into<Bytes>) -> Part {
        Part {
            data: Data::Bytes(data.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// A text part.
    pub fn text(value: impl Into<String>) -> Part {
        Part::bytes(value.into())
    }

    /// A part read from the file at `path` as it is sent, named after the file, its content
    /// type guessed from its extension.
    ///
    /// # Errors
    ///
    /// The file's metadata could not be read.
    pub fn file(path: impl AsRef<Path>) -> io::Result<Part> {
        let path = path.as_ref();
        let metadata = std::fs::metadata(path)?;
        if !metadata.is_file() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a file"));
        }
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        Ok(Part {
            data: Data::File(path.to_owned(), metadata.len()),
            file_name,
            content_type: None,
        })
    }

    /// A part read from a [`Body`] (a stream, a reader) as it is sent. Its length is the
    /// body's, if it has one; without one the form is sent chunked.
    pub fn stream(body: Body) -> Part {
        Part {
            data: Data::Stream(Some(body)),
            file_name: None,
            content_type: None,
        }
    }

    /// The part's file name (`filename=` in its header).
    pub fn file_name(mut self, name: impl Into<String>) -> Part {
        self.file_name = Some(name.into());
        self
    }

    /// The part's content type, instead of one guessed from its file name.
    pub fn mime(mut self, content_type: impl Into<String>) -> Part {
        self.content_type = Some(content_type.into());
        self
    }

    fn length(&self) -> Option<u64> {
        match &self.data {
            Data::Bytes(b) => Some(b.len() as u64),
            Data::File(_, len) => Some(*len),
            Data::Stream(body) => body.as_ref().and_then(Body::length),
        }
    }

    /// The content type written: the one given, else one guessed from the file name for a
    /// file part.
    fn content_type(&self) -> Option<String> {
        if let Some(given) = &self.content_type {
            return Some(given.clone());
        }
        let name = self.file_name.as_ref()?;
        Some(
            mime_guess::from_path(name)
                .first_raw()
                .unwrap_or("application/octet-stream")
                .to_owned(),
        )
    }
}

impl Default for Form {
    fn default() -> Form {
        Form::new()
    }
}

impl Form {
    /// An empty form with a fresh random boundary.
    pub fn new() -> Form {
        Form {
            parts: Vec::new(),
            boundary: random_boundary(),
        }
    }

    /// Adds a text field (requests' `data=`).
    pub fn text(self, name: impl Into<String>, value: impl Into<String>) -> Form {
        self.part(name, Part::text(value))
    }

    /// Adds a part (requests' `files=`).
    pub fn part(mut self, name: impl Into<String>, part: Part) -> Form {
        self.parts.push((name.into(), part));
        self
    }

    /// Adds the file at `path` as a part named `name` (see [`Part::file`]).
    ///
    /// # Errors
    ///
    /// The file's metadata could not be read.
    pub fn file(self, name: impl Into<String>, path: impl AsRef<Path>) -> io::Result<Form> {
        Ok(self.part(name, Part::file(path)?))
    }

    /// The `Content-Type` of the form, boundary included (the boundary may still change if a
    /// part added later holds it).
    pub fn content_type(&self) -> String {
        self_content_type(&self.boundary)
    }

    /// The form's `Content-Type` and the form as a body: with a length when every part has
    /// one, and able to be sent again when no part is a stream. The boundary is settled here
    /// (replaced if a part in memory holds it), so the two always agree.
    pub(crate) fn into_body(mut self) -> (String, Body) {
        // A boundary found inside a part held in memory is replaced, until none is.
        while self.parts.iter().any(|(_, p)| match &p.data {
            Data::Bytes(b) => contains(b, self.boundary.as_bytes()),
            _ => false,
        }) {
            self.boundary = random_boundary();
        }
        let boundary = self.boundary.clone();
        let heads: Vec<Bytes> = self
            .parts
            .iter()
            .map(|(name, part)| part_head(&boundary, name, part))
            .collect();
        let tail = Bytes::from(format!("--{boundary}--\r\n"));
        let length = self
            .parts
            .iter()
            .zip(&heads)
            .try_fold(tail.len() as u64, |sum, ((_, part), head)| {
                Some(sum + head.len() as u64 + part.length()? + 2)
            });
        let replayable = self
            .parts
            .iter()
            .all(|(_, p)| !matches!(p.data, Data::Stream(_)));
        let pieces: Vec<Piece> = self
            .parts
            .into_iter()
            .zip(heads)
            .flat_map(|((_, part), head)| {
                let data = match part.data {
                    Data::Bytes(b) => Piece::Bytes(b),
                    Data::File(path, _) => Piece::File(path),
                    Data::Stream(body) => Piece::Stream(body.unwrap_or_default()),
                };
                [
                    Piece::Bytes(head),
                    data,
                    Piece::Bytes(Bytes::from_static(b"\r\n")),
                ]
            })
            .chain([Piece::Bytes(tail)])
            .collect();
        // What a second send is made from: bytes and file paths only (a form with a stream
        // does not replay).
        let again: Option<Vec<Stored>> =
            replayable.then(|| pieces.iter().filter_map(Piece::stored).collect());
        let content_type = self_content_type(&boundary);
        let body = Body::from_stream(FormStream::new(pieces));
        let body = match length {
            Some(length) => body.with_length(length),
            None => body,
        };
        let body = match again {
            Some(stored) => body.reopen_with(move || {
                let pieces = stored.iter().map(Stored::piece).collect();
                let body = Body::from_stream(FormStream::new(pieces));
                Ok(match length {
                    Some(length) => body.with_length(length),
                    None => body,
                })
            }),
            None => body,
        };
        (content_type, body)
    }
}

fn self_content_type(boundary: &str) -> String {
    format!("multipart/form-data; boundary={boundary}")
}

/// `--boundary`, the part's `Content-Disposition` and `Content-Type`, and the blank line.
fn part_head(boundary: &str, name: &str, part: &Part) -> Bytes {
    let mut head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"",
        escape(name)
    );
    if let Some(file_name) = &part.file_name {
        head.push_str(&format!("; filename=\"{}\"", escape(file_name)));
    }
    head.push_str("\r\n");
    if let Some(content_type) = part.content_type() {
        // A content type is the caller's own text: it may not end its line either.
        let content_type: String = content_type.chars().filter(|c| !c.is_control()).collect();
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    head.push_str("\r\n");
    Bytes::from(head)
}

/// A name or file name as browsers write it inside its quotes (the HTML standard's
/// `multipart/form-data` encoding): `"`, CR and LF percent-encoded, everything else as is.
pub(crate) fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '"' => out.push_str("%22"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            other => out.push(other),
        }
    }
    out
}

/// 32 random hexadecimal digits, from the standard library's per-process random keys mixed
/// with the time and a counter (so that two forms of one process differ too).
fn random_boundary() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let a = RandomState::new().hash_one((n, now));
    let b = RandomState::new().hash_one((now, n, a));
    format!("{a:016x}{b:016x}")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// One piece of the encoded form.
enum Piece {
    Bytes(Bytes),
    File(PathBuf),
    Stream(Body),
}

/// A piece kept to send the form again.
enum Stored {
    Bytes(Bytes),
    File(PathBuf),
}

impl Piece {
    /// What sending this piece again takes; `None` for a stream, which cannot be.
    fn stored(&self) -> Option<Stored> {
        match self {
            Piece::Bytes(b) => Some(Stored::Bytes(b.clone())),
            Piece::File(path) => Some(Stored::File(path.clone())),
            Piece::Stream(_) => None,
        }
    }
}

impl Stored {
    fn piece(&self) -> Piece {
        match self {
            Stored::Bytes(b) => Piece::Bytes(b.clone()),
            Stored::File(path) => Piece::File(path.clone()),
        }
    }
}

/// A read of the next piece of a part not in memory, with the part and buffer it owns.
type Reading = Pin<Box<dyn Future<Output = (Body, BytesMut, io::Result<Option<Bytes>>)> + Send>>;

/// The form's pieces in order, each read as it is sent.
struct FormStream {
    pieces: std::vec::IntoIter<Piece>,
    /// The piece being read from a source that is not in memory.
    current: Option<Body>,
    scratch: BytesMut,
    reading: Option<Reading>,
}

impl FormStream {
    fn new(pieces: Vec<Piece>) -> FormStream {
        FormStream {
            pieces: pieces.into_iter(),
            current: None,
            scratch: BytesMut::new(),
            reading: None,
        }
    }
}

impl Stream for FormStream {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(reading) = &mut self.reading {
                let (body, scratch, read) = match reading.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(done) => done,
                };
                self.reading = None;
                self.scratch = scratch;
                match read {
                    Ok(Some(piece)) => {
                        self.current = Some(body);
                        return Poll::Ready(Some(Ok(piece)));
                    }
                    Ok(None) => continue,
                    Err(e) => return Poll::Ready(Some(Err(e))),
                }
            }
            if let Some(mut body) = self.current.take() {
                let mut scratch = std::mem::take(&mut self.scratch);
                self.reading = Some(Box::pin(async move {
                    let read = body.read_piece(&mut scratch).await;
                    (body, scratch, read)
                }));
                continue;
            }
            match self.pieces.next() {
                None => return Poll::Ready(None),
                Some(Piece::Bytes(b)) if b.is_empty() => continue,
                Some(Piece::Bytes(b)) => return Poll::Ready(Some(Ok(b))),
                Some(Piece::File(path)) => match Body::file(path) {
                    Ok(body) => self.current = Some(body),
                    Err(e) => return Poll::Ready(Some(Err(e))),
                },
                Some(Piece::Stream(body)) => self.current = Some(body),
            }
        }
    }
}

#[cfg(test)]
mod tests;
