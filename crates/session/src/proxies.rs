//! Which proxy a request goes through: requests' `proxies` dict, and the environment
//! (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`) when the session trusts it.

use url::Url;

use crate::causes::BuildError;
use crate::{NoProxy, Proxy};

/// Proxies by scheme or by origin, as requests' `proxies` dict: keys `"http"`, `"https"`,
/// `"all"`, or a scheme and host such as `"https://api.example"` (optionally with a port),
/// which win over the scheme alone. For a URL, the first that is set of `scheme://host:port`,
/// `scheme://host`, `scheme`, `all://host`, `all` is used, unless [`NoProxy`] says the host
/// goes straight to the origin.
///
/// ```
/// use tarry_session::{Proxies, Url};
///
/// let mut proxies = Proxies::new();
/// proxies.set("https", "http://proxy.internal:3128")?;
/// proxies.set("https://api.example", "socks5h://127.0.0.1:1080")?;
/// let api = Url::parse("https://api.example/v1").unwrap();
/// let other = Url::parse("https://other.example/").unwrap();
/// let plain = Url::parse("http://other.example/").unwrap();
/// assert_eq!(proxies.select(&api).unwrap().url(), "socks5h://127.0.0.1:1080");
/// assert_eq!(proxies.select(&other).unwrap().url(), "http://proxy.internal:3128");
/// assert!(proxies.select(&plain).is_none());
/// # Ok::<(), tarry_session::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Proxies {
    by_key: Vec<(Key, Proxy)>,
    no_proxy: Option<NoProxy>,
}

/// A key of the dict, taken apart: `http`, `https` or `all`, and a host and port for a key
/// by origin.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    scheme: Box<str>,
    host: Option<Box<str>>,
    port: Option<u16>,
}

impl Proxies {
    /// No proxy for anything.
    pub fn new() -> Proxies {
        Proxies::default()
    }

    /// Whether no proxy is set.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Sends requests that `key` names (see above) through the proxy at `url`, replacing one
    /// set for that key before.
    ///
    /// # Errors
    ///
    /// [`Error::Builder`](crate::Error::Builder) when the key or the URL is not valid.
    pub fn set(&mut self, key: &str, url: &str) -> Result<(), crate::Error> {
        let proxy = Proxy::parse(url)
            .map_err(|e| crate::Error::builder(None, BuildError::Pool(Box::new(e))))?;
        self.set_proxy(key, proxy)
    }

    /// [`set`](Self::set) with a proxy made already (credentials set apart, say).
    ///
    /// # Errors
    ///
    /// [`Error::Builder`](crate::Error::Builder) when the key is not a scheme, `all`, or a
    /// scheme and host.
    pub fn set_proxy(&mut self, key: &str, proxy: Proxy) -> Result<(), crate::Error> {
        let key = normalize_key(key).ok_or_else(|| {
            crate::Error::builder(
                None,
                BuildError::ProxyKey {
                    key: key.to_owned(),
                },
            )
        })?;
        self.by_key.retain(|(k, _)| *k != key);
        self.by_key.push((key, proxy));
        Ok(())
    }

    /// Stops using a proxy for `key`.
    pub fn remove(&mut self, key: &str) {
        if let Some(key) = normalize_key(key) {
            self.by_key.retain(|(k, _)| *k != key);
        }
    }

    /// Hosts that bypass these proxies.
    pub fn set_no_proxy(&mut self, no_proxy: NoProxy) {
        self.no_proxy = Some(no_proxy);
    }

    /// The proxy for a request to `url`, if any.
    pub fn select(&self, url: &Url) -> Option<&Proxy> {
        if self.by_key.is_empty() {
            return None;
        }
        let scheme = url.scheme();
        let host = url.host_str()?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = url.port_or_known_default()?;
        if self
            .no_proxy
            .as_ref()
            .is_some_and(|n| n.matches(host, port))
        {
            return None;
        }
        // Most specific first; compared in place, so that choosing allocates nothing.
        let find = |scheme: &str, host: Option<&str>, port: Option<u16>| {
            self.by_key
                .iter()
                .find(|(k, _)| {
                    let same_host = match (k.host.as_deref(), host) {
                        (None, None) => true,
                        (Some(theirs), Some(ours)) => theirs.eq_ignore_ascii_case(ours),
                        _ => false,
                    };
                    *k.scheme == *scheme && k.port == port && same_host
                })
                .map(|(_, p)| p)
        };
        find(scheme, Some(host), Some(port))
            .or_else(|| find(scheme, Some(host), None))
            .or_else(|| find(scheme, None, None))
            .or_else(|| find("all", Some(host), Some(port)))
            .or_else(|| find("all", Some(host), None))
            .or_else(|| find("all", None, None))
    }

    /// The proxies the environment names, read through `var` (the process environment, or
    /// a table in tests): `http_proxy`, `https_proxy`, `all_proxy` and `no_proxy`, each in
    /// lower case or, when that is not set, upper case (lower case wins, as in curl). A URL
    /// without a scheme is taken as `http://`. `HTTP_PROXY` in upper case is ignored when
    /// `REQUEST_METHOD` is set: under CGI it is the client's `Proxy:` request header
    /// (httpoxy, CVE-2016-5385).
    ///
    /// # Errors
    ///
    /// The variable that does not hold a proxy URL, and why, as
    /// [`BuildError::ProxyEnvironment`](crate::BuildError::ProxyEnvironment).
    pub fn from_environment(var: impl Fn(&str) -> Option<String>) -> Result<Proxies, BuildError> {
        let cgi = var("REQUEST_METHOD").is_some_and(|v| !v.is_empty());
        let read = |lower: &str, upper: &str| -> Option<(String, String)> {
            let found = |name: &str| var(name).filter(|v| !v.trim().is_empty());
            if let Some(v) = found(lower) {
                return Some((lower.to_owned(), v));
            }
            if cgi && upper == "HTTP_PROXY" {
                return None;
            }
            found(upper).map(|v| (upper.to_owned(), v))
        };
        let mut proxies = Proxies::new();
        for (key, lower, upper) in [
            ("http", "http_proxy", "HTTP_PROXY"),
            ("https", "https_proxy", "HTTPS_PROXY"),
            ("all", "all_proxy", "ALL_PROXY"),
        ] {
            let Some((name, value)) = read(lower, upper) else {
                continue;
            };
            let value = value.trim();
            let url = if value.contains("://") {
                value.to_owned()
            } else {
                format!("http://{value}")
            };
            let proxy = Proxy::parse(&url).map_err(|e| BuildError::ProxyEnvironment {
                variable: name,
                reason: e.to_string(),
            })?;
            let key = Key {
                scheme: key.into(),
                host: None,
                port: None,
            };
            proxies.by_key.push((key, proxy));
        }
        let no_proxy = read("no_proxy", "NO_PROXY").map(|(_, list)| NoProxy::parse(&list));
        proxies.no_proxy = Some(no_proxy.unwrap_or_default());
        Ok(proxies)
    }
}

/// `http`, `https`, `all`, or `scheme://host[:port]` taken apart, lowercase, without a
/// trailing dot or a path; `None` for anything else.
fn normalize_key(key: &str) -> Option<Key> {
    let key = key.trim().to_ascii_lowercase();
    let Some((scheme, rest)) = key.split_once("://") else {
        return matches!(key.as_str(), "http" | "https" | "all").then(|| Key {
            scheme: key.into(),
            host: None,
            port: None,
        });
    };
    if !matches!(scheme, "http" | "https" | "all") {
        return None;
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && port.parse::<u16>().is_ok() => {
            (host, port.parse().ok())
        }
        _ => (rest, None),
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.');
    if host.is_empty() || host.contains(['/', '?', '#', '@']) {
        return None;
    }
    Some(Key {
        scheme: scheme.into(),
        host: Some(host.into()),
        port,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn chosen(proxies: &Proxies, url: &str) -> Option<String> {
        proxies.select(&Url::parse(url).unwrap()).map(Proxy::url)
    }

    #[test]
    fn the_environment_by_scheme_with_lower_case_winning() {
        let proxies = Proxies::from_environment(env(&[
            ("HTTP_PROXY", "http://upper.test:1"),
            ("http_proxy", "http://lower.test:2"),
            ("HTTPS_PROXY", "upper-tls.test:3"),
            ("NO_PROXY", "skip.test"),
        ]))
        .unwrap();
        assert_eq!(
            chosen(&proxies, "http://a.test/").as_deref(),
            Some("http://lower.test:2")
        );
        assert_eq!(
            chosen(&proxies, "https://a.test/").as_deref(),
            Some("http://upper-tls.test:3")
        );
        assert_eq!(chosen(&proxies, "https://api.skip.test/"), None);
        assert_eq!(
            chosen(&proxies, "http://localhost:8080/"),
            None,
            "loopback bypasses"
        );
        assert_eq!(chosen(&proxies, "http://127.0.0.1/"), None);

        let all =
            Proxies::from_environment(env(&[("ALL_PROXY", "socks5h://s.test:1080")])).unwrap();
        assert_eq!(
            chosen(&all, "https://a.test/").as_deref(),
            Some("socks5h://s.test:1080")
        );
        assert!(Proxies::from_environment(env(&[])).unwrap().is_empty());
    }

    #[test]
    fn proxy_05_httpoxy_upper_case_http_proxy_is_ignored_under_cgi() {
        let cgi = [
            ("REQUEST_METHOD", "GET"),
            ("HTTP_PROXY", "http://attacker.test:80"),
            ("HTTPS_PROXY", "http://tls-proxy.test:3128"),
        ];
        let proxies = Proxies::from_environment(env(&cgi)).unwrap();
        assert_eq!(chosen(&proxies, "http://a.test/"), None);
        assert_eq!(
            chosen(&proxies, "https://a.test/").as_deref(),
            Some("http://tls-proxy.test:3128")
        );
        // The lower-case variable is not a request header under CGI: it stays.
        let lower = [("REQUEST_METHOD", "GET"), ("http_proxy", "http://p.test:1")];
        let proxies = Proxies::from_environment(env(&lower)).unwrap();
        assert_eq!(
            chosen(&proxies, "http://a.test/").as_deref(),
            Some("http://p.test:1")
        );
    }

    #[test]
    fn a_variable_that_is_no_proxy_url_is_named_in_the_error() {
        let err = Proxies::from_environment(env(&[("https_proxy", "ftp://u:secret@p.test")]))
            .unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("https_proxy"), "{shown}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn keys_by_origin_win_over_keys_by_scheme() {
        let mut proxies = Proxies::new();
        proxies.set("all", "http://everything.test:1").unwrap();
        proxies.set("http", "http://plain.test:2").unwrap();
        proxies
            .set("HTTPS://API.Example.", "http://api-proxy.test:3")
            .unwrap();
        proxies
            .set("https://api.example:8443", "http://port-proxy.test:4")
            .unwrap();
        proxies
            .set("all://db.example", "http://db-proxy.test:5")
            .unwrap();
        let cases = [
            ("http://a.test/", "http://plain.test:2"),
            ("https://a.test/", "http://everything.test:1"),
            ("https://api.example/", "http://api-proxy.test:3"),
            ("https://api.example:8443/", "http://port-proxy.test:4"),
            ("https://db.example/", "http://db-proxy.test:5"),
            ("http://db.example/", "http://plain.test:2"),
        ];
        for (url, want) in cases {
            assert_eq!(chosen(&proxies, url).as_deref(), Some(want), "{url}");
        }
        proxies.remove("http");
        assert_eq!(
            chosen(&proxies, "http://a.test/").as_deref(),
            Some("http://everything.test:1")
        );
        for bad in [
            "ftp",
            "ftp://a.test",
            "https://",
            "https://a.test/path",
            "https://u@a.test",
        ] {
            assert!(proxies.set(bad, "http://p.test").is_err(), "{bad}");
        }
        // Explicit proxies go to loopback too: only NO_PROXY, when set, says otherwise.
        assert_eq!(
            chosen(&proxies, "http://127.0.0.1/").as_deref(),
            Some("http://everything.test:1")
        );
    }
}
