//! The scenarios, each with tarry's target as a share of the raw floor.

use std::net::SocketAddr;

use tarry_cli::server::HOST;

/// One way of loading the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scenario {
    /// One request at a time on one kept-alive connection, 13-byte bodies.
    Sequential,
    /// Sixteen tasks sharing one client (the raw floor: sixteen sockets), 13-byte bodies.
    Tasks16,
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
    /// One request at a time on one kept-alive connection, a large body read whole (into one
    /// buffer) or streamed (piece by piece as it arrives, each piece dropped).
    Large {
        body: Large,
        tls: bool,
        streamed: bool,
    },
}

/// The sizes of [`Scenario::Large`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Large {
    K64,
    M1,
    M16,
}

impl Large {
    pub(crate) fn bytes(self) -> usize {
        match self {
            Large::K64 => 64 * 1024,
            Large::M1 => 1024 * 1024,
            Large::M16 => 16 * 1024 * 1024,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Large::K64 => "64 KiB",
            Large::M1 => "1 MiB",
            Large::M16 => "16 MiB",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Large::K64 => "64k",
            Large::M1 => "1m",
            Large::M16 => "16m",
        }
    }
}

/// The body of every scenario but [`Scenario::Large`].
pub(crate) const SMALL_BODY: usize = 13;

/// [`Scenario::Large`] for each size, scheme and way of reading.
const fn large(body: Large, tls: bool, streamed: bool) -> Scenario {
    Scenario::Large {
        body,
        tls,
        streamed,
    }
}

impl Scenario {
    pub(crate) const ALL: [Scenario; 19] = [
        Scenario::Sequential,
        Scenario::Tasks16,
        large(Large::K64, false, false),
        Scenario::Https,
        Scenario::HttpsFresh,
        Scenario::ProxyForward,
        Scenario::ProxyTunnel,
        Scenario::ProxyTunnelFresh,
        large(Large::K64, false, true),
        large(Large::M1, false, false),
        large(Large::M1, false, true),
        large(Large::M16, false, false),
        large(Large::M16, false, true),
        large(Large::K64, true, false),
        large(Large::K64, true, true),
        large(Large::M1, true, false),
        large(Large::M1, true, true),
        large(Large::M16, true, false),
        large(Large::M16, true, true),
    ];

    pub(crate) fn label(self) -> String {
        match self {
            Scenario::Sequential => "http keep-alive, 13 B".into(),
            Scenario::Tasks16 => "http keep-alive, 16 tasks".into(),
            Scenario::Https => "https keep-alive, 13 B".into(),
            Scenario::HttpsFresh => "https fresh, resumed".into(),
            Scenario::ProxyForward => "http keep-alive via a proxy, 13 B".into(),
            Scenario::ProxyTunnel => "https keep-alive via CONNECT, 13 B".into(),
            Scenario::ProxyTunnelFresh => "https fresh via CONNECT, resumed".into(),
            Scenario::Large {
                body,
                tls,
                streamed,
            } => format!(
                "{} keep-alive, {}{}",
                if tls { "https" } else { "http" },
                body.name(),
                if streamed { ", streamed" } else { "" }
            ),
        }
    }

    /// A short name for `--only` and the JSON output.
    pub(crate) fn key(self) -> String {
        match self {
            Scenario::Sequential => "seq".into(),
            Scenario::Tasks16 => "tasks16".into(),
            Scenario::Https => "https".into(),
            Scenario::HttpsFresh => "https-fresh".into(),
            Scenario::ProxyForward => "proxy".into(),
            Scenario::ProxyTunnel => "proxy-tunnel".into(),
            Scenario::ProxyTunnelFresh => "proxy-tunnel-fresh".into(),
            Scenario::Large {
                body,
                tls,
                streamed,
            } => format!(
                "{}body{}{}",
                if tls { "https-" } else { "" },
                body.key(),
                if streamed { "-stream" } else { "" }
            ),
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
            Scenario::Large { body, .. } => body.bytes(),
            _ => SMALL_BODY,
        }
    }

    /// Rounds to run when the others run `base`: four times as many for 16 MiB bodies.
    ///
    /// One round of a 16 MiB cell is about 75 responses on a connection of its own, and
    /// its rate moves by 10–15% from round to round (by 1–5% in the other cells): the
    /// kernel's copies are nearly all of the time, and how they interleave with the
    /// server's depends on the connection. Four times the rounds halve the uncertainty of
    /// the median, so that a lead of a few percent is measured as one.
    pub(crate) fn rounds(self, base: u32) -> u32 {
        match self {
            Scenario::Large {
                body: Large::M16, ..
            } => base.saturating_mul(4),
            _ => base,
        }
    }

    /// Whether each body is read piece by piece instead of whole.
    pub(crate) fn streamed(self) -> bool {
        matches!(self, Scenario::Large { streamed: true, .. })
    }

    pub(crate) fn tls(self) -> bool {
        matches!(
            self,
            Scenario::Https
                | Scenario::HttpsFresh
                | Scenario::ProxyTunnel
                | Scenario::ProxyTunnelFresh
                | Scenario::Large { tls: true, .. }
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
            | Scenario::Large { .. }
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
    /// A server other than the embedded one (`--server`), whose response head is not known
    /// in advance.
    pub(crate) external: bool,
    pub(crate) tls: bool,
    pub(crate) fresh: bool,
    pub(crate) body_size: usize,
    /// Read each body piece by piece (dropping each piece) instead of whole.
    pub(crate) streamed: bool,
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
