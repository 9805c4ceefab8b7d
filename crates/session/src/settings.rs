//! The session's one-line setters: one per requests `Session` attribute, each a
//! [`Session::configure`] of one field. Header names and values are checked here, so a bad
//! one is an error at the call that set it, not at a later request.

use std::sync::Arc;
use std::time::Duration;

use http::header::AsHeaderName;
use http::{HeaderName, HeaderValue};

use crate::parts::header_pair;
use crate::{Auth, Error, Response, Session};

impl Session {
    /// Sets default header `name` to `value` alone (replacing its values, any case), as
    /// `s.headers["name"] = value` does in requests.
    ///
    /// # Errors
    ///
    /// [`Error::Builder`] when the name or the value is not valid; the defaults are then
    /// unchanged.
    pub fn set_header<K, V>(&self, name: K, value: V) -> Result<(), Error>
    where
        K: TryInto<HeaderName> + std::fmt::Debug + Clone,
        V: TryInto<HeaderValue>,
    {
        let (name, value) = header_pair(name, value).map_err(|e| Error::builder(None, e))?;
        self.configure(|d| {
            d.headers.insert(name, value);
        });
        Ok(())
    }

    /// Adds a value to default header `name`, after those it has.
    ///
    /// # Errors
    ///
    /// As [`set_header`](Self::set_header).
    pub fn append_header<K, V>(&self, name: K, value: V) -> Result<(), Error>
    where
        K: TryInto<HeaderName> + std::fmt::Debug + Clone,
        V: TryInto<HeaderValue>,
    {
        let (name, value) = header_pair(name, value).map_err(|e| Error::builder(None, e))?;
        self.configure(|d| {
            d.headers.append(name, value);
        });
        Ok(())
    }

    /// Removes default header `name` (any case), every value of it.
    pub fn remove_header<K: AsHeaderName>(&self, name: K) {
        self.configure(|d| {
            d.headers.remove(name);
        });
    }

    /// Sets default query parameter `name` to `value` alone, in the place of its first pair
    /// (requests' `s.params["name"] = value`).
    pub fn set_query(&self, name: &str, value: &str) {
        self.configure(|d| d.set_query(name, value));
    }

    /// Adds a default query parameter pair after those there are, for names sent several
    /// times.
    pub fn append_query(&self, name: &str, value: &str) {
        self.configure(|d| d.query.push((name.to_owned(), value.to_owned())));
    }

    /// Removes every pair of default query parameter `name`.
    pub fn remove_query(&self, name: &str) {
        self.configure(|d| d.remove_query(name));
    }

    /// The credentials sent with every request (`None`: none), as requests' `s.auth`.
    pub fn set_auth(&self, auth: impl Into<Option<Auth>>) {
        let auth = auth.into();
        self.configure(|d| d.auth = auth);
    }

    /// A deadline for each whole call (`None`: none). See
    /// [`Timeouts::total`](crate::Timeouts::total).
    pub fn set_timeout(&self, d: impl Into<Option<Duration>>) {
        let d = d.into();
        self.configure(|defaults| defaults.timeouts.total = d);
    }

    /// The connect timeout (`None`: none). See
    /// [`Timeouts::connect`](crate::Timeouts::connect).
    pub fn set_connect_timeout(&self, d: impl Into<Option<Duration>>) {
        let d = d.into();
        self.configure(|defaults| defaults.timeouts.connect = d);
    }

    /// The longest silence from the server (`None`: none). See
    /// [`Timeouts::read`](crate::Timeouts::read).
    pub fn set_read_timeout(&self, d: impl Into<Option<Duration>>) {
        let d = d.into();
        self.configure(|defaults| defaults.timeouts.read = d);
    }

    /// Whether redirects are followed (default true).
    pub fn set_allow_redirects(&self, follow: bool) {
        self.configure(|d| d.redirects.follow = follow);
    }

    /// Redirects followed per call before
    /// [`Error::TooManyRedirects`](crate::Error::TooManyRedirects) (requests'
    /// `s.max_redirects`; default 30).
    pub fn set_max_redirects(&self, max: usize) {
        self.configure(|d| d.redirects.max = max);
    }

    /// Whether a redirect from https to http is refused (default false).
    pub fn set_https_only_redirects(&self, yes: bool) {
        self.configure(|d| d.redirects.https_only = yes);
    }

    /// The most decoded body bytes `bytes`, `text` and `json` hold (default 64 MiB).
    pub fn set_max_body_size(&self, bytes: usize) {
        self.configure(|d| d.max_body_size = bytes);
    }

    /// Adds a response hook (requests' `s.hooks["response"].append(f)`): it sees every
    /// response, redirect hops included.
    pub fn add_hook(&self, hook: impl Fn(&Response) + Send + Sync + 'static) {
        let hook: crate::Hook = Arc::new(hook);
        self.configure(|d| d.hooks.push(hook));
    }

    /// Removes every response hook.
    pub fn clear_hooks(&self) {
        self.configure(|d| d.hooks.clear());
    }

    /// The TLS settings of later requests (requests' `s.verify` and `s.cert`). Connections
    /// made under the old settings are never used for them.
    #[cfg(feature = "tls")]
    pub fn set_tls(&self, settings: crate::TlsSettings) {
        self.configure(|d| d.tls = settings);
    }

    /// Sends requests that `key` names (`"http"`, `"https"`, `"all"`, or a scheme and host)
    /// through the proxy at `url`: requests' `s.proxies[key] = url`. See
    /// [`Proxies`](crate::Proxies).
    ///
    /// # Errors
    ///
    /// [`Error::Builder`] when the key or the URL is not valid; nothing changes then.
    pub fn set_proxy(&self, key: &str, url: &str) -> Result<(), Error> {
        let mut proxies = self.defaults().proxies.clone();
        proxies.set(key, url)?;
        self.configure(|d| d.proxies = proxies);
        Ok(())
    }

    /// Stops using the proxy set for `key`.
    pub fn remove_proxy(&self, key: &str) {
        self.configure(|d| d.proxies.remove(key));
    }

    /// Hosts that bypass the session's proxies, in `NO_PROXY` syntax (see
    /// [`NoProxy`](crate::NoProxy)).
    pub fn set_no_proxy(&self, list: &str) {
        let no_proxy = crate::NoProxy::parse(list);
        self.configure(|d| d.proxies.set_no_proxy(no_proxy));
    }

    /// Whether the environment's proxies are used where the session names none (requests'
    /// `s.trust_env`). They were read when the session was built.
    pub fn set_trust_env(&self, trust: bool) {
        self.configure(|d| d.trust_env = trust);
    }
}
