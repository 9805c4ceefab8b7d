//! What makes two requests able to share a connection.

use std::net::SocketAddr;
use std::sync::Arc;

/// The pool key: two requests share connections only when every field is equal. Besides the
/// origin it holds the identity of each setting that affects trust or routing: the TLS
/// settings (roots, client certificate, minimum version, verification) and the address a
/// resolve override sends the host to (POOL-05, POOL-06, TLS-08).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PoolKey {
    /// `http` or `https`.
    pub scheme: &'static str,
    /// The host: lowercase, without brackets or a trailing dot.
    pub host: String,
    /// The port, the scheme's default when the URI has none.
    pub port: u16,
    /// The pool's number for the TLS settings the connection was made with; 0 for `http`.
    pub tls: u32,
    /// Where a resolve override sent the host, if one did.
    pub addrs: Option<Arc<[SocketAddr]>>,
}

impl PoolKey {
    /// The origin part of the key for a request URI (no TLS settings, no override yet).
    pub(crate) fn origin(uri: &http::Uri) -> Result<PoolKey, crate::Error> {
        let (scheme, default_port) = match uri.scheme_str() {
            Some("http") => ("http", 80),
            #[cfg(feature = "tls")]
            Some("https") => ("https", 443),
            #[cfg(not(feature = "tls"))]
            Some("https") => return Err(crate::Error::InvalidUri("https needs the `tls` feature")),
            _ => return Err(crate::Error::InvalidUri("scheme must be http or https")),
        };
        let host = uri.host().ok_or(crate::Error::InvalidUri("no host"))?;
        // One rule for every use of the host (key, SNI, certificate check, cookies): lowercase,
        // brackets off an IPv6 literal, and no trailing dot (`localhost.` is `localhost`).
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        Ok(PoolKey {
            scheme,
            host,
            port: uri.port_u16().unwrap_or(default_port),
            tls: 0,
            addrs: None,
        })
    }
}
