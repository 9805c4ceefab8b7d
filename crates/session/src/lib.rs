//! # tarry-session
//!
//! The Python requests **Session** in Rust: settings that persist across requests, cookies
//! that persist in a jar, and connections that stay alive and are reused. Built on
//! `tarry-pool` (connections), `tarry-jar` (RFC 6265 cookies) and `tarry-wire` (HTTP/1.1).
//!
//! Every example below runs against a small local server standing in for httpbin.
//!
//! ## Cookies persist across requests
//!
//! The first example of requests' "Session Objects" page:
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! let s = tarry_session::Session::new();
//!
//! s.get(&format!("{httpbin}/cookies/set/sessioncookie/123456789")).send().await?;
//! let r = s.get(&format!("{httpbin}/cookies")).send().await?;
//!
//! assert_eq!(r.text().await?, r#"{"cookies":{"sessioncookie":"123456789"}}"#);
//! # Ok(())
//! # }
//! ```
//!
//! ## Defaults, merged with each request
//!
//! [`Session::configure`] changes the defaults ([`Defaults`]) of a session and of all its
//! clones. A request's own values win over them for that request only, and are not kept.
//! [`RequestBuilder::remove_header`], [`remove_query`](RequestBuilder::remove_query) and
//! [`no_auth`](RequestBuilder::no_auth) drop a session value for one request: Rust's
//! spelling of requests' "set it to None".
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! use tarry_session::{Auth, Session};
//!
//! let s = Session::new();
//! s.configure(|d| {
//!     d.auth = Some(Auth::basic("user", "pass"));
//!     d.headers.insert("x-test", "true".parse().unwrap());
//! });
//!
//! // both 'x-test' and 'x-test2' are sent
//! let r = s.get(&format!("{httpbin}/headers")).header("x-test2", "true").send().await?;
//! let seen: serde_json::Value = r.json().await?;
//! assert_eq!(seen["headers"]["x-test"], "true");
//! assert_eq!(seen["headers"]["x-test2"], "true");
//! assert_eq!(seen["headers"]["authorization"], "Basic dXNlcjpwYXNz");
//!
//! // one request without the session's header and credentials
//! let r = s
//!     .get(&format!("{httpbin}/headers"))
//!     .remove_header("X-Test")
//!     .no_auth()
//!     .send()
//!     .await?;
//! let seen: serde_json::Value = r.json().await?;
//! assert!(seen["headers"].get("x-test").is_none());
//! assert!(seen["headers"].get("authorization").is_none());
//! # Ok(())
//! # }
//! ```
//!
//! ## Request values are not persisted
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! let s = tarry_session::Session::new();
//!
//! let r = s.get(&format!("{httpbin}/cookies")).cookie("from-my", "browser").send().await?;
//! assert_eq!(r.text().await?, r#"{"cookies":{"from-my":"browser"}}"#);
//!
//! let r = s.get(&format!("{httpbin}/cookies")).send().await?;
//! assert_eq!(r.text().await?, r#"{"cookies":{}}"#);
//! # Ok(())
//! # }
//! ```
//!
//! ## The jar
//!
//! [`Session::jar`] is the session's [`Jar`]: cookies from every response (redirects
//! included) land there, scoped by RFC 6265 rules; add, read, remove or save them.
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! use std::time::SystemTime;
//!
//! let s = tarry_session::Session::new();
//! let url = url::Url::parse(&httpbin).unwrap();
//! s.jar().insert(&url, "theme=dark; Path=/", SystemTime::now()).unwrap();
//!
//! let r = s.get(&format!("{httpbin}/cookies")).send().await?;
//! assert_eq!(r.text().await?, r#"{"cookies":{"theme":"dark"}}"#);
//! assert_eq!(s.jar().len(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! ## Redirects
//!
//! 301, 302, 303, 307 and 308 are followed (30 at most by default, see [`Redirects`]); the
//! responses on the way are in [`Response::history`]. Credentials and the caller's `Cookie`
//! header never follow a redirect to another origin. [`resolve_location`] says where a
//! `Location` leads by the same rules, for a caller that follows redirects itself.
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! let s = tarry_session::Session::new();
//!
//! let r = s.get(&format!("{httpbin}/redirect/3")).send().await?;
//! assert_eq!(r.status(), 200);
//! assert_eq!(r.url().path(), "/get");
//! assert_eq!(r.history().len(), 3);
//! assert_eq!(s.pool().stats().opened, 1, "every hop on one kept-alive connection");
//!
//! let err = s.get(&format!("{httpbin}/redirect/3")).redirects(2).send().await.unwrap_err();
//! assert!(matches!(err, tarry_session::Error::TooManyRedirects { .. }));
//!
//! let r = s.get(&format!("{httpbin}/redirect/3")).redirects(0).send().await?;
//! assert_eq!(r.status(), 302);
//! # Ok(())
//! # }
//! ```
//!
//! ## Bodies, errors and timeouts
//!
//! Bodies come decoded (gzip, deflate, and br with the `brotli` feature) through
//! [`Response::bytes`], [`text`](Response::text) (charset from `Content-Type`),
//! [`json`](Response::json), or piece by piece from [`chunk`](Response::chunk). Every failure
//! is an [`Error`] naming the URL; timeouts say which phase ran out.
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! use std::time::Duration;
//! use tarry_session::{Error, Session};
//!
//! let s = Session::builder()
//!     .connect_timeout(Duration::from_secs(5))
//!     .read_timeout(Duration::from_secs(10))
//!     .build()?;
//!
//! let mut r = s.get(&format!("{httpbin}/anything")).send().await?;
//! let mut body = Vec::new();
//! while let Some(piece) = r.chunk().await? {
//!     body.extend_from_slice(&piece);
//! }
//! assert_eq!(body, br#"{"url":"/anything"}"#);
//!
//! let r = s.get(&format!("{httpbin}/status/404")).send().await?;
//! let err = r.error_for_status().unwrap_err();
//! assert!(matches!(err, Error::Status { .. }));
//! assert!(err.to_string().starts_with("404 Client Error: Not Found for url: http://"));
//! # Ok(())
//! # }
//! ```
//!
//! ## Closing
//!
//! Dropping the last clone of a session closes its idle connections; [`Session::close`] does
//! it at once and refuses later requests.
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! # let httpbin = doc_server().await;
//! let s = tarry_session::Session::new();
//! s.close().await;
//! let err = s.get(&httpbin).send().await.unwrap_err();
//! assert!(matches!(err, tarry_session::Error::Closed));
//! # }
//! ```
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
mod url_cache;

pub use auth::Auth;
pub use defaults::{Defaults, Hook, Redirects, Timeouts};
pub use error::Error;
pub use redirect::resolve_location;
pub use request::RequestBuilder;
pub use response::Response;
pub use session::{Session, SessionBuilder};
pub use tarry_pool::Limits;

pub use tarry_jar::Jar;
#[cfg(feature = "tls")]
pub use tarry_pool::{TlsSettings, TlsVersion};
