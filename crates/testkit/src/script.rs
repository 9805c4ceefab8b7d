//! What a server does on one connection: a list of [`Step`]s, run once or over and over.

use std::time::Duration;

use bytes::Bytes;

/// One thing the server does on a connection, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Read one whole request (head, then a Content-Length or chunked body) and record its
    /// bytes. A peer that closes before the first byte ends the script quietly; one that
    /// closes part-way or sends what cannot be framed ends it too, with nothing recorded.
    ExpectRequest,
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
}

impl From<Vec<Step>> for Script {
    fn from(steps: Vec<Step>) -> Script {
        Script::new(steps)
    }
}
