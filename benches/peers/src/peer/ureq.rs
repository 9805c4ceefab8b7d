//! ureq 3, blocking, so run on threads (one per task). It builds its own rustls `ClientConfig`
//! from a `TlsConfig`: the run's CA as the only root (`RootCerts::Specific`) and ring as the
//! provider; the config is built once per agent, so its sessions resume. [`Loopback`] is a
//! resolver knowing only [`HOST`], given with `Agent::with_parts`. One `Agent` per cell, cloned
//! into every thread, its idle pool raised from 3 to 16 per host so that sixteen threads keep
//! their connections; fresh means `max_idle_connections_per_host(0)`.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use http::Uri;
use tarry_cli::server::HOST;
use ureq::Agent;
use ureq::config::Config;
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use crate::error::Error;
use crate::measure::BlockingWorker;
use crate::scenario::Target;

/// Idle connections the agent keeps per host in keep-alive scenarios: one per thread.
const IDLE_PER_HOST: usize = 16;

/// Resolves [`HOST`] to 127.0.0.1 and nothing else.
#[derive(Debug)]
pub(crate) struct Loopback;

impl Resolver for Loopback {
    fn resolve(
        &self,
        uri: &Uri,
        _: &Config,
        _: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        match (uri.host(), uri.port_u16()) {
            // The bench's name, and the proxy's address when there is one.
            (Some(HOST | "127.0.0.1"), Some(port)) => {
                let mut addrs = self.empty();
                addrs.push(SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
                Ok(addrs)
            }
            _ => Err(ureq::Error::HostNotFound),
        }
    }
}

/// One thread's handle on the shared agent.
#[derive(Clone)]
pub(crate) struct Ureq {
    agent: Agent,
    uri: Uri,
    /// Read each body piece by piece instead of whole.
    streamed: bool,
}

impl Ureq {
    pub(crate) fn workers(target: &Target, threads: usize) -> Result<Vec<Ureq>, Error> {
        let roots: Vec<Certificate<'static>> = crate::tls::ca_certificates(&target.ca_pem)?
            .iter()
            .map(|der| Certificate::from_der(der).to_owned())
            .collect();
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(RootCerts::Specific(Arc::new(roots)))
            .unversioned_rustls_crypto_provider(crate::tls::provider())
            .build();
        let idle = if target.fresh { 0 } else { IDLE_PER_HOST };
        let proxy = match target.proxy_url() {
            Some(url) => Some(ureq::Proxy::new(&url)?),
            None => None,
        };
        let config = Agent::config_builder()
            .tls_config(tls)
            .proxy(proxy)
            .max_idle_connections(idle)
            .max_idle_connections_per_host(idle)
            .build();
        let one = Ureq {
            agent: Agent::with_parts(config, DefaultConnector::default(), Loopback),
            uri: target.url().parse()?,
            streamed: target.streamed,
        };
        Ok(vec![one; threads])
    }
}

/// The buffer a streamed ureq read goes into, as the raw floor's.
const STREAM_PIECE: usize = 64 * 1024;

impl BlockingWorker for Ureq {
    fn exchange(&mut self) -> Result<usize, Error> {
        let mut response = self.agent.get(self.uri.clone()).call()?;
        if response.status() != 200 {
            return Err(Error::new(format!("status {}", response.status())));
        }
        // ureq caps a body read whole at 10 MB unless told otherwise.
        let body = response.body_mut().with_config().limit(u64::MAX);
        if self.streamed {
            let mut reader = body.reader();
            let (mut seen, mut piece) = (0, vec![0; STREAM_PIECE]);
            loop {
                match std::io::Read::read(&mut reader, &mut piece)? {
                    0 => return Ok(seen),
                    n => seen += n,
                }
            }
        }
        Ok(body.read_to_vec()?.len())
    }
}
