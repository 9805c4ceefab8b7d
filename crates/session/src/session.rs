//! The session: defaults, a cookie jar and a connection pool, shared by every clone.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use tarry_jar::Jar;
use tarry_pool::{CheckedHeaders, Pool, PoolBuilder};

use crate::defaults::Defaults;
use crate::{Auth, Error, RequestBuilder, Response};

/// A requests-style session: settings that persist across requests, cookies that persist in a
/// jar, and connections that stay alive and are reused.
///
/// Cheap to clone, `Send + Sync`; clones share the pool, the jar and the defaults. Dropping
/// the last clone closes the pool's idle connections, like leaving requests' `with` block;
/// [`close`](Self::close) does it explicitly (TLS connections say goodbye) and makes later
/// requests fail with [`Error::Closed`].
///
/// ```
/// # include!("doc_server.rs");
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), tarry_session::Error> {
/// # let httpbin = doc_server().await;
/// use tarry_session::{Auth, Session};
///
/// let s = Session::builder().user_agent("my-app/1.0").build()?;
/// let clone = s.clone(); // shares defaults, jar and connections
/// s.configure(|d| d.auth = Some(Auth::bearer("t0ken")));
///
/// let r = clone.get(&format!("{httpbin}/headers")).send().await?;
/// let seen: serde_json::Value = r.json().await?;
/// assert_eq!(seen["headers"]["authorization"], "Bearer t0ken");
/// assert_eq!(seen["headers"]["user-agent"], "my-app/1.0");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool,
    jar: Arc<Jar>,
    defaults: RwLock<Arc<Snapshot>>,
    closed: AtomicBool,
}

/// The defaults, with what every request that keeps them needs made once, when they are set:
/// their headers as the codec writes them (checked and written out, rather than field by
/// field per request) and the pool settings of their timeouts.
pub(crate) struct Snapshot {
    pub(crate) defaults: Arc<Defaults>,
    /// `None` when the codec refuses the headers (a default `Content-Length`, say): each
    /// request then meets that refusal itself, as before.
    pub(crate) headers: Option<CheckedHeaders>,
    /// The pool settings of the defaults' timeouts and TLS settings.
    pub(crate) options: tarry_pool::SendOptions,
}

impl Snapshot {
    fn of(defaults: Defaults) -> Snapshot {
        let headers = CheckedHeaders::new(defaults.headers.clone()).ok();
        let options = crate::send::options(
            &defaults.timeouts,
            #[cfg(feature = "tls")]
            defaults.tls.as_ref(),
        );
        Snapshot {
            defaults: Arc::new(defaults),
            headers,
            options,
        }
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("defaults", &self.defaults())
            .field("cookies", &self.inner.jar.len())
            .field("pool", &self.inner.pool.stats())
            .finish()
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    /// A session with default settings: `User-Agent: tarry/…`, `Accept: */*`,
    /// `Accept-Encoding` for what it decodes, an empty jar, TLS verification against
    /// webpki-roots, 30 redirects, and finite connect, head and read timeouts.
    pub fn new() -> Session {
        SessionBuilder::default().build_unchecked()
    }

    /// A builder for other settings.
    pub fn builder() -> SessionBuilder {
        SessionBuilder::default()
    }

    /// A request with `method` (any case; it is sent uppercase) to `url`.
    pub fn request(&self, method: &str, url: &str) -> RequestBuilder {
        let upper = method.to_ascii_uppercase();
        match Method::from_bytes(upper.as_bytes()) {
            Ok(method) => RequestBuilder::new(self.clone(), method, url),
            Err(_) => {
                let mut builder = RequestBuilder::new(self.clone(), Method::GET, url);
                builder.error = Some(format!("invalid method {method:?}"));
                builder
            }
        }
    }

    /// A GET request.
    pub fn get(&self, url: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Method::GET, url)
    }

    /// A POST request.
    pub fn post(&self, url: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Method::POST, url)
    }

    /// A PUT request.
    pub fn put(&self, url: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Method::PUT, url)
    }

    /// A PATCH request.
    pub fn patch(&self, url: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Method::PATCH, url)
    }

    /// A DELETE request.
    pub fn delete(&self, url: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Method::DELETE, url)
    }

    /// A HEAD request. As in requests, it does not follow redirects unless
    /// [`redirects`](RequestBuilder::redirects) says so.
    pub fn head(&self, url: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Method::HEAD, url).redirects(0)
    }

    /// An OPTIONS request.
    pub fn options(&self, url: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Method::OPTIONS, url)
    }

    /// Changes the defaults. Later requests of every clone see the change; requests already
    /// on their way keep what they started with.
    pub fn configure(&self, change: impl FnOnce(&mut Defaults)) {
        let mut guard = self
            .inner
            .defaults
            .write()
            .unwrap_or_else(|p| p.into_inner());
        let mut defaults = Defaults::clone(&guard.defaults);
        change(&mut defaults);
        *guard = Arc::new(Snapshot::of(defaults));
    }

    /// The defaults as they are now.
    pub fn defaults(&self) -> Arc<Defaults> {
        Arc::clone(&self.snapshot().defaults)
    }

    /// The defaults as they are now, with their headers checked and written out.
    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        let guard = self
            .inner
            .defaults
            .read()
            .unwrap_or_else(|p| p.into_inner());
        Arc::clone(&guard)
    }

    /// The session's cookie jar: read it, add to it, clear it, save it.
    pub fn jar(&self) -> &Arc<Jar> {
        &self.inner.jar
    }

    /// The connection pool, for its metrics.
    pub fn pool(&self) -> &Pool {
        &self.inner.pool
    }

    /// Closes the session: idle connections are shut down and later requests fail with
    /// [`Error::Closed`]. Responses still being read finish normally.
    pub async fn close(&self) {
        self.inner.closed.store(true, Ordering::Release);
        self.inner.pool.close().await;
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }
}

/// Settings for a new [`Session`].
#[derive(Debug, Default)]
pub struct SessionBuilder {
    defaults: Defaults,
    pool: PoolBuilder,
    jar: Option<Arc<Jar>>,
    #[cfg(feature = "tls")]
    tls: tarry_pool::TlsSettings,
    error: Option<String>,
}

impl SessionBuilder {
    fn fail(&mut self, why: String) {
        self.error.get_or_insert(why);
    }

    /// Sends this header with every request (replacing a default of the same name).
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => {
                self.defaults.headers.insert(name, value);
            }
            _ => self.fail("invalid default header".to_owned()),
        }
        self
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(self, agent: &str) -> Self {
        self.header(http::header::USER_AGENT, agent)
    }

    /// Appends these query parameters to every request.
    pub fn query<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(K, V)]) -> Self {
        for (k, v) in pairs {
            let pair = (k.as_ref().to_owned(), v.as_ref().to_owned());
            self.defaults.query.push(pair);
        }
        self
    }

    /// Credentials for every request.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.defaults.auth = Some(auth);
        self
    }

    /// The connect timeout (`None`: none). Default 10 s.
    pub fn connect_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.defaults.timeouts.connect = d.into();
        self
    }

    /// How long to wait for a response head (`None`: forever). Default 30 s.
    pub fn head_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.defaults.timeouts.head = d.into();
        self
    }

    /// The longest gap while reading a body (`None`: forever). Default 30 s.
    pub fn read_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.defaults.timeouts.read = d.into();
        self
    }

    /// A deadline for each hop's whole exchange. Default none.
    pub fn timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.defaults.timeouts.total = d.into();
        self
    }

    /// Redirects followed before an error (default 30; 0 returns redirect responses as they
    /// are).
    pub fn redirects(mut self, limit: usize) -> Self {
        self.defaults.redirects.limit = limit;
        self
    }

    /// Refuse redirects from https to http.
    pub fn https_only_redirects(mut self, yes: bool) -> Self {
        self.defaults.redirects.https_only = yes;
        self
    }

    /// The most decoded body bytes `bytes`, `text` and `json` hold (default 64 MiB).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.defaults.max_body_size = bytes;
        self
    }

    /// Runs `hook` on every response, redirect hops included.
    pub fn hook(mut self, hook: impl Fn(&Response) + Send + Sync + 'static) -> Self {
        self.defaults.hooks.push(Arc::new(hook));
        self
    }

    /// Uses this jar (shared, or loaded from disk) instead of a new empty one.
    pub fn jar(mut self, jar: Arc<Jar>) -> Self {
        self.jar = Some(jar);
        self
    }

    /// Idle connections kept per host (default 32).
    pub fn max_idle_per_host(mut self, n: usize) -> Self {
        self.pool = self.pool.max_idle_per_host(n);
        self
    }

    /// The largest read or write buffer a connection keeps for its next request (default
    /// 32 KiB); 0 frees them after every request, for the smallest idle connections. See
    /// [`tarry_pool::PoolBuilder::idle_buffer_limit`].
    pub fn idle_buffer_limit(mut self, bytes: usize) -> Self {
        self.pool = self.pool.idle_buffer_limit(bytes);
        self
    }

    /// Open connections allowed per host (default unlimited); more requests wait their turn.
    pub fn max_connections_per_host(mut self, n: usize) -> Self {
        self.pool = self.pool.max_connections_per_host(n);
        self
    }

    /// How long an idle connection is kept (default 30 s; shortened by the server's
    /// `Keep-Alive: timeout`).
    pub fn idle_timeout(mut self, d: Duration) -> Self {
        self.pool = self.pool.idle_timeout(d);
        self
    }

    /// Limits on a response head: its size (default 64 KiB), its header count (100), and
    /// the codec's other limits. A response past one is a typed [`Error::Transport`].
    pub fn response_limits(mut self, limits: tarry_pool::Limits) -> Self {
        self.pool = self.pool.response_limits(limits);
        self
    }

    /// Connects to `addr` for `host:port` instead of resolving it (curl's `--resolve`).
    pub fn resolve(mut self, host: &str, port: u16, addr: SocketAddr) -> Self {
        self.pool = self.pool.resolve(host, port, addr);
        self
    }

    /// Other pool settings, for everything this builder does not name. Pool settings given
    /// to this builder before are replaced; TLS settings given to it are kept.
    pub fn pool(mut self, pool: PoolBuilder) -> Self {
        self.pool = pool;
        self
    }

    /// Also trusts the roots in this PEM document.
    #[cfg(feature = "tls")]
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Self {
        match self.tls.clone().add_root_certificates_pem(pem) {
            Ok(tls) => self.tls = tls,
            Err(e) => self.fail(e.to_string()),
        }
        self
    }

    /// Trusts only the roots added with
    /// [`add_root_certificates_pem`](Self::add_root_certificates_pem).
    #[cfg(feature = "tls")]
    pub fn without_builtin_roots(mut self) -> Self {
        self.tls = self.tls.without_builtin_roots();
        self
    }

    /// Presents this client certificate chain and key (PEM) to servers that ask.
    #[cfg(feature = "tls")]
    pub fn client_identity_pem(mut self, chain_pem: &[u8], key_pem: &[u8]) -> Self {
        match self.tls.clone().client_identity_pem(chain_pem, key_pem) {
            Ok(tls) => self.tls = tls,
            Err(e) => self.fail(e.to_string()),
        }
        self
    }

    /// All TLS settings at once, replacing those given before.
    #[cfg(feature = "tls")]
    pub fn tls(mut self, settings: tarry_pool::TlsSettings) -> Self {
        self.tls = settings;
        self
    }

    /// The session, or the first setting that could not be used.
    pub fn build(self) -> Result<Session, Error> {
        if let Some(why) = &self.error {
            return Err(Error::InvalidSettings { why: why.clone() });
        }
        Ok(self.build_unchecked())
    }

    fn build_unchecked(self) -> Session {
        #[cfg(feature = "tls")]
        let pool = self.pool.tls(self.tls).build();
        #[cfg(not(feature = "tls"))]
        let pool = self.pool.build();
        Session {
            inner: Arc::new(Inner {
                pool,
                jar: self.jar.unwrap_or_else(|| Arc::new(Jar::new())),
                defaults: RwLock::new(Arc::new(Snapshot::of(self.defaults))),
                closed: AtomicBool::new(false),
            }),
        }
    }
}
