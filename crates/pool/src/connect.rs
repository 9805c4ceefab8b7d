//! Resolving and connecting: addresses of both families raced with a head start for the first
//! (happy eyeballs, RFC 8305), each attempt bounded by the connect timeout.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::task::JoinSet;

use crate::Error;
use crate::error::Phase;

/// The addresses of the key's host, from DNS.
pub(crate) async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, Error> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| Error::Io(Phase::Resolve, e))?
        .collect();
    if addrs.is_empty() {
        return Err(Error::NoAddress);
    }
    Ok(addrs)
}

/// The resolver's order, with the families alternating from the first address's family on
/// (RFC 8305 §4), so that one dead family costs one delay, not one timeout per address.
fn interleave(addrs: Vec<SocketAddr>) -> Vec<SocketAddr> {
    let Some(first) = addrs.first() else {
        return addrs;
    };
    let first_v6 = first.is_ipv6();
    let (mut same, mut other): (Vec<_>, Vec<_>) =
        addrs.into_iter().partition(|a| a.is_ipv6() == first_v6);
    let mut out = Vec::with_capacity(same.len() + other.len());
    same.reverse();
    other.reverse();
    loop {
        match (same.pop(), other.pop()) {
            (None, None) => return out,
            (a, b) => out.extend(a.into_iter().chain(b)),
        }
    }
}

/// Connects to the first address that answers. Attempts start in order, each `delay` after
/// the last one (or as soon as it fails); the first to connect wins and the others are
/// dropped. Every attempt is bounded by `timeout`.
pub(crate) async fn connect(
    addrs: Vec<SocketAddr>,
    timeout: Duration,
    delay: Duration,
) -> Result<TcpStream, Error> {
    if let [addr] = addrs[..] {
        // One address (the common case, and every resolve override): no race to run.
        let stream = match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => return Err(Error::Io(Phase::Connect, e)),
            Err(_) => return Err(Error::Timeout(Phase::Connect)),
        };
        return nodelay(stream);
    }
    let mut pending = interleave(addrs).into_iter();
    let mut attempts = JoinSet::new();
    let mut last = Error::NoAddress;
    loop {
        if let Some(addr) = pending.next() {
            attempts.spawn(async move {
                match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
                    Ok(Ok(stream)) => Ok(stream),
                    Ok(Err(e)) => Err(Error::Io(Phase::Connect, e)),
                    Err(_) => Err(Error::Timeout(Phase::Connect)),
                }
            });
        }
        let more = pending.len() > 0;
        let finished = if more {
            match tokio::time::timeout(delay, attempts.join_next()).await {
                Ok(finished) => finished,
                Err(_) => continue, // no answer yet: start the next address alongside
            }
        } else {
            attempts.join_next().await
        };
        match finished {
            // Dropping `attempts` aborts the others.
            Some(Ok(Ok(stream))) => return nodelay(stream),
            Some(Ok(Err(e))) => last = e,
            Some(Err(join)) => last = Error::Io(Phase::Connect, std::io::Error::other(join)),
            None if !more => return Err(last),
            None => {}
        }
    }
}

/// Requests are written in one piece; Nagle's algorithm would only delay them.
fn nodelay(stream: TcpStream) -> Result<TcpStream, Error> {
    stream
        .set_nodelay(true)
        .map_err(|e| Error::Io(Phase::Connect, e))?;
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::interleave;
    use std::net::SocketAddr;

    #[test]
    fn families_alternate_from_the_first_address_on() {
        let a = |s: &str| s.parse::<SocketAddr>().unwrap();
        let got = interleave(vec![
            a("[::1]:1"),
            a("[::2]:1"),
            a("[::3]:1"),
            a("127.0.0.1:1"),
        ]);
        let want = vec![a("[::1]:1"), a("127.0.0.1:1"), a("[::2]:1"), a("[::3]:1")];
        assert_eq!(got, want);
        assert_eq!(interleave(vec![a("127.0.0.2:1")]), vec![a("127.0.0.2:1")]);
        assert!(interleave(Vec::new()).is_empty());
    }
}
