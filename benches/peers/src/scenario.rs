//! The five scenarios, each with tarry's target as a share of the raw floor.

use std::net::SocketAddr;

use tarry_cli::server::HOST;

/// One way of loading the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scenario {
    /// One request at a time on one kept-alive connection, 13-byte bodies.
    Sequential,
    /// Sixteen tasks sharing one client (the raw floor: sixteen sockets), 13-byte bodies.
    Tasks16,
    /// One request at a time, kept alive, 64 KiB bodies.
    Body64K,
    /// One request at a time on one kept-alive TLS connection, 13-byte bodies.
    Https,
    /// A new TCP connection and TLS handshake per request, resumed where the peer can.
    HttpsFresh,
    /// One request at a time through an HTTP proxy that forwards it, kept alive, 13 B.
    ProxyForward,
    /// One request at a time through a `CONNECT` tunnel with TLS inside, kept alive, 13 B.
    ProxyTunnel,
    /// A new tunnel (proxy connect, `CONNECT`, TLS handshake, resumed) per request, 13 B.
    ProxyTunnelFresh,
}

/// The body of every scenario but [`Scenario::Body64K`].
pub(crate) const SMALL_BODY: usize = 13;
/// The body of [`Scenario::Body64K`].
pub(crate) const LARGE_BODY: usize = 64 * 1024;

impl Scenario {
    pub(crate) const ALL: [Scenario; 8] = [
        Scenario::Sequential,
        Scenario::Tasks16,
        Scenario::Body64K,
        Scenario::Https,
        Scenario::HttpsFresh,
        Scenario::ProxyForward,
        Scenario::ProxyTunnel,
        Scenario::ProxyTunnelFresh,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Scenario::Sequential => "http keep-alive, 13 B",
            Scenario::Tasks16 => "http keep-alive, 16 tasks",
            Scenario::Body64K => "http keep-alive, 64 KiB",
            Scenario::Https => "https keep-alive, 13 B",
            Scenario::HttpsFresh => "https fresh, resumed",
            Scenario::ProxyForward => "http keep-alive via a proxy, 13 B",
            Scenario::ProxyTunnel => "https keep-alive via CONNECT, 13 B",
            Scenario::ProxyTunnelFresh => "https fresh via CONNECT, resumed",
        }
    }

    /// A short name for `--only` and the JSON output.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Scenario::Sequential => "seq",
            Scenario::Tasks16 => "tasks16",
            Scenario::Body64K => "body64k",
            Scenario::Https => "https",
            Scenario::HttpsFresh => "https-fresh",
            Scenario::ProxyForward => "proxy",
            Scenario::ProxyTunnel => "proxy-tunnel",
            Scenario::ProxyTunnelFresh => "proxy-tunnel-fresh",
        }
    }

    pub(crate) fn tasks(self) -> usize {
        match self {
            Scenario::Tasks16 => 16,
            _ => 1,
        }
    }

    pub(crate) fn body_size(self) -> usize {
        match self {
            Scenario::Body64K => LARGE_BODY,
            _ => SMALL_BODY,
        }
    }

    pub(crate) fn tls(self) -> bool {
        matches!(
            self,
            Scenario::Https
                | Scenario::HttpsFresh
                | Scenario::ProxyTunnel
                | Scenario::ProxyTunnelFresh
        )
    }

    /// Whether the requests go through the servers' proxy.
    pub(crate) fn proxied(self) -> bool {
        matches!(
            self,
            Scenario::ProxyForward | Scenario::ProxyTunnel | Scenario::ProxyTunnelFresh
        )
    }

    /// A connection per request instead of one kept alive.
    pub(crate) fn fresh(self) -> bool {
        matches!(self, Scenario::HttpsFresh | Scenario::ProxyTunnelFresh)
    }

    /// tarry's target: its req/s as a share of the raw floor's.
    pub(crate) fn target(self) -> f64 {
        match self {
            Scenario::Sequential
            | Scenario::Body64K
            | Scenario::Https
            | Scenario::ProxyForward
            | Scenario::ProxyTunnel => 0.85,
            Scenario::Tasks16 => 0.75,
            Scenario::HttpsFresh | Scenario::ProxyTunnelFresh => 0.90,
        }
    }
}

/// Where and how one scenario's peers connect.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The server's socket: every peer routes [`HOST`] here itself.
    pub(crate) addr: SocketAddr,
    pub(crate) tls: bool,
    pub(crate) fresh: bool,
    pub(crate) body_size: usize,
    /// The run's CA (PEM), the only root any peer trusts.
    pub(crate) ca_pem: String,
    /// The proxy every request goes through, when the scenario has one.
    pub(crate) proxy: Option<SocketAddr>,
}

impl Target {
    /// The proxy's URL, when there is one.
    pub(crate) fn proxy_url(&self) -> Option<String> {
        self.proxy.map(|addr| format!("http://{addr}"))
    }
}

impl Target {
    /// The URL every peer asks for: by name, so TLS verifies the certificate for [`HOST`].
    pub(crate) fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{HOST}:{}/", self.addr.port())
    }
}
