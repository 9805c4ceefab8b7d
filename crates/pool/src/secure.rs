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

use crate::{Error, PoolBuilder, Proxy, SendOptions};

/// Whether this build speaks `https`.
pub(crate) const HTTPS: bool = cfg!(feature = "tls");

/// The byte stream of a connection.
#[derive(Debug)]
pub(crate) enum Io {
    Plain(crate::plain::PlainSocket),
    #[cfg(feature = "tls")]
    Tls(Box<crate::tls_stream::TlsStream<TcpStream>>),
    /// TLS to an origin inside TLS to a proxy.
    #[cfg(feature = "tls")]
    Nested(Box<crate::tls_stream::TlsStream<Io>>),
}

impl Io {
    /// The TCP socket underneath, for the liveness check.
    pub(crate) fn tcp(&self) -> &TcpStream {
        match self {
            Io::Plain(s) => s.tcp(),
            #[cfg(feature = "tls")]
            Io::Tls(s) => s.get_ref(),
            #[cfg(feature = "tls")]
            Io::Nested(s) => s.get_ref().tcp(),
        }
    }

    /// Gives a TLS stream its buffers for the exchange that starts.
    #[cfg(feature = "tls")]
    pub(crate) fn lend(&mut self, buffers: crate::tls_stream::TlsBuffers) {
        match self {
            Io::Plain(_) => {}
            Io::Tls(s) => s.lend(buffers),
            Io::Nested(s) => s.lend(buffers),
        }
    }

    /// Takes a TLS stream's buffers back as its connection goes idle.
    #[cfg(feature = "tls")]
    pub(crate) fn take_back(&mut self) -> crate::tls_stream::TlsBuffers {
        match self {
            Io::Plain(_) => crate::tls_stream::TlsBuffers::default(),
            Io::Tls(s) => s.take_back(),
            Io::Nested(s) => {
                // TLS to the proxy underneath lets its buffers go (freed, not kept: a tunnel
                // is the rarer case), and allocates again as it is next used.
                let _ = s.get_mut().take_back();
                s.take_back()
            }
        }
    }

    /// The socket of a plain-TCP connection, which a blocking caller reads itself.
    pub(crate) fn plain_mut(&mut self) -> Option<&mut crate::plain::PlainSocket> {
        match self {
            Io::Plain(s) => Some(s),
            #[cfg(feature = "tls")]
            _ => None,
        }
    }

    /// Whether an idle connection's socket has nothing to say: only "would block" is alive.
    pub(crate) fn is_quiet(&self) -> bool {
        match self {
            Io::Plain(s) => s.is_quiet(),
            #[cfg(feature = "tls")]
            _ => crate::plain::is_quiet(self.tcp()),
        }
    }

    /// Whether TLS, if any, lets the connection carry another exchange.
    pub(crate) fn is_reusable(&self) -> bool {
        match self {
            Io::Plain(_) => true,
            #[cfg(feature = "tls")]
            Io::Tls(s) => s.is_reusable(),
            #[cfg(feature = "tls")]
            Io::Nested(s) => s.is_reusable() && s.get_ref().is_reusable(),
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
            #[cfg(feature = "tls")]
            Io::Nested(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
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
            #[cfg(feature = "tls")]
            Io::Nested(s) => Pin::new(s.as_mut()).poll_write(cx, data),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Plain(s) => Pin::new(s).poll_flush(cx),
            #[cfg(feature = "tls")]
            Io::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            #[cfg(feature = "tls")]
            Io::Nested(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Io::Plain(s) => Pin::new(s).poll_shutdown(cx),
            #[cfg(feature = "tls")]
            Io::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            #[cfg(feature = "tls")]
            Io::Nested(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// What opening a connection for a key takes besides its address: how it reaches the origin
/// (straight, forwarded by a proxy, or through a tunnel), and the TLS configuration of an
/// https origin.
#[derive(Debug, Clone, Default)]
pub(crate) struct Route {
    /// TLS to the host the key names: the origin, or the proxy when requests are forwarded.
    #[cfg(feature = "tls")]
    tls: Option<crate::tls_registry::TlsConfig>,
    pub(crate) via: Via,
}

/// How a connection reaches its origin.
#[derive(Debug, Clone, Default)]
pub(crate) enum Via {
    /// Straight to the origin.
    #[default]
    Direct,
    /// To an HTTP proxy that forwards `http://` requests (the key names the proxy).
    Forward(Proxy),
    /// To a proxy, then through a tunnel (`CONNECT` or SOCKS5) to the origin the key names.
    Tunnel {
        proxy: Proxy,
        /// TLS to the proxy itself, for an `https://` proxy.
        #[cfg(feature = "tls")]
        proxy_tls: Option<crate::tls_registry::TlsConfig>,
    },
}

/// A stream made ready for HTTP, and whether its TLS handshake resumed a session (`None`:
/// no TLS to the origin).
pub(crate) struct Secured {
    pub(crate) io: Io,
    pub(crate) resumed: Option<bool>,
    /// How long the tunnel through a proxy took to set up, if there is one.
    pub(crate) tunnel: Option<Duration>,
    /// How long the TLS handshake with the origin took.
    pub(crate) handshake: Duration,
}

/// TLS for `host` over `io` when `tls` says so, the handshake bounded by `timeout` (a server
/// that accepts TCP and never answers the ClientHello must not hang the request).
#[cfg_attr(not(feature = "tls"), allow(clippy::unused_async))]
async fn wrap(
    #[cfg(feature = "tls")] tls: Option<&crate::tls_registry::TlsConfig>,
    host: &str,
    io: Io,
    timeout: Duration,
) -> Result<Secured, Error> {
    let started = std::time::Instant::now();
    #[cfg(feature = "tls")]
    if let Some(tls) = tls {
        let config = std::sync::Arc::clone(&tls.config);
        let timed_out = || Error::Timeout(crate::Phase::Tls);
        let (io, resumed) = match io {
            Io::Plain(plain) => {
                let tcp = plain
                    .into_tcp()
                    .map_err(|e| Error::Io(crate::Phase::Tls, e))?;
                let handshake = crate::tls::handshake(config, host, tcp);
                let stream = tokio::time::timeout(timeout, handshake)
                    .await
                    .map_err(|_| timed_out())??;
                let resumed = crate::tls::resumed(&stream);
                (Io::Tls(Box::new(stream)), resumed)
            }
            // TLS to the origin inside TLS to a proxy.
            other => {
                let handshake = crate::tls::handshake(config, host, other);
                let stream = tokio::time::timeout(timeout, handshake)
                    .await
                    .map_err(|_| timed_out())??;
                let resumed = crate::tls::resumed(&stream);
                (Io::Nested(Box::new(stream)), resumed)
            }
        };
        return Ok(Secured {
            io,
            resumed: Some(resumed),
            tunnel: None,
            handshake: started.elapsed(),
        });
    }
    let _ = (host, timeout);
    Ok(Secured {
        io,
        resumed: None,
        tunnel: None,
        handshake: started.elapsed(),
    })
}

impl Route {
    /// Makes `tcp`, open to the host or proxy this route connects to, the connection's stream
    /// to `origin`: TLS to the proxy, the tunnel, and TLS to the origin, as the route says.
    /// `limits` bound the proxy's answer to `CONNECT`; `timeout` bounds each handshake and
    /// `deadline` the tunnel's setup.
    pub(crate) async fn establish(
        &self,
        origin: (&str, u16),
        tcp: TcpStream,
        (timeout, deadline): (Duration, tokio::time::Instant),
        limits: tarry_wire::Limits,
    ) -> Result<Secured, Error> {
        match &self.via {
            Via::Direct | Via::Forward(_) => {
                let host = match &self.via {
                    Via::Forward(proxy) => proxy.host(),
                    _ => origin.0,
                };
                wrap(
                    #[cfg(feature = "tls")]
                    self.tls.as_ref(),
                    host,
                    Io::Plain(crate::plain::PlainSocket::new(tcp)),
                    timeout,
                )
                .await
            }
            Via::Tunnel {
                proxy,
                #[cfg(feature = "tls")]
                proxy_tls,
            } => {
                let to_proxy = wrap(
                    #[cfg(feature = "tls")]
                    proxy_tls.as_ref(),
                    proxy.host(),
                    Io::Plain(crate::plain::PlainSocket::new(tcp)),
                    timeout,
                )
                .await?;
                let started = std::time::Instant::now();
                let mut io = to_proxy.io;
                if proxy.is_socks() {
                    crate::tunnel::socks5(&mut io, proxy, origin, deadline).await?;
                } else {
                    crate::tunnel::connect(&mut io, proxy, origin, limits, deadline).await?;
                }
                let tunnel = started.elapsed();
                let secured = wrap(
                    #[cfg(feature = "tls")]
                    self.tls.as_ref(),
                    origin.0,
                    io,
                    timeout,
                )
                .await?;
                Ok(Secured {
                    tunnel: Some(tunnel),
                    ..secured
                })
            }
        }
    }

    /// The host and port the connection opens to: the proxy's, or the origin's.
    pub(crate) fn connects_to<'a>(&'a self, origin: (&'a str, u16)) -> (&'a str, u16) {
        match &self.via {
            Via::Direct => origin,
            Via::Forward(proxy) | Via::Tunnel { proxy, .. } => (proxy.host(), proxy.port()),
        }
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

    /// The number of the TLS settings for the key (0 without TLS) and the route, for a
    /// request with these options to an origin of this scheme, through `proxy` if any.
    pub(crate) fn route(
        &self,
        https: bool,
        options: &SendOptions,
        proxy: Option<&Proxy>,
    ) -> Result<(u32, Route), Error> {
        #[cfg(feature = "tls")]
        let routed = {
            // A proxy is spoken to under the pool's own TLS settings; the origin under the
            // request's.
            let to_proxy = |p: &Proxy| -> Result<Option<crate::tls_registry::TlsConfig>, Error> {
                match p.kind() {
                    crate::ProxyKind::Https => Ok(Some(self.registry.config(None)?)),
                    _ => Ok(None),
                }
            };
            let origin = if https {
                Some(self.registry.config(options.tls.as_ref())?)
            } else {
                None
            };
            let id =
                |tls: &Option<crate::tls_registry::TlsConfig>| tls.as_ref().map_or(0, |t| t.id);
            match proxy {
                None => (
                    id(&origin),
                    Route {
                        tls: origin,
                        via: Via::Direct,
                    },
                ),
                Some(p) if !https && p.forwards_http() => {
                    let tls = to_proxy(p)?;
                    (
                        id(&tls),
                        Route {
                            tls,
                            via: Via::Forward(p.clone()),
                        },
                    )
                }
                Some(p) => (
                    id(&origin),
                    Route {
                        tls: origin,
                        via: Via::Tunnel {
                            proxy: p.clone(),
                            proxy_tls: to_proxy(p)?,
                        },
                    },
                ),
            }
        };
        #[cfg(not(feature = "tls"))]
        let routed = {
            let _ = (https, options);
            let via = match proxy {
                None => Via::Direct,
                Some(p) if p.forwards_http() => Via::Forward(p.clone()),
                Some(p) => Via::Tunnel { proxy: p.clone() },
            };
            (0, Route { via })
        };
        Ok(routed)
    }
}
