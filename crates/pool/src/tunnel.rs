//! Tunnels through a proxy, on a connection already open to it: `CONNECT` (RFC 9110 §9.3.6)
//! for HTTP proxies, and the SOCKS5 handshake (RFC 1928, with RFC 1929's user and password).
//! When either returns, the stream carries bytes to and from the origin, and nothing of the
//! proxy's own answer is left over in it.

use std::net::IpAddr;

use bytes::BytesMut;
use http::header::PROXY_AUTHORIZATION;
use http::{HeaderMap, HeaderValue, Method, Uri, Version};
use tarry_wire::client::{AfterHead, AfterResponse, Call, ResponseEvent};
use tarry_wire::{RequestBody, RequestParts, TargetForm};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::{Instant, timeout_at};

use crate::connection::Io;
use crate::error::{Phase, ProxyError};
use crate::{Error, Proxy};

/// Asks the HTTP proxy on `io` for a tunnel to `host:port`, by `deadline`.
pub(crate) async fn connect(
    io: &mut Io,
    proxy: &Proxy,
    (host, port): (&str, u16),
    limits: tarry_wire::Limits,
    deadline: Instant,
) -> Result<(), Error> {
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let uri: Uri = authority
        .parse()
        .map_err(|_| Error::InvalidUri("the origin cannot be written as a CONNECT target"))?;
    let fields = HeaderMap::new();
    let auth: Vec<(http::HeaderName, HeaderValue)> = proxy
        .authorization()
        .map(|value| (PROXY_AUTHORIZATION, value.clone()))
        .into_iter()
        .collect();
    let parts =
        RequestParts::new(&Method::CONNECT, &uri, Version::HTTP_11, &fields).with_extra(&auth);
    let mut out = Vec::new();
    let wire = |e| Error::Protocol(Phase::Proxy, e);
    let head = Call::write_request(parts, RequestBody::None, TargetForm::Origin, &mut out);
    let AfterHead::RecvResponse(mut call) = head.map_err(wire)?.with_limits(limits) else {
        return Err(Error::InvalidUri("CONNECT sends no body"));
    };
    send(io, &out, deadline).await?;
    let mut buf = BytesMut::with_capacity(1024);
    loop {
        match call.read(&buf).map_err(wire)? {
            ResponseEvent::Final { consumed } => {
                let _ = buf.split_to(consumed);
                break;
            }
            ResponseEvent::Interim { consumed, .. } => {
                let _ = buf.split_to(consumed);
            }
            _ => {
                if within(deadline, io.read_buf(&mut buf)).await? == 0 {
                    return Err(wire(call.end_of_input(&buf)));
                }
            }
        }
    }
    let (head, next) = call
        .proceed()
        .map_err(wire)?
        .ok_or(wire(tarry_wire::Error::IncompleteHead))?;
    let status = head.status().as_u16();
    match next {
        // A tunnel: nothing may follow the proxy's head before the client speaks (a body, or
        // bytes meant to pass for the origin's), or the two ends disagree on the stream.
        AfterResponse::Upgrade(_) if buf.is_empty() => Ok(()),
        AfterResponse::Upgrade(_) => Err(Error::Proxy(ProxyError::TunnelDesync)),
        _ if status == 407 => Err(Error::Proxy(ProxyError::AuthenticationRequired)),
        _ => Err(Error::Proxy(ProxyError::Refused { status })),
    }
}

/// The SOCKS5 handshake on `io` for `host:port`, by `deadline`: the host name goes to the
/// proxy for `socks5h://`, and is resolved here first for `socks5://`.
pub(crate) async fn socks5(
    io: &mut Io,
    proxy: &Proxy,
    (host, port): (&str, u16),
    deadline: Instant,
) -> Result<(), Error> {
    let bad = |why| Error::Proxy(ProxyError::SocksProtocol(why));
    let credentials = proxy.credentials();
    // Greeting: no authentication, and user and password when we have them.
    let greeting: &[u8] = if credentials.is_some() {
        &[5, 2, 0, 2]
    } else {
        &[5, 1, 0]
    };
    send(io, greeting, deadline).await?;
    let mut choice = [0u8; 2];
    within(deadline, io.read_exact(&mut choice)).await?;
    match choice {
        [5, 0] => {}
        [5, 2] => {
            let (user, password) =
                credentials.ok_or(bad("the proxy chose a method not offered"))?;
            let (user, password) = (user.as_bytes(), password.as_bytes());
            let (Ok(ulen), Ok(plen)) = (u8::try_from(user.len()), u8::try_from(password.len()))
            else {
                return Err(bad("user name or password longer than 255 bytes"));
            };
            let mut auth = vec![1, ulen];
            auth.extend_from_slice(user);
            auth.push(plen);
            auth.extend_from_slice(password);
            send(io, &auth, deadline).await?;
            let mut status = [0u8; 2];
            within(deadline, io.read_exact(&mut status)).await?;
            if status[1] != 0 {
                return Err(Error::Proxy(ProxyError::SocksAuthenticationFailed));
            }
        }
        [5, 0xff] => return Err(Error::Proxy(ProxyError::SocksNoAcceptableMethod)),
        [5, _] => return Err(bad("the proxy chose a method not offered")),
        _ => return Err(bad("the proxy does not speak SOCKS5")),
    }
    let mut request = vec![5, 1, 0];
    let literal = host.parse::<IpAddr>().ok();
    let address = match (literal, proxy.kind()) {
        (Some(ip), _) => Some(ip),
        (None, crate::ProxyKind::Socks5) => {
            let lookup = tokio::net::lookup_host((host, port));
            let found = timeout_at(deadline, lookup)
                .await
                .map_err(|_| Error::Timeout(Phase::Resolve))?
                .map_err(|e| Error::Io(Phase::Resolve, e))?
                .next()
                .ok_or(Error::NoAddress)?;
            Some(found.ip())
        }
        (None, _) => None,
    };
    match address {
        Some(IpAddr::V4(v4)) => {
            request.push(1);
            request.extend_from_slice(&v4.octets());
        }
        Some(IpAddr::V6(v6)) => {
            request.push(4);
            request.extend_from_slice(&v6.octets());
        }
        None => {
            let len =
                u8::try_from(host.len()).map_err(|_| bad("host name longer than 255 bytes"))?;
            request.push(3);
            request.push(len);
            request.extend_from_slice(host.as_bytes());
        }
    }
    request.extend_from_slice(&port.to_be_bytes());
    send(io, &request, deadline).await?;
    let mut reply = [0u8; 4];
    within(deadline, io.read_exact(&mut reply)).await?;
    if reply[0] != 5 {
        return Err(bad("the reply is not SOCKS5"));
    }
    if reply[1] != 0 {
        return Err(Error::Proxy(ProxyError::Socks { code: reply[1] }));
    }
    // The address the proxy bound, which the client has no use for, read to its end so that
    // the stream starts with the origin's bytes.
    let rest = match reply[3] {
        1 => 4 + 2,
        4 => 16 + 2,
        3 => {
            let mut len = [0u8; 1];
            within(deadline, io.read_exact(&mut len)).await?;
            usize::from(len[0]) + 2
        }
        _ => return Err(bad("the reply has an unknown address type")),
    };
    let mut bound = [0u8; 255 + 2];
    within(deadline, io.read_exact(&mut bound[..rest])).await?;
    Ok(())
}

/// Writes `bytes` and flushes them: TLS to an https proxy may hold records the socket did not
/// take yet, and the proxy must see the whole message before it answers.
async fn send(io: &mut Io, bytes: &[u8], deadline: Instant) -> Result<(), Error> {
    within(deadline, async {
        io.write_all(bytes).await?;
        io.flush().await
    })
    .await
}

/// One step of a tunnel's setup, by `deadline`.
async fn within<T>(
    deadline: Instant,
    step: impl Future<Output = std::io::Result<T>>,
) -> Result<T, Error> {
    match timeout_at(deadline, step).await {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(e)) => Err(Error::Io(Phase::Proxy, e)),
        Err(_) => Err(Error::Timeout(Phase::Proxy)),
    }
}
