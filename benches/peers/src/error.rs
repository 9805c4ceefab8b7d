//! One error type for the whole run: a benchmark either measures every cell or says, in one line,
//! which cell failed and why.

use std::fmt;

/// Why a cell could not be measured. Any library error converts into it, so `?` works on every
/// peer's own error type; the peer's message is all a reader of the run needs.
#[derive(Debug)]
pub(crate) struct Error(String);

impl Error {
    pub(crate) fn new(why: impl Into<String>) -> Error {
        Error(why.into())
    }
}

// No `std::error::Error` for `Error` itself: that is what lets this blanket conversion exist.
impl<E: std::error::Error> From<E> for Error {
    fn from(e: E) -> Error {
        Error(e.to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
