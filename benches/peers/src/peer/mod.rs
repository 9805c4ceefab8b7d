//! The clients compared, each set up the same way: one client object per cell (for the raw
//! floor, one socket per task), the run's CA as the only root, [`HOST`](tarry_cli::server::HOST)
//! routed to 127.0.0.1 by the client itself, every body read to its end.

mod hyper;
mod raw;
mod reqwest;
mod tarry;
mod ureq;

use std::future::ready;

use crate::error::Error;
use crate::measure::{Plan, Runner, prepare_async, prepare_blocking};
use crate::scenario::Target;

/// One client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Peer {
    Raw,
    TarryPool,
    TarrySession,
    TarryBlocking,
    Reqwest,
    HyperUtil,
    Ureq,
}

impl Peer {
    /// The raw floor first: every other row is a share of it.
    pub(crate) const ALL: [Peer; 7] = [
        Peer::Raw,
        Peer::TarryPool,
        Peer::TarrySession,
        Peer::TarryBlocking,
        Peer::Reqwest,
        Peer::HyperUtil,
        Peer::Ureq,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Peer::Raw => "raw floor",
            Peer::TarryPool => "tarry-pool",
            Peer::TarrySession => "tarry-session",
            Peer::TarryBlocking => "tarry-session blocking",
            Peer::Reqwest => "reqwest 0.12",
            Peer::HyperUtil => "hyper-util 0.1",
            Peer::Ureq => "ureq 3",
        }
    }

    /// A short name for `--clients`.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Peer::Raw => "raw",
            Peer::TarryPool => "tarry-pool",
            Peer::TarrySession => "tarry-session",
            Peer::TarryBlocking => "tarry-blocking",
            Peer::Reqwest => "reqwest",
            Peer::HyperUtil => "hyper-util",
            Peer::Ureq => "ureq",
        }
    }

    /// Whether this client is measured in `scenario`: hyper-util's legacy client has no proxy
    /// support of its own, and ureq speaks to an HTTP proxy through `CONNECT` only, so it has
    /// no forwarding to measure.
    pub(crate) fn supports(self, scenario: crate::scenario::Scenario) -> bool {
        use crate::scenario::Scenario;
        match (self, scenario) {
            (Peer::HyperUtil, s) => !s.proxied(),
            (Peer::Ureq, Scenario::ProxyForward) => false,
            _ => true,
        }
    }

    pub(crate) fn is_tarry(self) -> bool {
        matches!(
            self,
            Peer::TarryPool | Peer::TarrySession | Peer::TarryBlocking
        )
    }

    /// This peer against `target` for one round, as `plan` says: built and warmed up, ready to
    /// be measured slice by slice.
    pub(crate) fn prepare(self, target: &Target, plan: &Plan) -> Result<Box<dyn Runner>, Error> {
        let tasks = plan.tasks;
        match self {
            Peer::Raw => prepare_async(plan, |n| raw::Raw::workers(target, n)),
            Peer::TarryPool => prepare_async(plan, |n| ready(tarry::TarryPool::workers(target, n))),
            Peer::TarrySession => {
                prepare_async(plan, |n| ready(tarry::TarrySession::workers(target, n)))
            }
            Peer::Reqwest => prepare_async(plan, |n| ready(reqwest::Reqwest::workers(target, n))),
            Peer::HyperUtil => prepare_async(plan, |n| ready(hyper::Hyper::workers(target, n))),
            Peer::TarryBlocking => {
                prepare_blocking(plan, tarry::TarryBlocking::workers(target, tasks.max(1))?)
            }
            Peer::Ureq => prepare_blocking(plan, ureq::Ureq::workers(target, tasks.max(1))?),
        }
    }
}
