//! A response of a blocking session: the async response's head, and a body read by waiting.

use std::io::{self, Read};
use std::ops::Deref;

use bytes::{Buf, Bytes};

use super::{Shared, enter, refused};
use crate::Error;

/// A response of a blocking [`Session`](super::Session). Its head (status, headers, URL,
/// history, timings) is the async [`Response`](crate::Response)'s, through `Deref`; the body
/// is read with [`text`](Self::text), [`bytes`](Self::bytes), [`json`](Self::json),
/// [`chunk`](Self::chunk), or as a [`Read`].
#[derive(Debug)]
pub struct Response {
    inner: crate::Response,
    runtime: Shared,
    /// What a `read` took from the body and the caller's buffer could not hold.
    unread: Bytes,
}

impl Response {
    pub(super) fn new(inner: crate::Response, runtime: Shared) -> Response {
        Response {
            inner,
            runtime,
            unread: Bytes::new(),
        }
    }

    /// The async response, for what only it offers (its history, say, by value).
    pub fn into_async(self) -> crate::Response {
        self.inner
    }

    /// The next piece of the decoded body, or `None` at its end.
    ///
    /// # Errors
    ///
    /// As the async [`chunk`](crate::Response::chunk).
    pub fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        if !self.unread.is_empty() {
            return Ok(Some(std::mem::take(&mut self.unread)));
        }
        // The URL is copied into the error only when the call is refused.
        let runtime = enter(&self.runtime).map_err(|r| refused(Some(self.inner.url()), r))?;
        tarry_pool::block_on(runtime, self.inner.chunk())
    }

    /// The whole decoded body, at most the session's `max_body_size` bytes.
    ///
    /// # Errors
    ///
    /// As the async [`bytes`](crate::Response::bytes).
    pub fn bytes(self) -> Result<Bytes, Error> {
        let Response {
            inner,
            runtime,
            unread,
        } = self;
        let rest = tarry_pool::block_on(
            enter(&runtime).map_err(|r| refused(Some(inner.url()), r))?,
            inner.bytes(),
        )?;
        if unread.is_empty() {
            return Ok(rest);
        }
        let mut whole = Vec::with_capacity(unread.len() + rest.len());
        whole.extend_from_slice(&unread);
        whole.extend_from_slice(&rest);
        Ok(whole.into())
    }

    /// The body as text, in the charset of [`encoding`](crate::Response::encoding).
    ///
    /// # Errors
    ///
    /// As [`bytes`](Self::bytes).
    pub fn text(self) -> Result<String, Error> {
        let content_type = self.inner.header("content-type");
        let body = self.bytes()?;
        Ok(crate::charset::decode(&body, content_type.as_deref()))
    }

    /// The body parsed as JSON into `T`.
    ///
    /// # Errors
    ///
    /// As [`bytes`](Self::bytes), and [`DecodeError::Json`](crate::DecodeError::Json).
    #[cfg(feature = "json")]
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        let url = self.inner.url().clone();
        let body = self.bytes()?;
        serde_json::from_slice(&body).map_err(|e| Error::Decode {
            url,
            reason: crate::DecodeError::Json(e),
        })
    }

    /// This response, or [`Error::Status`] for a 4xx or 5xx.
    ///
    /// # Errors
    ///
    /// [`Error::Status`] for a 4xx or 5xx.
    pub fn error_for_status(self) -> Result<Response, Error> {
        let Response {
            inner,
            runtime,
            unread,
        } = self;
        let inner = inner.error_for_status()?;
        Ok(Response {
            inner,
            runtime,
            unread,
        })
    }
}

impl Deref for Response {
    type Target = crate::Response;

    fn deref(&self) -> &crate::Response {
        &self.inner
    }
}

/// The decoded body. An [`Error`] becomes an `io::Error` of the kind closest to it, with the
/// `Error` itself inside ([`io::Error::into_inner`]).
impl Read for Response {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.unread.is_empty() {
            match self.chunk() {
                Ok(Some(piece)) => self.unread = piece,
                Ok(None) => return Ok(0),
                Err(e) => {
                    let kind = e.io_error_kind().unwrap_or(if e.is_timeout() {
                        io::ErrorKind::TimedOut
                    } else {
                        io::ErrorKind::Other
                    });
                    return Err(io::Error::new(kind, e));
                }
            }
        }
        let n = buf.len().min(self.unread.len());
        buf[..n].copy_from_slice(&self.unread[..n]);
        self.unread.advance(n);
        Ok(n)
    }
}
