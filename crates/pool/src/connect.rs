//! Resolving and connecting, with an override map (curl's `--resolve`) and a timeout.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpStream;

use crate::error::Phase;
use crate::{Error, PoolKey};

/// Where to connect for a key: the override for `(host, port)` if there is one, else DNS.
pub(crate) async fn resolve(
    key: &PoolKey,
    overrides: &HashMap<(String, u16), SocketAddr>,
) -> Result<Vec<SocketAddr>, Error> {
    if let Some(addr) = overrides.get(&(key.host.clone(), key.port)) {
        return Ok(vec![*addr]);
    }
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((key.host.as_str(), key.port))
        .await
        .map_err(|e| Error::Io(Phase::Resolve, e))?
        .collect();
    if addrs.is_empty() {
        return Err(Error::NoAddress);
    }
    Ok(addrs)
}

/// Connects to the first address that answers, each attempt bounded by `timeout`.
pub(crate) async fn connect(addrs: &[SocketAddr], timeout: Duration) -> Result<TcpStream, Error> {
    let mut last = Error::NoAddress;
    for addr in addrs {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                // Requests are written in one piece; Nagle would only delay them.
                stream
                    .set_nodelay(true)
                    .map_err(|e| Error::Io(Phase::Connect, e))?;
                return Ok(stream);
            }
            Ok(Err(e)) => last = Error::Io(Phase::Connect, e),
            Err(_) => last = Error::Timeout(Phase::Connect),
        }
    }
    Err(last)
}
