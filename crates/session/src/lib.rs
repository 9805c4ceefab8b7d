//! # tarry-session
//!
//! The Python requests **Session** in Rust: settings that persist across requests, cookies
//! that persist in a jar, and connections that stay alive and are reused.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod auth;
mod charset;
mod decode;
mod defaults;
mod error;
mod merge;
mod redirect;
mod request;
mod response;
mod send;
mod session;

pub use auth::Auth;
pub use defaults::{Defaults, Hook, Redirects, Timeouts};
pub use error::Error;
pub use request::RequestBuilder;
pub use response::Response;
pub use session::{Session, SessionBuilder};

pub use tarry_jar::Jar;
#[cfg(feature = "tls")]
pub use tarry_pool::{TlsSettings, TlsVersion};
