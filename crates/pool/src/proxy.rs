//! A proxy to reach origins through: an HTTP proxy (plain or over TLS) that forwards `http://`
//! requests and tunnels everything else with `CONNECT`, or a SOCKS5 proxy.

use std::fmt;
use std::sync::Arc;

use http::HeaderValue;

use crate::Error;

/// How a proxy is spoken to.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProxyKind {
    /// `http://`: an HTTP proxy over plain TCP.
    Http,
    /// `https://`: an HTTP proxy over TLS (the proxy's certificate verified as any server's).
    Https,
    /// `socks5://`: SOCKS5, the origin's host name resolved here.
    Socks5,
    /// `socks5h://`: SOCKS5, the host name sent to the proxy to resolve.
    Socks5h,
}

/// A proxy, made from a URL such as `http://user:pass@proxy.internal:3128`.
///
/// - `http://` and `https://` proxies forward `http://` requests (written in absolute form,
///   with `Proxy-Authorization` when the proxy has credentials) over connections shared by
///   every origin behind the proxy, and tunnel `https://` requests with `CONNECT`, TLS to the
///   origin running inside the tunnel. [`tunnel_http`](Self::tunnel_http) tunnels `http://`
///   requests too.
/// - `socks5://` and `socks5h://` proxies connect to the origin for us (RFC 1928), with user
///   name and password when the URL has them (RFC 1929).
///
/// Credentials come from the URL's user information, percent-decoded. They never appear in
/// `Debug` output or in errors, and they go to the proxy only.
///
/// ```
/// use tarry_pool::{Proxy, ProxyKind};
///
/// let proxy = Proxy::parse("http://alice:s%40cret@proxy.internal:3128")?;
/// assert_eq!(proxy.kind(), ProxyKind::Http);
/// assert_eq!((proxy.host(), proxy.port()), ("proxy.internal", 3128));
/// assert!(!format!("{proxy:?}").contains("cret"));
/// assert_eq!(Proxy::parse("socks5h://127.0.0.1")?.port(), 1080);
/// # Ok::<(), tarry_pool::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Proxy(Arc<Fields>);

#[derive(Clone, PartialEq, Eq, Hash)]
struct Fields {
    kind: ProxyKind,
    host: Box<str>,
    port: u16,
    credentials: Option<(Box<str>, Box<str>)>,
    /// The `Proxy-Authorization` value sent to an HTTP proxy: from the credentials, or set.
    authorization: Option<HeaderValue>,
    tunnel_http: bool,
}

impl Proxy {
    /// A proxy from its URL: `http`, `https`, `socks5` or `socks5h`, a host, an optional port
    /// (default 80, 443 and 1080) and optional credentials. A path other than `/`, a query or
    /// a fragment is refused, since a proxy URL has none.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidProxy`], saying what is wrong; the message never holds the password.
    pub fn parse(url: &str) -> Result<Proxy, Error> {
        let bad = Error::InvalidProxy;
        let (scheme, rest) = url.split_once("://").ok_or(bad(
            "a proxy URL needs a scheme: http, https, socks5 or socks5h",
        ))?;
        let (kind, default_port) = match scheme.to_ascii_lowercase().as_str() {
            "http" => (ProxyKind::Http, 80),
            "https" => (ProxyKind::Https, 443),
            "socks5" => (ProxyKind::Socks5, 1080),
            "socks5h" => (ProxyKind::Socks5h, 1080),
            _ => {
                return Err(bad(
                    "the proxy scheme is not http, https, socks5 or socks5h",
                ));
            }
        };
        if kind == ProxyKind::Https && !crate::secure::HTTPS {
            return Err(bad("an https proxy needs the `tls` feature"));
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#']) {
            return Err(bad("a proxy URL has no path, query or fragment"));
        }
        let (userinfo, hostport) = match rest.rsplit_once('@') {
            Some((userinfo, hostport)) => (Some(userinfo), hostport),
            None => (None, rest),
        };
        let (host, port) =
            split_host_port(hostport).ok_or(bad("the proxy URL has no valid host"))?;
        let port = match port {
            Some(port) => port
                .parse()
                .map_err(|_| bad("the proxy port is not a number"))?,
            None => default_port,
        };
        let credentials = match userinfo {
            Some(info) => {
                let (user, password) = info.split_once(':').unwrap_or((info, ""));
                let decode = |s: &str| {
                    percent_decode(s).ok_or(bad(
                        "the proxy credentials are not valid percent-encoded UTF-8",
                    ))
                };
                Some((
                    decode(user)?.into_boxed_str(),
                    decode(password)?.into_boxed_str(),
                ))
            }
            None => None,
        };
        let mut fields = Fields {
            kind,
            host: host.to_ascii_lowercase().into_boxed_str(),
            port,
            credentials: None,
            authorization: None,
            tunnel_http: false,
        };
        if let Some((user, password)) = credentials {
            fields.authorization = Some(basic(&user, &password)?);
            fields.credentials = Some((user, password));
        }
        Ok(Proxy(Arc::new(fields)))
    }

    /// The same proxy with these credentials instead of those in its URL.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidProxy`] when they cannot be written in a header.
    pub fn with_credentials(self, user: &str, password: &str) -> Result<Proxy, Error> {
        let authorization = basic(user, password)?;
        let mut fields = Fields::clone(&self.0);
        fields.credentials = Some((user.into(), password.into()));
        fields.authorization = Some(authorization);
        Ok(Proxy(Arc::new(fields)))
    }

    /// The same proxy, with this `Proxy-Authorization` value sent to it instead of one made
    /// from its credentials (a caller's own header, a scheme other than Basic). SOCKS5
    /// proxies take user and password only, and ignore it.
    pub fn with_authorization(self, mut value: HeaderValue) -> Proxy {
        value.set_sensitive(true);
        let mut fields = Fields::clone(&self.0);
        fields.authorization = Some(value);
        Proxy(Arc::new(fields))
    }

    /// Whether `http://` requests go through a `CONNECT` tunnel too (default: forwarded in
    /// absolute form, which lets one connection to the proxy serve every origin).
    pub fn tunnel_http(self, tunnel: bool) -> Proxy {
        let mut fields = Fields::clone(&self.0);
        fields.tunnel_http = tunnel;
        Proxy(Arc::new(fields))
    }

    /// How the proxy is spoken to.
    pub fn kind(&self) -> ProxyKind {
        self.0.kind
    }

    /// The proxy's host, lowercase.
    pub fn host(&self) -> &str {
        &self.0.host
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.0.port
    }

    /// The proxy's URL, without its credentials.
    pub fn url(&self) -> String {
        let scheme = match self.0.kind {
            ProxyKind::Http => "http",
            ProxyKind::Https => "https",
            ProxyKind::Socks5 => "socks5",
            ProxyKind::Socks5h => "socks5h",
        };
        let host = &self.0.host;
        if host.contains(':') {
            format!("{scheme}://[{host}]:{}", self.0.port)
        } else {
            format!("{scheme}://{host}:{}", self.0.port)
        }
    }

    pub(crate) fn credentials(&self) -> Option<(&str, &str)> {
        self.0.credentials.as_ref().map(|(u, p)| (&**u, &**p))
    }

    pub(crate) fn authorization(&self) -> Option<&HeaderValue> {
        self.0.authorization.as_ref()
    }

    /// Whether `http://` requests are forwarded to this proxy rather than tunnelled.
    pub(crate) fn forwards_http(&self) -> bool {
        matches!(self.0.kind, ProxyKind::Http | ProxyKind::Https) && !self.0.tunnel_http
    }

    pub(crate) fn is_socks(&self) -> bool {
        matches!(self.0.kind, ProxyKind::Socks5 | ProxyKind::Socks5h)
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("url", &self.url())
            .field(
                "credentials",
                &self.0.credentials.as_ref().map(|_| "<hidden>"),
            )
            .field("tunnel_http", &self.0.tunnel_http)
            .finish()
    }
}

/// `Basic base64(user:password)`, marked sensitive.
fn basic(user: &str, password: &str) -> Result<HeaderValue, Error> {
    use base64::Engine;
    let pair = format!("{user}:{password}");
    let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
    let mut value = HeaderValue::try_from(format!("Basic {encoded}"))
        .map_err(|_| Error::InvalidProxy("the proxy credentials cannot be written in a header"))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Percent-decodes `s` into UTF-8 text; `None` for bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(s).decode_utf8().ok()?;
    // A `%` not followed by two hex digits is left as it is by the decoder; in a URL's user
    // information it is a mistake, and guessing would send the wrong password.
    let escapes_ok = s.match_indices('%').all(|(i, _)| {
        s.get(i + 1..i + 3)
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    escapes_ok.then(|| decoded.into_owned())
}

/// `host[:port]`, `[v6][:port]`: the host (brackets off) and the port text, if any.
fn split_host_port(s: &str) -> Option<(&str, Option<&str>)> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match s.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (s, None),
        }
    };
    let host = host.trim_end_matches('.');
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:".contains(&b));
    valid.then_some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_every_kind() {
        let p = Proxy::parse("HTTP://Proxy.Test:3128/").unwrap();
        assert_eq!(
            (p.kind(), p.host(), p.port()),
            (ProxyKind::Http, "proxy.test", 3128)
        );
        assert!(p.forwards_http() && p.credentials().is_none());
        #[cfg(feature = "tls")]
        assert_eq!(Proxy::parse("https://p.test").unwrap().port(), 443);
        #[cfg(not(feature = "tls"))]
        assert!(Proxy::parse("https://p.test").is_err());
        assert_eq!(Proxy::parse("http://p.test").unwrap().port(), 80);
        let s = Proxy::parse("socks5://[::1]:9050").unwrap();
        assert_eq!(
            (s.kind(), s.host(), s.port()),
            (ProxyKind::Socks5, "::1", 9050)
        );
        assert_eq!(s.url(), "socks5://[::1]:9050");
        assert!(s.is_socks() && !s.forwards_http());
        assert!(
            !Proxy::parse("http://p.test")
                .unwrap()
                .tunnel_http(true)
                .forwards_http()
        );
        for bad in [
            "p.test:3128",
            "ftp://p.test",
            "http://",
            "http://p.test:port",
            "http://p.test:99999",
            "http://p.test/path",
            "http://p.test/?q",
            "http://u:%zz@p.test",
            "http://p te.st",
        ] {
            assert!(Proxy::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn credentials_are_percent_decoded_hidden_and_written_as_basic() {
        let p = Proxy::parse("http://al%20ice:p%40ss%3Aword@p.test:8080").unwrap();
        assert_eq!(p.credentials(), Some(("al ice", "p@ss:word")));
        assert_eq!(p.authorization().unwrap(), "Basic YWwgaWNlOnBAc3M6d29yZA==");
        assert!(p.authorization().unwrap().is_sensitive());
        let shown = format!("{p:?}");
        assert!(
            !shown.contains("ss:word") && !shown.contains("al ice"),
            "{shown}"
        );
        let err = Proxy::parse("http://u:secret@p.test:x")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("secret"), "{err}");
    }
}
