//! tarry, three ways: `tarry-pool` driven directly (a `Request` in, the body out), the
//! requests-style `tarry-session` on top of it, and that session's blocking form on threads
//! like ureq. One client object per cell, cloned into every task; fresh means
//! `max_idle_per_host(0)`, the pool's one `ClientConfig` resuming sessions.

use bytes::Bytes;
use http::{Request, Uri};
use tarry_cli::server::HOST;
use tarry_pool::{Pool, Proxy, SendOptions};
use tarry_session::{Session, TlsSettings};

use crate::error::Error;
use crate::measure::{BlockingWorker, Worker};
use crate::scenario::Target;

/// One task's handle on the shared pool.
#[derive(Clone)]
pub(crate) struct TarryPool {
    pool: Pool,
    uri: Uri,
    options: SendOptions,
    streamed: bool,
}

impl TarryPool {
    pub(crate) fn workers(target: &Target, tasks: usize) -> Result<Vec<TarryPool>, Error> {
        let mut builder = Pool::builder()
            .resolve(HOST, target.addr.port(), target.addr)
            .add_root_certificates_pem(target.ca_pem.as_bytes())?
            .without_builtin_roots();
        if target.fresh {
            builder = builder.max_idle_per_host(0);
        }
        let options = match target.proxy_url() {
            Some(url) => SendOptions::new().proxy(Proxy::parse(&url)?),
            None => SendOptions::new(),
        };
        let one = TarryPool {
            pool: builder.build(),
            uri: target.url().parse()?,
            options,
            streamed: target.streamed,
        };
        Ok(vec![one; tasks])
    }
}

impl Worker for TarryPool {
    async fn exchange(&mut self) -> Result<usize, Error> {
        let request = Request::get(self.uri.clone()).body(())?;
        let mut response = self
            .pool
            .send_with(request, Bytes::new(), &self.options)
            .await?;
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

/// One task's handle on the shared session.
#[derive(Clone)]
pub(crate) struct TarrySession {
    session: Session,
    url: String,
    streamed: bool,
}

impl TarrySession {
    pub(crate) fn workers(target: &Target, tasks: usize) -> Result<Vec<TarrySession>, Error> {
        let one = TarrySession {
            session: Self::session(target)?,
            url: target.url(),
            streamed: target.streamed,
        };
        Ok(vec![one; tasks])
    }

    fn session(target: &Target) -> Result<Session, Error> {
        let tls = TlsSettings::new()
            .add_root_certificates_pem(target.ca_pem.as_bytes())?
            .without_builtin_roots();
        let mut builder =
            Session::builder()
                .tls(tls)
                .resolve(HOST, target.addr.port(), target.addr);
        if target.fresh {
            builder = builder.max_idle_per_host(0);
        }
        if let Some(url) = target.proxy_url() {
            builder = builder.proxy("all", &url);
        }
        Ok(builder.build()?)
    }
}

impl Worker for TarrySession {
    async fn exchange(&mut self) -> Result<usize, Error> {
        let mut response = self.session.get(&self.url).send().await?;
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

/// One thread's handle on the shared blocking session.
#[derive(Clone)]
pub(crate) struct TarryBlocking {
    session: tarry_session::blocking::Session,
    url: String,
    streamed: bool,
}

impl TarryBlocking {
    pub(crate) fn workers(target: &Target, threads: usize) -> Result<Vec<TarryBlocking>, Error> {
        let session = TarrySession::session(target)?;
        let one = TarryBlocking {
            session: tarry_session::blocking::Session::from_async(session),
            url: target.url(),
            streamed: target.streamed,
        };
        Ok(vec![one; threads])
    }
}

impl BlockingWorker for TarryBlocking {
    fn exchange(&mut self) -> Result<usize, Error> {
        let mut response = self.session.get(&self.url).send()?;
        if response.status() != 200 {
            return Err(Error::new(format!("status {}", response.status())));
        }
        if self.streamed {
            let mut seen = 0;
            while let Some(piece) = response.chunk()? {
                seen += piece.len();
            }
            return Ok(seen);
        }
        Ok(response.bytes()?.len())
    }
}
