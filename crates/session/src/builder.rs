//! [`SessionBuilder`]: the settings a session starts with. The defaults it sets are the same
//! [`Defaults`] the session's setters change later; the rest (connection limits, idle
//! timeouts, resolve overrides, the jar) are fixed when the session is built.

use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use tarry_pool::PoolBuilder;

use crate::causes::BuildError;
use crate::defaults::Defaults;
use crate::parts::header_pair;
use crate::session::{Inner, Snapshot};
use crate::{Auth, Error, Jar, Proxies, Response, ResponseLimits, Session};

impl Session {
    /// A session with default settings: `User-Agent: tarry/…`, `Accept: */*`,
    /// `Accept-Encoding` for what it decodes, an empty jar, TLS verification against
    /// webpki-roots, 30 redirects, a 10 s connect timeout and a 30 s read timeout.
    pub fn new() -> Session {
        SessionBuilder::default().build_unchecked()
    }

    /// A builder for other settings.
    pub fn builder() -> SessionBuilder {
        SessionBuilder::default()
    }
}

/// Settings for a new [`Session`]. Each setting has a default; [`build`](Self::build) reports
/// the first one that could not be used.
///
/// ```
/// use std::time::Duration;
/// use tarry_session::Session;
///
/// let s = Session::builder()
///     .user_agent("my-app/1.0")
///     .header("x-team", "payments")
///     .connect_timeout(Duration::from_secs(3))
///     .read_timeout(Duration::from_secs(20))
///     .max_redirects(5)
///     .max_idle_per_host(8)
///     .build()?;
/// assert_eq!(s.defaults().redirects.max, 5);
/// # Ok::<(), tarry_session::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct SessionBuilder {
    defaults: Defaults,
    pool: PoolBuilder,
    jar: Option<Arc<Jar>>,
    /// The environment's proxies given by the caller instead of read from the process.
    environment: Option<Proxies>,
    error: Option<BuildError>,
}

impl SessionBuilder {
    fn fail(&mut self, why: BuildError) {
        self.error.get_or_insert(why);
    }

    // ------------------------------------------------------------ defaults

    /// Sets default header `name` to `value` (replacing a default of the same name).
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName> + std::fmt::Debug + Clone,
        V: TryInto<HeaderValue>,
    {
        match header_pair(name, value) {
            Ok((name, value)) => {
                self.defaults.headers.insert(name, value);
            }
            Err(e) => self.fail(e),
        }
        self
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(self, agent: &str) -> Self {
        self.header(http::header::USER_AGENT, agent)
    }

    /// Appends these default query parameters (requests' `params`), sent with every request
    /// in this order.
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

    /// The connect timeout (`None`: none). Default 10 s. See
    /// [`Timeouts::connect`](crate::Timeouts::connect).
    pub fn connect_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.defaults.timeouts.connect = d.into();
        self
    }

    /// The longest silence from the server (`None`: none). Default 30 s. See
    /// [`Timeouts::read`](crate::Timeouts::read).
    pub fn read_timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.defaults.timeouts.read = d.into();
        self
    }

    /// A deadline for each whole call (`None`: none, the default). See
    /// [`Timeouts::total`](crate::Timeouts::total).
    pub fn timeout(mut self, d: impl Into<Option<Duration>>) -> Self {
        self.defaults.timeouts.total = d.into();
        self
    }

    /// Whether redirects are followed (default true).
    pub fn allow_redirects(mut self, follow: bool) -> Self {
        self.defaults.redirects.follow = follow;
        self
    }

    /// Redirects followed per call before
    /// [`Error::TooManyRedirects`](crate::Error::TooManyRedirects) (default 30).
    pub fn max_redirects(mut self, max: usize) -> Self {
        self.defaults.redirects.max = max;
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

    /// Also trusts the roots in this PEM document.
    #[cfg(feature = "tls")]
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Self {
        match self.defaults.tls.clone().add_root_certificates_pem(pem) {
            Ok(tls) => self.defaults.tls = tls,
            Err(e) => self.fail(BuildError::Pool(Box::new(e))),
        }
        self
    }

    /// Trusts only the roots added with
    /// [`add_root_certificates_pem`](Self::add_root_certificates_pem).
    #[cfg(feature = "tls")]
    pub fn without_builtin_roots(mut self) -> Self {
        self.defaults.tls = self.defaults.tls.without_builtin_roots();
        self
    }

    /// Presents this client certificate chain and key (PEM) to servers that ask.
    #[cfg(feature = "tls")]
    pub fn client_identity_pem(mut self, chain_pem: &[u8], key_pem: &[u8]) -> Self {
        match self
            .defaults
            .tls
            .clone()
            .client_identity_pem(chain_pem, key_pem)
        {
            Ok(tls) => self.defaults.tls = tls,
            Err(e) => self.fail(BuildError::Pool(Box::new(e))),
        }
        self
    }

    /// All TLS settings at once, replacing those given before.
    #[cfg(feature = "tls")]
    pub fn tls(mut self, settings: crate::TlsSettings) -> Self {
        self.defaults.tls = settings;
        self
    }

    /// Sends requests that `key` names (`"http"`, `"https"`, `"all"`, or a scheme and host
    /// such as `"https://api.example"`) through the proxy at `url` (requests' `proxies`). See
    /// [`Proxies`].
    pub fn proxy(mut self, key: &str, url: &str) -> Self {
        if let Err(Error::Builder { reason, .. }) = self.defaults.proxies.set(key, url) {
            self.fail(reason);
        }
        self
    }

    /// Hosts that bypass the proxies set with [`proxy`](Self::proxy), in `NO_PROXY` syntax
    /// (see [`NoProxy`](crate::NoProxy)). The environment's proxies follow the environment's
    /// `NO_PROXY`.
    pub fn no_proxy(mut self, list: &str) -> Self {
        self.defaults
            .proxies
            .set_no_proxy(crate::NoProxy::parse(list));
        self
    }

    /// Whether the environment's proxies are used (requests' `trust_env`; default true).
    pub fn trust_env(mut self, trust: bool) -> Self {
        self.defaults.trust_env = trust;
        self
    }

    /// Takes the environment's proxy variables from `var` instead of the process
    /// environment: for tests, and for programs that keep their settings elsewhere.
    pub fn proxy_environment(mut self, var: impl Fn(&str) -> Option<String>) -> Self {
        match Proxies::from_environment(var) {
            Ok(proxies) => self.environment = Some(proxies),
            Err(e) => self.fail(e),
        }
        self
    }

    // ------------------------------------------------------------ fixed for the session

    /// Uses this jar (shared with another session, or loaded from disk) instead of a new
    /// empty one.
    pub fn jar(mut self, jar: Arc<Jar>) -> Self {
        self.jar = Some(jar);
        self
    }

    /// Idle connections kept per host (default 32; 0: none, every request connects anew).
    pub fn max_idle_per_host(mut self, n: usize) -> Self {
        self.pool = self.pool.max_idle_per_host(n);
        self
    }

    /// Idle connections kept in all (default 256).
    pub fn max_idle_total(mut self, n: usize) -> Self {
        self.pool = self.pool.max_idle_total(n);
        self
    }

    /// How long an idle connection is kept (default 30 s; shortened by the server's
    /// `Keep-Alive: timeout`).
    pub fn idle_timeout(mut self, d: Duration) -> Self {
        self.pool = self.pool.idle_timeout(d);
        self
    }

    /// How long before the server's announced `Keep-Alive: timeout` an idle connection stops
    /// being reused (default 1 s), so that a request does not race the server's close.
    pub fn keep_alive_margin(mut self, d: Duration) -> Self {
        self.pool = self.pool.keep_alive_margin(d);
        self
    }

    /// Open connections allowed per host (default unlimited); more requests wait their turn.
    pub fn max_connections_per_host(mut self, n: usize) -> Self {
        self.pool = self.pool.max_connections_per_host(n);
        self
    }

    /// How long a request waits for a connection under
    /// [`max_connections_per_host`](Self::max_connections_per_host) (default 30 s).
    pub fn acquire_timeout(mut self, d: Duration) -> Self {
        self.pool = self.pool.acquire_timeout(d);
        self
    }

    /// How long a request with `Expect: 100-continue` waits for the server's `100` before it
    /// sends its body anyway (default 1 s).
    pub fn expect_continue_timeout(mut self, d: Duration) -> Self {
        self.pool = self.pool.expect_continue_timeout(d);
        self
    }

    /// How long a connection is used at most, idle or not (default: no limit).
    pub fn max_lifetime(mut self, d: Duration) -> Self {
        self.pool = self.pool.max_lifetime(d);
        self
    }

    /// How much of a body dropped before its end is read to keep the connection, and for
    /// how long (default 64 KiB within 100 ms); past either, the connection is closed.
    pub fn drain(mut self, limit: usize, timeout: Duration) -> Self {
        self.pool = self.pool.drain(limit, timeout);
        self
    }

    /// The head start each address gets before the next one is tried (RFC 8305; default
    /// 250 ms).
    pub fn happy_eyeballs_delay(mut self, d: Duration) -> Self {
        self.pool = self.pool.happy_eyeballs_delay(d);
        self
    }

    /// The largest read or write buffer kept for a later request (default 32 KiB); 0 frees
    /// them after every request. Kept buffers are shared among the pool's exchanges, not
    /// held by idle connections (at most one set more than the requests in flight).
    pub fn idle_buffer_limit(mut self, bytes: usize) -> Self {
        self.pool = self.pool.idle_buffer_limit(bytes);
        self
    }

    /// Limits on a response head: its size (default 64 KiB), its header count (100), and
    /// the codec's other limits; also whether a head line may end in a bare LF (refused by
    /// default). A response past one is an [`Error::Protocol`].
    pub fn response_limits(mut self, limits: ResponseLimits) -> Self {
        self.pool = self.pool.response_limits(limits);
        self
    }

    /// Connects to `addr` for `host:port` instead of resolving it (curl's `--resolve`).
    /// TLS still checks the certificate against `host`.
    pub fn resolve(mut self, host: &str, port: u16, addr: SocketAddr) -> Self {
        self.pool = self.pool.resolve(host, port, addr);
        self
    }

    /// The session, or the first setting that could not be used.
    ///
    /// # Errors
    ///
    /// [`Error::Builder`] naming that setting.
    pub fn build(mut self) -> Result<Session, Error> {
        if self.defaults.trust_env && self.environment.is_none() && self.error.is_none() {
            // Read here, once, so that a variable that is no proxy URL is reported now.
            match Proxies::from_environment(|name| std::env::var(name).ok()) {
                Ok(proxies) => self.environment = Some(proxies),
                Err(e) => self.fail(e),
            }
        }
        if let Some(reason) = self.error.take() {
            return Err(Error::builder(None, reason));
        }
        Ok(self.build_unchecked())
    }

    pub(crate) fn build_unchecked(self) -> Session {
        // Without `build` to report to (`Session::new`), a proxy variable that does not parse
        // leaves the environment's proxies unused.
        let env_proxies = match self.environment {
            Some(proxies) => Some(proxies),
            None if self.defaults.trust_env => {
                match Proxies::from_environment(|name| std::env::var(name).ok()) {
                    Ok(proxies) => Some(proxies),
                    Err(_e) => {
                        crate::log::warning!(
                            error = %_e,
                            "a proxy environment variable does not parse; no proxy from the environment is used"
                        );
                        None
                    }
                }
            }
            None => None,
        }
        .filter(|proxies| !proxies.is_empty());
        #[cfg(feature = "tls")]
        let pool_tls = self.defaults.tls.clone();
        #[cfg(feature = "tls")]
        let pool = self.pool.tls(pool_tls.clone()).build();
        #[cfg(not(feature = "tls"))]
        let pool = self.pool.build();
        let snapshot = Snapshot::of(
            self.defaults,
            #[cfg(feature = "tls")]
            &pool_tls,
        );
        Session {
            inner: Arc::new(Inner {
                pool,
                jar: self.jar.unwrap_or_else(|| Arc::new(Jar::new())),
                defaults: RwLock::new(Arc::new(snapshot)),
                closed: AtomicBool::new(false),
                env_proxies,
                #[cfg(feature = "digest")]
                digest: std::sync::Mutex::default(),
                #[cfg(feature = "tls")]
                pool_tls,
            }),
        }
    }
}
