//! What makes two requests able to share a connection.

/// The pool key: scheme, host and port. A pool has one TLS setting, so no two connections
/// in it differ in trust; pools never share connections.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PoolKey {
    /// `http` (and `https` once TLS lands).
    pub scheme: &'static str,
    /// The host: lowercase, without brackets or a trailing dot.
    pub host: String,
    /// The port, the scheme's default when the URI has none.
    pub port: u16,
}

impl PoolKey {
    /// The key for a request URI.
    pub fn of(uri: &http::Uri) -> Result<PoolKey, crate::Error> {
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
        })
    }
}
