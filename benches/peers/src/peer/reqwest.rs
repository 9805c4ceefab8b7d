//! reqwest 0.12 (HTTP/1.1 only, no default features): rustls through
//! `use_preconfigured_tls` with a config from [`crate::tls`], [`HOST`] routed with `resolve`,
//! no proxy from the environment. One `Client` per cell, cloned into every task; fresh means
//! `pool_max_idle_per_host(0)`, the client's one `ClientConfig` resuming sessions.

use tarry_cli::server::HOST;

use crate::error::Error;
use crate::measure::Worker;
use crate::scenario::Target;

/// One task's handle on the shared client.
#[derive(Clone)]
pub(crate) struct Reqwest {
    client: reqwest::Client,
    url: reqwest::Url,
    /// Read each body piece by piece instead of whole.
    streamed: bool,
}

impl Reqwest {
    pub(crate) fn workers(target: &Target, tasks: usize) -> Result<Vec<Reqwest>, Error> {
        let mut builder = reqwest::Client::builder()
            .use_preconfigured_tls(crate::tls::client_config(&target.ca_pem)?)
            .resolve(HOST, target.addr)
            .no_proxy()
            .http1_only();
        if let Some(url) = target.proxy_url() {
            builder = builder.proxy(reqwest::Proxy::all(url)?);
        }
        if target.fresh {
            builder = builder.pool_max_idle_per_host(0);
        }
        let one = Reqwest {
            client: builder.build()?,
            url: target.url().parse()?,
            streamed: target.streamed,
        };
        Ok(vec![one; tasks])
    }
}

impl Worker for Reqwest {
    async fn exchange(&mut self) -> Result<usize, Error> {
        let mut response = self.client.get(self.url.clone()).send().await?;
        if response.status() != 200 {
            return Err(Error::new(format!("status {}", response.status())));
        }
        if self.streamed {
            let mut seen = 0;
            while let Some(piece) = response.chunk().await? {
                seen += piece.len();
            }
            return Ok(seen);
        }
        Ok(response.bytes().await?.len())
    }
}
