//! What can stop a benchmark, each said in one line.

use std::fmt;

/// Why `tarry bench` stopped.
#[derive(Debug)]
pub(crate) enum Error {
    /// An option or the URL cannot be used.
    Usage(String),
    /// The embedded server could not start.
    Server(String),
    /// Every request of a mode failed: nothing was measured. The first failure, in full.
    Request { mode: String, first: String },
    /// Writing the plot failed.
    Plot(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(why) => f.write_str(why),
            Error::Server(why) => write!(f, "embedded server: {why}"),
            Error::Request { mode, first } => write!(f, "{mode}: {first}"),
            Error::Plot(why) => write!(f, "plot: {why}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<tarry_cli::server::Error> for Error {
    fn from(e: tarry_cli::server::Error) -> Error {
        Error::Server(e.to_string())
    }
}
