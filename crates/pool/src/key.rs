//! What makes two requests able to share a connection.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

/// The pool key: two requests share connections only when every part is equal. Besides the
/// origin it holds the identity of each setting that affects trust or routing: the TLS
/// settings (roots, client certificate, minimum version, verification) and the addresses a
/// resolve override sends the host to (POOL-05, POOL-06, TLS-08).
///
/// A key is looked up several times per request (idle store, connection slots, metrics) and
/// is held by every connection, its place under the host's cap and every response body, so it
/// is one shared pointer (cheap to clone, small to move) and hashes as one number computed
/// once.
#[derive(Clone)]
pub(crate) struct PoolKey(Arc<Fields>);

#[derive(Clone, PartialEq, Eq)]
struct Fields {
    // First, so that unequal keys almost always differ at the first comparison.
    hash: u64,
    scheme: &'static str,
    host: Box<str>,
    port: u16,
    tls: u32,
    addrs: Option<Arc<[SocketAddr]>>,
    /// The proxy connections of this key go through, credentials included: connections made
    /// with one proxy identity never carry requests meant for another.
    proxy: Option<crate::Proxy>,
    /// Whether the key names the proxy itself, which forwards requests for any origin.
    forward: bool,
}

impl std::fmt::Debug for PoolKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolKey")
            .field("scheme", &self.0.scheme)
            .field("host", &self.0.host)
            .field("port", &self.0.port)
            .field("tls", &self.0.tls)
            .field("addrs", &self.0.addrs)
            .field("proxy", &self.0.proxy)
            .field("forward", &self.0.forward)
            .finish()
    }
}

impl PartialEq for PoolKey {
    fn eq(&self, other: &Self) -> bool {
        // Requests to one route share the key the route memory handed out: one comparison.
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Eq for PoolKey {}

impl Hash for PoolKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.hash);
    }
}

impl PoolKey {
    /// The origin part of the key for a request URI; [`with_route`](Self::with_route) adds
    /// the rest.
    pub(crate) fn origin(uri: &http::Uri) -> Result<PoolKey, crate::Error> {
        let (scheme, default_port) = match uri.scheme_str() {
            Some("http") => ("http", 80),
            Some("https") if crate::secure::HTTPS => ("https", 443),
            Some("https") => return Err(crate::Error::InvalidUri("https needs the `tls` feature")),
            _ => return Err(crate::Error::InvalidUri("scheme must be http or https")),
        };
        let host = host_of(uri).ok_or(crate::Error::InvalidUri("no host"))?;
        // One rule for every use of the host (key, SNI, certificate check, cookies): lowercase,
        // brackets off an IPv6 literal, and no trailing dot (`localhost.` is `localhost`).
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches('.');
        Ok(PoolKey(Arc::new(Fields {
            // Not a map key until `with_route` seals it.
            hash: 0,
            scheme,
            host: host.to_ascii_lowercase().into(),
            port: uri.port_u16().unwrap_or(default_port),
            tls: 0,
            addrs: None,
            proxy: None,
            forward: false,
        })))
    }

    /// The key of connections to `proxy` that forward `http://` requests for any origin.
    pub(crate) fn forwarding(proxy: &crate::Proxy) -> PoolKey {
        let scheme = match proxy.kind() {
            crate::ProxyKind::Https => "https",
            _ => "http",
        };
        PoolKey(Arc::new(Fields {
            hash: 0,
            scheme,
            host: proxy.host().into(),
            port: proxy.port(),
            tls: 0,
            addrs: None,
            proxy: Some(proxy.clone()),
            forward: true,
        }))
    }

    /// This key reached through `proxy`, by a tunnel.
    pub(crate) fn through(mut self, proxy: &crate::Proxy) -> PoolKey {
        Arc::make_mut(&mut self.0).proxy = Some(proxy.clone());
        self
    }

    /// This key with the TLS settings' number and the resolve override's addresses.
    pub(crate) fn with_route(mut self, tls: u32, addrs: Option<Arc<[SocketAddr]>>) -> PoolKey {
        // Fresh from `origin`, so not shared: changed in place.
        let fields = Arc::make_mut(&mut self.0);
        fields.tls = tls;
        fields.addrs = addrs;
        // Keyed at random once per process, so that hosts chosen to collide (a redirect can
        // choose a host) cannot be: the maps then use this hash as it is.
        static KEYS: OnceLock<RandomState> = OnceLock::new();
        let keys = KEYS.get_or_init(RandomState::new);
        let f = &*fields;
        let hash = keys.hash_one((
            f.scheme, &*f.host, f.port, f.tls, &f.addrs, &f.proxy, f.forward,
        ));
        fields.hash = hash;
        self
    }

    /// `http` or `https`.
    pub(crate) fn scheme(&self) -> &'static str {
        self.0.scheme
    }

    /// The host: lowercase, without brackets or a trailing dot.
    pub(crate) fn host(&self) -> &str {
        &self.0.host
    }

    /// The port, the scheme's default when the URI has none.
    pub(crate) fn port(&self) -> u16 {
        self.0.port
    }

    /// The proxy this key's connections go through, if any.
    pub(crate) fn proxy(&self) -> Option<&crate::Proxy> {
        self.0.proxy.as_ref()
    }

    /// The proxy whose connection forwards this key's requests, if it is one: they are then
    /// written in absolute form, with the proxy's credentials.
    pub(crate) fn forwarded_by(&self) -> Option<&crate::Proxy> {
        self.0.proxy.as_ref().filter(|_| self.0.forward)
    }

    /// How events and per-origin counters name the key, without credentials:
    /// `scheme://host:port`, with ` via host:port` for a tunnel through a proxy, or
    /// `proxy host:port (forwarding)` for a proxy that forwards requests for any origin.
    pub(crate) fn label(&self) -> String {
        match (&self.0.proxy, self.0.forward) {
            (Some(p), true) => format!("proxy {}:{} (forwarding)", p.host(), p.port()),
            (Some(p), false) => format!(
                "{}://{}:{} via {}:{}",
                self.scheme(),
                self.host(),
                self.port(),
                p.host(),
                p.port()
            ),
            (None, _) => format!("{}://{}:{}", self.scheme(), self.host(), self.port()),
        }
    }

    /// Where a resolve override sent the host, if one did.
    pub(crate) fn addrs(&self) -> Option<&[SocketAddr]> {
        self.0.addrs.as_deref()
    }
}

/// Hashes a [`PoolKey`] as the number it carries: the maps of the pool look keys up several
/// times per request, and hashing that number again would only cost time.
pub(crate) type KeyHash = BuildHasherDefault<Prehashed>;

/// The hasher of [`KeyHash`].
#[derive(Debug, Default)]
pub(crate) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    // Only a `PoolKey`'s number is ever written; anything else still gets a sound hash.
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
}

/// The host of `uri` as [`http::Uri::host`] gives it, found faster for the common authority
/// without user information or an IPv6 literal: a byte scan instead of the general search,
/// which on a kept-alive request cost more than all the rest of the key.
fn host_of(uri: &http::Uri) -> Option<&str> {
    let authority = uri.authority()?.as_str();
    if authority.bytes().any(|b| b == b'@' || b == b'[') {
        return uri.host();
    }
    let end = authority
        .bytes()
        .position(|b| b == b':')
        .unwrap_or(authority.len());
    Some(&authority[..end])
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn the_fast_host_is_the_http_crates_host() {
        for text in [
            "http://a.test/",
            "http://a.test:8080/x",
            "https://A.Test.:443/",
            "http://127.0.0.1:1/",
            "http://[::1]:8080/",
            "http://[fe80::1]/",
            "http://user:pw@b.test:81/",
            "http://user@[::1]/",
            "http://a.test:/",
        ] {
            let uri: http::Uri = text.parse().unwrap();
            assert_eq!(host_of(&uri), uri.host(), "{text}");
        }
        let relative: http::Uri = "/only/a/path".parse().unwrap();
        assert_eq!(host_of(&relative), None);
    }
}
