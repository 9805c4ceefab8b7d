//! The session: defaults, a cookie jar and a connection pool, shared by every clone.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use std::time::Duration;

use tarry_pool::{CheckedHeaders, Pool, SendOptions};

use crate::defaults::Defaults;
use crate::into_url::IntoUrl;
use crate::{Error, HostStats, Jar, Stats};

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
/// s.set_auth(Auth::bearer("t0ken"));
///
/// let r = clone.get(format!("{httpbin}/headers")).send().await?;
/// let seen: serde_json::Value = r.json().await?;
/// assert_eq!(seen["headers"]["authorization"], "Bearer t0ken");
/// assert_eq!(seen["headers"]["user-agent"], "my-app/1.0");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Session {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) pool: Pool,
    pub(crate) jar: Arc<Jar>,
    pub(crate) defaults: RwLock<Arc<Snapshot>>,
    pub(crate) closed: AtomicBool,
    /// Digest authentication state per origin (scheme, host, port): the last challenge and
    /// how often its nonce was used, so that later requests answer before being asked.
    #[cfg(feature = "digest")]
    pub(crate) digest: std::sync::Mutex<
        std::collections::HashMap<(String, String, u16), crate::digest::DigestState>,
    >,
    /// The environment's proxies, read when the session was built (`None`: none set, or
    /// the session does not trust the environment).
    pub(crate) env_proxies: Option<crate::Proxies>,
    /// The TLS settings the pool was built with: requests under them need no settings of
    /// their own, and reuse the pool's remembered routes.
    #[cfg(feature = "tls")]
    pub(crate) pool_tls: crate::TlsSettings,
}

/// The defaults, with what every request that keeps them needs made once, when they are set:
/// their headers as the codec writes them (checked and written out, rather than field by
/// field per request) and the pool settings of their timeouts.
pub(crate) struct Snapshot {
    pub(crate) defaults: Arc<Defaults>,
    /// `None` when the codec refuses the headers (a default `Content-Length`, say): each
    /// request then meets that refusal itself.
    pub(crate) headers: Option<CheckedHeaders>,
    /// The defaults' TLS settings when they differ from the pool's own.
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<crate::TlsSettings>,
    /// The pool settings of the defaults' timeouts and TLS settings.
    pub(crate) options: tarry_pool::SendOptions,
}

impl Snapshot {
    pub(crate) fn of(
        defaults: Defaults,
        #[cfg(feature = "tls")] pool_tls: &crate::TlsSettings,
    ) -> Snapshot {
        let headers = CheckedHeaders::new(defaults.headers.clone()).ok();
        #[cfg(feature = "tls")]
        let tls = (defaults.tls != *pool_tls).then(|| defaults.tls.clone());
        let options = options(
            &defaults.timeouts,
            #[cfg(feature = "tls")]
            tls.as_ref(),
        );
        Snapshot {
            defaults: Arc::new(defaults),
            headers,
            #[cfg(feature = "tls")]
            tls,
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
    /// Changes several defaults at once. Later requests of every clone see the change;
    /// requests already on their way keep what they started with. The one-line setters
    /// ([`set_header`](Self::set_header) and the others) each make one such change.
    pub fn configure(&self, change: impl FnOnce(&mut Defaults)) {
        let mut guard = self
            .inner
            .defaults
            .write()
            .unwrap_or_else(|p| p.into_inner());
        let mut defaults = Defaults::clone(&guard.defaults);
        change(&mut defaults);
        *guard = Arc::new(Snapshot::of(
            defaults,
            #[cfg(feature = "tls")]
            &self.inner.pool_tls,
        ));
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

    /// The session's cookie jar: read it, add to it, clear it, save it. Cookies from every
    /// response (redirects included) land here.
    pub fn jar(&self) -> &Jar {
        &self.inner.jar
    }

    /// The jar as a shared handle, to give to another session
    /// ([`SessionBuilder::jar`](crate::SessionBuilder::jar)) or keep after this one is gone.
    pub fn shared_jar(&self) -> Arc<Jar> {
        Arc::clone(&self.inner.jar)
    }

    /// The connection pool's counters: connections opened, reused, closed and why, idle and
    /// in use now.
    pub fn stats(&self) -> Stats {
        self.inner.pool.stats()
    }

    /// The counters of the origin of `url` alone.
    pub fn host_stats(&self, url: impl IntoUrl) -> Result<HostStats, Error> {
        let (url, _) = url.into_request_url()?;
        let uri = crate::url_cache::request_target(&url)?;
        self.inner
            .pool
            .host_stats(&uri)
            .map_err(|e| Error::from_pool(&url, e, None))
    }

    /// The counters of the connections through `proxy`, forwarding or tunnelling.
    pub fn proxy_stats(&self, proxy: &crate::Proxy) -> Stats {
        self.inner.pool.proxy_stats(proxy)
    }

    pub(crate) fn pool(&self) -> &Pool {
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

/// The pool settings for these timeouts and TLS settings (`None`: the pool's own).
pub(crate) fn options(
    t: &crate::Timeouts,
    #[cfg(feature = "tls")] tls: Option<&tarry_pool::TlsSettings>,
) -> SendOptions {
    // No limit is a limit too long to matter; the pool caps it.
    let or_forever = |d: Option<Duration>| d.unwrap_or(Duration::MAX);
    let options = SendOptions::new()
        .connect_timeout(or_forever(t.connect))
        .read_timeout(or_forever(t.read));
    #[cfg(feature = "tls")]
    let options = match tls {
        Some(tls) => options.tls(tls.clone()),
        None => options,
    };
    options
}
