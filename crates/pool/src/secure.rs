//! Everything the pool's machinery does differently with and without the `tls` feature, in one
//! place: the byte stream of a connection, the route a key's connections are opened by, and
//! the shared TLS configurations. The rest of the pool calls these the same way either way;
//! the only other `cfg` sites are the public items that exist only with the feature
//! (`TlsSettings`, the TLS setters).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::{Error, PoolBuilder, SendOptions};

/// Whether this build speaks `https`.
pub(crate) const HTTPS: bool = cfg!(feature = "tls");

/// The byte stream of a connection.
#[derive(Debug)]
pub(crate) enum Io {
    Plain(TcpStream),
    #[cfg(feature = "tls")]
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl Io {
    /// The TCP socket underneath, for the liveness check.
    pub(crate) fn tcp(&self) -> &TcpStream {
        match self {
            Io::Plain(s) => s,
            #[cfg(feature = "tls")]
            Io::Tls(s) => s.get_ref().0,
        }
    }
}

// Both directions of one connection are polled from one task (the request body goes out
// while the socket is watched for an early response), so `Io` is a plain stream itself.
impl AsyncRead for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Plain(s) => Pin::new(s).poll_read(cx, buf),
            #[cfg(feature = "tls")]
            Io::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Io {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Io::Plain(s) => Pin::new(s).poll_write(cx, data),
            #[cfg(feature = "tls")]
            Io::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, data),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Plain(s) => Pin::new(s).poll_flush(cx),
            #[cfg(feature = "tls")]
            Io::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Plain(s) => Pin::new(s).poll_shutdown(cx),
            #[cfg(feature = "tls")]
            Io::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// What opening a connection for a key takes besides its address: the TLS configuration of
/// an https key, none for http.
#[derive(Debug, Clone, Default)]
pub(crate) struct Route {
    #[cfg(feature = "tls")]
    tls: Option<crate::tls_registry::TlsConfig>,
}

/// A stream made ready for HTTP, and whether its TLS handshake resumed a session (`None`:
/// no TLS).
pub(crate) struct Secured {
    pub(crate) io: Io,
    pub(crate) resumed: Option<bool>,
}

impl Route {
    /// Makes `tcp` the connection's stream: over TLS for `host` when the route says so, the
    /// handshake bounded by `timeout` (a server that accepts TCP and never answers the
    /// ClientHello must not hang the request).
    #[cfg_attr(not(feature = "tls"), allow(clippy::unused_async))]
    pub(crate) async fn secure(
        &self,
        host: &str,
        tcp: TcpStream,
        timeout: Duration,
    ) -> Result<Secured, Error> {
        #[cfg(feature = "tls")]
        if let Some(tls) = &self.tls {
            let handshake = crate::tls::handshake(std::sync::Arc::clone(&tls.config), host, tcp);
            let stream = match tokio::time::timeout(timeout, handshake).await {
                Ok(done) => done?,
                Err(_) => return Err(Error::Timeout(crate::Phase::Tls)),
            };
            let resumed = crate::tls::resumed(&stream);
            return Ok(Secured {
                io: Io::Tls(Box::new(stream)),
                resumed: Some(resumed),
            });
        }
        let _ = (host, timeout);
        Ok(Secured {
            io: Io::Plain(tcp),
            resumed: None,
        })
    }
}

/// The pool's TLS configurations: one shared rustls configuration per distinct settings, so
/// that fresh connections resume sessions, each numbered for the keys made under it.
#[derive(Debug)]
pub(crate) struct Trust {
    #[cfg(feature = "tls")]
    registry: crate::tls_registry::TlsRegistry,
}

impl Trust {
    pub(crate) fn new(config: &PoolBuilder) -> Trust {
        #[cfg(not(feature = "tls"))]
        let _ = config;
        Trust {
            #[cfg(feature = "tls")]
            registry: crate::tls_registry::TlsRegistry::new(config.tls.clone()),
        }
    }

    /// Whether a request with these options uses the pool's own TLS settings.
    pub(crate) fn own_settings(options: &SendOptions) -> bool {
        #[cfg(feature = "tls")]
        return options.tls.is_none();
        #[cfg(not(feature = "tls"))]
        {
            let _ = options;
            true
        }
    }

    /// The number of the TLS settings for the key (0 for http) and the route, for a request
    /// with these options to an origin of this scheme.
    pub(crate) fn route(&self, https: bool, options: &SendOptions) -> Result<(u32, Route), Error> {
        #[cfg(feature = "tls")]
        if https {
            let tls = self.registry.config(options.tls.as_ref())?;
            return Ok((tls.id, Route { tls: Some(tls) }));
        }
        let _ = (https, options);
        Ok((0, Route::default()))
    }
}
