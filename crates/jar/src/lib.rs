//! # tarry-jar
//!
//! An RFC 6265 cookie store, usable on its own: it decides which cookies a server may set and
//! which ones each request carries. No I/O, no async runtime; safe to share between threads.
//!
//! - Set-Cookie parsing by §5.2, with the §5.1.1 date algorithm (not a strict HTTP-date
//!   parser), and the storage model of §5.3: host-only cookies, `Domain` checked against the
//!   request host at label boundaries (IP hosts only ever match exactly), Max-Age over Expires,
//!   deletion by a past expiry, creation time kept across replacement, 400-day cap (6265bis).
//! - Public suffixes (`co.uk`, `github.io`) refused as a `Domain`, from an embedded list that
//!   can be replaced or switched off; case and trailing-dot variants are normalised first.
//! - 6265bis safety: `Secure` only from https, an http origin cannot overwrite or shadow a
//!   `Secure` cookie, `__Secure-` and `__Host-` prefixes enforced (in any letter case).
//! - The `Cookie` header by §5.4: domain, path, `Secure` and expiry filters; longer paths
//!   first, then earlier creation.
//! - Limits with defaults and setters ([`Limits`]); eviction of expired, then least recently
//!   used cookies.
//! - Persistence as versioned JSON (feature `json`) and as Netscape `cookies.txt` (curl, wget);
//!   atomic writes; session cookies saved only when asked.
//! - Cookies added by hand ([`NewCookie`]), each attribute a separate, checked argument; a
//!   value that is not all cookie-octets is sent as a quoted string (as Python's
//!   `SimpleCookie` writes one), so that no value can become a second cookie or an attribute.
//!
//! Lookups visit only the request host and its parent domains, not the whole jar.
//!
//! # Example
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use tarry_jar::{Jar, RejectReason};
//! use url::Url;
//!
//! let jar = Jar::new();
//! let now = SystemTime::now();
//! let login = Url::parse("https://www.example.com/login").unwrap();
//!
//! // A response's Set-Cookie lines, stored against the URL that sent them.
//! let report = jar.store_response(
//!     &login,
//!     [
//!         "sid=abc; Domain=example.com; Path=/; Secure; HttpOnly",
//!         "theme=dark; Max-Age=3600",
//!         "evil=1; Domain=com",
//!     ],
//!     now,
//! );
//! assert_eq!(report.stored, 2);
//! assert_eq!(report.rejected, [(2, RejectReason::PublicSuffix)]);
//!
//! // The Cookie header for later requests: `sid` goes to every subdomain over https,
//! // `theme` (host-only, default path /) only to www.example.com.
//! let api = Url::parse("https://api.example.com/v1/items").unwrap();
//! assert_eq!(jar.cookie_header(&api, now).as_deref(), Some("sid=abc"));
//! let page = Url::parse("https://www.example.com/account").unwrap();
//! assert_eq!(jar.cookie_header(&page, now).as_deref(), Some("sid=abc; theme=dark"));
//! // Never over plain http: `sid` is Secure.
//! let plain = Url::parse("http://www.example.com/").unwrap();
//! assert_eq!(jar.cookie_header(&plain, now).as_deref(), Some("theme=dark"));
//!
//! // An hour later `theme` has expired.
//! let later = now + Duration::from_secs(3601);
//! assert_eq!(jar.cookie_header(&page, later).as_deref(), Some("sid=abc"));
//! ```
//!
//! # Cookies by hand
//!
//! A [`NewCookie`] names its scope itself: [`domain`](NewCookie::domain) for a domain and its
//! subdomains, [`host`](NewCookie::host) for one host. Its value is kept exactly, and quoted
//! on the way out when it needs to be.
//!
//! ```
//! use std::time::SystemTime;
//! use tarry_jar::{Jar, NewCookie};
//! use url::Url;
//!
//! let jar = Jar::new();
//! jar.add(NewCookie::new("theme", "dark").host("www.example.com"))?;
//! jar.add(NewCookie::new("prefs", "a;b, c").domain("example.com").path("/app"))?;
//!
//! let prefs = jar.get("example.com", "/app", "prefs").unwrap();
//! assert_eq!(prefs.value(), "a;b, c");
//! let app = Url::parse("https://www.example.com/app/").unwrap();
//! assert_eq!(
//!     jar.cookie_header(&app, SystemTime::now()).as_deref(),
//!     Some(r#"prefs="a\073b\054 c"; theme=dark"#),
//! );
//! # Ok::<(), tarry_jar::Error>(())
//! ```
//!
//! For a cookie sent with one request and never stored, [`cookie_pair`] checks and writes the
//! `name=value` pair by the same rules.
//!
//! # Features
//!
//! | feature | default | what it brings | what it costs |
//! |---|---|---|---|
//! | `public-suffix` | on | every public suffix refused as a `Domain`, from the list embedded in the `psl` crate | about 780 KB of binary |
//! | `json` | on | `Jar::save_json` and `Jar::load_json`: the jar as a versioned JSON document | serde and serde_json |
//! | `cookie` | off | `From<&Cookie>` for `cookie::Cookie` (0.18), and `Jar::add_for`, which adds a `cookie::Cookie` as if a URL had set it | the `cookie` and `time` crates |
//!
//! Without `public-suffix` a jar still refuses an IP literal as a `Domain`, every single-label
//! domain and a short built-in list of the most common suffixes ([`CommonSuffixes`], which
//! says what that loses); a jar can also be given a complete list of its own
//! ([`JarBuilder::public_suffix_list`]). The Netscape `cookies.txt` format needs no feature.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod cookie;
#[cfg(feature = "cookie")]
mod cookie_crate;
mod date;
mod domain;
mod error;
mod jar;
mod limits;
mod new_cookie;
mod pair;
mod parse;
mod path;
mod persist;
mod prefix;
mod quote;
mod store;
mod suffix;

pub use cookie::{Cookie, SameSite};
pub use date::parse_cookie_date;
pub use domain::domain_match;
pub use error::{Error, RejectReason};
pub use jar::{Jar, JarBuilder, StoreReport};
pub use limits::Limits;
pub use new_cookie::NewCookie;
pub use pair::cookie_pair;
pub use path::path_match;
#[cfg(feature = "public-suffix")]
pub use suffix::EmbeddedList;
pub use suffix::{CommonSuffixes, PublicSuffixList};
