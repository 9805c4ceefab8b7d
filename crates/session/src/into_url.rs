//! What the request methods take as a URL and as a method.
//!
//! Both traits are sealed: the set of types is part of the API, and a new one can be added
//! without breaking anyone.

use std::sync::Arc;

use http::Method;
use url::Url;

use crate::Error;
use crate::causes::BuildError;

mod sealed {
    pub trait Sealed {}
}

/// A URL a request can be sent to: `&str`, `String`, `&String`, [`Url`] or `&Url`.
///
/// Text is parsed when the request is made (a failure is reported by `send`); only `http` and
/// `https` URLs with a host are accepted.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use tarry_session::{Session, Url};
///
/// let s = Session::new();
/// let base = Url::parse("http://127.0.0.1:9/api/").unwrap();
/// let _ = s.get("http://127.0.0.1:9/");           // &str
/// let _ = s.get(format!("{base}items"));          // String
/// let _ = s.get(base.join("items/1").unwrap());   // Url
/// let _ = s.get(&base);                           // &Url
/// # }
/// ```
pub trait IntoUrl: sealed::Sealed {
    #[doc(hidden)]
    fn into_request_url(self) -> Result<(Arc<Url>, Option<http::Uri>), Error>;
}

impl sealed::Sealed for &str {}
impl IntoUrl for &str {
    fn into_request_url(self) -> Result<(Arc<Url>, Option<http::Uri>), Error> {
        crate::url_cache::parse(self)
    }
}

impl sealed::Sealed for &String {}
impl IntoUrl for &String {
    fn into_request_url(self) -> Result<(Arc<Url>, Option<http::Uri>), Error> {
        crate::url_cache::parse(self)
    }
}

impl sealed::Sealed for String {}
impl IntoUrl for String {
    fn into_request_url(self) -> Result<(Arc<Url>, Option<http::Uri>), Error> {
        crate::url_cache::parse(&self)
    }
}

// A `Url` is looked up by its text too: the same text always parses to an equal `Url`, and a
// remembered one comes with its request target already made.
impl sealed::Sealed for &Url {}
impl IntoUrl for &Url {
    fn into_request_url(self) -> Result<(Arc<Url>, Option<http::Uri>), Error> {
        crate::url_cache::parse(self.as_str())
    }
}

impl sealed::Sealed for Url {}
impl IntoUrl for Url {
    fn into_request_url(self) -> Result<(Arc<Url>, Option<http::Uri>), Error> {
        crate::url_cache::parse(self.as_str())
    }
}

/// A request method: an [`http::Method`] (`Method::GET`), or its name as text in any case
/// (`"get"`, as requests takes it), which is sent uppercase.
pub trait IntoMethod: sealed::Sealed {
    #[doc(hidden)]
    fn into_method(self) -> Result<Method, BuildError>;
}

impl sealed::Sealed for Method {}
impl IntoMethod for Method {
    fn into_method(self) -> Result<Method, BuildError> {
        Ok(self)
    }
}

impl sealed::Sealed for &Method {}
impl IntoMethod for &Method {
    fn into_method(self) -> Result<Method, BuildError> {
        Ok(self.clone())
    }
}

impl IntoMethod for &str {
    fn into_method(self) -> Result<Method, BuildError> {
        let upper = self.to_ascii_uppercase();
        Method::from_bytes(upper.as_bytes()).map_err(|_| BuildError::Method {
            method: self.to_owned(),
        })
    }
}

impl IntoMethod for String {
    fn into_method(self) -> Result<Method, BuildError> {
        self.as_str().into_method()
    }
}
