//! One request being described: what it adds to, overrides in, or removes from the session's
//! defaults. Nothing is checked or sent until [`RequestBuilder::send`].

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method};

use crate::defaults::Hooks;
use crate::{Auth, Error, Response, Session};

/// Which credentials a request uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum AuthChoice {
    /// The session's, if it has any (else credentials in the URL, if any).
    #[default]
    Session,
    /// These, whatever the session has.
    Use(Auth),
    /// None at all, whatever the session has.
    Off,
}

/// A request's own parts, as the builder collected them.
#[derive(Debug, Default)]
pub(crate) struct Parts {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) remove_headers: Vec<HeaderName>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) remove_query: Vec<String>,
    pub(crate) cookies: Vec<(String, String)>,
    pub(crate) auth: AuthChoice,
    pub(crate) body: Option<Bytes>,
    /// The content type the body's form implies (JSON, a form); a header wins over it.
    pub(crate) body_type: Option<HeaderValue>,
    pub(crate) connect_timeout: Option<Option<Duration>>,
    pub(crate) head_timeout: Option<Option<Duration>>,
    pub(crate) read_timeout: Option<Option<Duration>>,
    pub(crate) total_timeout: Option<Option<Duration>>,
    pub(crate) redirect_limit: Option<usize>,
    pub(crate) hooks: Option<Hooks>,
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<tarry_pool::TlsSettings>,
}

impl Parts {
    /// Whether the request sets a timeout or TLS settings of its own.
    pub(crate) fn sets_options(&self) -> bool {
        let timeouts = [
            self.connect_timeout,
            self.head_timeout,
            self.read_timeout,
            self.total_timeout,
        ];
        #[cfg(feature = "tls")]
        let tls = self.tls.is_some();
        #[cfg(not(feature = "tls"))]
        let tls = false;
        tls || timeouts.iter().any(Option::is_some)
    }
}

/// A request to send through a [`Session`]: from [`Session::get`] and its siblings.
///
/// ```
/// # include!("doc_server.rs");
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), tarry_session::Error> {
/// # let httpbin = doc_server().await;
/// let s = tarry_session::Session::new();
/// let response = s
///     .post(&format!("{httpbin}/anything"))
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
    pub(crate) url: Result<(std::sync::Arc<url::Url>, Option<http::Uri>), Error>,
    /// The request's own parts; none until a method sets one. Boxed, so that the common
    /// request (a URL and nothing else) allocates nothing for them and its builder and
    /// sending future stay small: both move whole.
    pub(crate) parts: Option<Box<Parts>>,
    /// The first thing the builder could not take; reported by `send`.
    pub(crate) error: Option<String>,
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

impl RequestBuilder {
    pub(crate) fn new(session: Session, method: Method, url: &str) -> RequestBuilder {
        RequestBuilder {
            session,
            method,
            url: crate::url_cache::parse(url),
            parts: None,
            error: None,
        }
    }

    fn parts_mut(&mut self) -> &mut Parts {
        self.parts.get_or_insert_with(Box::default)
    }

    fn fail(&mut self, why: String) {
        self.error.get_or_insert(why);
    }

    /// Adds a header; it replaces a session header of the same name (any case). Called twice
    /// with one name, both values are sent.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => self.parts_mut().headers.push((name, value)),
            (Err(_), _) => self.fail("invalid header name".to_owned()),
            (_, Err(_)) => self.fail("invalid header value".to_owned()),
        }
        self
    }

    /// Does not send the session's header `name` (any case) with this request.
    pub fn remove_header<K: TryInto<HeaderName>>(mut self, name: K) -> Self {
        match name.try_into() {
            Ok(name) => self.parts_mut().remove_headers.push(name),
            Err(_) => self.fail("invalid header name".to_owned()),
        }
        self
    }

    /// Adds query parameters (form-encoded, appended to any query the URL has). A name the
    /// session also has replaces all of the session's values for it.
    pub fn query<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(K, V)]) -> Self {
        for (k, v) in pairs {
            let pair = (k.as_ref().to_owned(), v.as_ref().to_owned());
            self.parts_mut().query.push(pair);
        }
        self
    }

    /// Does not send the session's query parameter `name` (case-sensitive) with this request.
    pub fn remove_query(mut self, name: &str) -> Self {
        self.parts_mut().remove_query.push(name.to_owned());
        self
    }

    /// Sends a cookie with this request, and with every hop of it on the same origin, without
    /// storing it in the session's jar. It replaces the jar's cookies of the same name for
    /// this request.
    pub fn cookie(mut self, name: &str, value: &str) -> Self {
        let bad = |s: &str| s.bytes().any(|b| b < 0x20 || b == 0x7f || b == b';');
        if name.is_empty() || bad(name) || name.contains('=') || bad(value) {
            self.fail(format!("invalid cookie {name:?}"));
        } else {
            self.parts_mut()
                .cookies
                .push((name.to_owned(), value.to_owned()));
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

    /// Sends no credentials with this request, whatever the session has (requests cannot say
    /// this: `auth=None` there means "the session's").
    pub fn no_auth(mut self) -> Self {
        self.parts_mut().auth = AuthChoice::Off;
        self
    }

    /// The body, sent as it is (no `Content-Type` is implied).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.parts_mut().body = Some(body.into());
        self.parts_mut().body_type = None;
        self
    }

    /// A JSON body, with `Content-Type: application/json` unless a header says otherwise.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => {
                self.parts_mut().body = Some(body.into());
                self.parts_mut().body_type = Some(HeaderValue::from_static("application/json"));
            }
            Err(e) => self.fail(format!("cannot serialize the JSON body: {e}")),
        }
        self
    }

    /// A form body (`application/x-www-form-urlencoded`) from name and value pairs.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(K, V)]) -> Self {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            form.append_pair(k.as_ref(), v.as_ref());
        }
        self.parts_mut().body = Some(form.finish().into());
        self.parts_mut().body_type = Some(HeaderValue::from_static(
            "application/x-www-form-urlencoded",
        ));
        self
    }

    /// A deadline for each hop's whole exchange (`None`: no deadline, whatever the session
    /// says).
    pub fn timeout(mut self, total: impl Into<Option<Duration>>) -> Self {
        self.parts_mut().total_timeout = Some(total.into());
        self
    }

    /// The connect timeout for this request.
    pub fn connect_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.parts_mut().connect_timeout = Some(d.into());
        self
    }

    /// How long to wait for the response head.
    pub fn head_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.parts_mut().head_timeout = Some(d.into());
        self
    }

    /// The longest gap while reading the body.
    pub fn read_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.parts_mut().read_timeout = Some(d.into());
        self
    }

    /// Follow at most `limit` redirects (0: return the first redirect response as it is).
    pub fn redirects(mut self, limit: usize) -> Self {
        self.parts_mut().redirect_limit = Some(limit);
        self
    }

    /// Runs this hook on every response of this call instead of the session's hooks.
    pub fn hook(mut self, hook: impl Fn(&Response) + Send + Sync + 'static) -> Self {
        let hooks = self.parts_mut().hooks.get_or_insert_with(Hooks::default);
        hooks.0.push(std::sync::Arc::new(hook));
        self
    }

    /// TLS settings for this request instead of the session's. Connections made with other
    /// settings are never used for it.
    #[cfg(feature = "tls")]
    pub fn tls(mut self, settings: tarry_pool::TlsSettings) -> Self {
        self.parts_mut().tls = Some(settings);
        self
    }

    /// Sends the request (following redirects) and returns the response once its head has
    /// arrived; the body is read from the response.
    // The future of `send::send` itself, not one wrapping it: a future this large is
    // copied whole each time it moves, and a wrapper is one more move per request.
    pub fn send(self) -> impl Future<Output = Result<Response, Error>> + Send {
        crate::send::send(self)
    }
}
