//! hyper-util's legacy `Client` (HTTP/1.1) over hyper-rustls, given a config from
//! [`crate::tls`] with `with_tls_config`. Its `HttpConnector` takes a resolver as a tower
//! `Service<Name>`; [`Loopback`] is that, knowing only [`HOST`]. One `Client` per cell, cloned
//! into every task; fresh means `pool_max_idle_per_host(0)`, the connector's one `ClientConfig`
//! resuming sessions.

use std::future::{Ready, ready};
use std::net::{Ipv4Addr, SocketAddr};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::Uri;
use http_body_util::{BodyExt, Empty};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::rt::TokioExecutor;
use tarry_cli::server::HOST;

use crate::error::Error;
use crate::measure::Worker;
use crate::scenario::Target;

/// Resolves [`HOST`] to 127.0.0.1 and nothing else. Port 0 tells the connector to use the
/// URL's port.
#[derive(Clone, Debug)]
pub(crate) struct Loopback;

impl tower_service::Service<Name> for Loopback {
    type Response = std::iter::Once<SocketAddr>;
    type Error = std::io::Error;
    type Future = Ready<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        ready(if name.as_str() == HOST {
            Ok(std::iter::once(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))))
        } else {
            Err(std::io::Error::other(format!("{name} is not {HOST}")))
        })
    }
}

type Connector = HttpsConnector<HttpConnector<Loopback>>;

/// One task's handle on the shared client.
#[derive(Clone)]
pub(crate) struct Hyper {
    client: Client<Connector, Empty<Bytes>>,
    uri: Uri,
    /// Read each body piece by piece instead of whole.
    streamed: bool,
}

impl Hyper {
    pub(crate) fn workers(target: &Target, tasks: usize) -> Result<Vec<Hyper>, Error> {
        let mut http = HttpConnector::new_with_resolver(Loopback);
        http.enforce_http(false); // the TLS layer above takes https URLs
        http.set_nodelay(true);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(crate::tls::client_config(&target.ca_pem)?)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let mut builder = Client::builder(TokioExecutor::new());
        if target.fresh {
            builder.pool_max_idle_per_host(0);
        }
        let one = Hyper {
            client: builder.build(connector),
            uri: target.url().parse()?,
            streamed: target.streamed,
        };
        Ok(vec![one; tasks])
    }
}

impl Worker for Hyper {
    async fn exchange(&mut self) -> Result<usize, Error> {
        let response = self.client.get(self.uri.clone()).await?;
        if response.status() != 200 {
            return Err(Error::new(format!("status {}", response.status())));
        }
        let mut body = response.into_body();
        if self.streamed {
            let mut seen = 0;
            while let Some(frame) = body.frame().await {
                if let Some(piece) = frame?.data_ref() {
                    seen += piece.len();
                }
            }
            return Ok(seen);
        }
        Ok(body.collect().await?.to_bytes().len())
    }
}
