//! # tarry-session
//!
//! The Python requests **Session** in Rust: settings that persist across requests, cookies
//! that persist in a jar, and connections that stay alive and are reused. Built on
//! `tarry-pool` (connections), `tarry-jar` (RFC 6265 cookies) and `tarry-wire` (HTTP/1.1);
//! everything their types bring into this API is re-exported here, as are the [`http`] and
//! [`url`] crates, so one dependency line is enough:
//!
//! ```toml
//! [dependencies]
//! tarry-session = "0.1"
//! ```
//!
//! Every example below runs against a small local server standing in for httpbin; `httpbin`
//! is its base URL.
//!
//! ## requests' "Session Objects" page, side by side
//!
//! **Cookies persist across requests.**
//!
//! ```python
//! s = requests.Session()
//! s.get('http://httpbin.org/cookies/set/sessioncookie/123456789')
//! r = s.get('http://httpbin.org/cookies')
//! print(r.text)  # '{"cookies": {"sessioncookie": "123456789"}}'
//! ```
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! let s = tarry_session::Session::new();
//! s.get(format!("{httpbin}/cookies/set/sessioncookie/123456789")).send().await?;
//! let r = s.get(format!("{httpbin}/cookies")).send().await?;
//! assert_eq!(r.text().await?, r#"{"cookies":{"sessioncookie":"123456789"}}"#);
//! # Ok(())
//! # }
//! ```
//!
//! **Defaults, merged with each request.** The setters ([`Session::set_auth`],
//! [`Session::set_header`], …) change the defaults ([`Defaults`]) of a session and of all its
//! clones; [`Session::configure`] changes several at once.
//!
//! ```python
//! s = requests.Session()
//! s.auth = ('user', 'pass')
//! s.headers.update({'x-test': 'true'})
//! # both 'x-test' and 'x-test2' are sent
//! s.get('http://httpbin.org/headers', headers={'x-test2': 'true'})
//! ```
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! use tarry_session::{Auth, Session};
//!
//! let s = Session::new();
//! s.set_auth(Auth::basic("user", "pass"));
//! s.set_header("x-test", "true")?;
//! // both 'x-test' and 'x-test2' are sent
//! let r = s.get(format!("{httpbin}/headers")).header("x-test2", "true").send().await?;
//! # let seen: serde_json::Value = r.json().await?;
//! # assert_eq!(seen["headers"]["x-test"], "true");
//! # assert_eq!(seen["headers"]["x-test2"], "true");
//! # assert_eq!(seen["headers"]["authorization"], "Basic dXNlcjpwYXNz");
//! # Ok(())
//! # }
//! ```
//!
//! **Request values are not persisted.**
//!
//! ```python
//! s = requests.Session()
//! r = s.get('http://httpbin.org/cookies', cookies={'from-my': 'browser'})
//! print(r.text)  # '{"cookies": {"from-my": "browser"}}'
//! r = s.get('http://httpbin.org/cookies')
//! print(r.text)  # '{"cookies": {}}'
//! ```
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! let s = tarry_session::Session::new();
//! let r = s.get(format!("{httpbin}/cookies")).cookie("from-my", "browser").send().await?;
//! assert_eq!(r.text().await?, r#"{"cookies":{"from-my":"browser"}}"#);
//! let r = s.get(format!("{httpbin}/cookies")).send().await?;
//! assert_eq!(r.text().await?, r#"{"cookies":{}}"#);
//! # Ok(())
//! # }
//! ```
//!
//! **A session as a context manager.** Dropping the last clone of a session closes its idle
//! connections, as leaving the `with` block does; [`Session::close`] does it at once and
//! refuses later requests.
//!
//! ```python
//! with requests.Session() as s:
//!     s.get('http://httpbin.org/cookies/set/sessioncookie/123456789')
//! ```
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! {
//!     let s = tarry_session::Session::new();
//!     s.get(format!("{httpbin}/cookies/set/sessioncookie/123456789")).send().await?;
//! }
//! # Ok(())
//! # }
//! ```
//!
//! **Removing a value from a dict parameter.** requests sets the key to `None`; tarry says
//! [`remove_header`](RequestBuilder::remove_header),
//! [`remove_query`](RequestBuilder::remove_query) or [`no_auth`](RequestBuilder::no_auth),
//! which remove the value whatever set it.
//!
//! ```python
//! s.headers.update({'x-test': 'true'})
//! s.get('http://httpbin.org/headers', headers={'x-test': None})
//! ```
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! # let s = tarry_session::Session::new();
//! s.set_header("x-test", "true")?;
//! let r = s.get(format!("{httpbin}/headers")).remove_header("x-test").send().await?;
//! # let seen: serde_json::Value = r.json().await?;
//! # assert!(seen["headers"].get("x-test").is_none());
//! # Ok(())
//! # }
//! ```
//!
//! ## Cookies by hand
//!
//! [`Session::jar`] is the session's [`Jar`]: cookies from every response (redirects
//! included) land there, scoped by RFC 6265 rules. Add one with [`NewCookie`], which takes
//! each attribute as a value, so a value cannot inject an attribute.
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let httpbin = doc_server().await;
//! use tarry_session::{NewCookie, Session};
//!
//! let s = Session::new();
//! s.jar().add(NewCookie::new("theme", "dark").host("127.0.0.1"))?;
//!
//! let r = s.get(format!("{httpbin}/cookies")).send().await?;
//! assert_eq!(r.text().await?, r#"{"cookies":{"theme":"dark"}}"#);
//! assert_eq!(s.jar().cookies().len(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! ## Redirects
//!
//! 301, 302, 303, 307 and 308 are followed, 30 at most by default (requests'
//! `max_redirects`); the responses on the way are in [`Response::history`]. Credentials and
//! the caller's `Cookie` header never follow a redirect to another origin.
//! [`resolve_location`] says where a `Location` leads by the same rules, for a caller that
//! follows redirects itself.
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! let s = tarry_session::Session::new();
//!
//! let r = s.get(format!("{httpbin}/redirect/3")).send().await?;
//! assert_eq!(r.status(), 200);
//! assert_eq!(r.url().path(), "/get");
//! assert_eq!(r.history().len(), 3);
//! assert_eq!(s.stats().opened, 1, "every hop on one kept-alive connection");
//!
//! let err = s.get(format!("{httpbin}/redirect/3")).max_redirects(2).send().await.unwrap_err();
//! assert!(matches!(err, tarry_session::Error::TooManyRedirects { .. }));
//!
//! let r = s.get(format!("{httpbin}/redirect/3")).allow_redirects(false).send().await?;
//! assert_eq!(r.status(), 302);
//! # Ok(())
//! # }
//! ```
//!
//! ## Bodies, errors and timeouts
//!
//! Bodies come decoded (gzip, deflate, and br with the `brotli` feature) through
//! [`Response::bytes`], [`text`](Response::text) (charset from `Content-Type`),
//! [`json`](Response::json), or piece by piece from [`chunk`](Response::chunk).
//!
//! Three clocks: `connect_timeout` and `read_timeout` are requests' `timeout=(connect,
//! read)` (the read timeout is the longest silence from the server, waiting for the head
//! included), and `timeout` is a deadline for the whole call, redirects and body included,
//! as reqwest's `timeout` and ureq's `timeout_global`. Unlike reqwest, whose `timeout` is
//! the only clock on by default, a session starts with a 10 s connect and a 30 s read
//! timeout, so that no call hangs forever, and no total deadline, so that a long download
//! that keeps moving is not cut.
//!
//! Every failure is one [`Error`]: variants with typed causes, predicates such as
//! [`Error::is_timeout`], the URL, and a `source()` chain down to the root cause.
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! use std::time::Duration;
//! use tarry_session::Session;
//!
//! let s = Session::builder()
//!     .connect_timeout(Duration::from_secs(5))
//!     .read_timeout(Duration::from_secs(10))
//!     .timeout(Duration::from_secs(60))
//!     .build()?;
//!
//! let mut r = s.get(format!("{httpbin}/anything")).send().await?;
//! let mut body = Vec::new();
//! while let Some(piece) = r.chunk().await? {
//!     body.extend_from_slice(&piece);
//! }
//! assert_eq!(body, br#"{"url":"/anything"}"#);
//!
//! let r = s.get(format!("{httpbin}/status/404")).send().await?;
//! let err = r.error_for_status().unwrap_err();
//! assert!(err.is_status());
//! assert!(err.to_string().starts_with("404 Client Error: Not Found for url: http://"));
//! # Ok(())
//! # }
//! ```
//!
//! ## Uploads: streams, files, forms
//!
//! [`RequestBuilder::body`] takes bytes, or a [`Body`] read as it is sent: from a stream of
//! chunks, a reader or a file, with `Content-Length` when its length is known and chunked
//! otherwise, one piece in memory at a time (requests' `data=` with a generator or a file).
//! [`RequestBuilder::multipart`] sends a [`multipart::Form`] (requests' `files=`).
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let httpbin = doc_server().await;
//! use tarry_session::multipart::{Form, Part};
//! use tarry_session::{Body, Session};
//!
//! let s = Session::new();
//! // Read as it is sent: of unknown length, so chunked.
//! let reader = tokio::io::repeat(b'x').take(1_000_000);
//! # use tokio::io::AsyncReadExt;
//! let r = s.post(format!("{httpbin}/upload")).body(Body::from_reader(reader)).send().await?;
//! let seen: serde_json::Value = r.json().await?;
//! assert_eq!((seen["received"].as_u64(), seen["chunked"].as_bool()), (Some(1_000_000), Some(true)));
//!
//! // A form with a field and a file part.
//! let form = Form::new()
//!     .text("title", "holiday")
//!     .part("photo", Part::bytes(&b"\x89PNG..."[..]).file_name("beach.png"));
//! let r = s.post(format!("{httpbin}/upload")).multipart(form).send().await?;
//! let seen: serde_json::Value = r.json().await?;
//! assert!(seen["type"].as_str().unwrap().starts_with("multipart/form-data; boundary="));
//! # Ok(())
//! # }
//! ```
//!
//! ## Digest authentication
//!
//! [`Auth::digest`] answers an origin's Digest challenge (MD5, SHA-256, their `-sess` forms,
//! `qop=auth` and `auth-int`) by sending the request once more, and answers the same
//! challenge at once on later requests to that origin, so they take one round trip. The
//! answer goes to the origin that challenged, never to another.
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let httpbin = doc_server().await;
//! use tarry_session::{Auth, Session};
//!
//! let s = Session::builder().auth(Auth::digest("user", "pass")).build()?;
//! let r = s.get(format!("{httpbin}/digest")).send().await?;
//! assert_eq!(r.status(), 200);
//! # Ok(())
//! # }
//! ```
//!
//! ## Proxies
//!
//! HTTP proxies (plain or over TLS) forward `http://` requests and tunnel `https://` ones with
//! `CONNECT`; SOCKS5 proxies (`socks5://`, `socks5h://`) connect for us. Set them per scheme or
//! origin ([`Proxies`], requests' `proxies`), per request, or in the environment
//! (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`, read when the session is built, as
//! requests' `trust_env`). Credentials in a proxy URL, and a caller's `Proxy-Authorization`,
//! go to the proxy only. Here the local server stands in for a proxy: it answers a forwarded
//! request with the absolute URL it was sent.
//!
//! ```
//! # include!("doc_server.rs");
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), tarry_session::Error> {
//! # let proxy = doc_server().await;
//! use tarry_session::Session;
//!
//! // A session default, as requests' `s.proxies = {"http": proxy}`.
//! let s = Session::builder().proxy("http", &proxy).build()?;
//! let r = s.get("http://example.test/anything").send().await?;
//! assert_eq!(r.text().await?, r#"{"url":"http://example.test/anything"}"#);
//!
//! // One request, and one request without any proxy.
//! let s = Session::new();
//! let r = s.get("http://example.test/x").proxy(&proxy).send().await?;
//! assert_eq!(r.text().await?, r#"{"url":"http://example.test/x"}"#);
//! assert!(s.get("http://127.0.0.1:1/").no_proxy().send().await.unwrap_err().is_connect());
//!
//! // The environment, here given as a table instead of read from the process.
//! let env = |name: &str| (name == "http_proxy").then(|| proxy.clone());
//! let s = Session::builder().proxy_environment(env).build()?;
//! let r = s.get("http://example.test/env").send().await?;
//! assert_eq!(r.text().await?, r#"{"url":"http://example.test/env"}"#);
//! # Ok(())
//! # }
//! ```
//!
//! ## Without async: the blocking session
//!
//! With the `blocking` feature, [`blocking::Session`] is the same session for a plain
//! `fn main`: the same builder (finished with
//! [`build_blocking`](SessionBuilder::build_blocking)), the same settings, jar, pool,
//! limits and errors, and calls that return when they are done. Response bodies are also a
//! [`std::io::Read`], and a request body can be one. Clones share everything, across any
//! number of threads. [`blocking`] says how it waits and why.
//!
//! ```
//! # #![allow(dead_code)]
//! # include!("doc_server.rs");
//! # #[cfg(not(feature = "blocking"))]
//! # fn main() {}
//! # #[cfg(feature = "blocking")]
//! # fn main() -> Result<(), tarry_session::Error> {
//! # let server = tokio::runtime::Runtime::new().unwrap();
//! # let httpbin = server.block_on(doc_server());
//! let s = tarry_session::blocking::Session::new();
//! s.get(format!("{httpbin}/cookies/set/sessioncookie/123456789")).send()?;
//! let r = s.get(format!("{httpbin}/cookies")).send()?;
//! assert_eq!(r.text()?, r#"{"cookies":{"sessioncookie":"123456789"}}"#);
//! # Ok(())
//! # }
//! ```
//!
//! ## Seeing what it does: `tracing`
//!
//! With the `tracing` feature (on by default) the session and its pool report what they do
//! to the [`tracing`](https://docs.rs/tracing) ecosystem: `tracing-subscriber`, `RUST_LOG`
//! filters, OpenTelemetry exporters. With no subscriber installed the events cost a check
//! of a static flag each. To read them, install a subscriber in your program, for instance
//! `tracing-subscriber` with its `env-filter` feature:
//!
//! ```rust,ignore
//! tracing_subscriber::fmt()
//!     .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
//!     .init();
//! ```
//!
//! and run it with `RUST_LOG=tarry_session=debug,tarry_pool=debug`. Every request is a
//! `request` span (method, URL) whose fields get the status, the time to the answer and the
//! last hop's timings (`dns_us`, `connect_us`, `tls_us`, `wait_us` to the first byte) when
//! the answer comes, and `body_us` once its body has been read to the end, so a tracing
//! backend shows where the time went. The events, all at `debug` but the two at `warn`:
//!
//! | target | message | fields |
//! |---|---|---|
//! | `tarry_session` | `request started` | (the span's method and URL) |
//! | `tarry_session` | `request answered` / `request failed` | status, elapsed, redirects / the kind of error |
//! | `tarry_session` | `redirect` | status, the next URL and method, the headers left behind and why |
//! | `tarry_session` | `cookie stored` / `cookie refused` | the cookie's name; the rule that refused it |
//! | `tarry_session` | `decoding the body` | the content codings |
//! | `tarry_session` | `through a proxy` | the proxy's kind, host and port |
//! | `tarry_session` (`warn`) | a proxy environment variable does not parse | the reason |
//! | `tarry_pool` | `connection opened` | origin, address, DNS, connect, tunnel and TLS times, resumed |
//! | `tarry_pool` | `connection reused` | origin, age, exchanges carried |
//! | `tarry_pool` | `connection returned to the pool` / `… handed to a request waiting for it` | origin |
//! | `tarry_pool` | `connection closed` | origin, reason (`idle_timeout`, `stale`, `limit`, `not_reusable`, `error`, `lifetime`, `cancelled`, `shutdown`) |
//! | `tarry_pool` | `request sent again on a fresh connection: …` | origin |
//! | `tarry_pool` | `waiting for a connection: …`, `waiter served: …`, `gave up waiting …` | origin |
//! | `tarry_pool` (`warn`) | the server keeps closing connections before the pool reuses them | origin; after three reused connections in a row were found closed |
//!
//! No event holds a secret: URLs lose their password and their query values (`?token=…`),
//! cookies are named but never valued, and no header value is written, so `Authorization`,
//! `Proxy-Authorization`, `Cookie` and `Set-Cookie` never appear; a failed request is named
//! by its kind, since an error's own message holds its URL whole. `tarry bench --verbose`
//! prints the pool's events of a short run.
//!
//! ## Cargo features
//!
//! Each heavy piece is a feature. The defaults are what requests does out of the box; turn
//! them off (`default-features = false`) for a small build and add back what you need. The
//! size column is what each adds to the stripped release binary of the smallest program
//! (a GET with the jar, `benches/footprint`), measured alone on top of no features.
//!
//! | feature | default | what it adds | size |
//! |---|---|---|---:|
//! | `tls` | on | `https://` URLs, through rustls (ring) and the webpki roots; [`TlsSettings`] | +1.70 MB |
//! | `gzip` | on | `Content-Encoding: gzip` and `deflate` decoded (flate2, pure Rust), and advertised | +68 KB |
//! | `brotli` | on | `Content-Encoding: br` decoded and advertised | +246 KB |
//! | `json` | on | [`RequestBuilder::json`] and [`Response::json`] (serde, serde_json); the jar's JSON files | +21 KB¹ |
//! | `charset` | on | every WHATWG charset in [`Response::text`] (encoding_rs) | +193 KB |
//! | `public-suffix` | on | the complete public-suffix list in the jar (psl) | +780 KB |
//! | `multipart` | on | `multipart/form-data` bodies: the [`multipart`] module (mime_guess) | +0 KB¹ |
//! | `digest` | on | Digest authentication, [`Auth::digest`] (md-5, sha2) | +56 KB |
//! | `tracing` | on | events and a span per request for `tracing` subscribers (see above) | +137 KB |
//! | `blocking` | off | [`blocking::Session`], the session without `async` | +11 KB |
//! | `cookie` | off | the `cookie` crate's cookies into the jar (`Jar::add_for`) and out of it | |
//!
//! ¹ With the feature on but not called; what a program calls is linked in on top. The
//! program with no features is 1.74 MB.
//!
//! What a minimal build gives up: without `gzip` and `brotli` it asks for `identity` and
//! passes any encoded body on as it came; without `charset`, text in a charset other than
//! UTF-8 and ISO-8859-1 reads as UTF-8 (the bytes stay available); without
//! `public-suffix` the jar refuses single-label domains, IP literals and a short list of
//! the most common suffixes ([`jar::CommonSuffixes`]) instead of the whole list; without
//! `digest`, [`Auth`] has no Digest credentials. Proxies (HTTP, `CONNECT`, SOCKS5) are always
//! built in.
//!
//! The oldest Rust that builds it is 1.88.
//!
//! ## Per-thread URL memory
//!
//! Parsing a URL (with the `url` crate, then as a request target) is about a third of what
//! the session adds to a kept-alive request, and clients call the same few URLs again and
//! again. So each thread remembers the last 64 distinct URL texts it parsed, with both
//! results, keyed on the exact text. The same text always parses the same way, so a
//! remembered URL is never wrong, whichever session asks; past 64 the memory starts over. It
//! holds no credentials beyond what the URL text itself holds, and is dropped with its thread.
//!
//! ## Where tarry differs from reqwest, and why
//!
//! - **Defaults live on the session and can change.** reqwest's `Client` is immutable once
//!   built; a requests `Session` is not, and code ported from it sets `s.headers` and
//!   `s.auth` as it goes. Changes are seen by later requests of every clone, never by one
//!   already sent.
//! - **`header` replaces, `append_header` adds.** requests' headers are a dict; reqwest's
//!   `header` appends. tarry follows the dict, and says "append" when it appends.
//! - **Removal is explicit.** [`remove_header`](RequestBuilder::remove_header),
//!   [`remove_query`](RequestBuilder::remove_query) and [`no_auth`](RequestBuilder::no_auth)
//!   drop a session value for one request: Rust's spelling of requests' `None`.
//! - **`HEAD` does not follow redirects** when made with [`Session::head`], as in requests;
//!   [`Session::request`] with `"HEAD"` follows them like any other method.
//! - **`max_redirects(0)` is an error on the first redirect**, as requests'
//!   `max_redirects = 0`; not following is [`allow_redirects(false)`](RequestBuilder::allow_redirects).
#![forbid(unsafe_code)]
// `Error` is 128 bytes: a URL (88) beside a typed cause. Boxing the URL would cost an
// allocation per error and a deref in every pattern; the values returned beside it on the
// request path (a response, a merged request) are larger still, so the `Result` is not what
// makes them costly to move.
#![allow(clippy::result_large_err)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod auth;
#[cfg(feature = "blocking")]
pub mod blocking;
mod builder;
mod causes;
mod charset;
mod cookies;
mod decode;
mod defaults;
#[cfg(feature = "digest")]
mod digest;
mod error;
mod into_url;
mod log;
mod merge;
#[cfg(feature = "multipart")]
pub mod multipart;
mod no_proxy;
mod parts;
mod proxies;
mod redirect;
mod request;
mod response;
mod send;
mod session;
mod settings;
mod url_cache;

pub use auth::Auth;
pub use builder::SessionBuilder;
pub use causes::{BuildError, DecodeError, RedirectError, TimeoutKind, UrlError};
pub use defaults::{Defaults, Hook, Redirects, Timeouts};
pub use error::Error;
pub use into_url::{IntoMethod, IntoUrl};
pub use no_proxy::NoProxy;
pub use proxies::Proxies;
pub use redirect::resolve_location;
pub use request::RequestBuilder;
pub use response::Response;
pub use session::Session;

// What the API uses from the crates below it, so that one dependency line is enough.
pub use http;
pub use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Version};
pub use url;
pub use url::Url;

/// The cookie jar crate, whole: [`Session::jar`] hands out its [`Jar`], whose methods use
/// the rest of it (limits, public-suffix lists, persistence).
pub use tarry_jar as jar;
/// The jar's error (loading, saving, or a cookie given by hand refused).
pub use tarry_jar::Error as CookieError;
pub use tarry_jar::{Cookie, Jar, NewCookie, RejectReason, SameSite};

/// The pool's counters and timings.
pub use tarry_pool::{Body, ClosedStats, HostStats, Stats, Timings};
/// The connection pool's error, inside [`Error`]'s transport variants, and the phase of an
/// exchange it names.
pub use tarry_pool::{Error as PoolError, Phase, Proxy, ProxyError, ProxyKind};
#[cfg(feature = "tls")]
pub use tarry_pool::{TlsSettings, TlsVersion};
/// The HTTP/1.1 codec's error: how a server broke the protocol, or why a request could not
/// be written.
pub use tarry_wire::Error as ProtocolError;
/// Limits on a response head (its size, its header count, whether a line may end in a bare
/// LF) and on chunked bodies, for
/// [`SessionBuilder::response_limits`].
pub use tarry_wire::Limits as ResponseLimits;
