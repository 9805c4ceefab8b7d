//! What one request adds to, replaces in, or removes from the session's defaults, as its
//! builder collected it. Each edit applies in the order the caller made it, so a removal
//! removes whatever set the value before it (the session or the same builder), and a value
//! set after a removal is sent.

use std::time::Duration;

use http::{HeaderName, HeaderValue};

use crate::Auth;
use crate::causes::BuildError;
use crate::defaults::Hooks;

/// Which credentials a request uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum AuthChoice {
    /// The session's, if it has any (else credentials in the URL, if any).
    #[default]
    Session,
    /// These, whatever the session has.
    Use(Auth),
    /// None at all, whatever the session or the URL has.
    Off,
}

/// Which proxy a request goes through.
#[derive(Debug, Clone, Default)]
pub(crate) enum ProxyChoice {
    /// The session's, or the environment's, for each hop's URL.
    #[default]
    Session,
    /// This one, for every hop.
    Use(crate::Proxy),
    /// None: straight to every origin.
    Off,
}

/// A request's header edits.
#[derive(Debug, Default, Clone)]
pub(crate) struct HeaderEdits {
    /// The request's own fields, in the order they were given.
    pub(crate) fields: Vec<(HeaderName, HeaderValue)>,
    /// Names whose session values are not sent: set with `header` (the request's values take
    /// their place) or removed (nothing takes their place).
    pub(crate) replaced: Vec<HeaderName>,
    /// Names removed: neither the session's values nor the request's earlier ones are sent.
    pub(crate) removed: Vec<HeaderName>,
    /// The content type the body implies (JSON, a form), unless a header names one.
    pub(crate) body_type: Option<HeaderValue>,
}

impl HeaderEdits {
    /// Sets `name` to `value` alone, as assigning to requests' header dict does.
    pub(crate) fn set(&mut self, name: HeaderName, value: HeaderValue) {
        self.fields.retain(|(n, _)| *n != name);
        self.removed.retain(|n| *n != name);
        if !self.replaced.contains(&name) {
            self.replaced.push(name.clone());
        }
        self.fields.push((name, value));
    }

    /// Adds a value to those `name` has (the session's included), for multi-valued fields.
    pub(crate) fn append(&mut self, name: HeaderName, value: HeaderValue) {
        self.fields.push((name, value));
    }

    /// Sends no value of `name`, whatever set it before.
    pub(crate) fn remove(&mut self, name: HeaderName) {
        self.fields.retain(|(n, _)| *n != name);
        if !self.replaced.contains(&name) {
            self.replaced.push(name.clone());
        }
        if !self.removed.contains(&name) {
            self.removed.push(name);
        }
    }

    /// Whether the request changes none of the session's headers.
    pub(crate) fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.replaced.is_empty() && self.body_type.is_none()
    }
}

/// A request's query edits.
#[derive(Debug, Default, Clone)]
pub(crate) struct QueryEdits {
    /// The request's own pairs, in order. A name here replaces every session value of it.
    pub(crate) pairs: Vec<(String, String)>,
    /// Names whose session values are not sent.
    pub(crate) removed: Vec<String>,
}

impl QueryEdits {
    pub(crate) fn add(&mut self, name: String, value: String) {
        self.removed.retain(|n| *n != name);
        self.pairs.push((name, value));
    }

    pub(crate) fn remove(&mut self, name: &str) {
        self.pairs.retain(|(n, _)| n != name);
        if !self.removed.iter().any(|n| n == name) {
            self.removed.push(name.to_owned());
        }
    }
}

/// A request's own parts. Every `Option` left `None` takes the session's value.
#[derive(Debug, Default)]
pub(crate) struct Parts {
    pub(crate) headers: HeaderEdits,
    pub(crate) query: QueryEdits,
    /// Cookies for this request only, by name (a later one of a name replaces the earlier).
    pub(crate) cookies: Vec<(String, String)>,
    pub(crate) auth: AuthChoice,
    pub(crate) body: Option<crate::Body>,
    pub(crate) connect_timeout: Option<Option<Duration>>,
    pub(crate) read_timeout: Option<Option<Duration>>,
    pub(crate) timeout: Option<Option<Duration>>,
    pub(crate) max_redirects: Option<usize>,
    pub(crate) follow_redirects: Option<bool>,
    pub(crate) hooks: Option<Hooks>,
    pub(crate) proxy: ProxyChoice,
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<tarry_pool::TlsSettings>,
}

impl Parts {
    /// Whether the request sets a connect or read timeout, or TLS settings, of its own: then
    /// the session's pool settings, made once, do not fit it.
    pub(crate) fn sets_options(&self) -> bool {
        #[cfg(feature = "tls")]
        let tls = self.tls.is_some();
        #[cfg(not(feature = "tls"))]
        let tls = false;
        tls || self.connect_timeout.is_some() || self.read_timeout.is_some()
    }
}

/// A header name and value, or what is wrong with them.
pub(crate) fn header_pair<K, V>(name: K, value: V) -> Result<(HeaderName, HeaderValue), BuildError>
where
    K: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
    K: std::fmt::Debug + Clone,
{
    let shown = name.clone();
    let name = name.try_into().map_err(|_| BuildError::HeaderName {
        name: format!("{shown:?}"),
    })?;
    let value = value.try_into().map_err(|_| BuildError::HeaderValue {
        name: name.as_str().to_owned(),
    })?;
    Ok((name, value))
}
