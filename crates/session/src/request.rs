//! One request being described: what it adds to, replaces in, or removes from the session's
//! defaults. Nothing is sent until [`RequestBuilder::send`]; the first part that cannot be
//! used is reported then.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::{HeaderName, HeaderValue, Method};
use url::Url;

use crate::causes::BuildError;
use crate::defaults::Hooks;
use crate::into_url::{IntoMethod, IntoUrl};
use crate::parts::{AuthChoice, Parts, ProxyChoice, header_pair};
use crate::{Auth, Error, Response, Session};

/// A request to send through a [`Session`]: from [`Session::get`] and its siblings.
///
/// Each setter edits this request only; the session's defaults are not changed. The edits
/// apply in order, so a removal removes whatever set the value before it (the session, or this
/// builder), and a value set after a removal is sent.
///
/// | requests | tarry |
/// |---|---|
/// | `headers={"X": "1"}` | [`header("X", "1")`](Self::header) (replaces; [`append_header`](Self::append_header) adds) |
/// | `headers={"X": None}` | [`remove_header("X")`](Self::remove_header) |
/// | `params={"q": "1"}` | [`query(&[("q", "1")])`](Self::query) |
/// | `params={"q": None}` | [`remove_query("q")`](Self::remove_query) |
/// | `cookies={"k": "v"}` | [`cookie("k", "v")`](Self::cookie) |
/// | `auth=("u", "p")` | [`basic_auth("u", "p")`](Self::basic_auth) |
/// | (cannot say) | [`no_auth()`](Self::no_auth) |
/// | `data=b"…"`, `data={…}`, `json={…}` | [`body`](Self::body), [`form`](Self::form), [`json`](Self::json) |
/// | `timeout=(3.05, 27)` | [`connect_timeout`](Self::connect_timeout), [`read_timeout`](Self::read_timeout) |
/// | (none) | [`timeout`](Self::timeout): the whole call |
/// | `allow_redirects=False` | [`allow_redirects(false)`](Self::allow_redirects) |
/// | `hooks={"response": f}` | [`hook(f)`](Self::hook) |
/// | `verify=`, `cert=` | [`tls`](Self::tls) |
///
/// ```
/// # include!("doc_server.rs");
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), tarry_session::Error> {
/// # let httpbin = doc_server().await;
/// let s = tarry_session::Session::new();
/// let response = s
///     .post(format!("{httpbin}/anything"))
///     .header("x-test2", "true")
///     .query(&[("page", "2")])
///     .json(&serde_json::json!({"name": "tarry"}))
///     .timeout(std::time::Duration::from_secs(5))
///     .send()
///     .await?;
/// assert_eq!(response.text().await?, r#"{"url":"/anything?page=2"}"#);
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder {
    pub(crate) session: Session,
    pub(crate) method: Method,
    /// The URL, parsed when the builder was made (from the thread's URL memory, which also
    /// holds the request target), or why it could not be.
    pub(crate) url: Result<(Arc<Url>, Option<http::Uri>), Error>,
    /// The request's own parts; none until a method sets one. Boxed, so that the common
    /// request (a URL and nothing else) allocates nothing for them and its builder and
    /// sending future stay small: both move whole.
    pub(crate) parts: Option<Box<Parts>>,
    /// The first thing the builder could not take; reported by `send`.
    pub(crate) error: Option<BuildError>,
}

impl std::fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("url", &self.url.as_ref().map(|(url, _)| url.as_str()))
            .field("parts", &self.parts)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A request with `method` ([`http::Method`], or its name in any case: it is sent
    /// uppercase) to `url`.
    pub fn request(&self, method: impl IntoMethod, url: impl IntoUrl) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method.into_method(), url)
    }

    /// A GET request.
    pub fn get(&self, url: impl IntoUrl) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Ok(Method::GET), url)
    }

    /// A POST request.
    pub fn post(&self, url: impl IntoUrl) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Ok(Method::POST), url)
    }

    /// A PUT request.
    pub fn put(&self, url: impl IntoUrl) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Ok(Method::PUT), url)
    }

    /// A PATCH request.
    pub fn patch(&self, url: impl IntoUrl) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Ok(Method::PATCH), url)
    }

    /// A DELETE request.
    pub fn delete(&self, url: impl IntoUrl) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Ok(Method::DELETE), url)
    }

    /// A HEAD request. As requests' `Session.head`, it does not follow redirects unless
    /// [`allow_redirects(true)`](RequestBuilder::allow_redirects) says so; a HEAD made with
    /// [`request`](Self::request) follows them, as every other method does.
    pub fn head(&self, url: impl IntoUrl) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Ok(Method::HEAD), url).allow_redirects(false)
    }

    /// An OPTIONS request.
    pub fn options(&self, url: impl IntoUrl) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Ok(Method::OPTIONS), url)
    }
}

impl RequestBuilder {
    pub(crate) fn new(
        session: Session,
        method: Result<Method, BuildError>,
        url: impl IntoUrl,
    ) -> RequestBuilder {
        let (method, error) = match method {
            Ok(method) => (method, None),
            Err(e) => (Method::GET, Some(e)),
        };
        RequestBuilder {
            session,
            method,
            url: url.into_request_url(),
            parts: None,
            error,
        }
    }

    fn parts_mut(&mut self) -> &mut Parts {
        self.parts.get_or_insert_with(Box::default)
    }

    fn fail(&mut self, why: BuildError) {
        self.error.get_or_insert(why);
    }

    /// Sets header `name` to `value`, replacing the session's values of that name (any case)
    /// and any this builder set before: requests' header dict.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName> + std::fmt::Debug + Clone,
        V: TryInto<HeaderValue>,
    {
        match header_pair(name, value) {
            Ok((name, value)) => self.parts_mut().headers.set(name, value),
            Err(e) => self.fail(e),
        }
        self
    }

    /// Adds a value to header `name`, after the session's values and those set before, for
    /// fields that take several (`Accept`, `Via`, `Forwarded`).
    pub fn append_header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName> + std::fmt::Debug + Clone,
        V: TryInto<HeaderValue>,
    {
        match header_pair(name, value) {
            Ok((name, value)) => self.parts_mut().headers.append(name, value),
            Err(e) => self.fail(e),
        }
        self
    }

    /// Sends no header `name` (any case) with this request: not the session's, not one set
    /// before on this builder.
    pub fn remove_header<K>(mut self, name: K) -> Self
    where
        K: TryInto<HeaderName> + std::fmt::Debug + Clone,
    {
        match header_pair(name, HeaderValue::from_static("")) {
            Ok((name, _)) => self.parts_mut().headers.remove(name),
            Err(e) => self.fail(e),
        }
        self
    }

    /// Adds query parameters (form-encoded, after any query the URL has). A name the session
    /// also has replaces all of the session's values for it; a name given twice is sent
    /// twice.
    pub fn query<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(K, V)]) -> Self {
        for (k, v) in pairs {
            let query = &mut self.parts_mut().query;
            query.add(k.as_ref().to_owned(), v.as_ref().to_owned());
        }
        self
    }

    /// Sends no query parameter `name` (case-sensitive) from the session, nor one added
    /// before on this builder. A parameter written in the URL itself stays.
    pub fn remove_query(mut self, name: &str) -> Self {
        self.parts_mut().query.remove(name);
        self
    }

    /// Sends a cookie with this request, and with every hop of it on the same origin, without
    /// storing it in the session's jar. It replaces the jar's cookies of the same name for
    /// this request, and one given before under the same name. The name must be a token; the
    /// value may hold any text but control characters: one that holds `;`, `,`, a space or a
    /// quote is sent quoted, so that it cannot add a cookie or an attribute.
    pub fn cookie(mut self, name: &str, value: &str) -> Self {
        match crate::cookies::request_pair(name, value) {
            Ok(pair) => {
                let cookies = &mut self.parts_mut().cookies;
                cookies.retain(|(n, _)| n != name);
                cookies.push(pair);
            }
            Err(e) => self.fail(e),
        }
        self
    }

    /// Uses these credentials instead of the session's.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.parts_mut().auth = AuthChoice::Use(auth);
        self
    }

    /// Basic credentials for this request.
    pub fn basic_auth(self, user: &str, password: &str) -> Self {
        self.auth(Auth::basic(user, password))
    }

    /// A bearer token for this request.
    pub fn bearer_auth(self, token: &str) -> Self {
        self.auth(Auth::bearer(token))
    }

    /// Sends no credentials with this request: not the session's, not those in the URL, and
    /// no `Authorization` header from the session or set before on this builder. (requests
    /// cannot say this: `auth=None` there means "the session's".)
    pub fn no_auth(mut self) -> Self {
        let parts = self.parts_mut();
        parts.auth = AuthChoice::Off;
        parts.headers.remove(AUTHORIZATION);
        self
    }

    /// The body, sent as it is (no `Content-Type` is implied): bytes, or a [`Body`](crate::Body)
    /// read as it is sent (a stream, a reader, a file), with `Content-Length` when its length
    /// is known and chunked otherwise. A body read from a one-time source is not sent twice:
    /// a 307 or 308 redirect that asks for it again is
    /// [`RedirectError::BodyNotReplayable`](crate::RedirectError::BodyNotReplayable), unless
    /// the body can reopen itself (files do).
    pub fn body(mut self, body: impl Into<crate::Body>) -> Self {
        let parts = self.parts_mut();
        parts.body = Some(body.into());
        parts.headers.body_type = None;
        self
    }

    /// A JSON body, with `Content-Type: application/json` unless a header says otherwise.
    #[cfg(feature = "json")]
    pub fn json<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => {
                let parts = self.parts_mut();
                parts.body = Some(Bytes::from(body).into());
                parts.headers.body_type = Some(HeaderValue::from_static("application/json"));
            }
            Err(e) => self.fail(BuildError::Json(e)),
        }
        self
    }

    /// A `multipart/form-data` body (requests' `files=` and `data=`), with its
    /// `Content-Type` unless a header says otherwise. See [`multipart::Form`](crate::multipart::Form).
    #[cfg(feature = "multipart")]
    pub fn multipart(mut self, form: crate::multipart::Form) -> Self {
        let (content_type, body) = form.into_body();
        let parts = self.parts_mut();
        parts.body = Some(body);
        match HeaderValue::try_from(content_type) {
            Ok(value) => parts.headers.body_type = Some(value),
            Err(_) => self.fail(BuildError::HeaderValue {
                name: "content-type".to_owned(),
            }),
        }
        self
    }

    /// A form body (`application/x-www-form-urlencoded`) from name and value pairs.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(K, V)]) -> Self {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            form.append_pair(k.as_ref(), v.as_ref());
        }
        let parts = self.parts_mut();
        parts.body = Some(Bytes::from(form.finish()).into());
        parts.headers.body_type = Some(HeaderValue::from_static(
            "application/x-www-form-urlencoded",
        ));
        self
    }

    /// A deadline for the whole call: connecting, every redirect hop, and reading the body to
    /// its end (`None`: none, whatever the session says). See
    /// [`Timeouts::total`](crate::Timeouts::total).
    pub fn timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.parts_mut().timeout = Some(d.into());
        self
    }

    /// The connect timeout for this request. See [`Timeouts::connect`](crate::Timeouts::connect).
    pub fn connect_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.parts_mut().connect_timeout = Some(d.into());
        self
    }

    /// The longest silence from the server for this request, waiting for the response head
    /// included. See [`Timeouts::read`](crate::Timeouts::read).
    pub fn read_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.parts_mut().read_timeout = Some(d.into());
        self
    }

    /// Whether to follow redirects (requests' `allow_redirects`); when not, a redirect
    /// response is the answer.
    pub fn allow_redirects(mut self, follow: bool) -> Self {
        self.parts_mut().follow_redirects = Some(follow);
        self
    }

    /// Follow at most `max` redirects; the one past it is
    /// [`Error::TooManyRedirects`](crate::Error::TooManyRedirects) (with 0, the first one).
    pub fn max_redirects(mut self, max: usize) -> Self {
        self.parts_mut().max_redirects = Some(max);
        self
    }

    /// Sends this request, every hop of it, through the proxy at `url` instead of the
    /// session's or the environment's (requests' `proxies=`). A URL that is not a proxy URL is
    /// reported by `send`.
    pub fn proxy(mut self, url: &str) -> Self {
        match crate::Proxy::parse(url) {
            Ok(proxy) => self.parts_mut().proxy = ProxyChoice::Use(proxy),
            Err(e) => self.fail(BuildError::Pool(Box::new(e))),
        }
        self
    }

    /// [`proxy`](Self::proxy) with a proxy made already.
    pub fn proxy_with(mut self, proxy: crate::Proxy) -> Self {
        self.parts_mut().proxy = ProxyChoice::Use(proxy);
        self
    }

    /// Sends this request straight to every origin, whatever the session or the environment
    /// says about proxies.
    pub fn no_proxy(mut self) -> Self {
        self.parts_mut().proxy = ProxyChoice::Off;
        self
    }

    /// Runs this hook on every response of this call instead of the session's hooks.
    pub fn hook(mut self, hook: impl Fn(&Response) + Send + Sync + 'static) -> Self {
        let hooks = self.parts_mut().hooks.get_or_insert_with(Hooks::default);
        hooks.0.push(Arc::new(hook));
        self
    }

    /// TLS settings for this request instead of the session's. Connections made with other
    /// settings are never used for it.
    #[cfg(feature = "tls")]
    pub fn tls(mut self, settings: crate::TlsSettings) -> Self {
        self.parts_mut().tls = Some(settings);
        self
    }

    /// Sends the request (following redirects) and returns the response once its head has
    /// arrived; the body is read from the response.
    // The future of `send::send` itself, not one wrapping it: a future this large is
    // copied whole each time it moves, and a wrapper is one more move per request.
    pub fn send(self) -> impl Future<Output = Result<Response, Error>> + Send {
        let RequestBuilder {
            session,
            method,
            url,
            parts,
            error,
        } = self;
        crate::send::send(session, method, url, parts, error)
    }
}
